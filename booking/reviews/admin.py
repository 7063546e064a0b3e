"""Lesson reviews in the Wagtail admin: editors and admins moderate them (status and rating
filters, search, bulk approve/reject, a dashboard panel counting what waits)."""

from django.urls import reverse
from wagtail import hooks
from wagtail.admin.panels import FieldPanel
from wagtail.admin.ui.components import Component
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet

from accounts.admin_display import LocalDisplaySnippetInspectView, LocalTimeColumn
from site_config.moderation import LinkedUserColumn, moderation_bulk_actions

from .models import LessonReview


class LessonReviewViewSet(SnippetViewSet):
    model = LessonReview
    icon = "pick"
    menu_label = "Lesson reviews"
    menu_order = 260
    add_to_admin_menu = True
    list_display = [
        "stars",
        LinkedUserColumn("booking.teacher", label="Teacher"),
        LinkedUserColumn("booking.student", label="Student"),
        "excerpt",
        "status",
        LocalTimeColumn("created_at"),
    ]
    list_filter = ["status", "rating"]
    search_fields = ["text", "booking__student__email", "booking__teacher__email"]
    search_backend_name = None
    ordering = ["-created_at"]
    inspect_view_enabled = True
    inspect_view_class = LocalDisplaySnippetInspectView
    panels = [FieldPanel("rating"), FieldPanel("text"), FieldPanel("status")]

    def get_queryset(self, request):
        return LessonReview.objects.select_related(
            "booking__teacher__profile", "booking__student__profile"
        )


register_snippet(LessonReviewViewSet)

for action in moderation_bulk_actions(LessonReview):
    hooks.register("register_bulk_action", action)


class PendingReviewsPanel(Component):
    """Dashboard: how many lesson reviews wait for a decision."""

    name = "lesson_reviews_pending"
    template_name = "booking/reviews/admin/pending_panel.html"
    order = 91

    def get_context_data(self, parent_context):
        context = super().get_context_data(parent_context)
        context.update(
            pending_reviews=LessonReview.objects.pending().count(),
            reviews_url=reverse(LessonReview.snippet_viewset.get_url_name("list"))
            + "?status=pending",
        )
        return context


@hooks.register("construct_homepage_panels")
def add_pending_reviews_panel(request, panels):
    policy = LessonReview.snippet_viewset.permission_policy
    if policy.user_has_permission(request.user, "change"):
        panels.append(PendingReviewsPanel())
