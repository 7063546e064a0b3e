"""Time off over a paid lesson: the list says what the student gets back (what commerce would
refund on the lesson's paid order line), and confirming refunds it through the usual decline
refund (issue 14.4)."""

import pytest

from booking.models import BookingStatus
from booking.tests.conftest import add_windows, availability_data, every_day, set_zone
from booking.tests.test_availability_conflicts import URL, confirm_form_data
from commerce.models import Refund

from .test_cancel_confirmation import paid_lesson

pytestmark = pytest.mark.django_db


def test_time_off_over_a_paid_lesson_states_then_records_the_full_refund(
    client, teacher, student, django_capture_on_commit_callbacks, mailoutbox
):
    set_zone(teacher, "UTC")
    add_windows(teacher, every_day("00:00", "23:00"))
    booking = paid_lesson(student, teacher, status=BookingStatus.CONFIRMED, days=6)
    day = booking.start.date()
    client.force_login(teacher)

    page = client.post(
        URL, availability_data(every_day("00:00", "23:00"), [(day, day, "")])
    ).content.decode()

    assert "€15.30" in page  # what was paid, after the discount
    assert not Refund.objects.exists()
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(URL, confirm_form_data(page)).status_code == 302
    booking.refresh_from_db()
    assert booking.status == BookingStatus.DECLINED
    refund = Refund.objects.get()
    assert refund.amount_cents == 1530
    assert len([m for m in mailoutbox if m.to == [student.email] and "could not" in m.subject]) == 1
