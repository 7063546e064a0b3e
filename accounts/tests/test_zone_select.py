"""The zone select renders its ~400 options from pieces built once per process; its HTML must
stay exactly what Django's own widget templates write."""

import pytest
from django import forms

from accounts.forms import TimeZoneSelect, ZoneForm


@pytest.mark.parametrize(
    "value", ["Europe/Paris", "America/New_York", "UTC", "", None, "Nowhere/Else", ["Asia/Tokyo"]]
)
@pytest.mark.parametrize("detect", [False, True])
def test_fast_render_is_djangos_html(value, detect):
    widget = TimeZoneSelect(detect=detect)
    widget.choices = ZoneForm().fields["timezone"].choices
    attrs = {"id": "id_timezone", "required": True, "aria-describedby": "help", "hidden": False}

    fast = widget.render("timezone", value, attrs=attrs)

    assert fast == forms.Select.render(widget, "timezone", value, attrs=attrs)


def test_the_bound_field_selects_the_profile_zone_once():
    html = str(ZoneForm(initial={"timezone": "Europe/Paris"})["timezone"])

    assert html.count(" selected") == 1
    assert '<option value="Europe/Paris" selected' in html
    assert 'data-aliases="' in html


def test_required_attribute_is_what_djangos_select_decides():
    widget = ZoneForm().fields["timezone"].widget

    assert widget.use_required_attribute(None) == forms.Select.use_required_attribute(widget, None)
    assert " required" not in str(ZoneForm()["timezone"])
