from django.conf import settings
from django.db.models.signals import post_save
from django.dispatch import Signal, receiver

from .models import Profile


@receiver(post_save, sender=settings.AUTH_USER_MODEL)
def ensure_profile(sender, instance, created, raw=False, **kwargs):
    """Every user has a profile, including those made by createsuperuser."""
    if raw:
        return
    if created:
        Profile.objects.get_or_create(user=instance)


# Sent inside the erasing transaction with ``user`` (still holding its data) and ``email``
# (the original address). Receivers anonymise their own rows; they must not delete
# records needed for accounting.
user_erased = Signal()

# Sent by the "delete my account" page before the user confirms, with ``user`` and ``now``.
# Each receiver returns a dict saying what erasing will settle in its app; the page shows the
# merged result (``accounts.services.erasure_preview``). Known keys: ``lessons`` (list of
# sentences, one per lesson), ``cancelled_lessons`` (int), ``refund_cents`` (int).
user_erasure_preview = Signal()

# Sent by the account adapter after a login without an explicit ?next=, with ``user``. A
# receiver returns the path the user should land on, or None; the first path wins
# (booking: a teacher's dashboard, a student's "My bookings" once they have lessons).
login_destination = Signal()
