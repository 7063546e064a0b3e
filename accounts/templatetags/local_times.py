"""``{{ booking.start|local_time:request.user }}``: "4 Dec 2026, 18:00 CET", a time in the
viewer's zone with its abbreviation (``accounts.admin_display.local_time``)."""

from django import template

from accounts.admin_display import local_time as format_local_time

register = template.Library()


@register.filter
def local_time(moment, user):
    return format_local_time(moment, user)
