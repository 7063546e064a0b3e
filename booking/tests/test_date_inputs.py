"""Date inputs render ISO yyyy-mm-dd, the only value <input type="date"> accepts (issue 14.1)."""

from datetime import date, time
from html.parser import HTMLParser

from django import forms
from django.urls import reverse

from booking.forms import TimeOffForm, WindowForm
from booking.models import AvailabilityWindow, TimeOff


class _FormFields(HTMLParser):
    """The name=value pairs a browser would post for the first POST form (outside <template>)."""

    def __init__(self):
        super().__init__()
        self.data, self._in_form, self._template, self._select = {}, False, 0, None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "template":
            self._template += 1
        if self._template:
            return
        if tag == "form" and attrs.get("method", "").lower() == "post":
            self._in_form = True
        if not self._in_form:
            return
        if tag == "input" and attrs.get("name"):
            if attrs.get("type") in ("checkbox", "radio") and "checked" not in attrs:
                return
            self.data[attrs["name"]] = attrs.get("value") or ""
        elif tag == "textarea" and attrs.get("name"):
            self.data[attrs["name"]] = ""
        elif tag == "select":
            self._select = attrs.get("name")
            self.data.setdefault(self._select, "")
        elif tag == "option" and self._select and "selected" in attrs:
            self.data[self._select] = attrs.get("value", "")

    def handle_endtag(self, tag):
        if tag == "template":
            self._template -= 1
        elif tag == "select":
            self._select = None
        elif tag == "form":
            self._in_form = False


def _posted_fields(html):
    parser = _FormFields()
    parser.feed(html)
    return parser.data


def test_every_date_input_in_the_booking_forms_renders_iso():
    form = TimeOffForm(initial={"start_date": date(2026, 12, 4), "end_date": date(2026, 12, 24)})
    html = str(form["start_date"]) + str(form["end_date"])
    assert 'type="date"' in html
    assert 'value="2026-12-04"' in html and 'value="2026-12-24"' in html
    for form_class in (TimeOffForm, WindowForm):
        for field in form_class.base_fields.values():
            if isinstance(field.widget, forms.DateInput):
                assert field.widget.format == "%Y-%m-%d"


def test_saved_time_off_comes_back_iso_and_reposting_the_page_unchanged_succeeds(client, teacher):
    AvailabilityWindow.objects.create(
        teacher=teacher, weekday=1, start_time=time(9), end_time=time(12)
    )
    TimeOff.objects.create(
        teacher=teacher, start_date=date(2026, 12, 4), end_date=date(2026, 12, 6), note="Trip"
    )
    client.force_login(teacher)
    page = client.get(reverse("booking:availability")).content.decode()
    assert 'value="2026-12-04"' in page and 'value="2026-12-06"' in page
    assert "04/12/2026" not in page

    response = client.post(reverse("booking:availability"), _posted_fields(page))

    assert response.status_code == 302, response.content.decode()[:3000]
    off = TimeOff.objects.get(teacher=teacher)
    assert (off.start_date, off.end_date) == (date(2026, 12, 4), date(2026, 12, 6))
    assert off.note == "Trip"
    assert AvailabilityWindow.objects.filter(teacher=teacher, weekday=1).count() == 1
