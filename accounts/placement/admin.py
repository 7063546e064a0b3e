"""Placement questions in the Wagtail admin: editors write them with their answers, order
and switch them off. Registered by ``accounts.wagtail_hooks``."""

from django.db.models import Count
from wagtail.admin.ui.tables import BooleanColumn, Column
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet

from .models import PlacementQuestion


class PlacementQuestionViewSet(SnippetViewSet):
    model = PlacementQuestion
    icon = "help"
    menu_label = "Placement quiz"
    menu_order = 265
    add_to_admin_menu = True
    list_display = [
        "__str__",
        "level",
        "sort_order",
        Column("answers", label="Answers", accessor="answer_count"),
        BooleanColumn("active"),
    ]
    list_filter = ["level", "active"]
    search_fields = ["text"]
    search_backend_name = None
    ordering = ["sort_order", "pk"]
    list_export = ["text", "level", "sort_order", "active"]

    def get_queryset(self, request):
        return PlacementQuestion.objects.annotate(answer_count=Count("answers"))


register_snippet(PlacementQuestionViewSet)
