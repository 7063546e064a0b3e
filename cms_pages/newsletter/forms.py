"""The public newsletter sign-up form."""

from django import forms

from site_config.public_forms import HoneypotMixin

from .models import Subscriber, SubscriberStatus

ALREADY_SUBSCRIBED = "This address is already subscribed."


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
