"""The teacher search form: GET parameters, each optional; a value that cannot be used is
ignored and the page says so (never an error page)."""

from decimal import Decimal

from django import forms

from accounts.models import CefrLevel
from site_config.admin_forms import euros_to_cents

PRICE_ERROR = "Enter a price in euros, for example 20 or 19.50."
PRICE_RANGE_ERROR = "The lowest price is above the highest one, so the price range was ignored."
FREE_SOON_DAYS = 7


class PriceField(forms.DecimalField):
    default_error_messages = {
        "invalid": PRICE_ERROR,
        "min_value": PRICE_ERROR,
        "max_digits": PRICE_ERROR,
        "max_decimal_places": PRICE_ERROR,
        "max_whole_digits": PRICE_ERROR,
    }

    def __init__(self, **kwargs):
        super().__init__(
            required=False,
            min_value=Decimal(0),
            max_digits=7,
            decimal_places=2,
            widget=forms.NumberInput(attrs={"min": "0", "step": "0.01", "inputmode": "decimal"}),
            **kwargs,
        )


class TeacherSearchForm(forms.Form):
    """``?q=&specialty=<slug>&level=B1&min_price=15&max_price=25&free_soon=1``."""

    q = forms.CharField(
        label="Search",
        required=False,
        max_length=100,
        help_text="A name, a language or a topic.",
        widget=forms.TextInput(attrs={"type": "search", "autocomplete": "off"}),
    )
    specialty = forms.ChoiceField(label="Specialty", required=False)
    level = forms.ChoiceField(
        label="Level taught",
        required=False,
        choices=[("", "Any level"), *CefrLevel.choices],
    )
    min_price = PriceField(label="Lowest price (€)")
    max_price = PriceField(label="Highest price (€)")
    free_soon = forms.BooleanField(label=f"Free in the next {FREE_SOON_DAYS} days", required=False)

    error_messages = {"specialty": "There is no such specialty, so it was ignored."}

    def __init__(self, data=None, *, specialties=()):
        super().__init__(data or None)
        self.specialties = {specialty.slug: specialty for specialty in specialties}
        self.fields["specialty"].choices = [
            ("", "Any specialty"),
            *((specialty.slug, specialty.name) for specialty in specialties),
        ]
        self.fields["specialty"].error_messages["invalid_choice"] = self.error_messages["specialty"]
        self.fields["level"].error_messages["invalid_choice"] = (
            "There is no such level, so it was ignored."
        )

    def clean(self):
        data = super().clean()
        low, high = data.get("min_price"), data.get("max_price")
        if low is not None and high is not None and low > high:
            self.add_error(None, PRICE_RANGE_ERROR)
            data.pop("min_price")
            data.pop("max_price")
        return data

    def filters(self):
        """The usable filters as keyword arguments of ``finder.services.find_teachers``; an
        unbound form (no parameters) filters nothing. Call after ``is_valid()``: fields in
        error are missing from ``cleaned_data`` and so are ignored."""
        if not self.is_bound:
            return {}
        data = self.cleaned_data
        low, high = data.get("min_price"), data.get("max_price")
        return {
            "query": data.get("q", ""),
            "specialty": self.specialties.get(data.get("specialty") or ""),
            "level": data.get("level", ""),
            "min_price_cents": euros_to_cents(low) if low is not None else None,
            "max_price_cents": euros_to_cents(high) if high is not None else None,
            "free_within_days": FREE_SOON_DAYS if data.get("free_soon") else None,
        }

    def problems(self):
        """Sentences saying which filters were ignored and why."""
        if not self.is_bound:
            return []
        labels = {name: field.label for name, field in self.fields.items()}
        found = [str(error) for error in self.non_field_errors()]
        for name, errors in self.errors.items():
            if name != "__all__":
                found += [f"{labels[name]}: {error}" for error in errors]
        return found
