"""Home page blocks for the community features: testimonials and the newsletter sign-up."""

from wagtail import blocks


class TestimonialsBlock(blocks.StructBlock):
    heading = blocks.CharBlock(default="What our students say")
    count = blocks.IntegerBlock(default=6, min_value=1, max_value=24)

    class Meta:
        template = "cms_pages/blocks/testimonials.html"
        icon = "openquote"
        label = "Testimonials"

    def get_context(self, value, parent_context=None):
        """The ``count`` newest approved testimonials (pending and rejected never show)."""
        from .models import Comment

        context = super().get_context(value, parent_context=parent_context)
        context["comments"] = list(
            Comment.objects.approved().select_related("author__profile")[: value["count"]]
        )
        return context


class NewsletterBlock(blocks.StructBlock):
    heading = blocks.CharBlock(default="Get French tips in your inbox")
    text = blocks.TextBlock(required=False)

    class Meta:
        template = "cms_pages/blocks/newsletter.html"
        icon = "mail"
        label = "Newsletter sign-up"
