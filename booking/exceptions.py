"""Errors the booking engine raises; messages are written for the person who sees them."""


class BookingError(Exception):
    """Base class: ``str(error)`` is a sentence that can be shown to the user."""

    default_message = "This booking could not be made."

    def __init__(self, message=None):
        super().__init__(message or self.default_message)


class SlotUnavailable(BookingError):
    """The requested time is not a bookable slot (past, off-grid, outside availability...)."""

    default_message = "This time is not available. Please pick another time."


class SlotTaken(SlotUnavailable):
    """Somebody else holds or booked the slot (possibly a split second earlier)."""

    default_message = "Sorry, this slot was just taken. Please pick another time."


class InvalidTransition(BookingError):
    """The booking's current status does not allow the requested change."""

    default_message = "This change is not possible for this booking."


class HoldLimitReached(BookingError):
    """The student already holds as many lessons as ``BookingSettings.max_held_lessons``."""

    def __init__(self, limit):
        self.limit = limit
        super().__init__(
            f"You can hold at most {limit} lessons at once. Pay for or remove one first."
        )


class AvailabilityConflict(BookingError):
    """A change to a teacher's availability would take booked lessons out of it, and the
    teacher has not confirmed settling them; ``lessons`` are those lessons."""

    def __init__(self, lessons):
        self.lessons = lessons
        count = len(lessons)
        super().__init__(
            f"This change affects {count} booked lesson{'s' if count != 1 else ''}. "
            "Please confirm before it is saved."
        )
