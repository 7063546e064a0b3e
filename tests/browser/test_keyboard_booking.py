"""A student logs in and books a lesson with the keyboard alone (Tab, Space, Enter, typing):
no mouse, no clicks, no filling fields from the test."""

from datetime import datetime

from booking.models import Booking, BookingStatus

DEMO_STUDENT = "student@petittalk.example"
DEMO_TEACHER_SLUG = "camille-martin"
GOAL = "Practise the passé composé with travel stories."
ACTIVE = "document.activeElement"


def tab_until(page, predicate, *, limit=250, backwards=False):
    """Press Tab (or Shift+Tab) until ``predicate`` (JS taking the focused element) holds."""
    key = "Shift+Tab" if backwards else "Tab"
    for _ in range(limit):
        page.keyboard.press(key)
        if page.evaluate(f"(el => {predicate})({ACTIVE})"):
            return
    raise AssertionError(f"{predicate} never got the focus after {limit} presses of {key}")


def test_student_books_a_lesson_with_the_keyboard_only(page):
    # Log in: tab to each field, type, press Enter.
    page.goto("/accounts/login/")
    tab_until(page, "el.name === 'login'")
    page.keyboard.type(DEMO_STUDENT)
    tab_until(page, "el.name === 'password'")
    page.keyboard.type("petit-talk-demo")
    page.keyboard.press("Enter")
    page.wait_for_url(lambda url: "/accounts/login/" not in url)

    page.goto(f"/book/?teacher={DEMO_TEACHER_SLUG}")
    # Weeks without a free time (minimum notice, weekend): follow "Next week" by keyboard.
    for _ in range(4):
        if page.locator("button[name=choose]").count():
            break
        tab_until(page, "el.tagName === 'A' && el.textContent.includes('Next week')")
        page.keyboard.press("Enter")
        page.wait_for_load_state("load")
    first_value = page.locator("button[name=choose]").first.get_attribute("value")

    # Tabbing into the week grid lands on its first time button; Enter chooses it.
    tab_until(page, "el.name === 'choose'")
    assert page.evaluate(f"{ACTIVE}.value") == first_value
    with page.expect_navigation():  # the form posts; the page comes back with the chosen time
        page.keyboard.press("Enter")
    page.locator("#chosen").wait_for()

    # The chosen lesson (price, cancellation rule) comes before "Add to basket".
    tab_until(page, "el.name === 'goal'")
    page.keyboard.type(GOAL)
    tab_until(page, "el.type === 'submit' && el.textContent.includes('Add to basket')")
    page.keyboard.press("Enter")

    page.wait_for_url(lambda url: "/book/" not in url)
    assert any(part in page.url for part in ("/basket/", "/bookings/"))
    held = Booking.objects.get(student__email=DEMO_STUDENT, goal=GOAL)
    assert held.status == BookingStatus.HELD
    assert held.start == datetime.fromisoformat(first_value)
    assert held.teacher.profile.slug == DEMO_TEACHER_SLUG
    assert page.get_by_text(held.teacher.display_name).first.is_visible()
