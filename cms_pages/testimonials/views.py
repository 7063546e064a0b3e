"""Public testimonial pages: ``/comments/`` (approved ones) and ``/comments/new/``."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from site_config.public_forms import render_rate_limited
from site_config.ratelimit import over_limit

from .forms import CommentForm
from .models import Comment

COMMENT_THANKS = "Thank you! Your testimonial awaits approval by our team before it is published."
# Posts per account and per address (django-ratelimit rates).
RATE_LIMIT = {"per_account": "5/10m", "per_address": "10/10m"}
COMMENTS_PER_PAGE = 20


def comment_list(request):
    """Every approved testimonial, newest first."""
    comments = Comment.objects.approved().select_related("author__profile")
    page = Paginator(comments, COMMENTS_PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "cms_pages/testimonials/comment_list.html", {"page_obj": page})


@login_required
@require_http_methods(["GET", "POST"])
def comment_create(request):
    """Any logged-in user may write a testimonial; it waits for an editor's approval."""
    template = "cms_pages/testimonials/comment_form.html"
    form = CommentForm(request.POST or None)
    if request.method == "POST":
        if over_limit(request, "comment", **RATE_LIMIT):
            return render_rate_limited(request, template, {"form": form})
        if form.is_valid():
            if not form.is_spam():
                form.instance.author = request.user
                form.save()
            messages.success(request, COMMENT_THANKS)
            return redirect("cms_pages:comment_list")
    return render(request, template, {"form": form})
