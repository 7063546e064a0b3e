"""Spreadsheet exports that a spreadsheet cannot execute (CSV / formula injection).

A cell that starts with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return is read as a
formula by Excel, LibreOffice and Google Sheets, so a student name such as
``=HYPERLINK("https://evil.example","x")`` would become a live link (or worse) in an
admin's export. In CSV such text cells get a leading ``'``, which spreadsheets show as text.
XLSX cells carry their type: Wagtail's writer already stores a text value starting with ``=``
as a string, never a formula, so XLSX values are left exactly as they are.

Only text is quoted. Numbers (``-5`` as an int or a ``Decimal``) are not text and are written
as numbers; text that is just a signed number (``"-12.50"``, as Wagtail stores a form's
number field) is left alone too, since a spreadsheet reads it as that number and nothing else.

Wagtail 8 has no setting or hook for this; its ``SpreadsheetExportMixin`` is extended through
its ``preprocess_field_value`` and ``get_heading`` methods, and the form submissions export
through a form page's ``get_submissions_list_view_class`` (``inert_export_view``).
"""

import functools
import re

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
PLAIN_NUMBER = re.compile(r"[+-]?[0-9]+(?:[.,][0-9]+)?")


def inert_cell(value):
    """``value`` as a spreadsheet shows it without evaluating it: text that starts like a
    formula gets a leading ``'``; anything else (numbers, dates, plain text) is unchanged."""
    if (
        isinstance(value, str)
        and value.startswith(FORMULA_PREFIXES)
        and not PLAIN_NUMBER.fullmatch(value)
    ):
        return "'" + value
    return value


class InertSpreadsheetExportMixin:
    """For any view with Wagtail's ``SpreadsheetExportMixin`` (put it first in the bases):
    CSV cells are passed through ``inert_cell``, and so are column headings (in XLSX too,
    where a heading, unlike a value, would otherwise be written as a formula)."""

    def preprocess_field_value(self, field, value, export_format):
        value = super().preprocess_field_value(field, value, export_format)
        if export_format == self.FORMAT_CSV:
            return inert_cell(value)
        return value

    def get_heading(self, queryset, field):
        return inert_cell(super().get_heading(queryset, field))


@functools.cache
def inert_export_view(view_class):
    """``view_class`` (a Wagtail view with ``SpreadsheetExportMixin``) with inert exports.

    For views we do not declare, such as the form submissions listing that a form page picks
    in ``get_submissions_list_view_class`` (Wagtail's views cannot be imported while models
    load, so the page cannot name a subclass as a class attribute).
    """
    return type(f"Inert{view_class.__name__}", (InertSpreadsheetExportMixin, view_class), {})
