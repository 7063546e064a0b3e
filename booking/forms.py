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
    """One weekly window: its weekday (the day's list it sits in) and two wall-clock times.

    A row with neither time is a blank row and is ignored; a row with one time says which
    one is missing."""

    weekday = forms.TypedChoiceField(
        label="Day",
        choices=[("", "Choose a day"), *Weekday.choices],
        coerce=int,
        widget=forms.HiddenInput,
    )
    start_time = forms.TimeField(
        label="From",
        required=False,
        widget=TimeInput(),
        error_messages={"invalid": "Enter the time this window starts, like 09:00."},
    )
    end_time = forms.TimeField(
        label="To",
        required=False,
        widget=TimeInput(),
        error_messages={"invalid": "Enter the time this window ends, like 17:30."},
    )

    def clean(self):
        data = super().clean()
        if {"start_time", "end_time"} & set(self.errors):
            return data
        start, end = data.get("start_time"), data.get("end_time")
        if start is None and end is not None:
            self.add_error("start_time", "Enter the time this window starts.")
        elif end is None and start is not None:
            self.add_error("end_time", "Enter the time this window ends.")
        elif start is not None and end <= start:
            self.add_error(
                "end_time", f"A window must end after it starts ({start:%H:%M}–{end:%H:%M})."
            )
        return data

    def times_text(self):
        """The row's times as typed or saved ("09:00" to "12:00", joined by an en dash)."""
        return "–".join(_shown(self[name].value(), "%H:%M") for name in ("start_time", "end_time"))


def _shown(value, pattern):
    """A saved value (a time or date) or a typed one (a string) as the page shows it."""
    return value.strftime(pattern) if hasattr(value, "strftime") else str(value or "")


def _weekday_of(form):
    """The weekday whose list a window row belongs to (Monday for a tampered value)."""
    try:
        return Weekday(int(form["weekday"].value()))
    except (TypeError, ValueError):
        return Weekday.MONDAY


class BaseWindowFormSet(forms.BaseFormSet):
    @staticmethod
    def rows_for(windows):
        """The rows the page starts with: ``windows`` (saved ones), then a blank row per day."""
        return [
            {"weekday": w.weekday, "start_time": w.start_time, "end_time": w.end_time}
            for w in windows
        ] + [{"weekday": day.value} for day in Weekday]

    def _filled(self):
        """(weekday, start, end, form) of the filled-in, not-deleted rows."""
        rows = []
        for form in self.forms:
            if self._should_delete_form(form):
                continue
            data = form.cleaned_data
            if data.get("start_time") is None or data.get("end_time") is None:
                continue  # a blank row
            rows.append((data["weekday"], data["start_time"], data["end_time"], form))
        return rows

    def windows(self):
        """The filled-in, not-deleted rows as (weekday, start, end)."""
        return [(day, start, end) for day, start, end, _form in self._filled()]

    def days(self):
        """Each weekday, Monday first, with its rows: how the page lists them."""
        by_day = {day: [] for day in Weekday}
        for form in self.forms:
            by_day[_weekday_of(form)].append(form)
        return list(by_day.items())

    def clean(self):
        # Rows in error are left out (their times are not in cleaned_data): the others are
        # still checked, so the summary lists every problem at once.
        rows = sorted(self._filled(), key=lambda row: row[:3])
        for (day_a, start_a, end_a, _), (day_b, start_b, end_b, form_b) in pairwise(rows):
            if day_a == day_b and start_b < end_a:
                # On the later row, so the error summary can lead to it.
                form_b.add_error(
                    None,
                    f"{Weekday(day_a).label}: {start_a:%H:%M}–{end_a:%H:%M} overlaps "
                    f"{start_b:%H:%M}–{end_b:%H:%M}. Windows on the same day must not overlap.",
                )


WindowFormSet = forms.formset_factory(
    WindowForm, formset=BaseWindowFormSet, extra=0, can_delete=True, max_num=70
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

    def range_text(self):
        """The row's days as typed or saved, "2026-12-04 to 2026-12-06"."""
        return " to ".join(
            _shown(self[name].value(), "%Y-%m-%d") for name in ("start_date", "end_date")
        )


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


def with_blank_row(data, target):
    """The posted availability form plus one blank row, for the "Add" buttons without
    JavaScript: ``windows-<weekday>`` adds a window to that day's list, ``timeoff`` a date
    range. None for any other ``target``."""
    if target == "timeoff":
        prefix, extra = "timeoff", {}
    elif target.startswith("windows-") and target[8:] in {str(day.value) for day in Weekday}:
        prefix, extra = "windows", {"weekday": target[8:]}
    else:
        return None
    data = data.copy()
    try:
        index = int(data.get(f"{prefix}-TOTAL_FORMS", ""))
    except ValueError:
        return None
    data[f"{prefix}-TOTAL_FORMS"] = str(index + 1)
    for name, value in extra.items():
        data[f"{prefix}-{index}-{name}"] = value
    return data


def error_summary(window_formset, time_off_formset):
    """Every error of the availability form once, in page order, as (message, id of the
    field to go to): the summary at the top links each message to its field."""
    found = []

    def add(form, context, first_field):
        for name, errors in form.errors.items():
            field = form.fields.get(name)
            visible = field is not None and not field.widget.is_hidden
            target = form[name if visible else first_field].auto_id
            # The window times' messages name their field; the others get its label.
            named = visible and name not in ("start_time", "end_time")
            where = f"{context}, {field.label.lower()}" if named else context
            found.extend((f"{where}: {error}", target) for error in errors)

    for day, forms_of_day in window_formset.days():
        for number, form in enumerate(forms_of_day, start=1):
            add(form, f"{day.label}, window {number}", "start_time")
    found.extend((error, "weekly-hours") for error in window_formset.non_form_errors())
    for number, form in enumerate(time_off_formset.forms, start=1):
        add(form, f"Time off {number}", "start_date")
    found.extend((error, "time-off") for error in time_off_formset.non_form_errors())
    return found


class SeriesForm(forms.Form):
    """A weekly series asked for from a chosen time: its first lesson and how many weeks
    (2 up to the booking horizon, ``booking.series.weeks_allowed``)."""

    start = SlotField(error_messages={"required": SLOT_REFUSED})
    weeks = forms.TypedChoiceField(
        label="Number of weeks",
        coerce=int,
        error_messages={
            "invalid_choice": "Please choose a number of weeks from the list.",
            "required": "Please choose a number of weeks.",
        },
    )

    def __init__(self, *args, weeks_allowed, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["weeks"].choices = [(n, f"{n} weeks") for n in weeks_allowed]


class SeriesHoldForm(SeriesForm):
    """The preview's form: the weeks the student keeps (indices, 0 for the first) and a goal
    for every lesson."""

    week = forms.TypedMultipleChoiceField(
        coerce=int,
        required=False,
        error_messages={"invalid_choice": "Please choose the weeks from the list."},
    )
    goal = forms.CharField(
        label="What would you like to work on?",
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args, weeks_allowed, **kwargs):
        super().__init__(*args, weeks_allowed=weeks_allowed, **kwargs)
        self.fields["week"].choices = [(i, str(i)) for i in range(max(weeks_allowed, default=0))]
