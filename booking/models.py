from django.conf import settings
from django.db import models
from wagtail.contrib.settings.models import BaseSiteSetting, register_setting


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
    cancellation_hours = models.PositiveSmallIntegerField(
        "free cancellation until (hours before)", default=24
    )

    class Meta:
        verbose_name = "booking settings"


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


class BookingStatus(models.TextChoices):
    HELD = "held", "In basket"
    PAID = "paid", "Paid, awaiting teacher"
    CONFIRMED = "confirmed", "Confirmed"
    COMPLETED = "completed", "Completed"
    EXPIRED = "expired", "Hold expired"
    REMOVED = "removed", "Removed from basket"
    DECLINED = "declined", "Declined by teacher"
    CANCELLED = "cancelled", "Cancelled"


# Statuses that occupy the slot. A HELD booking occupies it only until hold_expires_at;
# stale holds are turned into EXPIRED inside the booking transaction before any check.
ACTIVE_STATUSES = (
    BookingStatus.HELD,
    BookingStatus.PAID,
    BookingStatus.CONFIRMED,
    BookingStatus.COMPLETED,
)


class Booking(models.Model):
    """One lesson between a student and a teacher, stored in UTC."""

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
    goal = models.TextField("lesson goal", blank=True, max_length=1000)
    price_cents = models.PositiveIntegerField()
    teacher_message = models.TextField(blank=True, max_length=1000)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["start"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(end__gt=models.F("start")),
                name="booking_end_after_start",
            ),
        ]

    def __str__(self):
        return f"Lesson {self.pk} ({self.get_status_display()})"
