from wagtail.fields import RichTextField
from wagtail.models import Page


class HomePage(Page):
    """The site's root page. Its body blocks are built in cms_pages.blocks."""

    intro = RichTextField(blank=True)

    max_count = 1
    parent_page_types = ["wagtailcore.Page"]
