"""The review form. It has no moderation status, so nobody approves their own review."""

from django import forms

from site_config.public_forms import HoneypotMixin

from .models import LessonReview


class ReviewForm(HoneypotMixin, forms.ModelForm):
    rating = forms.TypedChoiceField(
        label="Your rating",
        choices=[(n, f"{n} star{'s' if n > 1 else ''}") for n in range(5, 0, -1)],
        coerce=int,
        widget=forms.RadioSelect,
    )

    class Meta:
        model = LessonReview
        fields = ["rating", "text"]
        labels = {"text": "Your review (optional)"}
        widgets = {"text": forms.Textarea(attrs={"rows": 5, "maxlength": 2000})}
