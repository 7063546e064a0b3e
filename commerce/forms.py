from decimal import Decimal

from django import forms
from django_countries import countries
from django_countries.fields import LazyTypedChoiceField

from site_config.admin_forms import EuroField, EurosAdminForm, cents_to_euros, euros_to_cents
from site_config.money import format_cents

from .models import OfferKind

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
    amount = EuroField(label="Amount (€)", min_value=Decimal("0.01"))
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
        cents = data.get("amount")  # EuroField: typed in euros, cleaned to cents
        if item is None or cents is None:
            return data
        if cents > self.refundable[item.pk]:
            raise forms.ValidationError(
                f"At most {format_cents(self.refundable[item.pk])} can be refunded for this lesson."
            )
        data["item_obj"] = item
        data["amount_cents"] = cents
        return data


class OfferAdminForm(EurosAdminForm):
    """An offer's ``value`` is typed as the kind says: euros for a fixed offer (5 = €5.00 off,
    stored as 500 cents), a whole percentage (1 to 100) for a percentage offer."""

    value = forms.DecimalField(
        label="Value",
        required=False,
        min_value=Decimal(0),
        max_digits=9,
        decimal_places=2,
        help_text="Fixed offers: the amount off in euros (5 = €5.00). "
        "Percentage offers: the percentage (20 = 20% off). Bundle offers: leave empty.",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk and self.instance.kind == OfferKind.FIXED:
            self.initial["value"] = cents_to_euros(self.instance.value or 0)

    def clean(self):
        data = super().clean()
        value, kind = data.get("value"), data.get("kind")
        if value is None:
            data["value"] = 0
        elif kind == OfferKind.FIXED:
            data["value"] = euros_to_cents(value)
        elif value != value.to_integral_value():
            self.add_error("value", "A percentage is a whole number, for example 20.")
        else:
            data["value"] = int(value)
        return data
