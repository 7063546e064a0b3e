"""Signals other apps listen to (commerce refunds on decline/cancel; community reviews)."""

from django.dispatch import Signal

# Sent inside the transaction after a booking changed status.
# kwargs: booking, old_status, new_status, by (user or None), reason (str), refund (bool|None)
booking_transitioned = Signal()
