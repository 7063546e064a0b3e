"""The public testimonial form. It has no moderation status, so nobody approves their own
text from the public site."""

from django import forms

from site_config.public_forms import HoneypotMixin

from .models import Comment


class CommentForm(HoneypotMixin, forms.ModelForm):
    class Meta:
        model = Comment
        fields = ["text"]
        labels = {"text": "Your testimonial"}
        help_texts = {"text": "Up to 2,000 characters. It is published once our team approves it."}
        widgets = {"text": forms.Textarea(attrs={"rows": 6, "maxlength": 2000})}

    def clean_text(self):
        text = self.cleaned_data["text"].strip()
        if not text:
            raise forms.ValidationError("Please write a few words.")
        return text
