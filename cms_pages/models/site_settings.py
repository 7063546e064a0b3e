"""Site-wide values editors change in Settings → Site settings (one row per Wagtail site)."""

from django.db import models
from wagtail.admin.panels import FieldPanel, MultiFieldPanel
from wagtail.contrib.settings.models import BaseSiteSetting, register_setting

DEFAULT_BRAND_NAME = "Petit Talk"
DEFAULT_META_DESCRIPTION = (
    "Live one-to-one French lessons online with friendly native teachers. Book a lesson "
    "at a time that suits you."
)


@register_setting(icon="site")
class SiteSettings(BaseSiteSetting):
    brand_name = models.CharField(max_length=80, default=DEFAULT_BRAND_NAME)
    contact_email = models.EmailField(
        blank=True, help_text="Contact form messages are sent to this address."
    )
    instagram_url = models.URLField("Instagram", blank=True)
    facebook_url = models.URLField("Facebook", blank=True)
    youtube_url = models.URLField("YouTube", blank=True)
    tiktok_url = models.URLField("TikTok", blank=True)
    default_meta_description = models.CharField(
        max_length=300,
        blank=True,
        default=DEFAULT_META_DESCRIPTION,
        help_text="Used by pages whose promote tab has no search description.",
    )
    default_share_image = models.ForeignKey(
        "wagtailimages.Image",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="Shown when a page is shared on social media and has no image of its own.",
    )

    panels = [
        FieldPanel("brand_name"),
        FieldPanel("contact_email"),
        MultiFieldPanel(
            [
                FieldPanel("instagram_url"),
                FieldPanel("facebook_url"),
                FieldPanel("youtube_url"),
                FieldPanel("tiktok_url"),
            ],
            heading="Social links",
        ),
        MultiFieldPanel(
            [FieldPanel("default_meta_description"), FieldPanel("default_share_image")],
            heading="Search and sharing",
        ),
    ]

    class Meta:
        verbose_name = "Site settings"

    def __str__(self):
        return self.brand_name

    @property
    def social_links(self):
        """(network name, URL) pairs for the networks that have a URL, in a fixed order."""
        links = [
            ("Instagram", self.instagram_url),
            ("Facebook", self.facebook_url),
            ("YouTube", self.youtube_url),
            ("TikTok", self.tiktok_url),
        ]
        return [(name, url) for name, url in links if url]
