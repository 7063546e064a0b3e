"""The home page testimonials block."""

from wagtail import blocks

from .models import Comment


class TestimonialsBlock(blocks.StructBlock):
    heading = blocks.CharBlock(default="What our students say")
    count = blocks.IntegerBlock(default=6, min_value=1, max_value=24)

    class Meta:
        template = "cms_pages/testimonials/block.html"
        icon = "openquote"
        label = "Testimonials"

    def get_context(self, value, parent_context=None):
        """The ``count`` newest approved testimonials (pending and rejected never show)."""
        context = super().get_context(value, parent_context=parent_context)
        context["comments"] = list(
            Comment.objects.approved().select_related("author__profile")[: value["count"]]
        )
        return context
