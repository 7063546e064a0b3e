from django.apps import AppConfig


class CmsPagesConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "cms_pages"
    verbose_name = "Site content"
