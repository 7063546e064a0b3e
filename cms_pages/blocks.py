"""StreamField blocks for the home page and content pages.

Blocks owned by other apps (teacher carousel, offers, testimonials, newsletter) are imported
as they are and only placed in the streams here.
"""

import copy

from wagtail import blocks
from wagtail.images.blocks import ImageChooserBlock

from accounts.blocks import TeacherCarouselBlock
from commerce.blocks import OffersBlock

from .newsletter.blocks import NewsletterBlock
from .testimonials.blocks import TestimonialsBlock


class ImageChooserBlockWithRenditions(ImageChooserBlock):
    """Loads every image of a stream together with its renditions in two queries, so a page
    costs the same number of queries however many images it shows."""

    def bulk_to_python(self, values):
        objects = self.model_class.objects.prefetch_renditions().in_bulk(values)
        seen, result = set(), []
        for pk in values:
            image = objects.get(pk)
            if image is not None and pk in seen:
                image = copy.copy(image)
            seen.add(pk)
            result.append(image)
        return result


class HeroBlock(blocks.StructBlock):
    """Large banner: image, heading, text and the call to action that suits the viewer."""

    image = ImageChooserBlockWithRenditions(required=False)
    heading = blocks.CharBlock(max_length=120)
    text = blocks.TextBlock(required=False, max_length=400)
    show_call_to_action = blocks.BooleanBlock(default=True, required=False)

    class Meta:
        template = "cms_pages/blocks/hero.html"
        icon = "pick"
        label = "Hero"


class ImageWithCaptionBlock(blocks.StructBlock):
    image = ImageChooserBlockWithRenditions()
    alt_text = blocks.CharBlock(
        required=False,
        max_length=200,
        help_text="Describe the image for people who cannot see it. Defaults to its title.",
    )
    caption = blocks.CharBlock(required=False, max_length=250)

    class Meta:
        template = "cms_pages/blocks/image_with_caption.html"
        icon = "image"
        label = "Image with caption"


class CallToActionBandBlock(blocks.StructBlock):
    """A coloured band inviting the viewer to take the next step (sign up, book, …)."""

    heading = blocks.CharBlock(max_length=120)
    text = blocks.TextBlock(required=False, max_length=300)

    class Meta:
        template = "cms_pages/blocks/cta_band.html"
        icon = "pick"
        label = "Call-to-action band"


class StaticOfferBlock(blocks.StructBlock):
    """An offer card written by editors (unlike the live offers from commerce). Its price is
    the live lesson price unless an editor types one: "from €18.00", the cheapest active
    teacher's price, "per 60-minute lesson" from the booking settings."""

    badge = blocks.CharBlock(required=False, max_length=30, help_text='For example "Popular".')
    heading = blocks.CharBlock(max_length=80)
    price = blocks.CharBlock(
        required=False,
        max_length=30,
        help_text='Leave empty to show the live price: "from" the cheapest teacher\'s '
        "lesson price, always up to date.",
    )
    price_note = blocks.CharBlock(
        required=False,
        max_length=60,
        help_text="Leave empty to show the lesson length from the booking settings "
        '("per 60-minute lesson").',
    )
    description = blocks.TextBlock(required=False, max_length=300)
    features = blocks.ListBlock(blocks.CharBlock(max_length=100), required=False)

    class Meta:
        template = "cms_pages/blocks/static_offer.html"
        icon = "tag"
        label = "Static offer card"


class ContentStreamBlock(blocks.StreamBlock):
    """Blocks for editorial pages (content pages and blog posts)."""

    rich_text = blocks.RichTextBlock(
        features=["h2", "h3", "bold", "italic", "link", "ol", "ul", "blockquote"],
        template="cms_pages/blocks/rich_text.html",
    )
    image = ImageWithCaptionBlock()
    cta_band = CallToActionBandBlock()
    static_offer = StaticOfferBlock()


class HomeStreamBlock(ContentStreamBlock):
    """Everything a content page has, plus the hero and the blocks of the other apps."""

    hero = HeroBlock()
    teacher_carousel = TeacherCarouselBlock()
    offers = OffersBlock()
    testimonials = TestimonialsBlock()
    newsletter = NewsletterBlock()

    class Meta:
        block_counts = {"hero": {"max_num": 1}}
