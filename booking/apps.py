from django.apps import AppConfig


class BookingConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "booking"
    verbose_name = "Booking"

    def ready(self):
        from accounts.exports import register_exporter

        from . import receivers  # noqa: F401 - settles lessons when an account is deleted
        from .exports import export_bookings

        register_exporter("bookings")(export_bookings)
        self._register_personal_pages()

    def _register_personal_pages(self):
        """Whose logged-in pages a change makes stale (site_config.personal_cache)."""
        from site_config.personal_cache import SLOTS, register

        from .models import AvailabilityWindow, Booking, CalendarToken, TimeOff

        register(Booking, lambda b: (b.student_id, b.teacher_id), scopes=(SLOTS,))
        register(AvailabilityWindow, lambda w: (w.teacher_id,), scopes=(SLOTS,))
        register(TimeOff, lambda t: (t.teacher_id,), scopes=(SLOTS,))
        register(CalendarToken, lambda t: (t.user_id,))
