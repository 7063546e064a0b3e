"""Sending a campaign: queue its background job once (``start_sending``) or again after the
job stopped (``resume_sending``). The job itself is ``tasks.send_campaign``."""

import logging

from django.db import transaction
from django.utils import timezone

from .models import Campaign, CampaignStatus
from .tasks import send_campaign

logger = logging.getLogger(__name__)


def start_sending(campaign, *, by):
    """Queue the background sending job. A campaign is sent once: later calls do nothing.
    Returns whether this call queued it."""
    with transaction.atomic():
        updated = Campaign.objects.filter(pk=campaign.pk, status=CampaignStatus.DRAFT).update(
            status=CampaignStatus.SENDING,
            send_requested_at=timezone.now(),
            send_requested_by=by,
        )
        if updated:
            transaction.on_commit(lambda: send_campaign.enqueue(campaign.pk))
    campaign.refresh_from_db()
    return bool(updated)


def resume_sending(campaign, *, by):
    """Send the rest of a campaign whose job stopped (failed, or stalled: see
    ``Campaign.is_stalled``), e.g. after the mail server came back. Only deliveries still
    queued go out: nobody who was mailed, skipped or whose message may have left (claimed)
    gets it again, even if the lost job wakes up (claims are atomic). Returns False when
    there is nothing to resume."""
    with transaction.atomic():
        locked = Campaign.objects.select_for_update().get(pk=campaign.pk)
        updated = 0
        if locked.can_resume():
            updated = Campaign.objects.filter(pk=campaign.pk).update(
                status=CampaignStatus.SENDING, finished_at=None
            )
        if updated:
            logger.info("Campaign %s resumed by %s", campaign.pk, getattr(by, "pk", None))
            transaction.on_commit(lambda: send_campaign.enqueue(campaign.pk))
    campaign.refresh_from_db()
    return bool(updated)
