from django import forms

from ..transitions import LessonOutcome

# What each choice does, as the teacher's form says it.
OUTCOME_HELP = {
    LessonOutcome.HELD: "The lesson took place.",
    LessonOutcome.STUDENT_NO_SHOW: "The lesson is spent; the student may explain within 48 hours.",
    LessonOutcome.TEACHER_NO_SHOW: "The student is refunded in full and gets a bonus credit.",
    LessonOutcome.TECHNICAL_PROBLEM: "The student chooses a refund or a free new time.",
}


def outcome_choices():
    """(value, label, what it does) of each outcome, for the dashboard's radio buttons."""
    return [(value, label, OUTCOME_HELP[value]) for value, label in LessonOutcome.choices]


class OutcomeForm(forms.Form):
    outcome = forms.ChoiceField(
        label="What happened?",
        choices=LessonOutcome.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Please choose what happened at the lesson."},
    )
    note = forms.CharField(
        label="Message to the student (optional)",
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class DisputeForm(forms.Form):
    explanation = forms.CharField(
        label="What happened?",
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 6}),
        error_messages={"required": "Please tell us what happened."},
    )

    def clean_explanation(self):
        text = self.cleaned_data["explanation"].strip()
        if not text:
            raise forms.ValidationError("Please tell us what happened.")
        return text
