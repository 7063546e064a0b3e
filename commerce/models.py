"""Offers, orders, payments and refunds. Every amount is an integer number of euro cents."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models.functions import Lower
from django.urls import reverse
from django.utils import timezone

from site_config.admin_forms import EurosAdminForm
from site_config.money import format_cents


class OfferKind(models.TextChoices):
    PERCENTAGE = "percentage", "Percentage off"
    FIXED = "fixed", "Fixed amount off"
    BUNDLE = "bundle", "Buy N lessons, get M free"


class Offer(models.Model):
    """A discount editors run on the site: automatic, or applied by entering its promo code.

    ``value`` means a percentage (1 to 100) for percentage offers and an amount in cents for
    fixed offers; bundle offers use ``bundle_buy`` and ``bundle_free`` instead.
    """

    name = models.CharField(max_length=120)
    description = models.TextField(blank=True, max_length=1000)
    image = models.ForeignKey(
        "wagtailimages.Image", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    kind = models.CharField(max_length=12, choices=OfferKind.choices, default=OfferKind.PERCENTAGE)
    value = models.PositiveIntegerField(
        default=0,
        blank=True,
        help_text="Percentage offers: 1 to 100. Fixed offers: amount in cents (500 = €5.00). "
        "Bundle offers: leave at 0.",
    )
    bundle_buy = models.PositiveSmallIntegerField(
        "bundle: lessons bought (N)", null=True, blank=True
    )
    bundle_free = models.PositiveSmallIntegerField(
        "bundle: lessons free (M)", null=True, blank=True
    )
    starts_at = models.DateTimeField(default=timezone.now)
    ends_at = models.DateTimeField(null=True, blank=True, help_text="Empty: no end date.")
    active = models.BooleanField(default=True)
    code = models.CharField(
        "promo code",
        max_length=40,
        blank=True,
        help_text="Leave empty for an automatic offer. Codes are not case-sensitive.",
    )
    max_redemptions = models.PositiveIntegerField(
        null=True, blank=True, help_text="Paid orders allowed in total. Empty: unlimited."
    )
    per_student_limit = models.PositiveIntegerField(
        null=True, blank=True, help_text="Paid orders allowed per student. Empty: unlimited."
    )
    first_order_only = models.BooleanField(default=False)
    applies_to_packs = models.BooleanField(
        "applies to packs",
        default=False,
        help_text="Also discount lesson packs. Off: the offer discounts single lessons only.",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-starts_at", "name"]
        constraints = [
            models.UniqueConstraint(
                Lower("code"),
                condition=~models.Q(code=""),
                name="commerce_offer_code_ci_unique",
                violation_error_message="Another offer already uses this promo code.",
            )
        ]

    def __str__(self):
        return self.name

    def clean(self):
        errors = {}
        self.code = (self.code or "").strip()
        if self.kind == OfferKind.PERCENTAGE and not 1 <= (self.value or 0) <= 100:
            errors["value"] = "A percentage must be between 1 and 100."
        if self.kind == OfferKind.FIXED and (self.value or 0) <= 0:
            errors["value"] = "The amount off must be above zero."
        if self.kind == OfferKind.BUNDLE:
            if not self.bundle_buy or self.bundle_buy < 1:
                errors["bundle_buy"] = "A bundle needs at least 1 lesson bought."
            if not self.bundle_free or self.bundle_free < 1:
                errors["bundle_free"] = "A bundle needs at least 1 free lesson."
        if self.starts_at and self.ends_at and self.ends_at <= self.starts_at:
            errors["ends_at"] = "The offer must end after it starts."
        if self.max_redemptions == 0:
            errors["max_redemptions"] = "Leave empty for unlimited, or enter at least 1."
        if self.per_student_limit == 0:
            errors["per_student_limit"] = "Leave empty for unlimited, or enter at least 1."
        if self.code and Offer.objects.exclude(pk=self.pk).filter(code__iexact=self.code).exists():
            errors["code"] = "Another offer already uses this promo code."
        if errors:
            raise ValidationError(errors)

    @property
    def summary(self):
        """A short human label: "20% off", "€5.00 off", "Buy 5, get 1 free"."""
        if self.kind == OfferKind.PERCENTAGE:
            return f"{self.value}% off"
        if self.kind == OfferKind.FIXED:
            return f"{format_cents(self.value)} off"
        return f"Buy {self.bundle_buy}, get {self.bundle_free} free"


class OrderStatus(models.TextChoices):
    OPEN = "open", "Open (awaiting payment)"
    PAYING = "paying", "Payment in progress"
    PAID = "paid", "Paid"
    NEEDS_ATTENTION = "needs_attention", "Needs attention"
    FAILED = "failed", "Failed"
    REFUNDED = "refunded", "Refunded"
    PARTIALLY_REFUNDED = "partially_refunded", "Partially refunded"


#: Money was received for these orders. "Needs attention" is paid too: the amount received
#: differed from the total (or an offer's limit was exceeded) and an admin must look.
PAID_STATUSES = (
    OrderStatus.PAID,
    OrderStatus.REFUNDED,
    OrderStatus.PARTIALLY_REFUNDED,
    OrderStatus.NEEDS_ATTENTION,
)
#: Orders that count as placed (for first-order-only offers): paid or being paid.
PLACED_STATUSES = (*PAID_STATUSES, OrderStatus.PAYING)


class Order(models.Model):
    """What a student pays for at checkout. One open order per student at most.

    Amounts are recomputed from the database at every checkout while the order is open; a
    failed payment leaves the order open with ``failure_reason`` set so the student can try
    again. Once the provider is taking the money the order is "paying": its lessons are
    frozen and new lessons go into a new open order. An order whose offer is claimed
    (``offer_claimed_until``) counts against the offer's limits while it is being paid.
    """

    student = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="orders"
    )
    status = models.CharField(
        max_length=20, choices=OrderStatus.choices, default=OrderStatus.OPEN, db_index=True
    )
    subtotal_cents = models.PositiveIntegerField(default=0)
    discount_cents = models.PositiveIntegerField(default=0)
    total_cents = models.PositiveIntegerField(default=0)
    currency = models.CharField(max_length=3, default="EUR")
    offer = models.ForeignKey(
        Offer, null=True, blank=True, on_delete=models.SET_NULL, related_name="orders"
    )
    promo_code = models.CharField(max_length=40, blank=True)
    payment_provider = models.CharField(max_length=20, blank=True)
    payment_intent_id = models.CharField(max_length=255, blank=True, db_index=True)
    intent_version = models.PositiveIntegerField(default=0)
    failure_reason = models.CharField(max_length=500, blank=True)
    offer_claimed_until = models.DateTimeField(
        null=True,
        blank=True,
        help_text="While open, the order holds one use of its offer until then (its holds).",
    )
    attention_reason = models.TextField(
        blank=True, help_text="Why the order needs an admin (set with the status)."
    )
    student_notice = models.TextField(
        blank=True, help_text="What the student is told about it (result page and receipt)."
    )
    billing_name = models.CharField(max_length=120, blank=True)
    billing_email = models.EmailField(blank=True)
    billing_country = models.CharField(max_length=2, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    paid_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["student"],
                condition=models.Q(status="open"),
                name="commerce_one_open_order_per_student",
            )
        ]

    def __str__(self):
        return f"Order {self.pk}"

    def get_absolute_url(self):
        return reverse("commerce:order_receipt", kwargs={"pk": self.pk})

    @property
    def refunded_cents(self):
        return sum(r.amount_cents for r in self.refunds.all() if r.status == RefundStatus.SUCCEEDED)

    @property
    def received_cents(self):
        """Money the provider took for this order (its successful payments)."""
        return sum(p.amount_cents for p in self.payments.all() if p.status == "succeeded")

    def refresh_refund_status(self):
        """Paid orders become refunded or partially refunded as refunds succeed.

        An order that needs attention keeps that status until an admin resolves it.
        """
        if self.status not in PAID_STATUSES or self.status == OrderStatus.NEEDS_ATTENTION:
            return
        refunded = self.refunded_cents
        if refunded <= 0:
            self.status = OrderStatus.PAID
        elif refunded >= self.total_cents:
            self.status = OrderStatus.REFUNDED
        else:
            self.status = OrderStatus.PARTIALLY_REFUNDED
        self.save(update_fields=["status", "updated_at"])


class PackLessons(models.IntegerChoices):
    FIVE = 5, "5 lessons"
    TEN = 10, "10 lessons"
    TWENTY = 20, "20 lessons"


class Pack(models.Model):
    """A lesson pack editors sell: N credits, each worth one lesson with any teacher, valid for
    ``validity_months`` from the purchase (``commerce.credits``)."""

    name = models.CharField(max_length=120)
    description = models.TextField(blank=True, max_length=1000)
    lessons = models.PositiveSmallIntegerField(
        "number of lessons", choices=PackLessons.choices, default=PackLessons.TEN
    )
    price_cents = models.PositiveIntegerField("price (cents)", help_text="1600 means €16.00.")
    validity_months = models.PositiveSmallIntegerField(
        "valid for (months)", default=12, help_text="Credits expire this long after purchase."
    )
    active = models.BooleanField(default=True, help_text="Only active packs can be bought.")
    image = models.ForeignKey(
        "wagtailimages.Image", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    base_form_class = EurosAdminForm  # the price is typed in euros

    class Meta:
        ordering = ["lessons", "price_cents"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(price_cents__gt=0), name="commerce_pack_price_positive"
            ),
            models.CheckConstraint(
                condition=models.Q(validity_months__gte=1), name="commerce_pack_validity"
            ),
        ]

    def __str__(self):
        return self.name

    def clean(self):
        if self.price_cents is not None and self.price_cents <= 0:
            raise ValidationError({"price_cents": "A pack must cost more than €0.00."})
        if self.validity_months is not None and self.validity_months < 1:
            raise ValidationError({"validity_months": "Credits must be valid at least 1 month."})

    @property
    def price_per_lesson_cents(self):
        return self.price_cents // self.lessons


class OrderItem(models.Model):
    """One line of an order: a booked lesson or a lesson pack (exactly one of the two), with
    its price and its share of the discount."""

    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="items")
    booking = models.ForeignKey(
        "booking.Booking",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="order_items",
    )
    pack = models.ForeignKey(
        Pack, null=True, blank=True, on_delete=models.PROTECT, related_name="order_items"
    )
    price_cents = models.PositiveIntegerField()
    discount_cents = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["booking__start", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["order", "booking"], name="commerce_item_once"),
            models.UniqueConstraint(fields=["order", "pack"], name="commerce_pack_once"),
            models.CheckConstraint(
                condition=(
                    models.Q(booking__isnull=False, pack__isnull=True)
                    | models.Q(booking__isnull=True, pack__isnull=False)
                ),
                name="commerce_item_booking_xor_pack",
                violation_error_message="An order line is either a lesson or a pack.",
            ),
        ]

    def __str__(self):
        return f"{self.booking or self.pack} in {self.order}"

    @property
    def paid_cents(self):
        return self.price_cents - self.discount_cents


class PaymentStatus(models.TextChoices):
    SUCCEEDED = "succeeded", "Succeeded"
    FAILED = "failed", "Failed"


class Payment(models.Model):
    """Money received (or a failed attempt) for an order, as reported by the provider."""

    order = models.ForeignKey(Order, on_delete=models.PROTECT, related_name="payments")
    provider = models.CharField(max_length=20)
    intent_id = models.CharField(max_length=255)
    charge_id = models.CharField(max_length=255, blank=True)
    amount_cents = models.PositiveIntegerField()
    status = models.CharField(max_length=12, choices=PaymentStatus.choices)
    failure_message = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["intent_id"],
                condition=models.Q(status="succeeded"),
                name="commerce_one_success_per_intent",
            )
        ]

    def __str__(self):
        return f"{format_cents(self.amount_cents)} {self.get_status_display()}"


class RefundStatus(models.TextChoices):
    PENDING = "pending", "Pending"
    SUCCEEDED = "succeeded", "Succeeded"
    FAILED = "failed", "Failed"


class Refund(models.Model):
    """Money given back. Created pending, then sent to the provider after the commit."""

    order = models.ForeignKey(Order, on_delete=models.PROTECT, related_name="refunds")
    item = models.ForeignKey(
        OrderItem, null=True, blank=True, on_delete=models.PROTECT, related_name="refunds"
    )
    payment = models.ForeignKey(
        Payment, null=True, blank=True, on_delete=models.PROTECT, related_name="refunds"
    )
    amount_cents = models.PositiveIntegerField()
    reason = models.CharField(max_length=300)
    status = models.CharField(
        max_length=12, choices=RefundStatus.choices, default=RefundStatus.PENDING
    )
    provider_refund_id = models.CharField(max_length=255, blank=True)
    idempotency_key = models.CharField(max_length=120, unique=True)
    failure_message = models.CharField(max_length=500, blank=True)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["created_at"]

    def __str__(self):
        return f"Refund {format_cents(self.amount_cents)} ({self.get_status_display()})"


class OfferRedemption(models.Model):
    """An offer used by a paid order (counted for max redemptions and per-student limits)."""

    offer = models.ForeignKey(Offer, on_delete=models.CASCADE, related_name="redemptions")
    order = models.OneToOneField(Order, on_delete=models.CASCADE, related_name="redemption")
    student = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="offer_redemptions"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self):
        return f"{self.offer} on {self.order}"


class ProcessedStripeEvent(models.Model):
    """Each webhook event id is handled once; a replay finds its row and does nothing."""

    event_id = models.CharField(max_length=255, unique=True)
    type = models.CharField(max_length=100)
    received_at = models.DateTimeField(auto_now_add=True)

    def __str__(self):
        return self.event_id


class CreditLot(models.Model):
    """The credits a student got at once: a pack purchase (its order line), a bonus, or
    credits moved from another student. What is left in a lot is the sum of its ledger
    entries (``CreditEntry``); a lot stops counting at ``expires_at``."""

    student = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="credit_lots"
    )
    pack = models.ForeignKey(
        Pack, null=True, blank=True, on_delete=models.PROTECT, related_name="lots"
    )
    order = models.ForeignKey(
        Order, null=True, blank=True, on_delete=models.PROTECT, related_name="credit_lots"
    )
    order_item = models.OneToOneField(
        OrderItem, null=True, blank=True, on_delete=models.PROTECT, related_name="credit_lot"
    )
    moved_from = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="moved_to"
    )
    quantity = models.PositiveSmallIntegerField(help_text="Credits the lot started with.")
    expires_at = models.DateTimeField(db_index=True)
    reminded_30_at = models.DateTimeField(null=True, blank=True, editable=False)
    reminded_7_at = models.DateTimeField(null=True, blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["expires_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(quantity__gte=1), name="commerce_lot_quantity_positive"
            )
        ]

    def __str__(self):
        what = self.pack.name if self.pack_id else "Bonus credits"
        return f"{what} ({self.quantity} credits, lot {self.pk})"

    @property
    def credit_value_cents(self):
        """What one credit of the lot was paid (its pack line, pro rata; 0 for bonuses and
        moved credits)."""
        if self.order_item_id is None:
            return 0
        return self.order_item.paid_cents // self.quantity


class CreditKind(models.TextChoices):
    PURCHASE = "purchase", "Pack bought"
    SPEND = "spend", "Lesson booked"
    RETURN = "return", "Credit returned"
    EXPIRY = "expiry", "Expired"
    ADJUSTMENT = "adjustment", "Admin adjustment"
    REFUND = "refund", "Refunded to the card"
    MOVE = "move", "Moved between students"
    EXTENSION = "extension", "Expiry extended"
    BONUS = "bonus", "Bonus credit"


class CreditEntry(models.Model):
    """One line of a student's credit ledger: ``delta`` credits into (+) or out of (-) a lot.

    Entries are never changed or deleted; the balance is their sum (``commerce.credits``).
    A lesson spends one credit once and gets it back at most once.
    """

    lot = models.ForeignKey(CreditLot, on_delete=models.PROTECT, related_name="entries")
    student = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="credit_entries"
    )
    kind = models.CharField(max_length=12, choices=CreditKind.choices)
    delta = models.SmallIntegerField()
    booking = models.ForeignKey(
        "booking.Booking",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="credit_entries",
    )
    reason = models.CharField(max_length=300, blank=True)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name_plural = "credit entries"
        constraints = [
            models.UniqueConstraint(
                fields=["booking"],
                condition=models.Q(kind="spend"),
                name="commerce_credit_spent_once_per_lesson",
            ),
            models.UniqueConstraint(
                fields=["booking"],
                condition=models.Q(kind="return"),
                name="commerce_credit_returned_once_per_lesson",
            ),
            models.UniqueConstraint(
                fields=["booking"],
                condition=models.Q(kind="bonus"),
                name="commerce_bonus_once_per_lesson",
            ),
            models.CheckConstraint(
                condition=~models.Q(delta=0) | models.Q(kind="extension"),
                name="commerce_credit_entry_moves_credits",
            ),
        ]

    def __str__(self):
        return f"{self.delta:+d} {self.get_kind_display()}"

    @property
    def value_cents(self):
        """The entry's credits at what one credit of its lot was paid."""
        return self.delta * self.lot.credit_value_cents
