import secrets
from datetime import UTC, timedelta

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, models, transaction
from django.db.models import Q
from django.utils import timezone
from wagtail.contrib.settings.models import BaseSiteSetting, register_setting
from wagtail.models import Site

from accounts import roles
from site_config.admin_forms import EurosAdminForm

from .calendars.models import ExternalBusyTime, ExternalCalendar  # noqa: F401 - booking models
from .exceptions import InvalidTransition, SlotTaken
from .notes.models import LessonNote  # noqa: F401 - lesson notes are booking models
from .outcomes.models import OutcomeDispute  # noqa: F401 - no-show disputes are booking models
from .reviews.models import LessonReview  # noqa: F401 - lesson reviews are booking models
from .signals import booking_transitioned, late_cancel_allowed
from .transitions import (
    ACTIVE_STATUSES,
    OUTCOME_TRANSITIONS,
    REFUND,
    TRANSITIONS,
    VIDEO_ROOM,
    BookingStatus,
    LessonOutcome,
    staff,
    student_owner,
    teacher_owner,
)
from .video_rooms import JOIN_OPENS_BEFORE, new_room_url


@register_setting(icon="date")
class BookingSettings(BaseSiteSetting):
    """Editable rules of the booking engine and the default lesson price.

    Lives in `booking` (not `cms_pages`) so booking and commerce can read it without
    depending on the CMS app.
    """

    lesson_price_cents = models.PositiveIntegerField(
        "lesson price (cents)", default=1800, help_text="1800 means €18.00."
    )
    lesson_minutes = models.PositiveSmallIntegerField("lesson length (minutes)", default=60)
    grid_minutes = models.PositiveSmallIntegerField("lessons start every (minutes)", default=60)
    min_notice_hours = models.PositiveSmallIntegerField("minimum notice (hours)", default=48)
    horizon_weeks = models.PositiveSmallIntegerField("booking horizon (weeks)", default=8)
    hold_minutes = models.PositiveSmallIntegerField("basket hold (minutes)", default=30)
    max_held_lessons = models.PositiveSmallIntegerField(
        "lessons a student may hold at once",
        default=6,
        help_text="Held (in the basket, not yet paid) lessons per student.",
    )
    cancellation_hours = models.PositiveSmallIntegerField(
        "free cancellation until (hours before)", default=24
    )
    max_reschedules = models.PositiveSmallIntegerField(
        "moves per lesson",
        default=2,
        help_text="How many times a student may reschedule one paid or confirmed lesson "
        "(up to the cancellation deadline). 0 turns rescheduling off.",
    )

    base_form_class = EurosAdminForm  # the lesson price is typed in euros

    class Meta:
        verbose_name = "booking settings"

    @classmethod
    def current(cls):
        """The settings of the default site (defaults when no site exists yet)."""
        site = Site.objects.filter(is_default_site=True).first()
        return cls.for_site(site) if site else cls()


class Weekday(models.IntegerChoices):
    MONDAY = 0, "Monday"
    TUESDAY = 1, "Tuesday"
    WEDNESDAY = 2, "Wednesday"
    THURSDAY = 3, "Thursday"
    FRIDAY = 4, "Friday"
    SATURDAY = 5, "Saturday"
    SUNDAY = 6, "Sunday"


class AvailabilityWindow(models.Model):
    """A weekly window in the teacher's own time zone (wall-clock times)."""

    teacher = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="availability_windows"
    )
    weekday = models.PositiveSmallIntegerField(choices=Weekday.choices)
    start_time = models.TimeField()
    end_time = models.TimeField()

    class Meta:
        ordering = ["weekday", "start_time"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(end_time__gt=models.F("start_time")),
                name="booking_window_end_after_start",
                violation_error_message="A window must end after it starts.",
            )
        ]

    def __str__(self):
        return f"{self.get_weekday_display()} {self.start_time:%H:%M}–{self.end_time:%H:%M}"


class TimeOff(models.Model):
    """Whole days (inclusive, in the teacher's zone) on which the teacher takes no lessons."""

    teacher = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="time_off"
    )
    start_date = models.DateField()
    end_date = models.DateField()
    note = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["start_date"]
        verbose_name_plural = "time off"
        constraints = [
            models.CheckConstraint(
                condition=models.Q(end_date__gte=models.F("start_date")),
                name="booking_timeoff_end_not_before_start",
                violation_error_message="Time off must end on or after its first day.",
            )
        ]

    def __str__(self):
        return f"{self.start_date} – {self.end_date}"


class BookingQuerySet(models.QuerySet):
    def occupying(self, now=None):
        """Bookings that occupy their slot at ``now`` (lapsed holds do not)."""
        now = now or timezone.now()
        return self.filter(is_active=True).exclude(
            status=BookingStatus.HELD, hold_expires_at__lte=now
        )

    def overlapping(self, start, end):
        return self.filter(start__lt=end, end__gt=start)

    def for_teacher(self, teacher):
        return self.filter(teacher=teacher)

    def for_student(self, student):
        return self.filter(student=student)

    def in_basket(self, student, now=None):
        """The student's held bookings whose hold has not lapsed: the basket's lessons."""
        now = now or timezone.now()
        return self.filter(student=student, status=BookingStatus.HELD, hold_expires_at__gt=now)

    def upcoming(self, now=None):
        return self.filter(end__gt=now or timezone.now()).order_by("start")

    def past(self, now=None):
        return self.filter(end__lte=now or timezone.now()).order_by("-start")

    def with_people(self):
        return self.select_related("teacher__profile", "student__profile")


class Booking(models.Model):
    """One lesson between a student and a teacher, stored in UTC.

    Status changes only through the transition methods below, all run by ``_transition``
    from the status table in ``booking.transitions`` (which also defines ``BookingStatus``):
    who may, from which states, and the side effects its signal's receivers run.
    """

    teacher = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="teaching_bookings"
    )
    student = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="bookings"
    )
    start = models.DateTimeField(db_index=True)
    end = models.DateTimeField()
    status = models.CharField(
        max_length=12, choices=BookingStatus.choices, default=BookingStatus.HELD, db_index=True
    )
    # True while the booking occupies its slot; kept in step with status by the transition
    # methods so the database constraint can look at one column.
    is_active = models.BooleanField(default=True, editable=False)
    hold_expires_at = models.DateTimeField(null=True, blank=True)
    # When checkout extended the hold (a hold is extended at most once: services.extend_holds).
    hold_extended_at = models.DateTimeField(null=True, blank=True, editable=False)
    goal = models.TextField("lesson goal", blank=True, max_length=1000)
    price_cents = models.PositiveIntegerField()
    teacher_message = models.TextField(blank=True, max_length=1000)
    # The lesson's own room, given once when it is first confirmed and then never changed
    # (a reschedule keeps it). What people are shown is ``video_url``.
    video_room_url = models.URLField("video room", max_length=300, blank=True, editable=False)
    reminder_sent_at = models.DateTimeField(null=True, blank=True, editable=False)
    # How many times the lesson was moved to another time (at most max_reschedules).
    reschedule_count = models.PositiveSmallIntegerField(default=0, editable=False)
    # What happened at the lesson (booking.transitions.LessonOutcome), and when it was
    # recorded: set by the outcome transitions, empty until the lesson has ended.
    outcome = models.CharField(
        max_length=20, choices=LessonOutcome.choices, blank=True, editable=False
    )
    outcome_at = models.DateTimeField("outcome recorded at", null=True, blank=True, editable=False)
    # The weekly series the lesson was booked in (booking.series), if any: the lesson is an
    # ordinary booking all the same (own state, reminders, cancel and reschedule rules).
    series = models.ForeignKey(
        "BookingSeries",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="lessons",
        editable=False,
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = BookingQuerySet.as_manager()

    class Meta:
        ordering = ["start"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(end__gt=models.F("start")),
                name="booking_end_after_start",
            ),
        ]
        indexes = [
            models.Index(fields=["teacher", "start"]),
            models.Index(fields=["student", "start"]),
        ]

    def __str__(self):
        return f"Lesson {self.pk} ({self.get_status_display()})"

    # Reading ----------------------------------------------------------------------------

    @property
    def hold_seconds_left(self):
        if self.status != BookingStatus.HELD or not self.hold_expires_at:
            return 0
        return max(0, int((self.hold_expires_at - timezone.now()).total_seconds()))

    @property
    def hold_minutes_left(self):
        return (self.hold_seconds_left + 59) // 60

    @property
    def video_url(self):
        """Where a confirmed lesson takes place: the teacher's own fixed room if their profile
        has one now (so changing it moves every lesson they teach, booked or not), else the
        room the lesson was given when it was confirmed. Empty for any other status."""
        if self.status != BookingStatus.CONFIRMED:
            return ""
        return self.teacher.profile.video_room_url or self.video_room_url

    def video_url_for(self, user):
        """``video_url`` for the lesson's student, its teacher and admins; empty for anyone
        else (the link lets whoever has it into the lesson)."""
        if any(may(user, self) for may in (student_owner, teacher_owner, staff)):
            return self.video_url
        return ""

    @property
    def was_held(self):
        """The lesson took place: completed with the outcome "held" (what reviews, notes and
        homework need)."""
        return self.status == BookingStatus.COMPLETED and self.outcome == LessonOutcome.HELD

    @property
    def awaits_technical_choice(self):
        """A technical problem spoiled the lesson and its student has not yet chosen between
        a refund and a free move."""
        return TRANSITIONS["refund_technical_problem"].is_open_to(self)

    def awaits_outcome(self, now=None):
        """The lesson has ended and nobody has recorded how it went yet."""
        return TRANSITIONS["mark_held"].is_open_to(self) and self.end <= (now or timezone.now())

    @property
    def join_opens_at(self):
        return self.start - JOIN_OPENS_BEFORE

    def is_joinable(self, now=None):
        """The Join button shows for a confirmed lesson from 15 minutes before its start
        until its end."""
        now = now or timezone.now()
        return self.status == BookingStatus.CONFIRMED and self.join_opens_at <= now < self.end

    def cancellation_deadline(self, booking_settings=None):
        booking_settings = booking_settings or BookingSettings.current()
        return self.start - timedelta(hours=booking_settings.cancellation_hours)

    def reschedule_refusal(self, now=None, booking_settings=None):
        """Why the lesson cannot be moved now, as a sentence; "" when it can. Paid and
        confirmed lessons move up to the cancellation deadline, at most ``max_reschedules``
        times each."""
        now = now or timezone.now()
        if self.awaits_technical_choice:
            return ""  # a free move, whenever the student chooses it
        booking_settings = booking_settings or BookingSettings.current()
        if self.status not in TRANSITIONS["reschedule"].sources:
            return "Only paid or confirmed lessons can be rescheduled."
        limit = booking_settings.max_reschedules
        if self.reschedule_count >= limit:
            if not limit:
                return "Lessons cannot be rescheduled."
            times = {1: "once", 2: "twice"}.get(limit, f"{limit} times")
            return f"Already moved {times}: a lesson can be moved {times} at most."
        if now > self.cancellation_deadline(booking_settings):
            hours = booking_settings.cancellation_hours
            return (
                f"Too late to reschedule: lessons can be moved up to {hours} hours before "
                "they start."
            )
        return ""

    def may_cancel_late(self):
        """Whether the student may cancel after the notice (without anything going back):
        ``booking.signals.late_cancel_allowed`` answers (commerce: paid with a credit)."""
        answers = late_cancel_allowed.send(sender=Booking, booking=self)
        return any(answer is True for _receiver, answer in answers)

    def student_may_cancel(self, now=None, booking_settings=None):
        """Students cancel paid or confirmed lessons up to the cancellation notice before."""
        now = now or timezone.now()
        return self.status in TRANSITIONS["cancel"].sources and now <= self.cancellation_deadline(
            booking_settings
        )

    # Transitions: the status table (booking.transitions) says from which states, to which
    # state, who may and which side effects; each method adds the rule it alone has.

    def mark_paid(self, by=None):
        """held → paid (payment received). Commerce calls it with ``by=None``; admins may too.

        A hold that expired while the student was paying is revived if its slot is still
        free; otherwise ``SlotTaken`` is raised so the payment can be refunded.
        """

        def revive_if_free(locked, now):
            if locked.status != BookingStatus.EXPIRED:
                return
            expire_holds(now=now)
            clash = (
                Booking.objects.occupying(now)
                .overlapping(locked.start, locked.end)
                .filter(Q(teacher_id=locked.teacher_id) | Q(student_id=locked.student_id))
                .exclude(pk=locked.pk)
            )
            if clash.exists():
                raise SlotTaken()

        return self._transition("mark_paid", by=by, check=revive_if_free)

    def remove(self, by):
        """held → removed: the student (or an admin) takes the lesson out of the basket."""
        return self._transition("remove", by=by)

    def expire(self, now=None):
        """held → expired: the hold lapsed (run by ``expire_holds``)."""
        return self._transition("expire", by=None, now=now)

    def confirm(self, by, message=""):
        """paid → confirmed by the lesson's teacher (or an admin); a lesson confirmed for the
        first time gets its video room."""
        return self._transition(
            "confirm", by=by, note=message, changes={"teacher_message": message}
        )

    def decline(self, by, message=""):
        """paid → declined by the lesson's teacher (or an admin); the student is refunded."""
        return self._transition(
            "decline", by=by, note=message, changes={"teacher_message": message}
        )

    def cancel(self, by, reason="", refund=None, now=None):
        """paid/confirmed → cancelled.

        The student may cancel their own lesson up to ``cancellation_hours`` before it starts
        (full refund); later only a lesson paid with a credit, which stays spent
        ("cancel_late"). An admin may cancel at any time and chooses the refund (default: yes).
        """
        by_admin = roles.is_admin(by)
        now = now or timezone.now()
        if (
            not by_admin
            and self.status in TRANSITIONS["cancel_late"].sources
            and now > self.cancellation_deadline()
            and self.may_cancel_late()
        ):
            # Paid with a credit: a late cancel is allowed and the credit stays spent.
            return self._transition("cancel_late", by=by, note=reason, reason=reason, now=now)

        def within_notice(locked, now):
            booking_settings = BookingSettings.current()
            if now > locked.cancellation_deadline(booking_settings):
                hours = booking_settings.cancellation_hours
                raise InvalidTransition(
                    f"Lessons can only be cancelled up to {hours} hours before they start."
                )

        return self._transition(
            "cancel",
            by=by,
            note=reason,
            reason=reason,
            refund=refund if by_admin else None,  # the student is always refunded in full
            check=None if by_admin else within_notice,
            now=now,
        )

    def reschedule(self, by, start, *, slot_free, now=None):
        """paid/confirmed → paid at ``start``, keeping the lesson's length and payment: the
        lesson's student (or an admin) moves it while ``reschedule_refusal`` allows; the
        teacher confirms the new time; the history notes both times (UTC).

        ``slot_free(locked, start, end, now)`` raises ``SlotUnavailable`` unless the new time
        is free (``booking.services.reschedule_booking`` passes the slot rules); the database
        constraint has the last word (``SlotTaken``). Call ``reschedule_booking``, not this.

        A lesson a technical problem spoiled (``awaits_technical_choice``) moves for free
        instead ("reschedule_technical_problem"): whenever its student chooses it, once, and
        not counted against ``max_reschedules``; its outcome is cleared, since the lesson is
        to come again.
        """
        booking_settings = BookingSettings.current()
        old_start = self.start
        end = start + (self.end - self.start)
        free = self.awaits_technical_choice
        name = "reschedule_technical_problem" if free else "reschedule"

        def movable(locked, now):
            if (locked.start, locked.reschedule_count) != (old_start, self.reschedule_count):
                raise InvalidTransition("This lesson was just changed. Please look at it again.")
            refusal = locked.reschedule_refusal(now, booking_settings)
            if refusal:
                raise InvalidTransition(refusal)
            slot_free(locked, start, end, now)

        changes = {
            "start": start,
            "end": end,
            "reminder_sent_at": None,  # the reminder is due again before the new time
        }
        if free:
            changes |= {"outcome": "", "outcome_at": None}
        else:
            changes["reschedule_count"] = self.reschedule_count + 1
        return self._transition(
            name,
            by=by,
            note=f"{'Free move after a technical problem' if free else 'Moved'} from "
            f"{old_start.astimezone(UTC):%Y-%m-%d %H:%M} UTC "
            f"to {start.astimezone(UTC):%Y-%m-%d %H:%M} UTC.",
            check=movable,
            now=now,
            changes=changes,
            previous={"start": old_start},
        )

    def settle_for_closed_account(self, by, now=None):
        """The lesson's student or teacher (``by``) is deleting their account.

        A held lesson leaves the basket (removed). A paid or confirmed one is cancelled with
        a full refund whatever the notice, since it will not take place; both sides get the
        usual cancellation email.
        """
        if self.status == BookingStatus.HELD:
            return self._transition("release_for_closed_account", by=by, now=now)
        side = "student" if by is not None and by.pk == self.student_id else "teacher"
        reason = f"The {side} closed their account."
        return self._transition(
            "cancel_for_closed_account", by=by, note=reason, reason=reason, now=now
        )

    def settle_as_unavailable(self, by, message=""):
        """The lesson's teacher (``by``) made its time unavailable (time off, narrower weekly
        hours) and confirmed: a held lesson leaves the basket; a paid or confirmed one is
        declined with a full refund and the student gets the decline email."""
        if self.status == BookingStatus.HELD:
            return self._transition("release_unavailable", by=by)
        return self._transition(
            "decline_unavailable", by=by, note=message, changes={"teacher_message": message}
        )

    def complete(self, by=None, now=None):
        """confirmed → completed, the outcome "held": by the system once the outcome window
        (48 hours after the end) has passed with nothing recorded (``complete_lessons``); by
        the lesson's teacher or an admin from the end (``record_outcome``)."""
        if by is None:
            return self._transition("complete", by=None, now=now)
        return self.record_outcome(LessonOutcome.HELD, by=by, now=now)

    def record_outcome(self, outcome, by, note="", now=None):
        """What happened at a confirmed lesson, recorded from its end by its teacher or an
        admin (the table's rows for each ``LessonOutcome``): held (completed), student
        no-show (did not take place, spent; the student may dispute it), teacher no-show
        (cancelled with a full refund and a bonus credit), technical problem (did not take
        place; the student chooses a refund or a free move)."""
        name = OUTCOME_TRANSITIONS.get(outcome)
        if name is None:
            raise InvalidTransition("Please choose what happened at the lesson.")
        return self._transition(name, by=by, note=note, reason=note, now=now)

    def refund_technical_problem(self, by, now=None):
        """A technical problem spoiled the lesson: its student (or an admin) chooses a full
        refund instead of a free move (once: the lesson is then cancelled)."""
        return self._transition("refund_technical_problem", by=by, now=now)

    def refund_after_dispute(self, by, note="", now=None):
        """An admin agrees with the student's dispute of a no-show: full refund (call
        ``booking.outcomes.services.resolve_dispute``, which records the decision)."""
        return self._transition("refund_after_dispute", by=by, note=note, reason=note, now=now)

    # The one way a status changes ------------------------------------------------------

    def _transition(
        self,
        name,
        *,
        by,
        note="",
        reason="",
        refund=None,
        changes=None,
        check=None,
        now=None,
        previous=None,
    ):
        """Run transition ``name`` of the status table as ``by`` (None: the system).

        Refuses anyone the table does not allow (``PermissionDenied``) and a booking that is
        not in one of its source states or whose moment has not come (the table's ``when``;
        ``InvalidTransition``, read on the locked row); ``check(locked, now)`` adds the
        transition's own rule. Then, in one transaction: the new status (``is_active`` in
        step; a video room if the table's effects name one and the lesson has none), a
        ``BookingEvent`` and ``booking_transitioned``,
        whose receivers run the table's side effects (emails, refunds: they defer anything
        outside the database to the commit). ``refund`` is the admin's choice for a
        transition that refunds; it defaults to a full refund. ``previous`` (sent with the
        signal) holds what ``changes`` replaced that receivers need, e.g. a moved lesson's
        old start.
        """
        transition = TRANSITIONS[name]
        if not transition.allows(by, self):
            raise PermissionDenied(transition.refused)
        now = now or timezone.now()
        with transaction.atomic():
            locked = Booking.objects.select_for_update().get(pk=self.pk)
            old_status = locked.status
            refusal = transition.refusal(by, locked, now)  # its state or its moment
            if refusal:
                raise InvalidTransition(refusal)
            if check is not None:
                check(locked, now)
            locked.status = transition.target
            locked.is_active = transition.target in ACTIVE_STATUSES
            changes = dict(changes or {})
            if transition.outcome is not None:
                changes |= {"outcome": transition.outcome, "outcome_at": now}
            for field, value in changes.items():
                setattr(locked, field, value)
            fields = ["status", "is_active", "updated_at", *changes]
            if VIDEO_ROOM in transition.effects and not locked.video_room_url:
                locked.video_room_url = new_room_url()
                fields.append("video_room_url")
            try:
                with transaction.atomic():
                    locked.save(update_fields=fields)
            except IntegrityError as exc:
                # Only reviving an expired hold or moving a lesson can clash with another.
                raise SlotTaken() from exc
            BookingEvent.objects.create(
                booking=locked,
                from_status=old_status,
                to_status=transition.target,
                by=by if getattr(by, "is_authenticated", False) else None,
                at=now,
                note=note,
            )
            refunds = REFUND in transition.effects
            booking_transitioned.send(
                sender=Booking,
                booking=locked,
                transition=transition,
                old_status=old_status,
                new_status=transition.target,
                by=by,
                note=note,
                reason=reason,
                refund=(refund is None or bool(refund)) if refunds else None,
                previous=previous or {},
            )
        for field in fields:
            setattr(self, field, getattr(locked, field))
        return self


def expire_holds(now=None):
    """Turn every lapsed hold into EXPIRED (idempotent). Returns how many changed."""
    now = now or timezone.now()
    count = 0
    for booking in Booking.objects.filter(status=BookingStatus.HELD, hold_expires_at__lte=now):
        try:
            # expire() locks the row and re-checks the status, so a hold expired by a
            # concurrent run is skipped instead of being expired twice.
            booking.expire(now=now)
        except InvalidTransition:
            continue
        count += 1
    return count


class BookingSeries(models.Model):
    """A student's weekly lessons with one teacher, booked together ("every week, N weeks").

    Anchored in the teacher's wall-clock time: the lessons start on ``weekday`` at
    ``local_time`` in ``zone`` (the teacher's zone when it was booked), from ``first_date``
    on, one every 7 local days (``booking.series.series_occurrences``). Each lesson is an
    ordinary ``Booking`` linked here (``lessons``)."""

    student = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="lesson_series"
    )
    teacher = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="teaching_series"
    )
    weekday = models.PositiveSmallIntegerField(choices=Weekday.choices)
    local_time = models.TimeField("time (teacher's zone)")
    zone = models.CharField("teacher's time zone", max_length=64)
    first_date = models.DateField("first lesson (teacher's date)")
    weeks = models.PositiveSmallIntegerField()
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = "weekly series"
        verbose_name_plural = "weekly series"
        constraints = [
            models.CheckConstraint(
                condition=models.Q(weeks__gte=2),
                name="booking_series_two_weeks_or_more",
                violation_error_message="A weekly series has at least two weeks.",
            )
        ]

    def __str__(self):
        return (
            f"Every {self.get_weekday_display()} {self.local_time:%H:%M} ({self.zone}), "
            f"{self.weeks} weeks"
        )


class SeriesShiftNotice(models.Model):
    """The one email telling a series' student that their lesson time shifts for a while
    (a clock change on one side only): one row per series and shift period, claimed under
    the series' row lock before the email is queued (``booking.series.send_shift_notices``)."""

    series = models.ForeignKey(BookingSeries, on_delete=models.CASCADE, related_name="notices")
    period_start = models.DateTimeField("first week of the shift")
    lessons = models.PositiveSmallIntegerField()
    sent_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["period_start"]
        constraints = [
            models.UniqueConstraint(
                fields=["series", "period_start"], name="booking_series_notice_once"
            )
        ]

    def __str__(self):
        return f"Shift notice of series {self.series_id} from {self.period_start:%Y-%m-%d}"


class BookingEvent(models.Model):
    """One line of a booking's history: who changed its status, when, and why."""

    booking = models.ForeignKey(Booking, on_delete=models.CASCADE, related_name="events")
    from_status = models.CharField(max_length=12, choices=BookingStatus.choices, blank=True)
    to_status = models.CharField(max_length=12, choices=BookingStatus.choices)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="Empty when the system made the change.",
    )
    at = models.DateTimeField(default=timezone.now)
    note = models.TextField(blank=True)

    class Meta:
        ordering = ["at", "pk"]

    def __str__(self):
        return f"{self.from_status or 'new'} → {self.to_status} at {self.at:%Y-%m-%d %H:%M}"


class CalendarToken(models.Model):
    """The secret in a user's private calendar feed URL; regenerate or delete to revoke."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="calendar_token"
    )
    token = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(default=timezone.now)

    def __str__(self):
        return f"Calendar feed of {self.user_id}"

    @classmethod
    def regenerate(cls, user):
        """Give ``user`` a new secret; the old feed URL stops working at once."""
        token, _ = cls.objects.update_or_create(
            user=user,
            defaults={"token": secrets.token_urlsafe(32), "created_at": timezone.now()},
        )
        return token

    @classmethod
    def revoke(cls, user):
        cls.objects.filter(user=user).delete()
