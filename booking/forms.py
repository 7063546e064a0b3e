from datetime import UTC, datetime
from itertools import pairwise

from django import forms

from .models import Weekday

# A lesson time outside these years can only be a tampered value; refusing it here also keeps
# every later calculation (lesson end, time zones) far from the ends of the calendar.
EARLIEST_SLOT = datetime(2000, 1, 1, tzinfo=UTC)
LATEST_SLOT = datetime(3000, 1, 1, tzinfo=UTC)


class DateInput(forms.DateInput):
    """A browser date picker. It accepts only ISO yyyy-mm-dd, so the value is rendered that way
    whatever the locale's date format (en-GB would give 04/12/2026 and a blank field)."""

    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%Y-%m-%d")


class TimeInput(forms.TimeInput):
    """A browser time picker, rendered as HH:MM (what <input type="time"> expects)."""

    input_type = "time"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%H:%M")


SLOT_REFUSED = "This time is not available. Please pick another time."


class SlotField(forms.CharField):
    """A lesson time a page offered: an ISO time with a zone between 2000 and 2999, cleaned to
    UTC. Anything else (tampered, off the calendar) gets one sentence."""

    max_chars = 40  # an ISO time with a zone and microseconds is 32

    def __init__(self, **kwargs):
        kwargs.setdefault("error_messages", {"required": "Please pick a time for your lesson."})
        super().__init__(**kwargs)

    def clean(self, value):
        value = super().clean(value)
        if len(value) > self.max_chars:
            raise forms.ValidationError(SLOT_REFUSED)
        try:
            moment = datetime.fromisoformat(value)
            moment = moment.astimezone(UTC) if moment.tzinfo is not None else None
        except (ValueError, OverflowError):  # not a time, or its UTC is off the calendar
            moment = None
        if moment is None or not EARLIEST_SLOT <= moment < LATEST_SLOT:
            raise forms.ValidationError(SLOT_REFUSED)
        return moment


class HoldForm(forms.Form):
    """The slot a student adds to the basket (an ISO UTC time from the page) and their goal."""

    slot = SlotField()
    goal = forms.CharField(
        label="What would you like to work on?",
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class ChooseForm(forms.Form):
    """A time button of the week grid: the time the student looks at before holding or
    moving; a goal typed earlier rides along so it is not lost."""

    choose = SlotField(error_messages={"required": SLOT_REFUSED})
    goal = forms.CharField(required=False, max_length=1000)


class RescheduleForm(forms.Form):
    """The new time of a lesson being moved (the confirmation step's button)."""

    slot = SlotField()


class TeacherMessageForm(forms.Form):
    message = forms.CharField(
        label="Message to the student (optional)",
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class CancelForm(forms.Form):
    reason = forms.CharField(required=False, max_length=1000)


class WindowForm(forms.Form):
    weekday = forms.TypedChoiceField(
        label="Day", choices=[("", "Choose a day"), *Weekday.choices], coerce=int
    )
    start_time = forms.TimeField(label="From", widget=TimeInput())
    end_time = forms.TimeField(label="To", widget=TimeInput())

    def clean(self):
        data = super().clean()
        start, end = data.get("start_time"), data.get("end_time")
        if start and end and end <= start:
            raise forms.ValidationError(
                f"A window must end after it starts ({start:%H:%M}–{end:%H:%M})."
            )
        return data


class BaseWindowFormSet(forms.BaseFormSet):
    def windows(self):
        """The filled-in, not-deleted rows as (weekday, start, end)."""
        rows = []
        for form in self.forms:
            if not form.has_changed() or self._should_delete_form(form):
                continue
            data = form.cleaned_data
            rows.append((data["weekday"], data["start_time"], data["end_time"]))
        return rows

    def clean(self):
        if any(self.errors):
            return
        rows = sorted(self.windows())
        for (day_a, start_a, end_a), (day_b, start_b, end_b) in pairwise(rows):
            if day_a == day_b and start_b < end_a:
                raise forms.ValidationError(
                    f"{Weekday(day_a).label}: {start_a:%H:%M}–{end_a:%H:%M} overlaps "
                    f"{start_b:%H:%M}–{end_b:%H:%M}. Windows on the same day must not overlap."
                )


WindowFormSet = forms.formset_factory(
    WindowForm, formset=BaseWindowFormSet, extra=1, can_delete=True, max_num=70
)


class TimeOffForm(forms.Form):
    start_date = forms.DateField(label="First day", widget=DateInput())
    end_date = forms.DateField(label="Last day", widget=DateInput())
    note = forms.CharField(label="Note (optional)", required=False, max_length=200)

    def clean(self):
        data = super().clean()
        start, end = data.get("start_date"), data.get("end_date")
        if start and end and end < start:
            raise forms.ValidationError("Time off must end on or after its first day.")
        return data


class BaseTimeOffFormSet(forms.BaseFormSet):
    def ranges(self):
        """The filled-in, not-deleted rows as (first day, last day, note)."""
        return [
            (
                form.cleaned_data["start_date"],
                form.cleaned_data["end_date"],
                form.cleaned_data["note"],
            )
            for form in self.forms
            if form.has_changed() and not self._should_delete_form(form)
        ]


TimeOffFormSet = forms.formset_factory(
    TimeOffForm, formset=BaseTimeOffFormSet, extra=1, can_delete=True, max_num=100
)
