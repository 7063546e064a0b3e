"""The home page newsletter sign-up block."""

from wagtail import blocks


class NewsletterBlock(blocks.StructBlock):
    heading = blocks.CharBlock(default="Get French tips in your inbox")
    text = blocks.TextBlock(required=False)

    class Meta:
        template = "cms_pages/newsletter/block.html"
        icon = "mail"
        label = "Newsletter sign-up"
