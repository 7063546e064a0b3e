"""External calendars in the Wagtail admin: admins see them read-only, without the secret
feed address; editors do not see them."""

from booking.calendars.models import ExternalCalendar

SECRET = "https://calendar.google.com/calendar/ical/x/private-0123456789abcdef/basic.ics"


def test_admins_list_and_inspect_external_calendars_without_their_address(
    client, admin_user, teacher
):
    calendar = ExternalCalendar.objects.create(
        teacher=teacher, url=SECRET, name="Google", last_error="HTTP 404"
    )
    client.force_login(admin_user)
    listing = client.get("/admin/external_calendars/")
    assert listing.status_code == 200
    page = listing.content.decode()
    assert "Google" in page and "calendar.google.com" in page and "HTTP 404" in page
    assert "private-0123456789abcdef" not in page
    assert client.get(f"/admin/external_calendars/?q={teacher.email}").context["object_list"]
    inspect = client.get(f"/admin/external_calendars/inspect/{calendar.pk}/")
    assert inspect.status_code == 200
    assert "private-0123456789abcdef" not in inspect.content.decode()
    assert client.get(f"/admin/external_calendars/edit/{calendar.pk}/").status_code in (302, 403)


def test_editors_do_not_see_external_calendars(client, editor):
    client.force_login(editor)
    assert client.get("/admin/external_calendars/").status_code in (302, 403)
