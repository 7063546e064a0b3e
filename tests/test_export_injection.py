"""Admin exports are inert in spreadsheets: in CSV every text cell starting with = + - @ tab
or CR gets a leading ', in XLSX such text is stored as a string, never a formula. Checked on
the real admin export URLs (bookings, orders, teachers, newsletter subscribers and the
contact form's submissions), as an admin, csv and xlsx."""

import csv
import io
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook
from wagtail.contrib.forms.models import FormSubmission
from wagtail.models import Page

from accounts.factories import StudentFactory, TeacherFactory
from booking.models import Booking, BookingStatus
from cms_pages.models import ContactFormField, ContactPage, Subscriber
from commerce.models import Order
from site_config.spreadsheets import inert_cell

pytestmark = pytest.mark.django_db

PAYLOAD = '=HYPERLINK("https://evil.example","x")'
DANGEROUS = ("=", "+", "-", "@", "\t", "\r")


@pytest.mark.parametrize("text", [f"{c}1+1" for c in DANGEROUS] + [PAYLOAD, "-2+3", "+cmd|x"])
def test_text_that_starts_like_a_formula_gets_a_quote(text):
    assert inert_cell(text) == "'" + text


@pytest.mark.parametrize(
    "value", ["Subjunctive", "a=b", "", "'=already quoted", -5, 0, 12.5, None, "-12.50", "+33"]
)
def test_plain_text_and_numbers_are_left_alone(value):
    assert inert_cell(value) == value


@pytest.fixture
def hostile_data(db):
    """A teacher, a student, a lesson, an order and a subscriber whose text is a formula."""
    teacher = TeacherFactory(display_name=PAYLOAD)
    student = StudentFactory(display_name=PAYLOAD)
    start = timezone.now() + timedelta(days=3)
    Booking.objects.create(
        teacher=teacher,
        student=student,
        start=start,
        end=start + timedelta(hours=1),
        status=BookingStatus.PAID,
        price_cents=1800,
        goal=PAYLOAD,
    )
    Order.objects.create(student=student, promo_code=PAYLOAD, total_cents=1800)
    Subscriber.objects.create(email=PAYLOAD)


@pytest.fixture
def contact_page(db):
    """The contact form with a submission full of formulas (and numbers that must stay)."""
    page = ContactPage(title="Contact us", slug="contact", to_address="")
    Page.get_first_root_node().add_child(instance=page)
    for order, (label, field_type) in enumerate(
        [
            ("Name", "singleline"),
            ("Message", "multiline"),
            ("Phone", "singleline"),
            ("Lessons", "number"),
            ("Budget", "number"),
            ("=SUM(1+1)", "singleline"),
        ]
    ):
        ContactFormField.objects.create(
            page=page, sort_order=order, label=label, field_type=field_type
        )
    FormSubmission.objects.create(
        page=page,
        form_data={
            "name": PAYLOAD,
            "message": "@SUM(A1:A9)",
            "phone": "\t=1+1",
            "lessons": -5,  # a number, stays a number
            "budget": "-12.50",  # how Wagtail stores a Decimal: text that is only a number
            "sum11": "-2+3+cmd|' /C calc'!A0",
        },
    )
    return page


def csv_rows(response):
    return list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))


def xlsx_cells(response):
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content)))["Sheet1"]
    return [cell for row in sheet.iter_rows() for cell in row if cell.value is not None]


EXPORTS = {
    "bookings": lambda: reverse("bookings:index"),
    "orders": lambda: reverse("orders:index"),
    "teachers": lambda: reverse("teachers:index"),
    "subscribers": lambda: reverse(Subscriber.snippet_viewset.get_url_name("list")),
}


@pytest.mark.parametrize("name", EXPORTS)
def test_csv_export_quotes_formula_cells(client, admin_user, hostile_data, name):
    client.force_login(admin_user)
    response = client.get(EXPORTS[name](), {"export": "csv"})
    assert response.status_code == 200
    cells = [cell for row in csv_rows(response) for cell in row]

    assert "'" + PAYLOAD in cells
    assert not [cell for cell in cells if cell.startswith(DANGEROUS)]


@pytest.mark.parametrize("name", EXPORTS)
def test_xlsx_export_keeps_formula_text_as_plain_strings(client, admin_user, hostile_data, name):
    client.force_login(admin_user)
    response = client.get(EXPORTS[name](), {"export": "xlsx"})
    assert response.status_code == 200
    cells = xlsx_cells(response)

    payload_cells = [cell for cell in cells if cell.value == PAYLOAD]
    assert payload_cells
    assert all(cell.data_type == "s" for cell in payload_cells)  # text, shown as typed
    assert not [cell.coordinate for cell in cells if cell.data_type == "f"]


def test_contact_form_csv_export_quotes_formula_cells(client, admin_user, contact_page):
    client.force_login(admin_user)
    url = reverse("wagtailforms:list_submissions", args=[contact_page.pk])
    heading, row = csv_rows(client.get(url, {"export": "csv"}))
    cells = dict(zip(heading, row, strict=True))

    assert cells["Name"] == "'" + PAYLOAD
    assert cells["Message"] == "'@SUM(A1:A9)"
    assert cells["Phone"] == "'\t=1+1"
    assert cells["Lessons"] == "-5"
    assert cells["Budget"] == "-12.50"
    assert cells["'=SUM(1+1)"] == "'-2+3+cmd|' /C calc'!A0"  # an editor's label is quoted too


def test_contact_form_xlsx_export_has_no_formulas(client, admin_user, contact_page):
    client.force_login(admin_user)
    url = reverse("wagtailforms:list_submissions", args=[contact_page.pk])
    cells = {cell.value: cell for cell in xlsx_cells(client.get(url, {"export": "xlsx"}))}

    assert cells[PAYLOAD].data_type == "s"
    assert cells["@SUM(A1:A9)"].data_type == "s"
    assert cells[-5].data_type == "n"
    assert "'=SUM(1+1)" in cells  # the heading is text, not a formula
    assert not [cell.coordinate for cell in cells.values() if cell.data_type == "f"]
