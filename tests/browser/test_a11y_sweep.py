"""axe-core on every public page and every dashboard page (zero violations of any impact),
plus reduced motion and visible keyboard focus."""

from datetime import UTC, datetime, timedelta
from urllib.parse import urlencode

import pytest

from booking.models import LessonNote
from tests.browser.conftest import assert_no_axe_violations, login

DEMO_STUDENT = "student@petittalk.example"
DEMO_TEACHER = "camille@petittalk.example"
DEMO_TEACHER_SLUG = "camille-martin"
DEMO_EDITOR = "editor@petittalk.example"

PUBLIC_PAGES = [
    "/",
    "/teachers/",
    f"/teachers/{DEMO_TEACHER_SLUG}/",
    "/blog/",
    "/blog/ten-phrases-for-your-first-french-conversation/",
    "/about/",
    "/contact/",
    "/comments/",
    "/pricing/",
    "/newsletter/thanks/",
    "/accounts/login/",
    "/accounts/signup/",
    "/accounts/password/reset/",
    "/this-page-does-not-exist/",
]


def series_preview_path():
    """The weekly series preview from a time a week ahead (any time: weeks that are not free
    are listed as conflicts)."""
    start = (datetime.now(UTC) + timedelta(days=7)).replace(minute=0, second=0, microsecond=0)
    query = urlencode({"teacher": DEMO_TEACHER_SLUG, "start": start.isoformat(), "weeks": 4})
    return f"/book/series/?{query}"


# (who, path)
DASHBOARD_PAGES = [
    (DEMO_STUDENT, series_preview_path()),
    (DEMO_STUDENT, f"/book/?teacher={DEMO_TEACHER_SLUG}"),
    (DEMO_STUDENT, "/bookings/"),
    (DEMO_STUDENT, "/basket/"),
    (DEMO_STUDENT, "/checkout/"),
    (DEMO_STUDENT, "/orders/"),
    (DEMO_STUDENT, "/credits/"),
    (DEMO_STUDENT, "/profile/"),
    (DEMO_STUDENT, "/profile/edit/"),
    (DEMO_STUDENT, "/profile/finish/"),
    (DEMO_STUDENT, "/comments/new/"),
    (DEMO_STUDENT, "/profile/progress/"),
    (DEMO_STUDENT, "/profile/placement/"),
    (DEMO_STUDENT, "/bookings/{lesson}/notes/"),
    (DEMO_TEACHER, "/teacher/"),
    (DEMO_TEACHER, "/teacher/availability/"),
    (DEMO_TEACHER, "/teacher/calendars/"),
    (DEMO_TEACHER, "/teacher/lessons/{lesson}/notes/"),
    (DEMO_TEACHER, "/teacher/students/{student}/"),
    (DEMO_TEACHER, "/profile/"),
    (DEMO_TEACHER, "/profile/edit/"),
    (DEMO_EDITOR, "/profile/"),
]


def open_page(page, path, *, expect_status=200):
    response = page.goto(path)
    assert response.status == expect_status, f"{path} answered {response.status}"
    page.wait_for_load_state("load")


def demo_path(path):
    """A path naming demo records, whose ids a fresh database decides: ``{lesson}`` (the
    demo student's lesson with notes) and ``{student}`` (the demo student's page slug)."""
    if "{" not in path:
        return path
    note = LessonNote.objects.select_related("booking__student__profile").get(
        booking__student__email=DEMO_STUDENT
    )
    return path.format(lesson=note.booking_id, student=note.booking.student.profile.public_slug)


def sweep(page, paths):
    """axe on each path; one browser session per role keeps the demo data loaded once.

    Fails listing every page with violations, every page that answers another status than
    expected (a route the sweep needs that is missing answers 404 and fails) and every page
    that sends the user to the login page."""
    problems = []
    for path in map(demo_path, paths):
        response = page.goto(path)
        expected = 404 if "does-not-exist" in path else 200
        sent_to_login = "/accounts/login/" in page.url and "/accounts/login/" not in path
        if response.status != expected or sent_to_login:
            problems.append(f"{path}: HTTP {response.status} at {page.url}")
            continue
        page.wait_for_load_state("load")
        try:
            assert_no_axe_violations(page)
        except AssertionError as error:
            problems.append(f"{path}:\n{error}")
    assert not problems, "\n\n".join(problems)


def test_public_pages_have_no_axe_violations(page):
    sweep(page, PUBLIC_PAGES)


@pytest.mark.parametrize(
    "email",
    sorted({email for email, _ in DASHBOARD_PAGES}),
)
def test_dashboard_pages_have_no_axe_violations(page, email):
    login(page, email)
    page.wait_for_url(lambda url: "/accounts/login/" not in url)
    sweep(page, [path for who, path in DASHBOARD_PAGES if who == email])


def test_lesson_outcome_pages_have_no_axe_violations(page):
    """The student's pages after an outcome (booking.outcomes): the dispute of a no-show and
    the choice after a technical problem; their lessons are made here (ids are not fixed)."""
    from django.contrib.auth import get_user_model
    from django.utils import timezone

    from booking.factories import BookingFactory

    User = get_user_model()
    student = User.objects.get(email=DEMO_STUDENT)
    teacher = User.objects.get(email=DEMO_TEACHER)
    absent = BookingFactory(
        student=student,
        teacher=teacher,
        status="missed",
        outcome="student_no_show",
        outcome_at=timezone.now(),
        days_from_now=-1,
    )
    spoiled = BookingFactory(
        student=student,
        teacher=teacher,
        status="missed",
        outcome="technical_problem",
        days_from_now=-2,
    )
    login(page, DEMO_STUDENT)
    page.wait_for_url(lambda url: "/accounts/login/" not in url)
    sweep(page, [f"/bookings/{absent.pk}/dispute/", f"/bookings/{spoiled.pk}/technical-problem/"])


def test_public_page_on_a_phone_has_no_axe_violations(mobile_page):
    open_page(mobile_page, "/")
    assert_no_axe_violations(mobile_page)


# Every element with a running or pending animation/transition, and its durations in seconds.
MOTION_SCRIPT = """
() => {
  const seconds = (value) => Math.max(...value.split(",").map((part) => {
    part = part.trim();
    return part.endsWith("ms") ? parseFloat(part) / 1000 : parseFloat(part);
  }));
  const found = [];
  for (const el of document.querySelectorAll("*")) {
    const style = getComputedStyle(el);
    const animation = style.animationName !== "none" ? seconds(style.animationDuration) : 0;
    const transition = seconds(style.transitionDuration);
    if (animation > 0 || transition > 0) {
      found.push({tag: el.tagName + "." + el.className, animation, transition});
    }
  }
  return found;
}
"""


MOTION_PAGES = ["/", "/teachers/", f"/teachers/{DEMO_TEACHER_SLUG}/", "/accounts/login/"]


def test_reduced_motion_turns_animations_and_transitions_off(page):
    moving = []
    for path in MOTION_PAGES:
        open_page(page, path)
        moving += page.evaluate(MOTION_SCRIPT)
    assert moving, "no animated element on these pages: this test would prove nothing"

    page.emulate_media(reduced_motion="reduce")
    still_moving = []
    for path in MOTION_PAGES:
        open_page(page, path)
        still_moving += [
            {"path": path, **item}
            for item in page.evaluate(MOTION_SCRIPT)
            if item["animation"] > 0.001 or item["transition"] > 0.001
        ]
    assert not still_moving, f"moving despite prefers-reduced-motion: {still_moving[:5]}"


# Outline or box-shadow of the focused element (or, for a visually hidden radio/checkbox,
# of its label), so the indicator the user sees is what is checked.
FOCUS_SCRIPT = """
() => {
  let el = document.activeElement;
  if (!el || el === document.body) return null;
  const describe = (node) => {
    const s = getComputedStyle(node);
    const outline = s.outlineStyle !== "none" && parseFloat(s.outlineWidth) > 0;
    return {outline, shadow: s.boxShadow !== "none"};
  };
  let seen = describe(el);
  if (!seen.outline && !seen.shadow && el.labels && el.labels.length) {
    seen = describe(el.labels[0]);
  }
  return {tag: el.tagName, text: (el.innerText || el.name || el.id || "").slice(0, 40), ...seen};
}
"""


def assert_focus_visible_for_tabs(page, presses):
    seen = 0
    for _ in range(presses):
        page.keyboard.press("Tab")
        focus = page.evaluate(FOCUS_SCRIPT)
        if focus is None:
            continue
        seen += 1
        assert focus["outline"] or focus["shadow"], f"no visible focus on {focus}"
    assert seen, "Tab never focused anything"


def test_keyboard_focus_is_always_visible(page):
    for path in ["/", f"/teachers/{DEMO_TEACHER_SLUG}/", "/accounts/login/"]:
        open_page(page, path)
        assert_focus_visible_for_tabs(page, 25)
    login(page, DEMO_STUDENT)
    page.wait_for_url(lambda url: "/accounts/login/" not in url)
    open_page(page, f"/book/?teacher={DEMO_TEACHER_SLUG}")
    assert_focus_visible_for_tabs(page, 30)
