"""Newsletter campaign progress in the Wagtail admin, in a real browser: while the campaign is
sending, the listing and the progress page update themselves (no reload), the live region
announces politely, polling stops once the campaign is sent, and without JavaScript the page
offers a refresh link instead."""

from playwright.sync_api import expect

from cms_pages.models import (
    Campaign,
    CampaignDelivery,
    CampaignStatus,
    DeliveryStatus,
    Subscriber,
    SubscriberStatus,
)
from tests.browser.conftest import assert_no_axe_violations, login

POLL_MS = 2000  # campaign_progress.js


def sending_campaign(recipients=4):
    campaign = Campaign.objects.create(
        subject="Les nouvelles", body="<p>Bonjour</p>", status=CampaignStatus.SENDING
    )
    for i in range(recipients):
        subscriber = Subscriber.objects.create(
            email=f"reader{i}@example.com", status=SubscriberStatus.CONFIRMED
        )
        CampaignDelivery.objects.create(campaign=campaign, subscriber=subscriber)
    return campaign


def deliver(campaign, count):
    """The sending job's work: ``count`` more queued deliveries become sent."""
    pks = campaign.deliveries.filter(status=DeliveryStatus.QUEUED).values_list("pk", flat=True)
    CampaignDelivery.objects.filter(pk__in=list(pks[:count])).update(status=DeliveryStatus.SENT)


class Polls:
    """Counts the script's answered polls and drives its (fake) clock in small steps, with a
    real pause between steps so the page can handle each answer and set its next timer."""

    def __init__(self, page):
        self.page = page
        self.answered = 0
        page.on("response", self.count)

    def count(self, response):
        if "/json/" in response.url:
            self.answered += 1

    def run(self, until, limit_ms, step_ms=250):
        """Advance the clock until ``until()`` is true; return the fake time it took."""
        elapsed = 0
        while not until():
            assert elapsed < limit_ms, f"nothing happened in {limit_ms} ms"
            self.page.clock.run_for(step_ms)
            self.page.wait_for_timeout(20)
            elapsed += step_ms
        return elapsed

    def next(self):
        target = self.answered + 1
        self.run(lambda: self.answered >= target, limit_ms=3 * POLL_MS)


def test_progress_updates_live_then_polling_stops(page):
    campaign = sending_campaign()
    polls = Polls(page)
    page.clock.install()  # the script's timers advance only when the test says so
    login(page, "editor@petittalk.example")

    # The listing: status and progress cells follow the job.
    page.goto("/admin/snippets/cms_pages/campaign/")
    row = page.get_by_role("row").filter(has_text="Les nouvelles")
    expect(row.get_by_role("link", name="0 / 4 sent")).to_be_visible()
    deliver(campaign, 1)
    polls.next()
    expect(row.get_by_role("link", name="1 / 4 sent")).to_be_visible()
    expect(row.get_by_role("progressbar")).to_have_js_property("value", 25)

    # The progress page.
    row.get_by_role("link", name="1 / 4 sent").click()
    expect(page.get_by_role("heading", name="Campaign progress")).to_be_visible()
    page.evaluate("window.notReloaded = true")
    bar = page.get_by_role("progressbar", name="Delivery progress")
    summary = page.locator("[data-progress-field=summary]")
    status = page.locator("[data-progress-field=status_label]")
    announcer = page.get_by_role("status").and_(page.locator("[data-progress-announcer]"))
    expect(bar).to_have_js_property("value", 25)
    expect(bar).to_have_accessible_description("1 / 4 sent")
    expect(status).to_have_text("Sending")
    assert_no_axe_violations(page)

    polls.next()  # nothing new: nothing announced
    expect(announcer).to_have_text("")
    deliver(campaign, 1)
    polls.next()
    expect(summary).to_have_text("2 / 4 sent")
    expect(bar).to_have_js_property("value", 50)
    expect(announcer).to_have_text("Les nouvelles: 50% done. 2 / 4 sent.")

    deliver(campaign, 2)
    Campaign.objects.filter(pk=campaign.pk).update(status=CampaignStatus.SENT)
    polls.next()
    expect(status).to_have_text("Sent")
    expect(summary).to_have_text("4 / 4 sent")
    expect(bar).to_have_js_property("value", 100)
    expect(announcer).to_have_text("Les nouvelles: Sent. 4 / 4 sent.")
    assert page.evaluate("window.notReloaded") is True

    assert polls.answered == 4  # one request per tick, though two listing cells share it
    page.clock.run_for(60_000)
    page.wait_for_timeout(300)
    assert polls.answered == 4, "still polling after the campaign was sent"


def test_without_javascript_the_page_offers_a_refresh_link(browser, live_server, demo_site):
    campaign = sending_campaign(recipients=2)
    context = browser.new_context(base_url=live_server.url, java_script_enabled=False)
    page = context.new_page()
    login(page, "editor@petittalk.example")
    page.goto(f"/admin/snippets/cms_pages/campaign/progress/{campaign.pk}/")
    expect(page.get_by_text("0 / 2 sent")).to_be_visible()
    deliver(campaign, 1)
    page.get_by_role("link", name="refresh it").click()
    expect(page.get_by_text("1 / 2 sent")).to_be_visible()
    context.close()


def test_polling_backs_off_and_gives_up_on_errors_with_a_refresh_hint(page):
    campaign = sending_campaign(recipients=2)
    page.route("**/json/", lambda route: route.fulfill(status=500, body="oops"))
    page.clock.install()
    login(page, "editor@petittalk.example")
    page.goto(f"/admin/snippets/cms_pages/campaign/progress/{campaign.pk}/")
    stalled = page.get_by_text("Live updates have stopped")
    expect(stalled).to_be_hidden()
    polls = Polls(page)
    took = polls.run(stalled.is_visible, limit_ms=120_000, step_ms=1000)
    assert polls.answered == 5
    assert took >= 62_000  # backed off: 2 + 4 + 8 + 16 + 32 seconds, not 5 times 2
    expect(stalled.get_by_role("link", name="refresh the page")).to_be_visible()
    page.clock.run_for(600_000)
    page.wait_for_timeout(300)
    assert polls.answered == 5, "still polling after giving up"
