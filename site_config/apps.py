from django.apps import AppConfig


class SiteConfig(AppConfig):
    """The project itself as an app: page-cache purging signals and deployment checks."""

    name = "site_config"
    verbose_name = "Site configuration"

    def ready(self):
        from . import checks, page_cache  # noqa: F401 - checks register

        page_cache.connect_signals()
