"""Home page block owned by accounts: the carousel of active teachers."""

from wagtail import blocks

from .selectors import active_teachers


class TeacherCarouselBlock(blocks.StructBlock):
    heading = blocks.CharBlock(default="Meet our teachers")

    class Meta:
        template = "accounts/blocks/teacher_carousel.html"
        icon = "group"
        label = "Teacher carousel"

    def get_context(self, value, parent_context=None):
        context = super().get_context(value, parent_context=parent_context)
        context["teachers"] = list(active_teachers())
        context["carousel_id"] = id(value)
        return context
