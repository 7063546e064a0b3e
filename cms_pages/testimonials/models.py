"""The testimonial model (moderated: only approved testimonials are shown)."""

from django.conf import settings
from django.db import models

from site_config.moderation import TEXT_MAX_LENGTH, Moderated

__all__ = ["Comment"]


class Comment(Moderated):
    """A testimonial about Petit Talk written by a logged-in user."""

    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="testimonials"
    )
    text = models.TextField(max_length=TEXT_MAX_LENGTH)

    class Meta:
        app_label = "cms_pages"
        ordering = ["-created_at", "-pk"]
        verbose_name = "testimonial"
        verbose_name_plural = "testimonials"

    def __str__(self):
        return f"{self.author.display_name}: {self.excerpt}"
