"""Money in the admin: typed and shown in euros, stored as integer cents.

Typing "20" for a lesson price once made a €0.20 lesson. ``EuroField`` takes euros with at most
two decimals (never negative) and cleans to cents; ``EurosAdminForm`` (a Wagtail admin model
form) swaps every model ``*_cents`` field for one, so settings and snippets get it by naming it
as their ``base_form_class``.
"""

from decimal import ROUND_HALF_UP, Decimal

from django import forms
from wagtail.admin.forms import WagtailAdminModelForm

CENTS = Decimal(100)


def euros_to_cents(euros):
    """Decimal euros → integer cents (half up; the field already refuses sub-cent input)."""
    return int((euros * CENTS).quantize(Decimal("1"), rounding=ROUND_HALF_UP))


def cents_to_euros(cents):
    return (Decimal(int(cents)) / CENTS).quantize(Decimal("0.01"))


class EuroField(forms.DecimalField):
    """An amount in euros ("18", "18.50"), at least 0, cleaned to integer cents."""

    def __init__(self, **kwargs):
        kwargs.setdefault("min_value", Decimal(0))
        kwargs.setdefault("max_digits", 9)
        kwargs.setdefault("decimal_places", 2)
        super().__init__(**kwargs)
        self.widget.attrs.setdefault("step", "0.01")

    def prepare_value(self, value):
        """Initial values are cents (from the model); bound values are what was typed."""
        if isinstance(value, int) and not isinstance(value, bool):
            return cents_to_euros(value)
        return value

    def clean(self, value):
        euros = super().clean(value)
        return None if euros is None else euros_to_cents(euros)

    def has_changed(self, initial, data):
        try:
            typed = super().to_python(data)
        except forms.ValidationError:
            return True
        typed = None if typed is None else euros_to_cents(typed)
        return (None if initial in (None, "") else int(initial)) != typed


def euro_label(label):
    """ "lesson price (cents)" → "Lesson price (€)"."""
    label = str(label).replace("(cents)", "").strip()
    return f"{label[:1].upper()}{label[1:]} (€)"


class EurosAdminForm(WagtailAdminModelForm):
    """Every ``*_cents`` integer field of the model is entered in euros."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name, field in list(self.fields.items()):
            if name.endswith("_cents") and isinstance(field, forms.IntegerField):
                self.fields[name] = EuroField(
                    label=euro_label(field.label),
                    required=field.required,
                    help_text="In euros, for example 18 or 18.50.",
                )
