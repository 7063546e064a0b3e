"""Home page block owned by accounts: the carousel of active teachers."""

from wagtail import blocks


class TeacherCarouselBlock(blocks.StructBlock):
    heading = blocks.CharBlock(default="Meet our teachers")

    class Meta:
        template = "accounts/blocks/teacher_carousel.html"
        icon = "group"
        label = "Teacher carousel"
