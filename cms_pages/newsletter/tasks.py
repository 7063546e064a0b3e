"""Background sending of newsletter campaigns.

Each (campaign, subscriber) pair has one CampaignDelivery row (unique). A worker claims a batch
of queued rows with a single conditional UPDATE (queued → claimed, stamped with its own claim
id) before sending, so two workers, or a restarted job, never mail the same person twice. A row
claimed by a job that crashed mid-send stays "claimed": we prefer not sending to sending twice.
"""

import logging
import uuid

from django.core.mail import get_connection
from django.db import transaction
from django.utils import timezone
from django.utils.html import strip_tags
from django_tasks import task
from wagtail.rich_text import expand_db_html

from site_config.mail import build_email

from .models import (
    Campaign,
    CampaignDelivery,
    CampaignStatus,
    DeliveryStatus,
    Subscriber,
    SubscriberStatus,
)

logger = logging.getLogger(__name__)

BATCH_SIZE = 100
CAMPAIGN_TEMPLATE = "cms_pages/newsletter/emails/campaign"


def unsubscribe_headers(subscriber):
    """RFC 2369 / RFC 8058 headers: mail clients show an unsubscribe button that POSTs."""
    return {
        "List-Unsubscribe": f"<{subscriber.unsubscribe_url()}>",
        "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
    }


def queue_deliveries(campaign):
    """Create a queued delivery for every confirmed subscriber who has none yet."""
    subscriber_ids = Subscriber.objects.filter(status=SubscriberStatus.CONFIRMED).values_list(
        "pk", flat=True
    )
    CampaignDelivery.objects.bulk_create(
        [CampaignDelivery(campaign=campaign, subscriber_id=pk) for pk in subscriber_ids],
        ignore_conflicts=True,
        batch_size=500,
    )


def claim_batch(campaign, size):
    """Atomically take up to ``size`` queued deliveries; returns None when none are left."""
    candidate_ids = list(
        campaign.deliveries.filter(status=DeliveryStatus.QUEUED)
        .order_by("pk")
        .values_list("pk", flat=True)[:size]
    )
    if not candidate_ids:
        return None
    claim = uuid.uuid4()
    CampaignDelivery.objects.filter(pk__in=candidate_ids, status=DeliveryStatus.QUEUED).update(
        status=DeliveryStatus.CLAIMED, claim=claim, claimed_at=timezone.now()
    )
    return list(CampaignDelivery.objects.filter(claim=claim).select_related("subscriber"))


def build_campaign_email(campaign, subscriber, body_html):
    context = {
        "subject": campaign.subject,
        "body_html": body_html,
        "body_text": strip_tags(body_html),
        "unsubscribe_url": subscriber.unsubscribe_url(),
    }
    return build_email(
        CAMPAIGN_TEMPLATE, context, [subscriber.email], headers=unsubscribe_headers(subscriber)
    )


def send_batch(campaign, deliveries, body_html):
    """Send one claimed batch over a single connection and record each outcome."""
    with get_connection() as connection:
        for delivery in deliveries:
            subscriber = delivery.subscriber
            if subscriber.status != SubscriberStatus.CONFIRMED:
                delivery.status = DeliveryStatus.SKIPPED
            else:
                try:
                    message = build_campaign_email(campaign, subscriber, body_html)
                    connection.send_messages([message])
                except Exception as exc:  # noqa: BLE001 - one bad address must not stop the rest
                    logger.warning("Campaign %s to %s failed: %s", campaign.pk, subscriber.pk, exc)
                    delivery.status = DeliveryStatus.FAILED
                    delivery.error = str(exc)[:300]
                else:
                    delivery.status = DeliveryStatus.SENT
                    delivery.sent_at = timezone.now()
            delivery.save(update_fields=["status", "sent_at", "error"])


@task()
def send_campaign(campaign_id):
    """Send a campaign to every confirmed subscriber in batches, each recipient at most once."""
    campaign = Campaign.objects.filter(pk=campaign_id, status=CampaignStatus.SENDING).first()
    if campaign is None:
        return
    try:
        with transaction.atomic():
            queue_deliveries(campaign)
        body_html = expand_db_html(campaign.body)
        while (batch := claim_batch(campaign, BATCH_SIZE)) is not None:
            send_batch(campaign, batch, body_html)
    except Exception:
        # E.g. the mail server is unreachable: say so (the progress page stops waiting) and
        # let the task backend record the error. Rows already claimed stay claimed.
        logger.exception("Campaign %s stopped before the end", campaign.pk)
        finish(campaign, CampaignStatus.FAILED)
        raise
    finish(campaign, CampaignStatus.SENT)


def finish(campaign, status):
    Campaign.objects.filter(pk=campaign.pk, status=CampaignStatus.SENDING).update(
        status=status, finished_at=timezone.now()
    )
