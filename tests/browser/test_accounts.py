"""Journeys through sign-up, login, profile editing and the public teacher pages."""

import io
import re

from django.contrib.auth import get_user_model
from PIL import Image
from playwright.sync_api import expect

from tests.browser.conftest import assert_no_axe_violations, login

PASSWORD = "un-mot-de-passe-solide"


def portrait_png(tmp_path):
    path = tmp_path / "me.png"
    buffer = io.BytesIO()
    Image.new("RGB", (320, 320), (40, 120, 200)).save(buffer, format="PNG")
    path.write_bytes(buffer.getvalue())
    return path


def test_student_signs_up_logs_out_logs_in_and_shows_photo_publicly(page, tmp_path):
    page.goto("/accounts/signup/")
    assert_no_axe_violations(page)
    page.get_by_label("Your name").fill("Zoé Nouvelle")
    page.get_by_label("Email").fill("zoe@example.com")
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_label("Password (again)").fill(PASSWORD)
    page.get_by_role("button", name="Sign up").click()
    page.wait_for_url(re.compile(r"^(?!.*/accounts/signup/).*$"))

    user = get_user_model().objects.get(email="zoe@example.com")
    assert user.groups.filter(name="Students").exists()
    assert user.profile.timezone  # guessed by the browser or the default

    page.goto("/profile/")
    page.locator("#main").get_by_role("button", name="Log out").click()
    page.wait_for_url(re.compile(r".*/$"))
    login(page, "zoe@example.com", PASSWORD)
    page.wait_for_url(re.compile(r"^(?!.*/accounts/login/).*$"))

    page.goto("/profile/edit/")
    assert_no_axe_violations(page)
    page.get_by_label("Photo", exact=True).set_input_files(str(portrait_png(tmp_path)))
    page.get_by_label("Bio", exact=True).fill("J'apprends le français.")
    page.get_by_role("button", name="Save my profile").click()
    page.wait_for_url(re.compile(r".*/profile/$"))
    assert_no_axe_violations(page)

    page.goto(f"/students/{user.profile.public_slug}/")
    photo = page.get_by_role("img", name="Photo of Zoé Nouvelle")
    expect(photo).to_be_visible()
    assert "/media/" in photo.get_attribute("src") or "profiles/photos" in photo.get_attribute(
        "src"
    )
    assert photo.evaluate("img => img.naturalWidth") > 0
    expect(page.get_by_text("J'apprends le français.")).to_be_visible()
    assert "zoe@example.com" not in page.content()
    assert_no_axe_violations(page)


def test_teacher_pages_show_demo_teachers(page):
    page.goto("/teachers/")
    for name in ("Camille Martin", "Julien Bernard", "Léa Dubois", "Antoine Moreau"):
        expect(page.get_by_role("link", name=name, exact=True)).to_be_visible()
        expect(page.get_by_role("link", name=f"Book a lesson with {name}")).to_be_visible()
    assert_no_axe_violations(page)
    page.get_by_role("link", name="Camille Martin", exact=True).click()
    expect(page.get_by_role("heading", level=1, name="Camille Martin")).to_be_visible()
    expect(page.get_by_role("link", name="Book a lesson")).to_have_attribute(
        "href", "/book/?teacher=camille-martin"
    )
    assert_no_axe_violations(page)


def test_home_page_carousel_shows_demo_teachers(mobile_page):
    page = mobile_page
    page.goto("/")
    carousel = page.locator("[data-carousel]")
    expect(carousel).to_have_count(1)  # the demo home page has its teacher carousel block
    for name in ("Camille Martin", "Julien Bernard", "Léa Dubois", "Antoine Moreau"):
        expect(carousel.get_by_role("link", name=name)).to_be_attached()
    list_box = carousel.locator("[data-carousel-list]")
    previous = carousel.get_by_role("button", name="Previous teachers")
    following = carousel.get_by_role("button", name="Next teachers")
    expect(previous).to_be_disabled()
    following.focus()
    expect(following).to_be_focused()
    page.keyboard.press("Enter")
    page.wait_for_function("el => el.scrollLeft > 100", arg=list_box.element_handle())
    expect(previous).to_be_enabled()
    assert_no_axe_violations(page)


def test_login_page_is_accessible(page):
    page.goto("/accounts/login/")
    assert_no_axe_violations(page)
    page.get_by_label("Email").fill("nobody@example.com")
    page.get_by_label("Password").fill("wrong-password")
    page.get_by_role("button", name="Log in").click()
    expect(page.locator(".errorlist")).to_be_visible()
    assert_no_axe_violations(page)
