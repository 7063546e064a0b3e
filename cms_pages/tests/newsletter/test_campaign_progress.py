"""Live campaign progress in the Wagtail admin: the read-only JSON endpoint (numbers,
permissions, no writes), the progress page and listing (accessible <progress>, polite live
region, self-hosted deferred script, no-JS refresh link) and a failed job that stops polling."""

import json
import re

import pytest
from django.contrib.auth.models import Permission
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.factories import StudentFactory, UserFactory
from cms_pages.models import (
    Campaign,
    CampaignDelivery,
    CampaignStatus,
    Subscriber,
    SubscriberStatus,
)
from cms_pages.newsletter import demo as newsletter_demo
from cms_pages.newsletter import tasks as newsletter_tasks

WRITE_SQL = re.compile(r'^\s*(INSERT INTO|UPDATE|DELETE FROM)\s+"?(\w+)"?', re.IGNORECASE)
# Bookkeeping a GET may write (same list as the security walk's): not data.
WRITABLE_ON_GET = {"django_session", "wagtailusers_userprofile"}
SCRIPT = re.compile(r'<script[^>]*src="/static/js/campaign_progress\.js"[^>]*>')


def url(name, campaign):
    return reverse(Campaign.snippet_viewset.get_url_name(name), args=[campaign.pk])


def make_campaign(outcomes, status=CampaignStatus.SENDING, subject="Les nouvelles"):
    """A campaign with one delivery per outcome in ``outcomes``."""
    campaign = Campaign.objects.create(subject=subject, body="<p>Bonjour</p>", status=status)
    for i, outcome in enumerate(outcomes):
        subscriber = Subscriber.objects.create(
            email=f"{subject[:3].lower()}{i}-{campaign.pk}@example.com",
            status=SubscriberStatus.CONFIRMED,
        )
        CampaignDelivery.objects.create(campaign=campaign, subscriber=subscriber, status=outcome)
    return campaign


@pytest.fixture
def sending(db):
    return make_campaign(["sent"] * 3 + ["skipped", "failed", "claimed"] + ["queued"] * 2)


def writes_during(client, path):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(path)
    tables = {m.group(2) for q in queries.captured_queries if (m := WRITE_SQL.match(q["sql"]))}
    return response, tables - WRITABLE_ON_GET


def test_json_reports_the_numbers_of_a_sending_campaign(client, editor, sending):
    client.force_login(editor)
    response, writes = writes_during(client, url("progress_json", sending))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert "no-store" in response["Cache-Control"]
    assert writes == set()
    assert json.loads(response.content) == {
        "id": sending.pk,
        "subject": "Les nouvelles",
        "status": "sending",
        "status_label": "Sending",
        "active": True,
        "total": 8,
        "sent": 3,
        "skipped": 1,
        "failed": 1,
        "done": 5,
        "percent": 62,
        "summary": "3 / 8 sent (1 skipped, 1 failed)",
    }


def test_json_follows_the_campaign_to_its_end(client, editor, sending):
    client.force_login(editor)
    sending.deliveries.exclude(status__in=["skipped", "failed"]).update(status="sent")
    Campaign.objects.filter(pk=sending.pk).update(status=CampaignStatus.SENT)
    data = client.get(url("progress_json", sending)).json()
    assert (data["status"], data["active"], data["percent"]) == ("sent", False, 100)
    assert data["summary"] == "6 / 8 sent (1 skipped, 1 failed)"


@pytest.mark.parametrize(
    ("status", "percent", "summary"),
    [
        (CampaignStatus.DRAFT, 0, "Not sent yet"),
        (CampaignStatus.SENDING, 0, "Preparing the list of recipients"),
        (CampaignStatus.SENT, 100, "0 / 0 sent"),
        (CampaignStatus.FAILED, 0, "0 / 0 sent"),
    ],
    ids=["draft", "sending", "sent", "failed"],
)
def test_json_without_deliveries(client, editor, status, percent, summary):
    campaign = make_campaign([], status=status)
    client.force_login(editor)
    data = client.get(url("progress_json", campaign)).json()
    assert (data["total"], data["percent"], data["summary"]) == (0, percent, summary)
    assert data["active"] is (status == CampaignStatus.SENDING)


def test_json_and_page_take_a_fixed_number_of_queries(
    client, editor, sending, django_assert_max_num_queries
):
    client.force_login(editor)
    client.get(url("progress_json", sending))  # warm up session and permission caches
    with django_assert_max_num_queries(8) as first:
        client.get(url("progress_json", sending))
    make_campaign(["sent"] * 20, subject="Bigger")
    sending.deliveries.update(status="sent")
    with django_assert_max_num_queries(len(first)):
        client.get(url("progress_json", sending))
    campaign_queries = [q for q in first.captured_queries if "cms_pages_campaign" in q["sql"]]
    assert len(campaign_queries) == 1  # campaign and its counts in one grouped query


def test_listing_queries_do_not_grow_with_the_number_of_campaigns(
    client, editor, sending, django_assert_max_num_queries
):
    client.force_login(editor)
    list_url = reverse(Campaign.snippet_viewset.get_url_name("list"))
    client.get(list_url)
    with CaptureQueriesContext(connection) as one:
        client.get(list_url)
    for i in range(5):
        make_campaign(["sent", "queued"], subject=f"Campaign {i}")
    with django_assert_max_num_queries(len(one)):
        client.get(list_url)


@pytest.mark.parametrize("name", ["progress", "progress_json"])
def test_anonymous_visitors_and_students_are_refused(client, sending, name):
    response = client.get(url(name, sending))
    assert response.status_code == 302
    assert "/login/" in response["Location"]
    client.force_login(StudentFactory())
    response = client.get(url(name, sending), headers={"x-requested-with": "XMLHttpRequest"})
    assert response.status_code in (302, 403)
    assert b"Les nouvelles" not in response.content


@pytest.mark.parametrize("name", ["progress", "progress_json"])
def test_admin_users_without_campaign_permission_are_refused(client, sending, name):
    user = UserFactory()
    user.user_permissions.add(Permission.objects.get(codename="access_admin"))
    client.force_login(user)
    response = client.get(url(name, sending))
    assert (response.status_code, response["Location"]) == (302, "/admin/")  # Wagtail's refusal
    response = client.get(url(name, sending), headers={"x-requested-with": "XMLHttpRequest"})
    assert response.status_code == 403  # what the polling script receives
    assert b"Les nouvelles" not in response.content


@pytest.mark.parametrize("name", ["progress", "progress_json"])
def test_superusers_see_the_progress(client, admin_user, sending, name):
    client.force_login(admin_user)
    assert client.get(url(name, sending)).status_code == 200


@pytest.mark.parametrize("name", ["progress", "progress_json"])
def test_progress_views_answer_get_only_and_change_nothing(client, editor, sending, name):
    client.force_login(editor)
    before = list(CampaignDelivery.objects.order_by("pk").values_list("pk", "status"))
    assert client.post(url(name, sending)).status_code == 405
    response, writes = writes_during(client, url(name, sending))
    assert response.status_code == 200
    assert writes == set()
    assert list(CampaignDelivery.objects.order_by("pk").values_list("pk", "status")) == before
    assert Campaign.objects.get(pk=sending.pk).status == CampaignStatus.SENDING


def test_json_for_an_unknown_campaign_is_404(client, editor, sending):
    client.force_login(editor)
    missing = reverse(Campaign.snippet_viewset.get_url_name("progress_json"), args=[999999])
    assert client.get(missing).status_code == 404


def test_progress_page_is_accessible_and_polls_while_sending(client, editor, sending):
    client.force_login(editor)
    response = client.get(url("progress", sending))
    html = response.content.decode()
    assert "no-store" in response["Cache-Control"]
    script = SCRIPT.search(html)
    assert script and "defer" in script.group(0)
    assert f'data-campaign-progress="{url("progress_json", sending)}"' in html
    assert 'data-status="sending"' in html
    bar = re.search(r"<progress [^>]*>(.*?)</progress>", html, re.S)
    assert 'max="100"' in bar.group(0) and 'value="62"' in bar.group(0)  # never indeterminate
    assert bar.group(1) == "62%"  # text equivalent inside the element
    bar_id = re.search(r'id="([^"]+)"', bar.group(0)).group(1)
    assert f'<label for="{bar_id}">Delivery progress</label>' in html
    summary_id = re.search(r'aria-describedby="([^"]+)"', bar.group(0)).group(1)
    assert re.search(rf'id="{summary_id}"[^>]*>3 / 8 sent \(1 skipped, 1 failed\)<', html)
    assert re.search(r'role="status" aria-live="polite" aria-atomic="true"', html)
    noscript = re.search(r"<noscript>(.*?)</noscript>", html, re.S)
    assert noscript and f'href="{url("progress", sending)}"' in noscript.group(1)
    assert "<script>" not in html.split("campaign-progress", 1)[1]  # no inline script of ours


def test_a_finished_campaign_page_has_no_refresh_hint(client, editor):
    campaign = make_campaign(["sent", "sent"], status=CampaignStatus.SENT)
    client.force_login(editor)
    html = client.get(url("progress", campaign)).content.decode()
    assert 'data-status="sent"' in html
    assert "2 / 2 sent" in html
    assert "<noscript>" not in html.split("campaign-progress", 1)[1]


def test_listing_shows_live_progress_for_sending_campaigns(client, editor, sending):
    done = make_campaign(["sent"], status=CampaignStatus.SENT, subject="Earlier news")
    draft = make_campaign([], status=CampaignStatus.DRAFT, subject="Next news")
    client.force_login(editor)
    html = client.get(reverse(Campaign.snippet_viewset.get_url_name("list"))).content.decode()
    assert SCRIPT.search(html)
    assert html.count(f'data-campaign-progress="{url("progress_json", sending)}"') == 2
    assert f'data-campaign-progress="{url("progress_json", draft)}" data-status="draft"' in html
    assert f'href="{url("progress", sending)}"' in html
    assert f'href="{url("progress", done)}"' in html
    assert 'aria-label="Delivery progress of “Les nouvelles”"' in html
    assert "3 / 8 sent (1 skipped, 1 failed)" in html
    assert "Not sent yet" in html


def test_sending_from_the_admin_leads_to_the_progress_page(
    client, editor, django_capture_on_commit_callbacks, mailoutbox
):
    campaign = make_campaign([], status=CampaignStatus.DRAFT)
    Subscriber.objects.create(email="reader@example.com", status=SubscriberStatus.CONFIRMED)
    client.force_login(editor)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url("send", campaign))
    assert response["Location"] == url("progress", campaign)
    assert client.get(url("send", campaign))["Location"] == url("progress", campaign)
    data = client.get(url("progress_json", campaign)).json()
    assert (data["status"], data["sent"], data["total"]) == ("sent", 1, 1)
    assert len(mailoutbox) == 1


def test_a_crashed_job_marks_the_campaign_failed_so_polling_stops(
    client, editor, monkeypatch, mailoutbox
):
    campaign = make_campaign([], status=CampaignStatus.SENDING)
    Subscriber.objects.create(email="reader@example.com", status=SubscriberStatus.CONFIRMED)

    def mail_server_down(*args):
        raise ConnectionRefusedError("mail server unreachable")

    monkeypatch.setattr(newsletter_tasks, "send_batch", mail_server_down)
    with pytest.raises(ConnectionRefusedError):
        newsletter_tasks.send_campaign.call(campaign.pk)
    campaign.refresh_from_db()
    assert campaign.status == CampaignStatus.FAILED
    assert campaign.finished_at is not None
    client.force_login(editor)
    data = client.get(url("progress_json", campaign)).json()
    assert (data["status_label"], data["active"]) == ("Failed", False)
    assert not mailoutbox


def test_demo_has_a_draft_campaign_once(db):
    newsletter_demo.load(lambda message: None)
    newsletter_demo.load(lambda message: None)
    assert Campaign.objects.filter(status=CampaignStatus.DRAFT).count() == 1
    assert not Campaign.objects.get().deliveries.exists()


def test_progress_script_is_served_from_our_static_files():
    from django.contrib.staticfiles import finders

    path = finders.find("js/campaign_progress.js")
    assert path and path.endswith("static/js/campaign_progress.js")


def test_an_editor_sends_the_rest_of_a_failed_campaign_without_mailing_anyone_twice(
    client, editor, mailoutbox, django_capture_on_commit_callbacks
):
    campaign = make_campaign(["sent", "claimed", "queued", "queued"], status=CampaignStatus.FAILED)
    client.force_login(editor)
    page = client.get(url("progress", campaign)).content.decode()
    assert f'action="{url("resume", campaign)}"' in page and "Send the rest" in page

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url("resume", campaign))
    assert response.status_code == 302 and response["Location"] == url("progress", campaign)
    campaign.refresh_from_db()
    assert campaign.status == CampaignStatus.SENT  # the immediate task backend ran the job
    outcomes = sorted(campaign.deliveries.values_list("status", flat=True))
    assert outcomes == ["claimed", "sent", "sent", "sent"]
    assert len(mailoutbox) == 2  # the two queued ones only
    assert "Send the rest" not in client.get(url("progress", campaign)).content.decode()


@pytest.mark.parametrize("status", [CampaignStatus.DRAFT, CampaignStatus.SENT])
def test_only_a_failed_campaign_can_be_resumed(client, editor, mailoutbox, status):
    campaign = make_campaign(["queued"], status=status)
    client.force_login(editor)
    assert "Send the rest" not in client.get(url("progress", campaign)).content.decode()
    client.post(url("resume", campaign))
    campaign.refresh_from_db()
    assert campaign.status == status
    assert not mailoutbox


def test_resuming_needs_a_post_and_the_right_to_change_campaigns(client, student, mailoutbox):
    campaign = make_campaign(["queued"], status=CampaignStatus.FAILED)
    client.force_login(student)
    assert client.post(url("resume", campaign)).status_code in (302, 403)
    assert client.get(url("resume", campaign)).status_code in (302, 403, 405)
    campaign.refresh_from_db()
    assert campaign.status == CampaignStatus.FAILED
    assert not mailoutbox


def test_a_stalled_campaign_can_be_resumed_but_a_busy_one_cannot(
    client, editor, mailoutbox, django_capture_on_commit_callbacks
):
    from datetime import timedelta

    from django.utils import timezone

    from cms_pages.newsletter.models import STALL_MINUTES

    long_ago = timezone.now() - timedelta(minutes=STALL_MINUTES + 5)
    campaign = make_campaign(["sent", "queued"], status=CampaignStatus.SENDING)
    Campaign.objects.filter(pk=campaign.pk).update(send_requested_at=long_ago)
    campaign.deliveries.filter(status="sent").update(sent_at=timezone.now())
    client.force_login(editor)
    assert "Send the rest" not in client.get(url("progress", campaign)).content.decode()
    client.post(url("resume", campaign))
    assert not mailoutbox  # it is still sending: nothing resumed

    campaign.deliveries.filter(status="sent").update(sent_at=long_ago)  # silent for too long
    page = client.get(url("progress", campaign)).content.decode()
    assert "the sending job seems lost" in page and "Send the rest" in page
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url("resume", campaign))
    campaign.refresh_from_db()
    assert campaign.status == CampaignStatus.SENT
    assert len(mailoutbox) == 1  # the queued one only
