from decimal import ROUND_HALF_UP, Decimal

from django import forms
from django_countries import countries
from django_countries.fields import LazyTypedChoiceField

from site_config.money import format_cents

COUNTRY_PROMPT = "Choose your country"
COUNTRY_ERROR = "Please choose your country from the list."


class PromoCodeForm(forms.Form):
    code = forms.CharField(label="Promo code", max_length=40, strip=True)


class CheckoutForm(forms.Form):
    """Billing details only: the browser never sends amounts or order ids we would trust."""

    name = forms.CharField(label="Name on the receipt", max_length=120)
    email = forms.EmailField(label="Email for the receipt")
    # Every country (django-countries), sorted by name; stored as its two-letter code.
    country = LazyTypedChoiceField(
        label="Country",
        choices=[("", COUNTRY_PROMPT), *countries],
        error_messages={"required": COUNTRY_ERROR, "invalid_choice": COUNTRY_ERROR},
    )


class RefundForm(forms.Form):
    """Admin refund of one lesson of an order, full or partial, with a reason."""

    item = forms.ChoiceField(label="Lesson")
    amount = forms.DecimalField(
        label="Amount (€)", min_value=Decimal("0.01"), max_digits=8, decimal_places=2
    )
    reason = forms.CharField(
        label="Reason", max_length=300, widget=forms.Textarea(attrs={"rows": 2})
    )
    token = forms.CharField(widget=forms.HiddenInput)

    def __init__(self, *args, items, refundable, **kwargs):
        super().__init__(*args, **kwargs)
        self.items = {str(item.pk): item for item in items}
        self.refundable = refundable
        self.fields["item"].choices = [
            (str(item.pk), f"{item.booking} – up to {format_cents(refundable[item.pk])}")
            for item in items
        ]

    def clean(self):
        data = super().clean()
        item = self.items.get(data.get("item"))
        amount = data.get("amount")
        if item is None or amount is None:
            return data
        cents = int((amount * 100).quantize(Decimal("1"), rounding=ROUND_HALF_UP))
        if cents > self.refundable[item.pk]:
            raise forms.ValidationError(
                f"At most {format_cents(self.refundable[item.pk])} can be refunded for this lesson."
            )
        data["item_obj"] = item
        data["amount_cents"] = cents
        return data
