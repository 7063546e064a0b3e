"""Public newsletter pages: sign-up (double opt-in), thanks, confirm and unsubscribe."""

import ipaddress

from django.shortcuts import redirect, render
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from site_config.public_forms import render_rate_limited
from site_config.ratelimit import client_ip, over_limit

from .forms import ALREADY_SUBSCRIBED, SubscribeForm
from .models import UNSUBSCRIBE_SALT, AlreadySubscribed, Subscriber, SubscriberStatus

# Posts per account and per address (django-ratelimit rates).
RATE_LIMIT = {"per_account": "5/10m", "per_address": "10/10m"}


def consent_ip(request):
    """The client's address as proof of consent, or None if it is not a valid IP."""
    try:
        return str(ipaddress.ip_address(client_ip(request)))
    except ValueError:
        return None


# No CSRF token: the footer form is on every page, and pages carrying a token cannot be shared
# by the anonymous page cache. A forged sign-up only sends a confirmation email that its owner
# ignores (double opt-in), and the honeypot and rate limit stop bulk posting
# (site_config/page_cache.py, docs/operations.md).
@csrf_exempt
@require_http_methods(["GET", "POST"])
def newsletter_subscribe(request):
    """Sign-up with double opt-in. The footer and the home page block post here."""
    template = "cms_pages/newsletter/subscribe.html"
    form = SubscribeForm(request.POST or None, initial={"source": "newsletter page"})
    if request.method == "POST":
        if over_limit(request, "newsletter", **RATE_LIMIT):
            return render_rate_limited(request, template, {"form": form})
        if form.is_valid():
            if not form.is_spam():
                try:
                    Subscriber.sign_up(
                        form.cleaned_data["email"],
                        source=form.cleaned_data["source"] or "newsletter page",
                        ip_address=consent_ip(request),
                    )
                except AlreadySubscribed:
                    form.add_error("email", ALREADY_SUBSCRIBED)
                    return render(request, template, {"form": form})
            return redirect("cms_pages:newsletter_thanks")
    return render(request, template, {"form": form})


def newsletter_thanks(request):
    return render(request, "cms_pages/newsletter/thanks.html")


def invalid_link(request, kind):
    return render(request, "cms_pages/newsletter/invalid_link.html", {"kind": kind}, status=400)


@require_http_methods(["GET", "POST"])
def newsletter_confirm(request, token):
    """Double opt-in: GET shows a button (mail scanners only GET), POST confirms."""
    subscriber = Subscriber.from_confirm_token(token)
    if subscriber is None or subscriber.status == SubscriberStatus.UNSUBSCRIBED:
        return invalid_link(request, "confirmation")
    if request.method == "POST":
        subscriber.confirm()
        return render(request, "cms_pages/newsletter/confirmed.html")
    return render(request, "cms_pages/newsletter/confirm.html", {"subscriber": subscriber})


@csrf_exempt  # RFC 8058 one-click: mail clients POST without a session; the token is the key
@require_http_methods(["GET", "POST"])
def newsletter_unsubscribe(request, token):
    """GET shows a button; any POST (the button or List-Unsubscribe=One-Click) unsubscribes."""
    subscriber = Subscriber.from_token(token, salt=UNSUBSCRIBE_SALT)
    if subscriber is None:
        return invalid_link(request, "unsubscribe")
    if request.method == "POST":
        subscriber.unsubscribe()
        return render(request, "cms_pages/newsletter/unsubscribed.html")
    return render(request, "cms_pages/newsletter/unsubscribe.html", {"subscriber": subscriber})
