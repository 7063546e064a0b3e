"""What every public form shares (testimonials, lesson reviews, the newsletter): a honeypot
field naive bots fill in, and one answer when a client posts too often."""

from django import forms
from django.shortcuts import render

RATE_LIMITED = "Too many attempts, please try again in a few minutes."


class HoneypotMixin(forms.Form):
    """A field people never see (hidden by CSS, out of the tab order) but naive bots fill in.
    Render it with ``{% include "includes/honeypot.html" with field=form.website %}``."""

    website = forms.CharField(
        required=False,
        label="Leave this field empty",
        widget=forms.TextInput(attrs={"autocomplete": "off", "tabindex": "-1"}),
    )

    def is_spam(self):
        return bool(self.data.get("website"))


def render_rate_limited(request, template, context):
    """The form again, with ``RATE_LIMITED`` as its error, answered 429."""
    context["form"].add_error(None, RATE_LIMITED)
    return render(request, template, context, status=429)
