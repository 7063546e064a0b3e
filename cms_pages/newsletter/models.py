"""Newsletter models: subscribers (double opt-in) and campaigns with their per-recipient
deliveries. Sending is ``services.start_sending`` / ``resume_sending`` and ``tasks``."""

from datetime import timedelta

from django.conf import settings
from django.core import signing
from django.db import IntegrityError, models, transaction
from django.db.models.functions import Lower
from django.urls import reverse
from django.utils import timezone
from wagtail.fields import RichTextField

from site_config.mail import send_templated_email

__all__ = [
    "AlreadySubscribed",
    "Campaign",
    "CampaignDelivery",
    "CampaignStatus",
    "DeliveryStatus",
    "Subscriber",
    "SubscriberStatus",
]

# A sending campaign with no delivery claimed or sent for this long has lost its job.
STALL_MINUTES = 30


class SubscriberStatus(models.TextChoices):
    PENDING = "pending", "Awaiting confirmation"
    CONFIRMED = "confirmed", "Confirmed"
    UNSUBSCRIBED = "unsubscribed", "Unsubscribed"


class AlreadySubscribed(Exception):
    """The address is already on the list (confirmed or awaiting confirmation)."""


CONFIRM_SALT = "cms_pages.newsletter.confirm"
UNSUBSCRIBE_SALT = "cms_pages.newsletter.unsubscribe"
CONFIRM_MAX_AGE = 7 * 24 * 3600


class Subscriber(models.Model):
    """A newsletter address. Only confirmed (double opt-in) addresses receive campaigns."""

    email = models.EmailField(max_length=254)
    status = models.CharField(
        max_length=12,
        choices=SubscriberStatus.choices,
        default=SubscriberStatus.PENDING,
        db_index=True,
    )
    source = models.CharField(
        "sign-up form", max_length=40, blank=True, help_text="Which form the consent came from."
    )
    consented_at = models.DateTimeField(default=timezone.now)
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    confirmed_at = models.DateTimeField(null=True, blank=True)
    unsubscribed_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                Lower("email"),
                name="cms_pages_subscriber_email_ci_unique",
                violation_error_message="This address is already subscribed.",
            )
        ]

    def __str__(self):
        return self.email

    @property
    def consent_stamp(self):
        """This subscription's consent, as an integer: a new sign-up (a re-consent) changes
        it, so links mailed for an earlier subscription of the address stop working."""
        return int(self.consented_at.timestamp() * 1_000_000)

    @property
    def confirm_token(self):
        """Signed (with its date: links expire after ``CONFIRM_MAX_AGE``) and bound to this
        subscriber *and* this subscription's consent."""
        return signing.dumps({"id": self.pk, "consent": self.consent_stamp}, salt=CONFIRM_SALT)

    @property
    def unsubscribe_token(self):
        return signing.dumps(self.pk, salt=UNSUBSCRIBE_SALT)

    def confirm_url(self):
        return settings.SITE_URL + reverse(
            "cms_pages:newsletter_confirm", args=[self.confirm_token]
        )

    def unsubscribe_url(self):
        return settings.SITE_URL + reverse(
            "cms_pages:newsletter_unsubscribe", args=[self.unsubscribe_token]
        )

    @classmethod
    def from_token(cls, token, *, salt, max_age=None):
        """The subscriber a signed token names, or None if it is tampered, expired or unknown."""
        try:
            pk = signing.loads(token, salt=salt, max_age=max_age)
        except signing.BadSignature:
            return None
        return cls.objects.filter(pk=pk).first()

    @classmethod
    def from_confirm_token(cls, token):
        """The subscriber whose current subscription a confirmation link was mailed for, or
        None if the link is tampered, expired, unknown or from an earlier subscription."""
        try:
            payload = signing.loads(token, salt=CONFIRM_SALT, max_age=CONFIRM_MAX_AGE)
        except signing.BadSignature:
            return None
        if not isinstance(payload, dict):
            return None
        subscriber = cls.objects.filter(pk=payload.get("id")).first()
        if subscriber is None or subscriber.consent_stamp != payload.get("consent"):
            return None
        return subscriber

    @classmethod
    def sign_up(cls, email, *, source, ip_address=None):
        """Record consent for a new (or previously unsubscribed) address and mail it the double
        opt-in link. Raises AlreadySubscribed when the address is pending or confirmed."""
        email = email.strip()
        now = timezone.now()
        with transaction.atomic():
            subscriber = cls.objects.select_for_update().filter(email__iexact=email).first()
            if subscriber is not None and subscriber.status != SubscriberStatus.UNSUBSCRIBED:
                raise AlreadySubscribed(email)
            if subscriber is None:
                subscriber = cls(email=email)
            subscriber.status = SubscriberStatus.PENDING
            subscriber.source = source[:40]
            subscriber.consented_at = now
            subscriber.ip_address = ip_address
            subscriber.confirmed_at = subscriber.unsubscribed_at = None
            try:
                with transaction.atomic():
                    subscriber.save()
            except IntegrityError as exc:  # a concurrent sign-up with the same address won
                raise AlreadySubscribed(email) from exc
            context = {
                "confirm_url": subscriber.confirm_url(),
                "unsubscribe_url": subscriber.unsubscribe_url(),
            }
            transaction.on_commit(
                lambda: send_templated_email.enqueue(
                    "cms_pages/newsletter/emails/confirm", context, [email]
                )
            )
        return subscriber

    def confirm(self):
        """Double opt-in: the owner of the address clicked the link we mailed."""
        if self.status != SubscriberStatus.CONFIRMED:
            self.status = SubscriberStatus.CONFIRMED
            self.confirmed_at = timezone.now()
            self.unsubscribed_at = None
            self.save(update_fields=["status", "confirmed_at", "unsubscribed_at"])

    def unsubscribe(self):
        """Immediate and idempotent; the address stays so a later sign-up is a re-consent."""
        if self.status != SubscriberStatus.UNSUBSCRIBED:
            self.status = SubscriberStatus.UNSUBSCRIBED
            self.unsubscribed_at = timezone.now()
            self.save(update_fields=["status", "unsubscribed_at"])


class CampaignStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    SENDING = "sending", "Sending"
    SENT = "sent", "Sent"
    FAILED = "failed", "Failed"


class CampaignQuerySet(models.QuerySet):
    def with_progress(self):
        """Annotate delivery counts by outcome (one grouped query; no per-row queries)."""
        return self.annotate(
            delivery_count=models.Count("deliveries"),
            sent_count=models.Count(
                "deliveries", filter=models.Q(deliveries__status=DeliveryStatus.SENT)
            ),
            skipped_count=models.Count(
                "deliveries", filter=models.Q(deliveries__status=DeliveryStatus.SKIPPED)
            ),
            failed_count=models.Count(
                "deliveries", filter=models.Q(deliveries__status=DeliveryStatus.FAILED)
            ),
        )


class Campaign(models.Model):
    """A newsletter written in the admin and sent once to every confirmed subscriber."""

    subject = models.CharField(max_length=200)
    body = RichTextField()
    status = models.CharField(
        max_length=10, choices=CampaignStatus.choices, default=CampaignStatus.DRAFT
    )
    created_at = models.DateTimeField(auto_now_add=True)
    send_requested_at = models.DateTimeField(null=True, blank=True, editable=False)
    send_requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
    )
    finished_at = models.DateTimeField(null=True, blank=True, editable=False)

    objects = CampaignQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]

    def __str__(self):
        return self.subject

    def is_stalled(self, now=None):
        """Sending, but nothing has happened for ``STALL_MINUTES``: its job was lost (a worker
        killed outright cannot mark it failed)."""
        if self.status != CampaignStatus.SENDING:
            return False
        since = (now or timezone.now()) - timedelta(minutes=STALL_MINUTES)
        if self.send_requested_at and self.send_requested_at > since:
            return False
        recent = models.Q(claimed_at__gt=since) | models.Q(sent_at__gt=since)
        return not self.deliveries.filter(recent).exists()

    def can_resume(self):
        return self.status == CampaignStatus.FAILED or self.is_stalled()

    def progress(self):
        """(sent, total) deliveries; uses the listing's annotations when present."""
        sent = getattr(self, "sent_count", None)
        total = getattr(self, "delivery_count", None)
        if sent is None or total is None:
            counts = self.deliveries.aggregate(
                sent=models.Count("pk", filter=models.Q(status=DeliveryStatus.SENT)),
                total=models.Count("pk"),
            )
            sent, total = counts["sent"], counts["total"]
        return sent, total

    def progress_display(self):
        sent, total = self.progress()
        return f"{sent} / {total}"

    progress_display.short_description = "sent / recipients"

    def progress_counts(self):
        """Deliveries by outcome: total, sent, skipped, failed and done (the three together).
        Uses the ``with_progress()`` annotations when present, else one aggregate query."""
        names = ("delivery_count", "sent_count", "skipped_count", "failed_count")
        values = [getattr(self, name, None) for name in names]
        if None in values:
            counts = self.deliveries.aggregate(
                total=models.Count("pk"),
                sent=models.Count("pk", filter=models.Q(status=DeliveryStatus.SENT)),
                skipped=models.Count("pk", filter=models.Q(status=DeliveryStatus.SKIPPED)),
                failed=models.Count("pk", filter=models.Q(status=DeliveryStatus.FAILED)),
            )
        else:
            counts = dict(zip(("total", "sent", "skipped", "failed"), values, strict=True))
        counts["done"] = counts["sent"] + counts["skipped"] + counts["failed"]
        return counts

    def progress_report(self):
        """Everything the progress page, the listing and the JSON endpoint show."""
        counts = self.progress_counts()
        total, done = counts["total"], counts["done"]
        active = self.status == CampaignStatus.SENDING
        if self.status == CampaignStatus.DRAFT:
            summary = "Not sent yet"
        elif active and not total:
            summary = "Preparing the list of recipients"
        else:
            summary = f"{counts['sent']} / {total} sent"
            extras = [f"{counts[key]} {key}" for key in ("skipped", "failed") if counts[key]]
            if extras:
                summary += f" ({', '.join(extras)})"
        # With nobody to mail, a sent campaign is complete and anything else has not started.
        empty = 100 if self.status == CampaignStatus.SENT else 0
        percent = done * 100 // total if total else empty
        return {
            "id": self.pk,
            "subject": self.subject,
            "status": self.status,
            "status_label": self.get_status_display(),
            "active": active,
            **counts,
            "percent": percent,
            "summary": summary,
        }


class DeliveryStatus(models.TextChoices):
    QUEUED = "queued", "Queued"
    CLAIMED = "claimed", "Being sent"
    SENT = "sent", "Sent"
    SKIPPED = "skipped", "Skipped (no longer subscribed)"
    FAILED = "failed", "Failed"


class CampaignDelivery(models.Model):
    """One campaign to one subscriber. The unique pair and the atomic claim (queued → claimed)
    make sure nobody is mailed twice, even when the sending job restarts or runs twice."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="deliveries")
    subscriber = models.ForeignKey(Subscriber, on_delete=models.CASCADE, related_name="deliveries")
    status = models.CharField(
        max_length=8, choices=DeliveryStatus.choices, default=DeliveryStatus.QUEUED
    )
    claim = models.UUIDField(null=True, blank=True)
    claimed_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    error = models.CharField(max_length=300, blank=True)

    class Meta:
        verbose_name_plural = "campaign deliveries"
        constraints = [
            models.UniqueConstraint(
                fields=["campaign", "subscriber"], name="cms_pages_delivery_once_per_subscriber"
            )
        ]
        indexes = [models.Index(fields=["campaign", "status"])]

    def __str__(self):
        return f"{self.campaign_id} → {self.subscriber_id} ({self.status})"
