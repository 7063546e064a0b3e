"""The quiz as one form: a group of radio buttons per question (works without JavaScript)."""

from django import forms


class PlacementQuizForm(forms.Form):
    """One optional choice per question (``question_<pk>``); a blank one counts as missed."""

    def __init__(self, *args, questions, **kwargs):
        super().__init__(*args, **kwargs)
        self.questions = list(questions)
        for number, question in enumerate(self.questions, start=1):
            self.fields[self.field_name(question)] = forms.TypedChoiceField(
                label=f"Question {number}: {question.text}",
                choices=[(answer.pk, answer.text) for answer in question.answers.all()],
                coerce=int,
                required=False,
                widget=forms.RadioSelect,
                error_messages={"invalid_choice": "Please choose one of the answers given."},
            )

    @staticmethod
    def field_name(question):
        return f"question_{question.pk}"

    def chosen(self):
        """``{question pk: answer pk or None}`` from the cleaned data."""
        return {q.pk: self.cleaned_data.get(self.field_name(q)) or None for q in self.questions}

    def rows(self):
        """(question, bound field) pairs, for the template's fieldsets."""
        return [(question, self[self.field_name(question)]) for question in self.questions]
