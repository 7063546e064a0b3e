"""Template tags other apps' templates use to show community features.

- ``{% teacher_reviews teacher_user %}`` on a teacher's public page
- ``{% review_link booking %}`` in "My bookings" for a completed lesson
"""

from django import template

register = template.Library()


@register.simple_tag(takes_context=True)
def teacher_reviews(context, teacher):
    return ""


@register.simple_tag(takes_context=True)
def review_link(context, booking):
    return ""
