"""Basket, checkout, result pages, the Stripe webhook and the students' orders."""

import logging
import uuid

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import (
    Http404,
    HttpResponse,
    HttpResponseBadRequest,
    HttpResponseRedirect,
    JsonResponse,
)
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST
from django_ratelimit.core import is_ratelimited

from site_config.money import format_cents

from . import services, webhooks
from .forms import CheckoutForm, PromoCodeForm
from .models import Order, OrderStatus
from .payments import get_provider
from .payments.base import PaymentError
from .permissions import checkout_student_required, own_order_or_404

logger = logging.getLogger(__name__)

PROMO_SESSION_KEY = "commerce_promo_code"
BASKET_CHANGED = (
    "Your basket changed since you started checkout. "
    "Please check the lessons and the new total before you pay."
)
# Promo-code guessing is slowed: this many code attempts per student per window.
CODE_ATTEMPTS_RATE = "10/10m"
CODE_ATTEMPTS_GROUP = "commerce.promo_code"


def _frozen_message(order):
    return (
        f"Your payment for order {order.pk} is being processed "
        f"({format_cents(order.total_cents)}), so its lessons are kept for it."
    )


@login_required
def basket(request):
    """The basket: held lessons and packs priced live from the database, offer and total."""
    orders = services.basket_orders(request.user)
    open_order, paying_orders = orders
    lines = services.basket_lines(request.user, orders=orders)
    code = request.session.get(PROMO_SESSION_KEY, "")
    price = services.price_for(request.user, lines, code) if lines else None
    return render(
        request,
        "commerce/basket.html",
        {
            "price": price,
            "has_packs": any(getattr(line, "pack_id", None) for line in lines),
            "code": code,
            "code_form": PromoCodeForm(initial={"code": code}),
            "failure_reason": open_order.failure_reason if open_order else "",
            "paying_orders": paying_orders,
        },
    )


@login_required
@require_POST
def basket_code(request):
    """Enter (or, with ``remove``, drop) a promo code. A code that applies is kept for the
    basket and checkout; one that cannot be used is not kept, and the basket says why.

    At most 10 code attempts per student per 10 minutes (django-ratelimit, counted in the
    shared cache); beyond, a 429 page and the code is not read.
    """
    if "remove" in request.POST:
        request.session.pop(PROMO_SESSION_KEY, None)
        messages.info(request, "The promo code was removed.")
        return redirect("commerce:basket")
    if is_ratelimited(
        request,
        group=CODE_ATTEMPTS_GROUP,
        key="user",
        rate=CODE_ATTEMPTS_RATE,
        method="POST",
        increment=True,
    ):
        return render(request, "commerce/code_rate_limited.html", status=429)
    form = PromoCodeForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Please enter a promo code.")
        return redirect("commerce:basket")
    code = form.cleaned_data["code"]
    problem = services.promo_code_problem(request.user, code)
    if problem:
        # Not kept: the basket keeps the code it had (if any) and says why this one fails.
        messages.error(request, problem)
    else:
        request.session[PROMO_SESSION_KEY] = code
    return redirect("commerce:basket")


class SeeOther(HttpResponseRedirect):
    """303: after a POST, the browser GETs the next page (a reload never re-posts)."""

    status_code = 303


@checkout_student_required
@require_POST
def checkout_start(request):
    """The basket's Checkout button (POST): prepare the order, then show the checkout page.

    All checkout writes happen here (order and items from database prices, one intent per
    order, holds extended); a double click or a second tab reuses the same order and intent.
    """
    code = request.session.get(PROMO_SESSION_KEY, "")
    try:
        result = services.prepare_checkout(request.user, promo_code=code)
    except PaymentError as exc:
        messages.error(request, f"The payment could not be prepared: {exc}")
        return SeeOther(reverse("commerce:basket"))
    if result.frozen_order is not None:
        _tell_frozen(request, result)
        if result.order is None:
            return SeeOther(_success_url(result.frozen_order))
    if result.order is None:
        messages.info(request, "Your basket is empty.")
        return SeeOther(reverse("commerce:basket"))
    return SeeOther(reverse("commerce:checkout"))


def _tell_frozen(request, result):
    """The open order turned out to be in payment: say where the basket's lessons went."""
    text = _frozen_message(result.frozen_order)
    if result.order is not None:
        text += f" The lessons below are in a new basket (order {result.order.pk})."
    messages.warning(request, text)


def _success_url(order):
    return reverse("commerce:checkout_success") + f"?order={order.pk}"


@checkout_student_required
def checkout(request):
    """Our checkout page: order summary, billing details and the payment form.

    GET only reads: it shows the open order prepared by ``checkout_start``, or, when the
    basket changed since, says so and offers to start again. POST saves billing details and
    brings the order up to date once more; amounts or order ids sent by the browser are
    never read. A changed basket sends the student back to look before paying.
    """
    form = CheckoutForm(request.POST or None, initial=_billing_initial(request.user))
    if request.method != "POST":
        return _checkout_page(request, form)
    if not form.is_valid():
        if _wants_json(request):
            return JsonResponse({"errors": form.errors}, status=400)
        return _checkout_page(request, form)
    code = request.session.get(PROMO_SESSION_KEY, "")
    try:
        result = services.prepare_checkout(request.user, promo_code=code, billing=form.cleaned_data)
    except PaymentError as exc:
        message = f"The payment could not be prepared: {exc}"
        if _wants_json(request):
            return JsonResponse({"message": message}, status=502)
        messages.error(request, message)
        return SeeOther(reverse("commerce:checkout"))
    order = result.order
    if result.frozen_order is not None:
        _tell_frozen(request, result)
    if order is None or result.changed:
        if order is None:
            messages.info(request, "Your basket is empty.")
            target = reverse("commerce:basket")
        else:
            messages.warning(request, BASKET_CHANGED)
            target = reverse("commerce:checkout")
        if _wants_json(request):
            return JsonResponse({"redirect": target}, status=409)
        return SeeOther(target)
    if order.total_cents == 0:
        return _fulfil_free_order(order)
    if not get_provider().uses_stripe_js:
        return SeeOther(reverse("commerce:dev_pay", args=[order.pk]))
    if _wants_json(request):
        return JsonResponse(
            {"client_secret": result.client_secret, "return_url": _return_url(request, order)}
        )
    return SeeOther(reverse("commerce:checkout"))


def _checkout_page(request, form):
    """Render the checkout page from what is stored; never writes."""
    code = request.session.get(PROMO_SESSION_KEY, "")
    try:
        state = services.checkout_state(request.user, promo_code=code)
    except PaymentError as exc:
        messages.error(request, f"The payment could not be prepared: {exc}")
        return redirect("commerce:basket")
    if state.order is None and state.price is None:
        messages.info(request, "Your basket is empty.")
        return redirect("commerce:basket")
    if state.already_paying:
        return redirect(reverse("commerce:checkout_success") + f"?order={state.order.pk}")
    provider = get_provider()
    return render(
        request,
        "commerce/checkout.html",
        {
            "order": state.order,
            "price": state.price,
            "changed": state.changed,
            "form": form,
            "provider": provider,
            "client_secret": state.client_secret,
            "return_url": _return_url(request, state.order) if state.order else "",
            "stripe_publishable_key": settings.STRIPE_PUBLISHABLE_KEY,
        },
    )


def _billing_initial(user):
    order = Order.objects.filter(student=user).exclude(billing_email="").first()
    if order:
        return {
            "name": order.billing_name,
            "email": order.billing_email,
            "country": order.billing_country,
        }
    return {"name": user.display_name, "email": user.email}


def _wants_json(request):
    return "application/json" in request.headers.get("Accept", "")


def _return_url(request, order):
    return request.build_absolute_uri(reverse("commerce:checkout_success") + f"?order={order.pk}")


def _fulfil_free_order(order):
    """A basket discounted to €0.00 needs no payment: fulfil it directly."""
    webhooks.process_event(_dev_event(order, "payment_intent.succeeded"))
    return redirect(reverse("commerce:checkout_success") + f"?order={order.pk}")


def _dev_event(order, event_type, message=""):
    """A Stripe-shaped event for the development provider (and free orders)."""
    intent = {
        "id": order.payment_intent_id or f"pi_free_{order.pk}",
        "object": "payment_intent",
        "amount": order.total_cents,
        "amount_received": order.total_cents if event_type.endswith("succeeded") else 0,
        "currency": order.currency.lower(),
        "metadata": {"order_id": str(order.pk)},
        "latest_charge": f"ch_dev_{order.pk}",
        "status": "succeeded" if event_type.endswith("succeeded") else "requires_payment_method",
    }
    if message:
        intent["last_payment_error"] = {"message": message, "code": "card_declined"}
    if not order.payment_intent_id:
        Order.objects.filter(pk=order.pk).update(payment_intent_id=intent["id"])
    return {"id": f"evt_dev_{uuid.uuid4().hex}", "type": event_type, "data": {"object": intent}}


@login_required
def dev_pay(request, pk):
    """The development provider's test-payment page: no money moves.

    Its buttons send Stripe-shaped events through the same dispatcher as the webhook.
    """
    if get_provider().name != "development":
        raise Http404("The development payment page is off.")
    order = own_order_or_404(Order.objects.all(), request.user, pk)
    if request.method == "POST":
        if order.status != OrderStatus.OPEN:
            return redirect(reverse("commerce:checkout_success") + f"?order={order.pk}")
        if request.POST.get("action") == "pay":
            webhooks.process_event(_dev_event(order, "payment_intent.succeeded"))
            return redirect(reverse("commerce:checkout_success") + f"?order={order.pk}")
        webhooks.process_event(
            _dev_event(order, "payment_intent.payment_failed", "Your card was declined (test).")
        )
        return redirect(reverse("commerce:checkout_failure") + f"?order={order.pk}")
    return render(request, "commerce/dev_pay.html", {"order": order})


def _order_from_query(request):
    try:
        pk = int(request.GET.get("order", ""))
    except ValueError as exc:
        raise Http404("No such order.") from exc
    return own_order_or_404(
        Order.objects.prefetch_related("items__booking__teacher__profile", "items__pack"),
        request.user,
        pk,
    )


@login_required
def checkout_success(request):
    """What was bought and when, with the receipt link; "confirming" until the webhook."""
    order = _order_from_query(request)
    if request.GET.get("redirect_status") == "failed":
        return redirect(reverse("commerce:checkout_failure") + f"?order={order.pk}")
    if order.status == OrderStatus.OPEN:
        # Back from the provider: if it is taking the money, the order's lessons freeze now.
        order.status = services.note_payment_in_flight(order.pk, request.user).status
    return render(request, "commerce/success.html", {"order": order})


@login_required
def checkout_failure(request):
    """Why the payment failed, and a way to try again."""
    order = _order_from_query(request)
    return render(request, "commerce/failure.html", {"order": order})


@csrf_exempt
@require_POST
def stripe_webhook(request):
    """Stripe's webhook: signature checked first; forged or unsigned requests change nothing."""
    signature = request.headers.get("Stripe-Signature", "")
    secret = settings.STRIPE_WEBHOOK_SECRET
    if not signature or not secret:
        return HttpResponseBadRequest("Missing signature.")
    payload = request.body.decode("utf-8", errors="replace")
    try:
        event = webhooks.verified_event(payload, signature, secret)
    except webhooks.WebhookRejected as exc:
        return HttpResponseBadRequest(str(exc))
    webhooks.process_event(event)
    return HttpResponse(status=200)


@login_required
def order_list(request):
    """The student's orders, newest first."""
    orders = Order.objects.filter(student=request.user).exclude(status=OrderStatus.OPEN)
    return render(request, "commerce/order_list.html", {"orders": orders})


@login_required
def order_receipt(request, pk):
    """One order as a receipt: lessons, amounts, payments and refunds."""
    order = own_order_or_404(
        Order.objects.select_related("offer").prefetch_related(
            "items__booking__teacher__profile", "items__pack", "refunds"
        ),
        request.user,
        pk,
    )
    return render(request, "commerce/receipt.html", {"order": order})
