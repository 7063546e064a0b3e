"""The signal every booking transition sends: its side effects are its receivers."""

from django.dispatch import Signal

# Sent inside the transaction after a booking changed status (Booking._transition), so a
# receiver's rows (a Refund) commit with the change or not at all; receivers defer anything
# outside the database (emails, the provider's refund call) with transaction.on_commit.
# kwargs: booking, transition (booking.transitions.Transition), old_status, new_status,
# by (user or None), note (str), reason (str), refund (bool for transitions that refund,
# else None). Receivers: booking.receivers (emails), commerce.signals (refunds).
booking_transitioned = Signal()
