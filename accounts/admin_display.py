"""How the Wagtail admin shows money and times: euros and the admin user's own zone.

Amounts are integer cents inside; admins read them as "€18.00" (``site_config.money``), and
exports carry euros as numbers (18.00) under a "(€)" heading. Times are shown in the zone of
the admin looking at them, with its abbreviation ("4 Dec 2026, 18:00 CET",
``accounts.zones.format_local``), whatever zone Wagtail's own preferences activate.

Listings use ``MoneyColumn`` and ``LocalTimeColumn``; detail pages mix in
``LocalDisplayInspectMixin`` (snippets: ``LocalDisplaySnippetInspectView``); listing views
with exports mix in ``EuroExportMixin``. Admin templates use the ``local_time`` filter
(``{% load local_times %}``) and the ``money`` filter.
"""

import datetime

from django.core.exceptions import FieldDoesNotExist
from django.utils.text import capfirst
from wagtail.admin.ui.tables import Column
from wagtail.snippets.views.snippets import InspectView as SnippetInspectView

from site_config.admin_forms import cents_to_euros
from site_config.money import format_cents

from .zones import format_local


def is_money_field(name):
    return name.endswith("_cents")


def money_label(label):
    """ "price_cents", "price cents" or "lesson price (cents)" → "Price", "Lesson price"."""
    words = str(label).replace("_", " ").replace("(cents)", "").split()
    if words and words[-1].lower() == "cents":
        words = words[:-1]
    return capfirst(" ".join(words))


def local_time(moment, user):
    """``moment`` for ``user`` in their zone, short, with the abbreviation; "" for none."""
    if not isinstance(moment, datetime.datetime):
        return ""
    return format_local(moment, user, short=True)


class MoneyColumn(Column):
    """A listing column of integer cents, shown as euros ("€18.00"); ``empty`` is shown for
    no amount."""

    def __init__(self, name, label=None, *, sort_key=None, empty="", **kwargs):
        self.empty_value_display = empty
        super().__init__(
            name,
            label=label or money_label(name.rsplit(".", 1)[-1]),
            sort_key=sort_key or (None if "." in name else name),
            **kwargs,
        )

    def get_value(self, instance):
        cents = super().get_value(instance)
        return "" if cents is None else format_cents(cents)


class LocalTimeColumn(Column):
    """A listing column of a date and time, in the admin's zone with its abbreviation."""

    def __init__(self, name, label=None, *, sort_key=None, **kwargs):
        super().__init__(
            name,
            label=label or capfirst(name.replace("_", " ")),
            sort_key=sort_key or name,
            **kwargs,
        )

    def get_cell_context_data(self, instance, parent_context):
        context = super().get_cell_context_data(instance, parent_context)
        moment = context["raw_value"]
        if moment:
            context["value"] = local_time(moment, getattr(context["request"], "user", None))
        return context


class LocalDisplayInspectMixin:
    """For a Wagtail ``InspectView``: ``*_cents`` fields in euros (labelled without
    "cents"), dates and times in the admin's zone."""

    def get_field_label(self, field_name, field):
        label = super().get_field_label(field_name, field)
        return money_label(label) if is_money_field(field_name) else label

    def get_field_display_value(self, field_name, field):
        value = super().get_field_display_value(field_name, field)
        if is_money_field(field_name) and isinstance(value, int):
            return format_cents(value)
        if isinstance(value, datetime.datetime):
            return local_time(value, self.request.user)
        return value


class EuroExportMixin:
    """For a listing view with Wagtail's spreadsheet exports: ``*_cents`` columns are
    exported as euros (a number with two decimals) under "<label> (€)"."""

    def get_preprocess_function(self, field, value, export_format):
        if is_money_field(field) and isinstance(value, int):
            return cents_to_euros
        return super().get_preprocess_function(field, value, export_format)

    def get_heading(self, queryset, field):
        if is_money_field(field) and field not in self.export_headings:
            name = field.rsplit(".", 1)[-1]
            try:
                label = queryset.model._meta.get_field(name).verbose_name
            except FieldDoesNotExist:  # a related or computed field: use its name
                label = name
            return f"{money_label(label)} (€)"
        return super().get_heading(queryset, field)


class LocalDisplaySnippetInspectView(LocalDisplayInspectMixin, SnippetInspectView):
    """A snippet viewset's ``inspect_view_class``: Wagtail's, with money and times as above."""
