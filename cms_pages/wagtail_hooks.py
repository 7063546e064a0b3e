"""Wagtail admin registrations for cms_pages: the "Community" menu group gathers the
marketing features' viewsets (testimonials, newsletter subscribers and campaigns); each
sub-package's admin module also registers its own bulk actions and dashboard panel.
Lesson reviews are booking's (booking/reviews/admin.py)."""

from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSetGroup

from .newsletter.admin import CampaignViewSet, SubscriberViewSet
from .testimonials.admin import CommentViewSet


class CommunityViewSetGroup(SnippetViewSetGroup):
    menu_label = "Community"
    menu_icon = "group"
    menu_order = 250
    items = (CommentViewSet, SubscriberViewSet, CampaignViewSet)


register_snippet(CommunityViewSetGroup)
