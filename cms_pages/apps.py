from django.apps import AppConfig


class CmsPagesConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "cms_pages"
    verbose_name = "Site content"

    def ready(self):
        # Community receivers (account erasure) and data exporters must be connected at
        # startup, not only when Wagtail's admin hooks are imported.
        from site_config.personal_cache import register

        from . import community_signals  # noqa: F401
        from .models import LessonReview

        register(LessonReview, lambda r: (r.booking.student_id, r.booking.teacher_id))
