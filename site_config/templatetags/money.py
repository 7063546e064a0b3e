from django import template

from site_config.money import format_cents

register = template.Library()


@register.filter
def money(cents):
    """``{{ 1800|money }}`` renders ``€18.00``. Empty values render as an empty string."""
    if cents in (None, ""):
        return ""
    return format_cents(cents)
