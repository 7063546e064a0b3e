"""Admin forms of the credit wallet: each action needs a reason, kept in the ledger."""

import uuid

from django import forms
from django.contrib.auth import get_user_model

from accounts.roles import is_student

REASON_HELP = "Required: kept in the student's ledger."


class _ReasonForm(forms.Form):
    reason = forms.CharField(max_length=250, help_text=REASON_HELP)


class RefundCreditsForm(_ReasonForm):
    credits = forms.IntegerField(min_value=1, label="Credits to refund")
    token = forms.CharField(widget=forms.HiddenInput, initial=lambda: uuid.uuid4().hex)


class MoveCreditsForm(_ReasonForm):
    credits = forms.IntegerField(min_value=1, label="Credits to move")
    to_email = forms.EmailField(label="To the student with this email")

    def clean_to_email(self):
        email = self.cleaned_data["to_email"]
        student = get_user_model().objects.filter(email__iexact=email, is_active=True).first()
        if student is None or not is_student(student):
            raise forms.ValidationError("No active student has this email.")
        self.cleaned_data["to_student"] = student
        return email


class ExtendLotForm(_ReasonForm):
    expires_at = forms.DateTimeField(
        label="New expiry (your time zone)",
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
    )
