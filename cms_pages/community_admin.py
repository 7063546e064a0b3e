"""Wagtail admin for testimonials, reviews and the newsletter.

Editors and admins moderate testimonials and lesson reviews (status filter, search, bulk
approve/reject, a dashboard panel counting what waits), manage subscribers (status filter,
search, CSV export, bulk unsubscribe) and compose and send campaigns, whose progress page and
listing update themselves while sending (static/js/campaign_progress.js polls a JSON endpoint).
"""

from django.contrib.admin.utils import quote
from django.core.exceptions import PermissionDenied
from django.forms import Script
from django.http import JsonResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.cache import add_never_cache_headers
from django.utils.functional import classproperty
from django.utils.html import format_html
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_POST
from wagtail import hooks
from wagtail.admin import messages
from wagtail.admin.panels import FieldPanel
from wagtail.admin.ui.components import Component
from wagtail.admin.ui.tables import Column
from wagtail.admin.widgets.button import ListingButton
from wagtail.snippets.bulk_actions.snippet_bulk_action import SnippetBulkAction
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import IndexView, SnippetViewSet, SnippetViewSetGroup

from site_config.spreadsheets import InertSpreadsheetExportMixin

from . import community_signals  # noqa: F401 - registers data exporters and erasure receivers
from .models import (
    Campaign,
    CampaignStatus,
    Comment,
    LessonReview,
    ModerationStatus,
    Subscriber,
)


def profile_link(user):
    return format_html(
        '<a href="{}" target="_blank" rel="noopener">{}</a>',
        user.profile.get_absolute_url(),
        user.display_name,
    )


class LinkedUserColumn(Column):
    """A user shown by display name, linked to their public profile."""

    def get_value(self, instance):
        user = super().get_value(instance)
        return profile_link(user) if user is not None else ""


class CommentViewSet(SnippetViewSet):
    model = Comment
    icon = "openquote"
    menu_label = "Testimonials"
    list_display = [
        "excerpt",
        LinkedUserColumn("author", label="Author"),
        "status",
        "created_at",
    ]
    list_filter = ["status"]
    search_fields = ["text", "author__email", "author__profile__display_name"]
    search_backend_name = None
    ordering = ["-created_at"]
    inspect_view_enabled = True
    panels = [FieldPanel("author"), FieldPanel("text"), FieldPanel("status")]

    def get_queryset(self, request):
        return Comment.objects.select_related("author__profile")


class LessonReviewViewSet(SnippetViewSet):
    model = LessonReview
    icon = "pick"
    menu_label = "Lesson reviews"
    list_display = [
        "stars",
        LinkedUserColumn("booking.teacher", label="Teacher"),
        LinkedUserColumn("booking.student", label="Student"),
        "excerpt",
        "status",
        "created_at",
    ]
    list_filter = ["status", "rating"]
    search_fields = ["text", "booking__student__email", "booking__teacher__email"]
    search_backend_name = None
    ordering = ["-created_at"]
    inspect_view_enabled = True
    panels = [FieldPanel("rating"), FieldPanel("text"), FieldPanel("status")]

    def get_queryset(self, request):
        return LessonReview.objects.select_related(
            "booking__teacher__profile", "booking__student__profile"
        )


class SubscriberIndexView(InertSpreadsheetExportMixin, IndexView):
    """The subscribers listing; its CSV/XLSX exports are inert in spreadsheets."""


class SubscriberViewSet(SnippetViewSet):
    model = Subscriber
    index_view_class = SubscriberIndexView
    icon = "mail"
    menu_label = "Subscribers"
    list_display = ["email", "status", "source", "consented_at", "confirmed_at"]
    list_filter = ["status", "source"]
    search_fields = ["email"]
    search_backend_name = None
    list_export = [
        "email",
        "status",
        "source",
        "consented_at",
        "ip_address",
        "confirmed_at",
        "unsubscribed_at",
    ]
    export_filename = "newsletter-subscribers"
    inspect_view_enabled = True
    panels = [FieldPanel("email"), FieldPanel("status"), FieldPanel("source")]


# Who may watch a campaign's progress: whoever may see the campaigns listing. The progress
# page and its JSON endpoint share this one check.
PROGRESS_PERMISSIONS = ["add", "change", "delete", "view"]
PROGRESS_SCRIPT = Script("js/campaign_progress.js", defer=True)


def progress_json_url(campaign):
    return reverse(
        Campaign.snippet_viewset.get_url_name("progress_json"), args=[quote(campaign.pk)]
    )


class CampaignStatusColumn(Column):
    """The status, updated in place by campaign_progress.js while the campaign is sending."""

    cell_template_name = "cms_pages/community/admin/campaign_status_cell.html"

    def get_cell_context_data(self, instance, parent_context):
        context = super().get_cell_context_data(instance, parent_context)
        context.update(campaign=instance, json_url=progress_json_url(instance))
        return context


class CampaignProgressColumn(Column):
    """A progress bar and its text equivalent, updated live while the campaign is sending."""

    cell_template_name = "cms_pages/community/admin/campaign_progress_cell.html"

    class Media:
        js = [PROGRESS_SCRIPT]

    def get_cell_context_data(self, instance, parent_context):
        context = super().get_cell_context_data(instance, parent_context)
        context.update(
            progress=instance.progress_report(),
            json_url=progress_json_url(instance),
            progress_url=reverse(
                Campaign.snippet_viewset.get_url_name("progress"), args=[quote(instance.pk)]
            ),
        )
        return context


class CampaignIndexView(IndexView):
    send_url_name = None
    progress_url_name = None

    def get_list_more_buttons(self, instance):
        buttons = super().get_list_more_buttons(instance)
        if instance.status == CampaignStatus.DRAFT and self.user_has_permission("change"):
            buttons.append(
                ListingButton(
                    "Send",
                    url=reverse(self.send_url_name, args=[quote(instance.pk)]),
                    icon_name="mail",
                    priority=5,
                )
            )
        elif instance.status != CampaignStatus.DRAFT:
            buttons.append(
                ListingButton(
                    "Progress",
                    url=reverse(self.progress_url_name, args=[quote(instance.pk)]),
                    icon_name="info-circle",
                    priority=5,
                )
            )
        return buttons


class CampaignViewSet(SnippetViewSet):
    model = Campaign
    icon = "mail"
    menu_label = "Campaigns"
    index_view_class = CampaignIndexView
    list_display = [
        "subject",
        CampaignStatusColumn("status", label="Status", sort_key="status"),
        CampaignProgressColumn("progress", label="Progress"),
        "send_requested_at",
        "finished_at",
    ]
    list_filter = ["status"]
    search_fields = ["subject"]
    search_backend_name = None
    inspect_view_enabled = True
    inspect_view_fields = [
        "subject",
        "body",
        "status",
        "progress_display",
        "send_requested_at",
        "finished_at",
    ]
    panels = [FieldPanel("subject"), FieldPanel("body")]

    def get_queryset(self, request):
        return Campaign.objects.with_progress()

    def get_index_view_kwargs(self, **kwargs):
        return super().get_index_view_kwargs(
            send_url_name=self.get_url_name("send"),
            progress_url_name=self.get_url_name("progress"),
            **kwargs,
        )

    def send_view(self, request, pk):
        """GET: confirm; POST: queue the background job (once) that mails every confirmed
        subscriber, then show its progress."""
        if not self.permission_policy.user_has_permission(request.user, "change"):
            raise PermissionDenied
        campaign = get_object_or_404(Campaign, pk=pk)
        index_url = reverse(self.get_url_name("list"))
        progress_url = reverse(self.get_url_name("progress"), args=[quote(campaign.pk)])
        if request.method == "POST":
            if campaign.start_sending(by=request.user):
                messages.success(request, f"Sending “{campaign.subject}” to every subscriber.")
            else:
                messages.warning(request, f"“{campaign.subject}” has already been sent.")
            return redirect(progress_url)
        if campaign.status != CampaignStatus.DRAFT:
            return redirect(progress_url)
        return TemplateResponse(
            request,
            "cms_pages/community/admin/confirm_send.html",
            {"campaign": campaign, "index_url": index_url, "header_icon": self.icon},
        )

    def resume_view(self, request, pk):
        """POST: send the rest of a campaign whose job failed (only deliveries still queued)."""
        if not self.permission_policy.user_has_permission(request.user, "change"):
            raise PermissionDenied
        campaign = get_object_or_404(Campaign, pk=pk)
        if campaign.resume_sending(by=request.user):
            messages.success(request, f"Sending the rest of “{campaign.subject}”.")
        else:
            messages.warning(
                request, f"“{campaign.subject}” is not stopped: there is nothing to resume."
            )
        return redirect(reverse(self.get_url_name("progress"), args=[quote(campaign.pk)]))

    def get_progress_campaign(self, request, pk):
        """The campaign with its delivery counts (one query), for users who may see it."""
        if not self.permission_policy.user_has_any_permission(request.user, PROGRESS_PERMISSIONS):
            raise PermissionDenied
        return get_object_or_404(Campaign.objects.with_progress(), pk=pk)

    def progress_view(self, request, pk):
        """The progress of one campaign; campaign_progress.js keeps it current while sending."""
        campaign = self.get_progress_campaign(request, pk)
        response = TemplateResponse(
            request,
            "cms_pages/community/admin/campaign_progress.html",
            {
                "campaign": campaign,
                "progress": campaign.progress_report(),
                "json_url": progress_json_url(campaign),
                "resume_url": reverse(self.get_url_name("resume"), args=[quote(campaign.pk)])
                if self.permission_policy.user_has_permission(request.user, "change")
                and campaign.can_resume()
                else "",
                "index_url": reverse(self.get_url_name("list")),
                "header_icon": self.icon,
                "progress_script": PROGRESS_SCRIPT,
            },
        )
        add_never_cache_headers(response)
        return response

    def progress_json_view(self, request, pk):
        """Read-only JSON polled by campaign_progress.js; same permission as the page."""
        campaign = self.get_progress_campaign(request, pk)
        response = JsonResponse(campaign.progress_report())
        add_never_cache_headers(response)
        return response

    def get_urlpatterns(self):
        return [
            *super().get_urlpatterns(),
            path("send/<str:pk>/", self.send_view, name="send"),
            path("resume/<str:pk>/", require_POST(self.resume_view), name="resume"),
            path("progress/<str:pk>/", require_GET(self.progress_view), name="progress"),
            path(
                "progress/<str:pk>/json/",
                require_GET(self.progress_json_view),
                name="progress_json",
            ),
        ]


class CommunityViewSetGroup(SnippetViewSetGroup):
    menu_label = "Community"
    menu_icon = "group"
    menu_order = 250
    items = (CommentViewSet, LessonReviewViewSet, SubscriberViewSet, CampaignViewSet)


register_snippet(CommunityViewSetGroup)


class ModerateBulkAction(SnippetBulkAction):
    """Approve or reject many testimonials or reviews at once."""

    template_name = "cms_pages/community/admin/confirm_bulk_moderate.html"
    new_status = None

    @classproperty
    def models(cls):
        return [Comment, LessonReview]

    def check_perm(self, obj):
        return self.permission_policy.user_has_permission_for_instance(
            self.request.user, "change", obj
        )

    def get_execution_context(self):
        return {**super().get_execution_context(), "user": self.request.user}

    @classmethod
    def execute_action(cls, objects, user=None, **kwargs):
        model = kwargs["self"].model
        count = model.moderate([obj.pk for obj in objects], cls.new_status, by=user)
        return count, 0

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "action_label": self.display_name}

    def get_success_message(self, num_parent_objects, num_child_objects):
        return ngettext(
            "%(count)d item %(verb)s.", "%(count)d items %(verb)s.", num_parent_objects
        ) % {"count": num_parent_objects, "verb": self.past_tense}


@hooks.register("register_bulk_action")
class ApproveBulkAction(ModerateBulkAction):
    display_name = "Approve"
    action_type = "approve"
    aria_label = "Approve selected items"
    action_priority = 10
    new_status = ModerationStatus.APPROVED
    past_tense = "approved"


@hooks.register("register_bulk_action")
class RejectBulkAction(ModerateBulkAction):
    display_name = "Reject"
    action_type = "reject"
    aria_label = "Reject selected items"
    action_priority = 20
    new_status = ModerationStatus.REJECTED
    past_tense = "rejected"


@hooks.register("register_bulk_action")
class UnsubscribeBulkAction(SnippetBulkAction):
    display_name = "Unsubscribe"
    action_type = "unsubscribe"
    aria_label = "Unsubscribe selected subscribers"
    template_name = "cms_pages/community/admin/confirm_bulk_moderate.html"
    action_priority = 20

    @classproperty
    def models(cls):
        return [Subscriber]

    def check_perm(self, obj):
        return self.permission_policy.user_has_permission_for_instance(
            self.request.user, "change", obj
        )

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "action_label": self.display_name}

    @classmethod
    def execute_action(cls, objects, **kwargs):
        for subscriber in objects:
            subscriber.unsubscribe()
        return len(objects), 0

    def get_success_message(self, num_parent_objects, num_child_objects):
        return ngettext(
            "%(count)d subscriber unsubscribed.",
            "%(count)d subscribers unsubscribed.",
            num_parent_objects,
        ) % {"count": num_parent_objects}


class PendingModerationPanel(Component):
    """Dashboard: how many testimonials and reviews wait for a decision."""

    name = "community_pending"
    template_name = "cms_pages/community/admin/pending_panel.html"
    order = 90

    def get_context_data(self, parent_context):
        context = super().get_context_data(parent_context)
        context.update(
            pending_comments=Comment.objects.pending().count(),
            pending_reviews=LessonReview.objects.pending().count(),
            comments_url=reverse(Comment.snippet_viewset.get_url_name("list")) + "?status=pending",
            reviews_url=reverse(LessonReview.snippet_viewset.get_url_name("list"))
            + "?status=pending",
        )
        return context


@hooks.register("construct_homepage_panels")
def add_pending_moderation_panel(request, panels):
    policy = Comment.snippet_viewset.permission_policy
    if policy.user_has_permission(request.user, "change"):
        panels.append(PendingModerationPanel())
