"""Testimonials in the Wagtail admin: editors and admins moderate them (status filter,
search, bulk approve/reject, a dashboard panel counting what waits). The viewset is
registered in the "Community" menu group by cms_pages/wagtail_hooks.py."""

from django.urls import reverse
from wagtail import hooks
from wagtail.admin.panels import FieldPanel
from wagtail.admin.ui.components import Component
from wagtail.snippets.views.snippets import SnippetViewSet

from accounts.admin_display import LocalDisplaySnippetInspectView, LocalTimeColumn
from site_config.moderation import LinkedUserColumn, moderation_bulk_actions

from .models import Comment


class CommentViewSet(SnippetViewSet):
    model = Comment
    icon = "openquote"
    menu_label = "Testimonials"
    list_display = [
        "excerpt",
        LinkedUserColumn("author", label="Author"),
        "status",
        LocalTimeColumn("created_at"),
    ]
    list_filter = ["status"]
    search_fields = ["text", "author__email", "author__profile__display_name"]
    search_backend_name = None
    ordering = ["-created_at"]
    inspect_view_enabled = True
    inspect_view_class = LocalDisplaySnippetInspectView
    panels = [FieldPanel("author"), FieldPanel("text"), FieldPanel("status")]

    def get_queryset(self, request):
        return Comment.objects.select_related("author__profile")


for action in moderation_bulk_actions(Comment):
    hooks.register("register_bulk_action", action)


class PendingTestimonialsPanel(Component):
    """Dashboard: how many testimonials wait for a decision."""

    name = "community_pending"
    template_name = "cms_pages/testimonials/admin/pending_panel.html"
    order = 90

    def get_context_data(self, parent_context):
        context = super().get_context_data(parent_context)
        context.update(
            pending_comments=Comment.objects.pending().count(),
            comments_url=reverse(Comment.snippet_viewset.get_url_name("list")) + "?status=pending",
        )
        return context


@hooks.register("construct_homepage_panels")
def add_pending_testimonials_panel(request, panels):
    policy = Comment.snippet_viewset.permission_policy
    if policy.user_has_permission(request.user, "change"):
        panels.append(PendingTestimonialsPanel())
