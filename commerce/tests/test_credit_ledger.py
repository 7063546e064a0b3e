"""The credit wallet's rules (commerce.credits.services): a ledger whose sum is the balance,
the credit that expires first is spent first, never below zero, expiry at the instant, the
expiry entry and reminders once, refunds pro rata, moves and extensions with a reason."""

from datetime import timedelta

import pytest
from django.core import mail
from django.db import IntegrityError, transaction
from django.utils import timezone

from booking.factories import BookingFactory
from booking.models import BookingStatus
from booking.transitions import BONUS_CREDIT, TRANSITIONS
from commerce.credits import services
from commerce.credits.tasks import run_credit_expiry
from commerce.factories import CreditLotFactory, PackFactory
from commerce.models import CreditEntry, CreditKind, CreditLot, RefundStatus

pytestmark = pytest.mark.django_db


def held_lessons(student, count, days=5):
    return [BookingFactory(student=student, held=True, days_from_now=days) for _ in range(count)]


def test_balance_is_the_sum_of_the_ledger(student):
    lot = CreditLotFactory(student=student, quantity=5)
    assert services.credit_balance(student) == 5
    services.pay_bookings_with_credits(student, held_lessons(student, 2))
    assert services.credit_balance(student) == 3
    assert sum(CreditEntry.objects.filter(lot=lot).values_list("delta", flat=True)) == 3
    assert CreditLot.objects.get(pk=lot.pk).quantity == 5  # nothing is a counter


def test_paying_with_credits_marks_the_lessons_paid_without_checkout(student):
    CreditLotFactory(student=student, quantity=2)
    lessons = held_lessons(student, 2)
    services.pay_bookings_with_credits(student, lessons)
    for lesson in lessons:
        lesson.refresh_from_db()
        assert lesson.status == BookingStatus.PAID
    assert CreditEntry.objects.filter(kind=CreditKind.SPEND).count() == 2


def test_the_credit_that_expires_first_is_spent_first(student):
    later = CreditLotFactory(student=student, quantity=1, days=300)
    sooner = CreditLotFactory(student=student, quantity=1, days=100)
    (lesson,) = held_lessons(student, 1)
    services.pay_bookings_with_credits(student, [lesson])
    assert services.spend_entry(lesson).lot == sooner
    (second,) = held_lessons(student, 1)
    services.pay_bookings_with_credits(student, [second])
    assert services.spend_entry(second).lot == later


def test_a_credit_expiring_before_the_lesson_cannot_pay_for_it(student):
    CreditLotFactory(student=student, quantity=3, days=2)
    (lesson,) = held_lessons(student, 1, days=5)
    assert services.credit_balance(student) == 3
    assert services.credit_balance(student, valid_at=lesson.start) == 0
    with pytest.raises(services.NotEnoughCredits):
        services.pay_bookings_with_credits(student, [lesson])
    lesson.refresh_from_db()
    assert lesson.status == BookingStatus.HELD


def test_paying_several_lessons_is_all_or_none(student):
    CreditLotFactory(student=student, quantity=2)
    lessons = held_lessons(student, 3)
    with pytest.raises(services.NotEnoughCredits):
        services.pay_bookings_with_credits(student, lessons)
    assert services.credit_balance(student) == 2
    assert not CreditEntry.objects.filter(kind=CreditKind.SPEND).exists()
    assert {lesson.status for lesson in lessons} == {BookingStatus.HELD}


def test_never_below_zero(student):
    CreditLotFactory(student=student, quantity=1)
    first, second = held_lessons(student, 2)
    services.pay_bookings_with_credits(student, [first])
    with pytest.raises(services.NotEnoughCredits):
        services.pay_bookings_with_credits(student, [second])
    assert services.credit_balance(student) == 0


def test_a_lesson_spends_one_credit_once(student):
    lot = CreditLotFactory(student=student, quantity=3)
    (lesson,) = held_lessons(student, 1)
    services.pay_bookings_with_credits(student, [lesson])
    with pytest.raises(IntegrityError), transaction.atomic():
        CreditEntry.objects.create(
            lot=lot, student=student, kind=CreditKind.SPEND, delta=-1, booking=lesson
        )


def test_expired_credits_leave_the_balance_at_the_expiry_instant(student):
    lot = CreditLotFactory(student=student, quantity=4, days=10)
    assert services.credit_balance(student, now=lot.expires_at - timedelta(seconds=1)) == 4
    assert services.credit_balance(student, now=lot.expires_at) == 0  # no job has run


def test_the_scheduler_records_the_expiry_once(student):
    lot = CreditLotFactory(student=student, quantity=4, days=10)
    after = lot.expires_at + timedelta(minutes=1)
    assert services.record_expiries(after) == 1
    assert services.record_expiries(after) == 0
    expiry = CreditEntry.objects.get(lot=lot, kind=CreditKind.EXPIRY)
    assert expiry.delta == -4
    assert sum(CreditEntry.objects.filter(lot=lot).values_list("delta", flat=True)) == 0


def test_expiry_reminders_30_and_7_days_before_are_sent_once(
    student, django_capture_on_commit_callbacks
):
    lot = CreditLotFactory(student=student, quantity=2, days=60)
    thirty = lot.expires_at - timedelta(days=29)
    seven = lot.expires_at - timedelta(days=6)
    with django_capture_on_commit_callbacks(execute=True):
        assert services.send_expiry_reminders(lot.expires_at - timedelta(days=45)) == 0
        assert services.send_expiry_reminders(thirty) == 1
        assert services.send_expiry_reminders(thirty + timedelta(hours=1)) == 0
        assert services.send_expiry_reminders(seven) == 1
        assert services.send_expiry_reminders(seven + timedelta(hours=1)) == 0
    assert len(mail.outbox) == 2
    assert "in 30 days" in mail.outbox[0].subject
    assert "in 7 days" in mail.outbox[1].subject
    assert mail.outbox[0].to == [student.email]


def test_no_reminder_for_a_lot_with_nothing_left(student, django_capture_on_commit_callbacks):
    lot = CreditLotFactory(student=student, quantity=1, days=20)
    services.pay_bookings_with_credits(student, held_lessons(student, 1))
    with django_capture_on_commit_callbacks(execute=True):
        assert services.send_expiry_reminders(lot.expires_at - timedelta(days=5)) == 0
    assert mail.outbox == []


def test_the_scheduled_job_does_both(student, django_capture_on_commit_callbacks):
    CreditLotFactory(student=student, quantity=1, days=3)
    expired = CreditLotFactory(student=student, quantity=2, days=1)
    CreditLot.objects.filter(pk=expired.pk).update(expires_at=timezone.now() - timedelta(hours=1))
    with django_capture_on_commit_callbacks(execute=True):
        report = run_credit_expiry()
    assert (report.expired_lots, report.reminders) == (1, 1)


def test_cancel_in_time_returns_the_credit_to_its_lot(student):
    lot = CreditLotFactory(student=student, quantity=1)
    (lesson,) = held_lessons(student, 1, days=5)
    services.pay_bookings_with_credits(student, [lesson])
    lesson.refresh_from_db()
    lesson.cancel(by=student)
    back = CreditEntry.objects.get(booking=lesson, kind=CreditKind.RETURN)
    assert (back.lot, back.delta) == (lot, 1)
    assert services.credit_balance(student) == 1


def test_decline_returns_the_credit(student):
    CreditLotFactory(student=student, quantity=1)
    (lesson,) = held_lessons(student, 1)
    services.pay_bookings_with_credits(student, [lesson])
    lesson.refresh_from_db()
    lesson.decline(by=lesson.teacher)
    assert services.credit_balance(student) == 1


def test_late_cancel_of_a_credit_lesson_is_allowed_and_spends_it(student):
    CreditLotFactory(student=student, quantity=1)
    lesson = BookingFactory(student=student, held=True, start=timezone.now() + timedelta(hours=5))
    services.pay_bookings_with_credits(student, [lesson])
    lesson.refresh_from_db()
    lesson.cancel(by=student)
    lesson.refresh_from_db()
    assert lesson.status == BookingStatus.CANCELLED
    assert services.credit_balance(student) == 0
    assert lesson.events.last().by == student


def test_the_teacher_waives_a_late_cancel_once(student):
    CreditLotFactory(student=student, quantity=1)
    lesson = BookingFactory(student=student, held=True, start=timezone.now() + timedelta(hours=5))
    services.pay_bookings_with_credits(student, [lesson])
    lesson.refresh_from_db()
    lesson.cancel(by=student)
    assert services.waivable_lessons(lesson.teacher) == [lesson]
    services.waive_late_cancel(lesson, by=lesson.teacher)
    assert services.credit_balance(student) == 1
    assert services.waivable_lessons(lesson.teacher) == []
    with pytest.raises(services.CreditError):
        services.waive_late_cancel(lesson, by=lesson.teacher)
    with pytest.raises(services.CreditError):
        services.waive_late_cancel(lesson, by=student)


def test_a_transition_listing_bonus_credit_grants_one(student, monkeypatch):
    CreditLotFactory(student=student, quantity=1)
    (lesson,) = held_lessons(student, 1)
    confirm = TRANSITIONS["confirm"]
    monkeypatch.setitem(
        TRANSITIONS,
        "confirm",
        type(confirm)(**{**confirm.__dict__, "effects": (*confirm.effects, BONUS_CREDIT)}),
    )
    services.pay_bookings_with_credits(student, [lesson])
    lesson.refresh_from_db()
    lesson.confirm(by=lesson.teacher)
    bonus = CreditEntry.objects.get(booking=lesson, kind=CreditKind.BONUS)
    assert bonus.delta == 1
    assert bonus.lot.pack is None
    assert bonus.lot.expires_at > timezone.now() + timedelta(days=360)
    assert services.credit_balance(student) == 1
    services.grant_bonus_credit(lesson)  # once per lesson
    assert services.credit_balance(student) == 1


def test_refund_of_unused_credits_is_pro_rata_through_the_refund_machinery(
    student, admin_user, settings, django_capture_on_commit_callbacks
):
    settings.PAYMENT_PROVIDER = "development"
    lot = CreditLotFactory(student=student, quantity=10, pack=PackFactory(price_cents=15000))
    services.pay_bookings_with_credits(student, held_lessons(student, 3))
    with django_capture_on_commit_callbacks(execute=True):
        refund = services.refund_credits(lot, 7, reason="Moving abroad", by=admin_user, key="k1")
    refund.refresh_from_db()
    assert refund.amount_cents == 10500  # 7/10 of €150.00
    assert refund.status == RefundStatus.SUCCEEDED
    assert services.credit_balance(student) == 0
    entry = CreditEntry.objects.get(lot=lot, kind=CreditKind.REFUND)
    assert (entry.delta, entry.reason, entry.by) == (-7, "Moving abroad", admin_user)


def test_admin_actions_need_a_reason_and_stay_within_what_is_left(student, admin_user):
    lot = CreditLotFactory(student=student, quantity=2)
    with pytest.raises(services.CreditError):
        services.refund_credits(lot, 1, reason=" ", by=admin_user, key="k2")
    with pytest.raises(services.CreditError):
        services.refund_credits(lot, 3, reason="Too many", by=admin_user, key="k3")


def test_credits_move_to_another_student_with_the_same_expiry(student, other_student, admin_user):
    lot = CreditLotFactory(student=student, quantity=5)
    new = services.move_credits(lot, other_student, 2, reason="Gift to a sibling", by=admin_user)
    assert new.expires_at == lot.expires_at
    assert services.credit_balance(student) == 3
    assert services.credit_balance(other_student) == 2
    with pytest.raises(services.CreditError):
        services.move_credits(lot, other_student, 4, reason="Too many", by=admin_user)


def test_extending_an_expired_lot_brings_its_credits_back(student, admin_user):
    lot = CreditLotFactory(student=student, quantity=3, days=1)
    now = lot.expires_at + timedelta(days=1)
    services.record_expiries(now)
    assert services.credit_balance(student, now=now) == 0
    services.extend_lot(
        lot, now + timedelta(days=30), reason="Illness, doctor's note", by=admin_user, now=now
    )
    assert services.credit_balance(student, now=now) == 3
    lot.refresh_from_db()
    assert lot.reminded_30_at is None
    extension = CreditEntry.objects.get(lot=lot, kind=CreditKind.EXTENSION)
    assert extension.delta == 3
    assert "Illness" in extension.reason


def test_add_months_keeps_the_day_or_the_last_of_the_month():
    moment = timezone.now().replace(year=2027, month=1, day=31)
    assert services.add_months(moment, 1).day == 28
    assert services.add_months(moment, 12).year == 2028
