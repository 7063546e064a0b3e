from django.apps import AppConfig


class CmsPagesConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "cms_pages"
    verbose_name = "Site content"

    def ready(self):
        # Community receivers (account erasure) and data exporters must be connected at
        # startup, not only when Wagtail's admin hooks are imported.
        from . import community_signals  # noqa: F401
