"""Home page blocks for the community features: testimonials and the newsletter sign-up."""

from wagtail import blocks


class TestimonialsBlock(blocks.StructBlock):
    heading = blocks.CharBlock(default="What our students say")
    count = blocks.IntegerBlock(default=6, min_value=1, max_value=24)

    class Meta:
        template = "cms_pages/blocks/testimonials.html"
        icon = "openquote"
        label = "Testimonials"


class NewsletterBlock(blocks.StructBlock):
    heading = blocks.CharBlock(default="Get French tips in your inbox")
    text = blocks.TextBlock(required=False)

    class Meta:
        template = "cms_pages/blocks/newsletter.html"
        icon = "mail"
        label = "Newsletter sign-up"
