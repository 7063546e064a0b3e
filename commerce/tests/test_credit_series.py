"""A weekly series pays with credits (issue 15.2, "the series pays with credits or in one
checkout"): the preview's "Use N credits (M left)" button posts the preview's own form to
``commerce:use_credits_for_series``, which holds the ticked weeks and pays each with one
credit, all or nothing. Too few credits, a week taken meanwhile or bad input: a clear
message, nothing held, nothing spent, the ticked weeks as they were."""

from datetime import time, timedelta
from urllib.parse import urlencode
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.factories import StudentFactory
from booking.factories import AvailabilityWindowFactory, BookingFactory
from booking.models import Booking, BookingSeries, BookingStatus
from commerce.credits import services
from commerce.factories import CreditLotFactory
from commerce.models import CreditEntry, CreditKind

pytestmark = pytest.mark.django_db

PARIS = ZoneInfo("Europe/Paris")


@pytest.fixture
def weekly(student, teacher):
    """A Paris teacher free on Tuesdays 17:00-20:00 and the next Tuesday 18:00 at least
    three days away."""
    teacher.profile.timezone = "Europe/Paris"
    teacher.profile.save(update_fields=["timezone"])
    AvailabilityWindowFactory(teacher=teacher, weekday=1, start_time=time(17), end_time=time(20))
    day = (timezone.now() + timedelta(days=3)).astimezone(PARIS).date()
    day += timedelta(days=(1 - day.weekday()) % 7)
    first = timezone.make_aware(timezone.datetime.combine(day, time(18)), PARIS)
    return teacher, first


def preview_url(teacher, first, weeks=4):
    query = urlencode({"teacher": teacher.profile.slug, "start": first.isoformat(), "weeks": weeks})
    return f"{reverse('booking:series')}?{query}"


def form(teacher, first, weeks=4, ticked=(0, 1, 2, 3), goal="Past tenses"):
    return {
        "teacher": teacher.profile.slug,
        "start": first.isoformat(),
        "weeks": weeks,
        "week": [str(week) for week in ticked],
        "goal": goal,
    }


def use_credits(client, data, **kwargs):
    return client.post(reverse("commerce:use_credits_for_series"), data, **kwargs)


def test_enough_credits_book_every_week_paid_with_one_spend_entry_each(client, student, weekly):
    teacher, first = weekly
    CreditLotFactory(student=student, quantity=5)
    client.force_login(student)
    page = client.get(preview_url(teacher, first)).content.decode()
    assert "Use 4 credits (5 left)" in page
    assert f'formaction="{reverse("commerce:use_credits_for_series")}"' in page

    response = use_credits(client, form(teacher, first))
    assert response.status_code == 302
    assert response.url == reverse("booking:my_bookings")
    series = BookingSeries.objects.get(student=student)
    lessons = list(series.lessons.order_by("start"))
    assert len(lessons) == 4
    assert {lesson.status for lesson in lessons} == {BookingStatus.PAID}
    assert {lesson.goal for lesson in lessons} == {"Past tenses"}
    spent = CreditEntry.objects.filter(student=student, kind=CreditKind.SPEND)
    assert sorted(spent.values_list("booking_id", flat=True)) == [lesson.pk for lesson in lessons]
    assert set(spent.values_list("delta", flat=True)) == {-1}
    assert services.credit_balance(student) == 1
    page = client.get(reverse("booking:my_bookings")).content.decode()
    assert "4 weekly lessons are booked with 4 credits (1 left)" in page


def test_only_the_ticked_weeks_are_paid(client, student, weekly):
    teacher, first = weekly
    CreditLotFactory(student=student, quantity=2)
    client.force_login(student)
    use_credits(client, form(teacher, first, ticked=(0, 2)))
    lessons = Booking.objects.filter(student=student).order_by("start")
    assert [lesson.start for lesson in lessons] == [first, first + timedelta(weeks=2)]
    assert services.credit_balance(student) == 0


def test_too_few_credits_spend_nothing_and_say_so(client, student, weekly):
    teacher, first = weekly
    CreditLotFactory(student=student, quantity=3)
    client.force_login(student)
    page = client.get(preview_url(teacher, first)).content.decode()
    assert "Use 4 credits" not in page
    assert "Pay the ticked weeks with credits (3 left)" in page
    assert "untick weeks down to 3" in page

    response = use_credits(client, form(teacher, first, ticked=(0, 1, 3, 2)))
    content = response.content.decode()
    assert response.status_code == 400
    assert "You need 4 credits valid on these lessons" in content
    assert "You have 3 credits: untick weeks" in content
    assert "Nothing was booked or spent" in content
    assert content.count('name="week"') == 4 and content.count(" checked") == 4  # as ticked
    assert "Past tenses" in content  # the goal too
    assert not Booking.objects.filter(student=student).exists()
    assert not BookingSeries.objects.exists()
    assert not CreditEntry.objects.filter(kind=CreditKind.SPEND).exists()
    assert services.credit_balance(student) == 3


def test_credits_that_expire_before_the_last_lesson_are_not_offered(client, student, weekly):
    teacher, first = weekly
    CreditLotFactory(student=student, quantity=5, days=10)  # gone before week 4
    client.force_login(student)
    page = client.get(preview_url(teacher, first)).content.decode()
    assert "credits (" not in page
    response = use_credits(client, form(teacher, first))
    assert response.status_code == 400
    assert not Booking.objects.filter(student=student).exists()
    assert services.credit_balance(student) == 5


def test_another_students_credits_are_never_used(client, student, weekly):
    teacher, first = weekly
    other = StudentFactory()
    CreditLotFactory(student=other, quantity=10)
    client.force_login(student)
    assert "credits (" not in client.get(preview_url(teacher, first)).content.decode()
    response = use_credits(client, form(teacher, first))
    assert response.status_code == 400
    assert "You need 4 credits" in response.content.decode()
    assert not Booking.objects.exists()
    assert services.credit_balance(other) == 10
    assert not CreditEntry.objects.filter(kind=CreditKind.SPEND).exists()


def test_a_week_taken_meanwhile_spends_nothing(client, student, weekly):
    teacher, first = weekly
    CreditLotFactory(student=student, quantity=5)
    client.force_login(student)
    assert "Use 4 credits (5 left)" in client.get(preview_url(teacher, first)).content.decode()
    BookingFactory(teacher=teacher, start=first + timedelta(weeks=2), status="paid")
    response = use_credits(client, form(teacher, first))
    assert response.status_code == 409
    content = response.content.decode()
    assert 'role="alert"' in content
    assert not Booking.objects.filter(student=student).exists()
    assert not BookingSeries.objects.exists()
    assert services.credit_balance(student) == 5


def test_bad_input_goes_back_with_a_message(client, student, weekly):
    teacher, first = weekly
    CreditLotFactory(student=student, quantity=5)
    client.force_login(student)
    response = use_credits(client, {"teacher": "nobody", "start": first.isoformat()}, follow=True)
    assert response.status_code == 200
    assert "This teacher cannot be booked" in response.content.decode()
    response = use_credits(client, form(teacher, first, weeks="many"), follow=True)
    assert response.status_code == 200
    assert "Please choose a number of weeks from the list." in response.content.decode()
    response = use_credits(client, form(teacher, first, ticked=()))
    assert response.status_code == 400
    assert "Please choose at least one week" in response.content.decode()
    assert services.credit_balance(student) == 5
    assert client.get(reverse("commerce:use_credits_for_series")).status_code == 405


def test_a_series_paid_with_credits_gives_back_each_credit_when_cancelled(client, student, weekly):
    teacher, first = weekly
    CreditLotFactory(student=student, quantity=4)
    client.force_login(student)
    use_credits(client, form(teacher, first))
    series = BookingSeries.objects.get(student=student)
    client.post(reverse("booking:cancel_series", args=[series.pk]))
    assert {lesson.status for lesson in series.lessons.all()} == {BookingStatus.CANCELLED}
    assert services.credit_balance(student) == 4


def test_a_refusal_keeps_the_unticked_weeks_unticked(client, student, weekly):
    teacher, first = weekly
    CreditLotFactory(student=student, quantity=1)
    client.force_login(student)
    response = use_credits(client, form(teacher, first, ticked=(0, 2)))
    content = response.content.decode()
    assert response.status_code == 400
    assert 'id="week-0" checked' in content and 'id="week-2" checked' in content
    assert 'id="week-1">' in content and 'id="week-3">' in content
    assert "Pay the ticked weeks with credits (1 left)" in content
