from django.apps import AppConfig


class AccountsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "accounts"
    verbose_name = "Accounts"

    def ready(self):
        from site_config.personal_cache import register

        from . import signals  # noqa: F401
        from .models import Profile

        register(Profile, lambda profile: (profile.user_id,))
