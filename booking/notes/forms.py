"""The teacher's note form (notes, homework, attachment, levels) and the levels form of a
student's page in the dashboard."""

from django import forms
from django.core.exceptions import ValidationError

from accounts.levels import SKILLS, CefrLevel, Skill

from .markup import HELP_TEXT
from .models import LessonNote
from .uploads import ATTACHMENT_ACCEPT, process_attachment

NO_CHANGE = ""


def level_field_name(skill):
    return f"level_{skill}"


class LevelFieldsMixin:
    """One select per skill, "No change" first; ``current`` (``{skill: record}``) says the
    level now in each label."""

    def add_level_fields(self, current):
        for skill in SKILLS:
            now = current.get(skill)
            label = Skill(skill).label
            self.fields[level_field_name(skill)] = forms.ChoiceField(
                label=f"{label} level",
                choices=[
                    (NO_CHANGE, f"No change (now {now.level})" if now else "Not recorded"),
                    *CefrLevel.choices,
                ],
                required=False,
                help_text=f"Now: {now.get_level_display()}." if now else "Not recorded yet.",
            )

    def levels(self):
        """``{skill: level}`` for the skills given a level."""
        return {
            skill: self.cleaned_data.get(level_field_name(skill))
            for skill in SKILLS
            if self.cleaned_data.get(level_field_name(skill))
        }

    def level_fields(self):
        return [self[level_field_name(skill)] for skill in SKILLS]


class LevelsForm(LevelFieldsMixin, forms.Form):
    def __init__(self, *args, current, **kwargs):
        super().__init__(*args, **kwargs)
        self.add_level_fields(current)

    def clean(self):
        cleaned = super().clean()
        if not self.levels():
            raise ValidationError("Choose a new level for at least one skill.")
        return cleaned


class LessonNoteForm(LevelFieldsMixin, forms.ModelForm):
    """``save`` is ``booking.notes.services.save_note``'s: the form only validates, and turns
    an upload into the file to store (``self.attachment``)."""

    attachment_file = forms.FileField(
        label="Attachment (optional)",
        required=False,
        help_text="A PDF or an image (JPEG, PNG, WebP), up to 10 MB. Only the student, their "
        "teachers and our team can download it.",
        widget=forms.ClearableFileInput(attrs={"accept": ATTACHMENT_ACCEPT}),
    )
    remove_attachment = forms.BooleanField(label="Remove the attachment", required=False)

    class Meta:
        model = LessonNote
        fields = ["notes", "homework"]
        labels = {"notes": "Notes on the lesson", "homework": "Homework (optional)"}
        help_texts = {"notes": HELP_TEXT, "homework": HELP_TEXT}
        widgets = {
            "notes": forms.Textarea(attrs={"rows": 8, "maxlength": 10_000}),
            "homework": forms.Textarea(attrs={"rows": 5, "maxlength": 5_000}),
        }

    def __init__(self, *args, current_levels, **kwargs):
        super().__init__(*args, **kwargs)
        self.attachment = None  # (file, content type, download name) once validated
        self.add_level_fields(current_levels)
        if not (self.instance.pk and self.instance.attachment):
            del self.fields["remove_attachment"]

    def clean_attachment_file(self):
        upload = self.cleaned_data.get("attachment_file")
        if upload:
            self.attachment = process_attachment(upload)
        return upload
