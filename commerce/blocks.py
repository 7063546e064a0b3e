"""Home page block owned by commerce: every offer that is currently running."""

from wagtail import blocks


class OffersBlock(blocks.StructBlock):
    heading = blocks.CharBlock(default="Current offers")

    class Meta:
        template = "commerce/blocks/offers.html"
        icon = "tag"
        label = "Current offers"
