"""Read-only queries the booking pages need (teachers come from accounts.selectors)."""

from accounts.selectors import active_teachers


def bookable_teacher(slug):
    """The active teacher (a User, profile joined) with this public slug, or None."""
    if not slug:
        return None
    return active_teachers().filter(profile__slug=slug).first()


__all__ = ["active_teachers", "bookable_teacher"]
