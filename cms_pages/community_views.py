"""Public views of the community features: testimonials, lesson reviews and the newsletter."""

import ipaddress

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db import IntegrityError, transaction
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from booking.models import Booking, BookingStatus
from site_config.ratelimit import client_ip, over_limit

from .community_forms import ALREADY_SUBSCRIBED, CommentForm, ReviewForm, SubscribeForm
from .models import (
    AlreadySubscribed,
    Comment,
    LessonReview,
    Subscriber,
    SubscriberStatus,
)
from .models.community import UNSUBSCRIBE_SALT

RATE_LIMITED = "Too many attempts, please try again in a few minutes."
COMMENT_THANKS = "Thank you! Your testimonial awaits approval by our team before it is published."
REVIEW_THANKS = "Thank you! Your review awaits approval by our team before it is published."
ALREADY_REVIEWED = "You have already reviewed this lesson."
# Posts per account and per address (django-ratelimit rates: 5 and 10 per 10 minutes).
RATE_LIMITS = {
    "comment": {"per_account": "5/10m", "per_address": "10/10m"},
    "review": {"per_account": "5/10m", "per_address": "10/10m"},
    "newsletter": {"per_account": "5/10m", "per_address": "10/10m"},
}
COMMENTS_PER_PAGE = 20


def within_rate_limit(request, scope):
    """Count this post against both the client's address and, if logged in, the account."""
    return not over_limit(request, scope, **RATE_LIMITS[scope])


def consent_ip(request):
    """The client's address as proof of consent, or None if it is not a valid IP."""
    try:
        return str(ipaddress.ip_address(client_ip(request)))
    except ValueError:
        return None


def render_rate_limited(request, template, context):
    context["form"].add_error(None, RATE_LIMITED)
    return render(request, template, context, status=429)


def comment_list(request):
    """Every approved testimonial, newest first."""
    comments = Comment.objects.approved().select_related("author__profile")
    page = Paginator(comments, COMMENTS_PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "cms_pages/community/comment_list.html", {"page_obj": page})


@login_required
@require_http_methods(["GET", "POST"])
def comment_create(request):
    """Any logged-in user may write a testimonial; it waits for an editor's approval."""
    template = "cms_pages/community/comment_form.html"
    form = CommentForm(request.POST or None)
    if request.method == "POST":
        if not within_rate_limit(request, "comment"):
            return render_rate_limited(request, template, {"form": form})
        if form.is_valid():
            if not form.is_spam():
                form.instance.author = request.user
                form.save()
            messages.success(request, COMMENT_THANKS)
            return redirect("cms_pages:comment_list")
    return render(request, template, {"form": form})


@login_required
@require_http_methods(["GET", "POST"])
def review_create(request, booking_id):
    """The student of a completed lesson may rate it once. Other users get a 404."""
    booking = get_object_or_404(
        Booking.objects.select_related("teacher__profile"), pk=booking_id, student=request.user
    )
    problem = None
    if booking.status != BookingStatus.COMPLETED:
        problem = "You can rate a lesson once it has taken place and is marked as completed."
    elif LessonReview.objects.filter(booking=booking).exists():
        problem = "You have already rated this lesson. Thank you!"
    if problem:
        return render(
            request,
            "cms_pages/community/review_unavailable.html",
            {"booking": booking, "problem": problem},
            status=403,
        )
    template = "cms_pages/community/review_form.html"
    form = ReviewForm(request.POST or None)
    context = {"form": form, "booking": booking}
    if request.method == "POST":
        if not within_rate_limit(request, "review"):
            return render_rate_limited(request, template, context)
        if form.is_valid():
            if not form.is_spam():
                form.instance.booking = booking
                try:
                    with transaction.atomic():
                        form.save()
                except IntegrityError:
                    # A second click raced the first past the check above; the one-review-
                    # per-lesson constraint kept the first.
                    return render(
                        request,
                        "cms_pages/community/review_unavailable.html",
                        {"booking": booking, "problem": ALREADY_REVIEWED},
                        status=403,
                    )
            messages.success(request, REVIEW_THANKS)
            return redirect("/bookings/")
    return render(request, template, context)


# No CSRF token: the footer form is on every page, and pages carrying a token cannot be shared
# by the anonymous page cache. A forged sign-up only sends a confirmation email that its owner
# ignores (double opt-in), and the honeypot and rate limit stop bulk posting
# (site_config/page_cache.py, docs/operations.md).
@csrf_exempt
@require_http_methods(["GET", "POST"])
def newsletter_subscribe(request):
    """Sign-up with double opt-in. The footer and the home page block post here."""
    template = "cms_pages/community/newsletter_subscribe.html"
    form = SubscribeForm(request.POST or None, initial={"source": "newsletter page"})
    if request.method == "POST":
        if not within_rate_limit(request, "newsletter"):
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
    return render(request, "cms_pages/community/newsletter_thanks.html")


def invalid_link(request, kind):
    return render(
        request, "cms_pages/community/newsletter_invalid_link.html", {"kind": kind}, status=400
    )


@require_http_methods(["GET", "POST"])
def newsletter_confirm(request, token):
    """Double opt-in: GET shows a button (mail scanners only GET), POST confirms."""
    subscriber = Subscriber.from_confirm_token(token)
    if subscriber is None or subscriber.status == SubscriberStatus.UNSUBSCRIBED:
        return invalid_link(request, "confirmation")
    if request.method == "POST":
        subscriber.confirm()
        return render(request, "cms_pages/community/newsletter_confirmed.html")
    return render(
        request, "cms_pages/community/newsletter_confirm.html", {"subscriber": subscriber}
    )


@csrf_exempt  # RFC 8058 one-click: mail clients POST without a session; the token is the key
@require_http_methods(["GET", "POST"])
def newsletter_unsubscribe(request, token):
    """GET shows a button; any POST (the button or List-Unsubscribe=One-Click) unsubscribes."""
    subscriber = Subscriber.from_token(token, salt=UNSUBSCRIBE_SALT)
    if subscriber is None:
        return invalid_link(request, "unsubscribe")
    if request.method == "POST":
        subscriber.unsubscribe()
        return render(request, "cms_pages/community/newsletter_unsubscribed.html")
    return render(
        request, "cms_pages/community/newsletter_unsubscribe.html", {"subscriber": subscriber}
    )
