"""Credits on booking's pages (booking never imports commerce; its templates load these).

``{% credit_offer chosen %}`` on the booking page: "Use 1 credit (4 left)" when the student
has credits valid on the chosen lesson's date (one query). ``{% series_credit_offer preview
chosen %}`` on the weekly series preview: "Use 4 credits (6 left)" when the student has a
credit valid on the last lesson's date for every ticked week (one query).
``{% late_cancel_waivers others %}``
on the teacher dashboard: the late cancels whose credit the teacher may give back.
"""

from datetime import timedelta

from django import template

from booking.models import BookingStatus
from booking.selectors import booking_settings

from ..credits.services import credit_balance, credits_for_series, waivable_lessons

register = template.Library()


@register.inclusion_tag("commerce/credits/credit_offer.html", takes_context=True)
def credit_offer(context, chosen):
    """A second submit button of the booking page's hold form (same slot, teacher and
    goal), posting to ``commerce:use_credit``."""
    request = context.get("request")
    user = getattr(request, "user", None)
    credits = credit_balance(user, valid_at=chosen["moment"]) if chosen and user else 0
    return {"credits": credits}


@register.inclusion_tag("commerce/credits/series_credit_offer.html", takes_context=True)
def series_credit_offer(context, preview, chosen=None):
    """A second submit button of the series preview's form (same teacher, first lesson,
    weeks, ticked weeks and goal), posting to ``commerce:use_credits_for_series``. ``needed``
    is the weeks ticked when the page was drawn (every free week at first); the credits
    counted are those valid on the last free week's date."""
    request = context.get("request")
    user = getattr(request, "user", None)
    free = [row for row in preview.free_rows if row.start is not None]
    ticked = [row for row in free if chosen is None or row.week in chosen]
    credits = credits_for_series(user, [row.start for row in free]) if ticked and user else 0
    needed = len(ticked)
    return {"credits": credits, "needed": needed, "enough": needed and credits >= needed}


@register.inclusion_tag("commerce/credits/waivable.html", takes_context=True)
def late_cancel_waivers(context, lessons):
    """Of the dashboard's ``lessons`` (already loaded), those cancelled after their
    cancellation deadline whose credit the teacher may give back. The candidates are found
    without a query (cancelled, last changed after the deadline); only then one query."""
    request = context.get("request")
    user = getattr(request, "user", None)
    notice = timedelta(hours=booking_settings(request).cancellation_hours)
    candidates = [
        lesson
        for lesson in lessons
        if lesson.status == BookingStatus.CANCELLED and lesson.updated_at >= lesson.start - notice
    ]
    waivable = (
        waivable_lessons(user, among=candidates)
        if candidates and getattr(user, "is_authenticated", False)
        else []
    )
    return {"lessons": waivable, "request": request, "csrf_token": context.get("csrf_token")}
