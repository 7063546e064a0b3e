from django.apps import AppConfig


class CommerceConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "commerce"
    verbose_name = "Commerce"

    def ready(self):
        from accounts.exports import register_exporter

        from . import signals  # noqa: F401 - connects the refund receiver
        from .exports import export_orders

        register_exporter("orders")(export_orders)
