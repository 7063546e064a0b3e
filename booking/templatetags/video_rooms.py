"""``{% video_room booking %}``: a confirmed lesson's room on "My bookings" and the teacher
dashboard, for the people who may see it (``Booking.video_url_for``): a Join button from
15 minutes before the start until the end (``Booking.is_joinable``), before that the time the
button appears and the room's address."""

from django import template
from django.template.loader import render_to_string

from accounts.zones import format_local

from ..video_rooms import JOIN_OPENS_BEFORE

register = template.Library()


@register.simple_tag(takes_context=True)
def video_room(context, booking):
    request = context.get("request")
    viewer = getattr(request, "user", None)
    url = booking.video_url_for(viewer)
    if not url:
        return ""
    return render_to_string(
        "booking/_video_room.html",
        {
            "url": url,
            "joinable": booking.is_joinable(),
            "opens_text": format_local(booking.join_opens_at, viewer),
            "minutes": int(JOIN_OPENS_BEFORE.total_seconds() // 60),
        },
    )
