"""``{% zone_switcher %}``: the form that changes the zone times are shown in (a logged-in
user's profile zone, a visitor's zone for the visit), then comes back to this page."""

from django import template

from ..forms import ZoneForm
from ..zones import viewer_zone

register = template.Library()


@register.inclusion_tag("accounts/includes/zone_switcher.html", takes_context=True)
def zone_switcher(context):
    request = context["request"]
    form = ZoneForm(
        initial={"timezone": viewer_zone(request).key, "next": request.get_full_path()},
        auto_id="zone_%s",
    )
    return {"form": form, "csrf_token": context.get("csrf_token")}
