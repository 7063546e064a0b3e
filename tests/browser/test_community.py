"""Community journeys in a real browser: a testimonial from writing to the home page after
moderation, and a visitor's newsletter sign-up, duplicate attempt and one-click unsubscribe."""

import re
import uuid

from django.contrib.auth import get_user_model
from playwright.sync_api import expect

from cms_pages.models import Campaign, Comment, Subscriber, SubscriberStatus
from cms_pages.newsletter.services import start_sending
from tests.browser.conftest import assert_no_axe_violations, login


def new_page(browser, live_server):
    context = browser.new_context(base_url=live_server.url, viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.set_default_timeout(10_000)
    return page


def link_in(message, kind):
    return re.search(rf"https?://\S+?(/newsletter/{kind}/[^\s/]+/)", message.body).group(1)


def test_newsletter_field_does_not_clash_with_the_login_email_label(page):
    page.goto("/accounts/login/")
    expect(page.get_by_label("Email")).to_have_count(1)


def test_testimonial_is_written_moderated_and_published(page, browser, live_server):
    text = f"Des cours formidables, merci ! {uuid.uuid4().hex[:6]}"
    login(page, "student@petittalk.example")
    page.goto("/comments/new/")
    assert_no_axe_violations(page)
    page.get_by_label("Your testimonial").fill(text)
    page.get_by_role("button", name="Send for approval").click()
    expect(page.get_by_text("awaits approval")).to_be_visible()
    expect(page.get_by_text(text)).to_have_count(0)
    assert_no_axe_violations(page)

    comment = Comment.objects.get(text=text)
    assert comment.author == get_user_model().objects.get(email="student@petittalk.example")
    editor = new_page(browser, live_server)
    login(editor, "editor@petittalk.example")
    editor.goto(f"/admin/snippets/cms_pages/comment/?status=pending&q={text[-6:]}")
    expect(editor.get_by_text(text[:40])).to_be_visible()
    editor.goto(
        f"/admin/bulk/cms_pages/comment/approve/?id={comment.pk}"
        "&next=/admin/snippets/cms_pages/comment/"
    )
    editor.get_by_role("button", name="Approve").click()
    expect(editor.get_by_text("1 item approved.")).to_be_visible()

    page.goto("/comments/")
    expect(page.get_by_text(text)).to_be_visible()
    page.goto("/")
    if page.locator(".block--testimonials").count():
        expect(page.locator(".block--testimonials").get_by_text(text)).to_be_visible()


def test_visitor_subscribes_sees_duplicate_message_and_unsubscribes(page, mailoutbox):
    email = f"visitor-{uuid.uuid4().hex[:6]}@example.com"
    page.goto("/newsletter/subscribe/")
    assert_no_axe_violations(page)
    form = page.locator("main form.newsletter-form")
    form.get_by_label("Your e-mail address").fill(email)
    form.get_by_role("button", name="Subscribe").click()
    expect(page.get_by_role("heading", name="Check your inbox")).to_be_visible()
    assert_no_axe_violations(page)

    confirm_path = link_in(mailoutbox[-1], "confirm")
    page.goto(confirm_path)
    page.get_by_role("button", name="Yes, subscribe me").click()
    expect(page.get_by_role("heading", name="You are subscribed")).to_be_visible()
    assert Subscriber.objects.get(email=email).status == SubscriberStatus.CONFIRMED

    footer = page.locator("footer form.newsletter-form")
    footer.get_by_label("Your e-mail address").fill(email.upper())
    footer.get_by_role("button", name="Subscribe").click()
    expect(page.get_by_text("This address is already subscribed.")).to_be_visible()
    expect(page.get_by_text("Enter a valid email")).to_have_count(0)
    assert_no_axe_violations(page)

    campaign = Campaign.objects.create(subject="Nouvelles", body="<p>Bonjour</p>")
    start_sending(campaign, by=None)
    newsletter = next(m for m in mailoutbox if m.subject == "Nouvelles" and m.to == [email])
    assert "List-Unsubscribe" in newsletter.extra_headers
    page.goto(link_in(newsletter, "unsubscribe"))
    assert_no_axe_violations(page)
    page.get_by_role("button", name="Unsubscribe").click()
    expect(page.get_by_role("heading", name="You are unsubscribed")).to_be_visible()
    assert Subscriber.objects.get(email=email).status == SubscriberStatus.UNSUBSCRIBED
