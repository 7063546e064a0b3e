from decimal import ROUND_HALF_UP, Decimal

from django import forms

from .money import format_cents

COUNTRIES = [
    ("", "Choose your country"),
    ("AT", "Austria"),
    ("AU", "Australia"),
    ("BE", "Belgium"),
    ("BR", "Brazil"),
    ("CA", "Canada"),
    ("CH", "Switzerland"),
    ("CN", "China"),
    ("CZ", "Czechia"),
    ("DE", "Germany"),
    ("DK", "Denmark"),
    ("ES", "Spain"),
    ("FI", "Finland"),
    ("FR", "France"),
    ("GB", "United Kingdom"),
    ("GR", "Greece"),
    ("HU", "Hungary"),
    ("IE", "Ireland"),
    ("IN", "India"),
    ("IT", "Italy"),
    ("JP", "Japan"),
    ("KR", "South Korea"),
    ("LU", "Luxembourg"),
    ("MA", "Morocco"),
    ("MX", "Mexico"),
    ("NL", "Netherlands"),
    ("NO", "Norway"),
    ("NZ", "New Zealand"),
    ("PL", "Poland"),
    ("PT", "Portugal"),
    ("RO", "Romania"),
    ("SE", "Sweden"),
    ("SN", "Senegal"),
    ("TN", "Tunisia"),
    ("US", "United States"),
    ("ZA", "South Africa"),
]


class PromoCodeForm(forms.Form):
    code = forms.CharField(label="Promo code", max_length=40, strip=True)


class CheckoutForm(forms.Form):
    """Billing details only: the browser never sends amounts or order ids we would trust."""

    name = forms.CharField(label="Name on the receipt", max_length=120)
    email = forms.EmailField(label="Email for the receipt")
    country = forms.ChoiceField(label="Country", choices=COUNTRIES)


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
