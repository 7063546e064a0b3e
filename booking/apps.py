from django.apps import AppConfig


class BookingConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "booking"
    verbose_name = "Booking"

    def ready(self):
        from accounts.exports import register_exporter

        from . import receivers  # noqa: F401 - connects the transition emails and erasure
        from .calendars import receivers as calendar_receivers  # noqa: F401 - export, erasure
        from .exports import export_bookings
        from .notes import receivers as note_receivers  # noqa: F401 - export, erasure
        from .reviews import receivers as review_receivers  # noqa: F401 - export, erasure

        register_exporter("bookings")(export_bookings)
