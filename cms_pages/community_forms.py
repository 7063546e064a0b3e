"""Public forms of the community features. None of them exposes a moderation status, so
nobody can approve their own text from the public site."""

from django import forms

from .models import Comment, LessonReview, Subscriber, SubscriberStatus

ALREADY_SUBSCRIBED = "This address is already subscribed."


class HoneypotMixin(forms.Form):
    """A field people never see (hidden by CSS, out of the tab order) but naive bots fill in."""

    website = forms.CharField(
        required=False,
        label="Leave this field empty",
        widget=forms.TextInput(attrs={"autocomplete": "off", "tabindex": "-1"}),
    )

    def is_spam(self):
        return bool(self.data.get("website"))


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


class SubscribeForm(HoneypotMixin, forms.Form):
    email = forms.EmailField(label="Email address", max_length=254)
    source = forms.CharField(required=False, max_length=40, widget=forms.HiddenInput)

    def clean_email(self):
        email = self.cleaned_data["email"].strip()
        if (
            Subscriber.objects.filter(email__iexact=email)
            .exclude(status=SubscriberStatus.UNSUBSCRIBED)
            .exists()
        ):
            raise forms.ValidationError(ALREADY_SUBSCRIBED, code="already_subscribed")
        return email
