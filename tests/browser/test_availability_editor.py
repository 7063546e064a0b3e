"""The teacher's availability editor in a real browser (issue 14.4 and 14.11), at 1280 and
390 px: with JavaScript a week grid (click or drag hours, arrow keys between them), without it
the day lists and posted "Add" buttons; time off over a booked lesson asks before declining
it. axe finds nothing, nothing sticks out sideways, the keyboard reaches everything."""

import re
from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from accounts.factories import StudentFactory, TeacherFactory
from booking.factories import AvailabilityWindowFactory, BookingFactory
from booking.models import AvailabilityWindow, BookingStatus, TimeOff

from .conftest import assert_no_axe_violations, login

PASSWORD = "correct-horse-battery"
PARIS = ZoneInfo("Europe/Paris")
WIDTHS = [1280, 390]

pytestmark = pytest.mark.django_db(transaction=True)


class Browsing:
    """Pages of the live site at a given width, with or without JavaScript, and the checks
    every page state gets: axe finds nothing and nothing is wider than the window."""

    def __init__(self, browser, base_url):
        self.browser, self.base_url = browser, base_url
        self.contexts, self.without_js = [], set()

    def open(self, width, javascript=True):
        context = self.browser.new_context(
            base_url=self.base_url,
            viewport={"width": width, "height": 900},
            java_script_enabled=javascript,
            is_mobile=width < 600,
        )
        self.contexts.append(context)
        page = context.new_page()
        page.set_default_timeout(10_000)
        if not javascript:
            self.without_js.add(id(page))
        return page

    def check(self, page):
        """axe and the width check. Playwright cannot run them in a page whose context has
        JavaScript off, so that page's HTML, its scripts left out (what a browser without
        JavaScript shows), is loaded on the same site in a same-sized page that can."""
        if id(page) in self.without_js:
            html = re.sub(r"<script\b.*?</script>", "", page.content(), flags=re.S)
            page = self.open(page.viewport_size["width"])
            page.goto("/robots.txt")
            page.set_content(html)
        assert_no_axe_violations(page)
        scroll, inner = page.evaluate(
            "() => [document.documentElement.scrollWidth, window.innerWidth]"
        )
        assert scroll <= inner, f"the page is {scroll} px wide in a {inner} px window"

    def close(self):
        for context in self.contexts:
            context.close()


@pytest.fixture
def browsing(browser, live_server, demo_site):
    browsing = Browsing(browser, live_server.url)
    yield browsing
    browsing.close()


@pytest.fixture
def paris_teacher(demo_site):
    teacher = TeacherFactory(display_name="Paule Prof")
    teacher.profile.timezone = "Europe/Paris"
    teacher.profile.save(update_fields=["timezone"])
    return teacher


def open_editor(page, teacher):
    login(page, teacher.email, PASSWORD)
    expect(page).to_have_url(re.compile(r"/teacher/$"))  # teachers land on their dashboard
    page.goto("/teacher/availability/")
    expect(page.get_by_role("heading", name="Your availability", level=1)).to_be_visible()


def saved_windows(teacher):
    return sorted(
        AvailabilityWindow.objects.filter(teacher=teacher).values_list(
            "weekday", "start_time", "end_time"
        )
    )


@pytest.mark.parametrize("width", WIDTHS)
def test_with_javascript_click_an_hour_in_the_week_grid_and_save(browsing, paris_teacher, width):
    page = browsing.open(width)
    open_editor(page, paris_teacher)
    hour = page.get_by_role("button", name="Tuesday 10:00 to 11:00")
    expect(hour).to_have_attribute("aria-pressed", "false")
    browsing.check(page)

    hour.click()
    page.get_by_role("button", name="Tuesday 11:00 to 12:00").click()

    expect(hour).to_have_attribute("aria-pressed", "true")
    tuesday = page.locator("#day-1")
    expect(tuesday.get_by_label("From").first).to_have_value("10:00")
    expect(tuesday.get_by_label("To").first).to_have_value("12:00")  # one window, merged
    page.get_by_role("button", name="Save availability").first.click()
    expect(page.get_by_text("Your availability is saved.")).to_be_visible()
    assert saved_windows(paris_teacher) == [(1, time(10), time(12))]
    # The saved window comes back in the grid.
    expect(page.get_by_role("button", name="Tuesday 11:00 to 12:00")).to_have_attribute(
        "aria-pressed", "true"
    )
    browsing.check(page)


def test_drag_over_hours_adds_them_and_a_click_removes_one(browsing, paris_teacher):
    page = browsing.open(1280)
    open_editor(page, paris_teacher)
    start = page.get_by_role("button", name="Wednesday 14:00 to 15:00")
    end = page.get_by_role("button", name="Wednesday 16:00 to 17:00")

    start.hover()
    page.mouse.down()
    page.get_by_role("button", name="Wednesday 15:00 to 16:00").hover()
    end.hover()
    page.mouse.up()
    page.get_by_role("button", name="Wednesday 15:00 to 16:00").click()  # splits the window

    page.get_by_role("button", name="Save availability").first.click()
    expect(page.get_by_text("Your availability is saved.")).to_be_visible()
    assert saved_windows(paris_teacher) == [(2, time(14), time(15)), (2, time(16), time(17))]


def test_the_week_grid_works_from_the_keyboard(browsing, paris_teacher):
    page = browsing.open(1280)
    open_editor(page, paris_teacher)
    first_hour = page.get_by_role("button", name="Monday 09:00 to 10:00")
    first_hour.focus()

    page.keyboard.press("ArrowRight")
    page.keyboard.press("ArrowDown")
    expect(page.get_by_role("button", name="Tuesday 10:00 to 11:00")).to_be_focused()
    page.keyboard.press("Space")
    page.keyboard.press("ArrowDown")
    page.keyboard.press("Enter")

    expect(page.get_by_role("button", name="Tuesday 11:00 to 12:00")).to_have_attribute(
        "aria-pressed", "true"
    )
    # One stop for the whole grid: Tab leaves it for the day lists.
    page.keyboard.press("Tab")
    focused = page.evaluate("() => document.activeElement.closest('[data-availability-grid]')")
    assert focused is None
    page.locator("#day-1").get_by_label("From").first.press("Enter")  # Enter saves
    expect(page.get_by_text("Your availability is saved.")).to_be_visible()
    assert saved_windows(paris_teacher) == [(1, time(10), time(12))]


@pytest.mark.parametrize("width", WIDTHS)
def test_without_javascript_the_day_lists_and_time_off_save(browsing, paris_teacher, width):
    AvailabilityWindowFactory(teacher=paris_teacher, weekday=0, start_time=time(9))
    page = browsing.open(width, javascript=False)
    open_editor(page, paris_teacher)
    expect(page.locator("[data-availability-grid]")).to_be_hidden()
    browsing.check(page)

    tuesday = page.locator("#day-1")
    tuesday.get_by_label("From").fill("10:00")
    tuesday.get_by_label("To").fill("12:00")
    tuesday.get_by_role("button", name="Add a window on Tuesday").click()  # posts, adds a row
    tuesday = page.locator("#day-1")
    expect(tuesday.get_by_label("From").first).to_have_value("10:00")  # kept
    tuesday.get_by_label("From").nth(1).fill("14:00")
    tuesday.get_by_label("To").nth(1).fill("15:30")
    time_off = page.locator("#time-off")
    time_off.get_by_label("First day").fill("2030-08-01")
    time_off.get_by_label("Last day").fill("2030-08-15")
    time_off.get_by_label("Note (optional)").fill("Vacances")
    page.locator("#day-0").get_by_role("button", name=re.compile("^Remove Monday")).click()

    expect(page.get_by_text("Your availability is saved.")).to_be_visible()
    assert saved_windows(paris_teacher) == [(1, time(10), time(12)), (1, time(14), time(15, 30))]
    off = TimeOff.objects.get(teacher=paris_teacher)
    assert (off.start_date.isoformat(), off.end_date.isoformat(), off.note) == (
        "2030-08-01",
        "2030-08-15",
        "Vacances",
    )
    expect(page.locator("#time-off").get_by_label("First day").first).to_have_value("2030-08-01")
    browsing.check(page)


@pytest.mark.parametrize("javascript", [True, False])
def test_a_mistake_shows_one_summary_whose_link_leads_to_the_field(
    browsing, paris_teacher, javascript
):
    page = browsing.open(1280, javascript=javascript)
    open_editor(page, paris_teacher)
    page.locator("#day-4").get_by_label("From").fill("12:00")
    page.locator("#day-4").get_by_label("To").fill("09:00")

    page.get_by_role("button", name="Save availability").first.click()

    summary = page.locator(".error-summary")
    expect(summary).to_have_count(1)
    expect(summary).to_contain_text("Friday, window 1")
    if javascript:
        expect(summary).to_be_focused()
    summary.get_by_role("link").first.click()
    if javascript:
        expect(page.locator("#day-4").get_by_label("To")).to_be_focused()
    else:
        expect(page).to_have_url(re.compile(r"#id_windows-4-end_time$"))
    browsing.check(page)
    assert saved_windows(paris_teacher) == []


def paid_lesson(teacher, days=12):
    day = (timezone.now().astimezone(PARIS) + timedelta(days=days)).date()
    start = datetime.combine(day, time(10), tzinfo=PARIS).astimezone(UTC)
    student = StudentFactory(display_name="Sacha Student")
    return day, BookingFactory(teacher=teacher, student=student, start=start, paid=True)


@pytest.mark.parametrize(("width", "javascript"), [(1280, True), (390, True), (390, False)])
def test_time_off_over_a_paid_lesson_asks_then_declines_it(
    browsing, paris_teacher, width, javascript
):
    for weekday in range(7):
        AvailabilityWindowFactory(teacher=paris_teacher, weekday=weekday, end_time=time(12))
    day, booking = paid_lesson(paris_teacher)
    page = browsing.open(width, javascript=javascript)
    open_editor(page, paris_teacher)
    time_off = page.locator("#time-off")
    time_off.get_by_label("First day").fill(day.isoformat())
    time_off.get_by_label("Last day").fill(day.isoformat())
    time_off.get_by_label("Note (optional)").fill("Congrès")

    page.get_by_role("button", name="Save availability").first.click()

    panel = page.locator("[data-conflicts]")
    expect(panel).to_contain_text("Sacha Student")
    expect(panel).to_contain_text("(Europe/Paris)")
    expect(panel).to_contain_text("Paid, awaiting teacher")
    if javascript:
        expect(panel).to_be_focused()
    expect(page.locator("#time-off").get_by_label("Note (optional)").first).to_have_value("Congrès")
    assert not TimeOff.objects.exists()
    browsing.check(page)

    page.get_by_role("button", name="Confirm and decline this lesson").click()

    expect(page.get_by_text(re.compile("1 lesson declined"))).to_be_visible()
    booking.refresh_from_db()
    assert booking.status == BookingStatus.DECLINED
    assert TimeOff.objects.get(teacher=paris_teacher).note == "Congrès"
    browsing.check(page)
