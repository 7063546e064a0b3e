from django.apps import AppConfig


class CmsPagesConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "cms_pages"
    verbose_name = "Site content"

    def ready(self):
        # The marketing features' data exporters and account-erasure receivers must be
        # connected at startup, not only when Wagtail's admin hooks are imported.
        from .newsletter import receivers as newsletter_receivers  # noqa: F401
        from .testimonials import receivers as testimonial_receivers  # noqa: F401
