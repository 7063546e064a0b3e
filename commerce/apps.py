from django.apps import AppConfig
from django.db.models.signals import post_migrate


class CommerceConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "commerce"
    verbose_name = "Commerce"

    def ready(self):
        from accounts.exports import register_exporter

        from . import signals  # noqa: F401 - connects the refund receiver
        from .exports import export_orders
        from .permissions import grant_editor_offer_permissions

        register_exporter("orders")(export_orders)
        post_migrate.connect(grant_editor_offer_permissions, sender=self)
