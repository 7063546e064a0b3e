"""Home page block owned by commerce: every offer that is currently running, and the lesson
packs on sale."""

from wagtail import blocks

from .models import Pack
from .offers import current_offers


class OffersBlock(blocks.StructBlock):
    heading = blocks.CharBlock(default="Current offers")

    class Meta:
        template = "commerce/blocks/offers.html"
        icon = "tag"
        label = "Current offers"

    def get_context(self, value, parent_context=None):
        context = super().get_context(value, parent_context=parent_context)
        context["offers"] = list(current_offers().prefetch_related("image__renditions"))
        context["packs"] = list(Pack.objects.filter(active=True))
        return context
