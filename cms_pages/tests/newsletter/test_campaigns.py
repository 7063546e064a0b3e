"""Campaigns: only confirmed subscribers, unsubscribe headers, each recipient mailed once."""

import pytest
from django.urls import reverse

from cms_pages.models import (
    Campaign,
    CampaignDelivery,
    CampaignStatus,
    DeliveryStatus,
    Subscriber,
    SubscriberStatus,
)
from cms_pages.newsletter import tasks as newsletter_tasks


@pytest.fixture
def subscribers(db):
    confirmed = [
        Subscriber.objects.create(email=f"c{i}@example.com", status=SubscriberStatus.CONFIRMED)
        for i in range(5)
    ]
    Subscriber.objects.create(email="p@example.com", status=SubscriberStatus.PENDING)
    Subscriber.objects.create(email="u@example.com", status=SubscriberStatus.UNSUBSCRIBED)
    return confirmed


@pytest.fixture
def campaign(db):
    return Campaign.objects.create(subject="Les nouvelles", body="<p>Bonjour <b>tout</b></p>")


def recipients(mailoutbox):
    return sorted(address for message in mailoutbox for address in message.to)


def start(campaign):
    Campaign.objects.filter(pk=campaign.pk).update(status=CampaignStatus.SENDING)


def test_campaign_goes_only_to_confirmed_subscribers(campaign, subscribers, mailoutbox):
    start(campaign)
    newsletter_tasks.send_campaign.call(campaign.pk)
    assert recipients(mailoutbox) == sorted(s.email for s in subscribers)
    campaign.refresh_from_db()
    assert campaign.status == CampaignStatus.SENT
    assert campaign.progress() == (5, 5)


def test_every_newsletter_has_one_click_unsubscribe_link_and_headers(
    campaign, subscribers, mailoutbox
):
    start(campaign)
    newsletter_tasks.send_campaign.call(campaign.pk)
    by_address = {m.to[0]: m for m in mailoutbox}
    subscriber = subscribers[0]
    message = by_address[subscriber.email]
    url = subscriber.unsubscribe_url()
    assert message.extra_headers["List-Unsubscribe"] == f"<{url}>"
    assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert url in message.body
    assert url in message.alternatives[0][0]
    assert "<b>tout</b>" in message.alternatives[0][0]
    assert message.subject == "Les nouvelles"
    assert "List-Unsubscribe" in message.message().as_string()


def test_running_the_job_twice_mails_each_recipient_once(campaign, subscribers, mailoutbox):
    start(campaign)
    newsletter_tasks.send_campaign.call(campaign.pk)
    Campaign.objects.filter(pk=campaign.pk).update(status=CampaignStatus.SENDING)
    newsletter_tasks.send_campaign.call(campaign.pk)
    assert recipients(mailoutbox) == sorted(s.email for s in subscribers)


def test_restarted_job_skips_recipients_already_claimed(campaign, subscribers, mailoutbox):
    """A first run crashed after sending to two people and claiming a third."""
    start(campaign)
    newsletter_tasks.queue_deliveries(campaign)
    done = list(campaign.deliveries.order_by("pk")[:3])
    for delivery, status in zip(done, ["sent", "sent", "claimed"], strict=True):
        delivery.status = status
        delivery.save()
    newsletter_tasks.send_campaign.call(campaign.pk)
    already = {d.subscriber.email for d in done}
    assert recipients(mailoutbox) == sorted(s.email for s in subscribers if s.email not in already)
    assert CampaignDelivery.objects.filter(campaign=campaign).count() == 5


def test_a_claimed_batch_cannot_be_claimed_again(campaign, subscribers):
    newsletter_tasks.queue_deliveries(campaign)
    first = newsletter_tasks.claim_batch(campaign, size=3)
    second = newsletter_tasks.claim_batch(campaign, size=10)
    assert len(first) == 3
    assert len(second) == 2
    assert not {d.pk for d in first} & {d.pk for d in second}
    assert newsletter_tasks.claim_batch(campaign, size=10) is None


def test_sending_goes_in_batches(campaign, subscribers, mailoutbox, monkeypatch):
    batches = []
    real_send_batch = newsletter_tasks.send_batch

    def spy(campaign, deliveries, body_html):
        batches.append(len(deliveries))
        real_send_batch(campaign, deliveries, body_html)

    monkeypatch.setattr(newsletter_tasks, "BATCH_SIZE", 2)
    monkeypatch.setattr(newsletter_tasks, "send_batch", spy)
    start(campaign)
    newsletter_tasks.send_campaign.call(campaign.pk)
    assert batches == [2, 2, 1]
    assert len(mailoutbox) == 5


def test_subscriber_who_left_before_their_batch_is_skipped(campaign, subscribers, mailoutbox):
    newsletter_tasks.queue_deliveries(campaign)
    subscribers[0].unsubscribe()
    start(campaign)
    newsletter_tasks.send_campaign.call(campaign.pk)
    assert subscribers[0].email not in recipients(mailoutbox)
    assert campaign.deliveries.get(subscriber=subscribers[0]).status == DeliveryStatus.SKIPPED


def test_draft_is_never_sent_by_the_job(campaign, subscribers, mailoutbox):
    newsletter_tasks.send_campaign.call(campaign.pk)
    assert not mailoutbox


def test_editor_sends_from_the_admin_once_and_sees_progress(
    client, editor, campaign, subscribers, mailoutbox, django_capture_on_commit_callbacks
):
    client.force_login(editor)
    send_url = reverse(Campaign.snippet_viewset.get_url_name("send"), args=[campaign.pk])
    list_url = reverse(Campaign.snippet_viewset.get_url_name("list"))
    assert send_url in client.get(list_url).content.decode()
    assert client.get(send_url).status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        client.post(send_url)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(send_url)
    assert len(mailoutbox) == 5
    campaign.refresh_from_db()
    assert campaign.status == CampaignStatus.SENT
    assert campaign.send_requested_by == editor
    assert "5 / 5" in client.get(list_url).content.decode()


def test_student_cannot_send_a_campaign(client, student, campaign, subscribers, mailoutbox):
    client.force_login(student)
    send_url = reverse(Campaign.snippet_viewset.get_url_name("send"), args=[campaign.pk])
    response = client.post(send_url)
    assert response.status_code in (302, 403)
    campaign.refresh_from_db()
    assert campaign.status == CampaignStatus.DRAFT
    assert not mailoutbox
