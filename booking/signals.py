"""The signal every booking transition sends: its side effects are its receivers."""

from django.dispatch import Signal

# Sent inside the transaction after a booking changed status (Booking._transition), so a
# receiver's rows (a Refund) commit with the change or not at all; receivers defer anything
# outside the database (emails, the provider's refund call) with transaction.on_commit.
# kwargs: booking, transition (booking.transitions.Transition), old_status, new_status,
# by (user or None), note (str), reason (str), refund (bool for transitions that refund,
# else None), previous (dict: values the transition replaced, e.g. {"start": old start} for a
# reschedule). Receivers: booking.receivers (emails), commerce.signals (refunds).
booking_transitioned = Signal()

# Sent by the cancel and decline confirmation pages (booking.services.refund_preview_cents)
# with ``booking``, before anything changes. A receiver returns the cents cancelling or
# declining the lesson now would refund (commerce: what is left to refund on its paid order
# line); booking shows the sum without knowing who took the money.
refund_preview = Signal()

# Sent by ``Booking.cancel`` when the lesson's student cancels after the cancellation notice,
# and by the pages that offer it (``booking.services.late_cancel_allowed``), with ``booking``
# (or ``bookings``, a list, for pages listing many: one query). A receiver returns True (or,
# for ``bookings``, the set of their ids) when a late cancel is allowed: commerce says so for
# lessons paid with a credit, which stays spent (the "cancel_late" transition).
late_cancel_allowed = Signal()
