"""Render form fields the site's way: label, errors and help next to the input, linked by
aria-describedby so screen readers announce them with the field."""

from django import template

register = template.Library()


@register.inclusion_tag("accounts/includes/field.html")
def form_field(field):
    described_by = []
    if field.errors:
        described_by.append(f"{field.auto_id}_errors")
    if field.help_text:
        described_by.append(f"{field.auto_id}_helptext")
    attrs = {"aria-describedby": " ".join(described_by)} if described_by else {}
    if field.errors:
        attrs["aria-invalid"] = "true"
    return {
        "field": field,
        "widget": field.as_widget(attrs=attrs) if not field.is_hidden else field.as_hidden(),
        "is_checkbox": field.widget_type == "checkbox",
    }


@register.inclusion_tag("accounts/includes/form_errors.html")
def form_errors(form):
    """Errors that belong to no single field (for example a wrong email/password pair)."""
    return {"errors": form.non_field_errors(), "hidden_errors": _hidden_errors(form)}


def _hidden_errors(form):
    return [error for field in form.hidden_fields() for error in field.errors]
