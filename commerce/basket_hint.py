"""Whether the header must count packs in the student's basket: a flag in the session, so
the pages of a student with no pack in their basket cost nothing for it.

Held lessons lapse, so their hint is a moment (``booking.basket_hint``); a pack stays in the
open order until it is paid for or taken out, so its hint is a flag. It is set when the
student puts a pack in the basket and, from the database, when they log in (a pack put in
from another device). While it is set, the header counts the basket for real (``commerce``
templatetag ``basket_count``) and clears the flag once it finds no pack: a pack paid for,
taken out or paid from another device is never shown for more than that one page.
"""

from .services import basket_pack_items

SESSION_KEY = "commerce_basket_packs"


def note_packs(session):
    """Remember that the basket may hold a pack."""
    session[SESSION_KEY] = True


def forget_packs(session):
    """The basket holds no pack (the header counted none)."""
    session.pop(SESSION_KEY, None)


def basket_may_hold_packs(session):
    """False when the session knows the basket holds no pack (so no pack to count)."""
    return session.get(SESSION_KEY) is True


def note_packs_at_login(request, user):
    """At login: remember a pack already in the student's open order, if any (one query)."""
    if basket_pack_items(user).exists():
        note_packs(request.session)
