"""The teacher's "add a calendar" form: the address is checked and normalised on entry."""

from django import forms

from .fetching import normalise_feed_url
from .models import ExternalCalendar
from .services import MAX_CALENDARS_PER_TEACHER


class ExternalCalendarForm(forms.ModelForm):
    class Meta:
        model = ExternalCalendar
        fields = ["name", "url"]
        labels = {"name": "Name (optional)", "url": "Calendar address"}
        help_texts = {
            "name": "For you, e.g. “italki” or “Google, personal”.",
            "url": (
                "The iCal (ICS) address of the calendar: it starts with https:// or webcal://. "
                "For Google Calendar, use the “secret address in iCal format”."
            ),
        }
        widgets = {
            "url": forms.TextInput(
                attrs={"inputmode": "url", "autocomplete": "off", "spellcheck": "false"}
            )
        }

    def __init__(self, *args, teacher, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.teacher = teacher
        self.teacher = teacher

    def clean_url(self):
        url = normalise_feed_url(self.cleaned_data["url"])
        if ExternalCalendar.objects.filter(teacher=self.teacher, url=url).exists():
            raise forms.ValidationError("This calendar is already in your list.")
        return url

    def clean(self):
        cleaned = super().clean()
        if ExternalCalendar.objects.filter(teacher=self.teacher).count() >= (
            MAX_CALENDARS_PER_TEACHER
        ):
            raise forms.ValidationError(
                f"You can connect up to {MAX_CALENDARS_PER_TEACHER} calendars. Remove one "
                "to add another."
            )
        return cleaned
