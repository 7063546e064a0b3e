"""The newsletter in the Wagtail admin: editors and admins manage subscribers (status filter,
search, CSV export, bulk unsubscribe) and compose and send campaigns, whose progress page and
listing update themselves while sending (static/js/campaign_progress.js polls a JSON
endpoint). The viewsets are registered in the "Community" menu group by
cms_pages/wagtail_hooks.py."""

from django.contrib.admin.utils import quote
from django.core.exceptions import PermissionDenied
from django.forms import Script
from django.http import JsonResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.cache import add_never_cache_headers
from django.utils.functional import classproperty
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_POST
from wagtail import hooks
from wagtail.admin import messages
from wagtail.admin.panels import FieldPanel
from wagtail.admin.ui.tables import Column
from wagtail.admin.widgets.button import ListingButton
from wagtail.snippets.bulk_actions.snippet_bulk_action import SnippetBulkAction
from wagtail.snippets.views.snippets import IndexView, SnippetViewSet

from accounts.admin_display import LocalDisplaySnippetInspectView, LocalTimeColumn
from site_config.spreadsheets import InertSpreadsheetExportMixin

from .models import Campaign, CampaignStatus, Subscriber
from .services import resume_sending, start_sending


class SubscriberIndexView(InertSpreadsheetExportMixin, IndexView):
    """The subscribers listing; its CSV/XLSX exports are inert in spreadsheets."""


class SubscriberViewSet(SnippetViewSet):
    model = Subscriber
    index_view_class = SubscriberIndexView
    icon = "mail"
    menu_label = "Subscribers"
    list_display = [
        "email",
        "status",
        "source",
        LocalTimeColumn("consented_at"),
        LocalTimeColumn("confirmed_at"),
    ]
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
    inspect_view_class = LocalDisplaySnippetInspectView
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

    cell_template_name = "cms_pages/newsletter/admin/campaign_status_cell.html"

    def get_cell_context_data(self, instance, parent_context):
        context = super().get_cell_context_data(instance, parent_context)
        context.update(campaign=instance, json_url=progress_json_url(instance))
        return context


class CampaignProgressColumn(Column):
    """A progress bar and its text equivalent, updated live while the campaign is sending."""

    cell_template_name = "cms_pages/newsletter/admin/campaign_progress_cell.html"

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
        LocalTimeColumn("send_requested_at"),
        LocalTimeColumn("finished_at"),
    ]
    list_filter = ["status"]
    search_fields = ["subject"]
    search_backend_name = None
    inspect_view_enabled = True
    inspect_view_class = LocalDisplaySnippetInspectView
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
            if start_sending(campaign, by=request.user):
                messages.success(request, f"Sending “{campaign.subject}” to every subscriber.")
            else:
                messages.warning(request, f"“{campaign.subject}” has already been sent.")
            return redirect(progress_url)
        if campaign.status != CampaignStatus.DRAFT:
            return redirect(progress_url)
        return TemplateResponse(
            request,
            "cms_pages/newsletter/admin/confirm_send.html",
            {"campaign": campaign, "index_url": index_url, "header_icon": self.icon},
        )

    def resume_view(self, request, pk):
        """POST: send the rest of a campaign whose job failed (only deliveries still queued)."""
        if not self.permission_policy.user_has_permission(request.user, "change"):
            raise PermissionDenied
        campaign = get_object_or_404(Campaign, pk=pk)
        if resume_sending(campaign, by=request.user):
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
            "cms_pages/newsletter/admin/campaign_progress.html",
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


@hooks.register("register_bulk_action")
class UnsubscribeBulkAction(SnippetBulkAction):
    display_name = "Unsubscribe"
    action_type = "unsubscribe"
    aria_label = "Unsubscribe selected subscribers"
    template_name = "site_config/confirm_bulk_moderate.html"
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
