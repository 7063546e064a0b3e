"""Small WebP thumbnails of profile photos for avatars.

Photos are stored at up to 800 px; an avatar shows them at 128 to 192 CSS px. ``{% avatar_src %}``
returns the URL of a square WebP thumbnail at twice the displayed size (sharp on 2x screens),
made on first use and stored next to the photo as ``<photo stem>.<side>.webp``. Photo names are
unique and never reused, so a thumbnail never goes stale; whoever deletes a photo should also
delete its thumbnails with ``delete_thumbnails`` (the names are ``thumbnail_names``).
"""

import io
import logging
import posixpath

from django import template
from django.core.cache import cache
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from PIL import Image, ImageOps

register = template.Library()
logger = logging.getLogger(__name__)

THUMBNAIL_SIDES = (320, 400, 480)  # twice the avatar sizes the templates use (160, 200, 240)
THUMBNAIL_QUALITY = 80
_CACHE_PREFIX = "avatar-thumb:"
_known = {}  # thumbnail name -> stored name, for this process (names are never reused)
_KNOWN_LIMIT = 5000


def thumbnail_side(px):
    """The thumbnail side for an avatar shown at ``px`` CSS pixels: the smallest stored side
    covering 2x screens (so the templates' sizes share a handful of files)."""
    wanted = 2 * int(px)
    return next((side for side in THUMBNAIL_SIDES if side >= wanted), THUMBNAIL_SIDES[-1])


def thumbnail_name(photo_name, side):
    stem, _ = posixpath.splitext(photo_name)
    return f"{stem}.{side}.webp"


def thumbnail_names(photo_name):
    return [thumbnail_name(photo_name, side) for side in THUMBNAIL_SIDES]


def delete_thumbnails(photo_name, storage=default_storage):
    """Delete every thumbnail of a photo (call it when the photo itself is deleted)."""
    for name in thumbnail_names(photo_name):
        _known.pop(name, None)
        cache.delete(_CACHE_PREFIX + name)
        if storage.exists(name):
            storage.delete(name)


def make_thumbnail(photo, side):
    """WebP bytes of the photo cropped to a centred square of ``side`` px (never enlarged)."""
    with photo.open("rb"), Image.open(photo) as image:
        image = ImageOps.exif_transpose(image).convert("RGB")
        side = min(side, image.width, image.height)
        square = ImageOps.fit(image, (side, side), method=Image.Resampling.LANCZOS)
        buffer = io.BytesIO()
        square.save(buffer, format="WEBP", quality=THUMBNAIL_QUALITY, method=4)
    return buffer.getvalue()


def thumbnail_url(photo, px):
    """URL of the photo's thumbnail for an avatar of ``px`` CSS pixels (made if missing).
    Falls back to the photo itself when the thumbnail cannot be made."""
    name = thumbnail_name(photo.name, thumbnail_side(px))
    stored = _known.get(name) or cache.get(_CACHE_PREFIX + name)
    if stored is None:
        storage = photo.storage
        try:
            if storage.exists(name):
                stored = name
            else:
                data = make_thumbnail(photo, thumbnail_side(px))
                stored = storage.save(name, ContentFile(data))
        except (OSError, ValueError, Image.DecompressionBombError):
            logger.warning("Could not make a thumbnail of %s", photo.name, exc_info=True)
            return photo.url
        cache.set(_CACHE_PREFIX + name, stored, None)
    if len(_known) < _KNOWN_LIMIT:
        _known[name] = stored
    return photo.storage.url(stored)


@register.simple_tag
def avatar_src(photo, px=160):
    """``{% avatar_src profile.photo 160 as src %}``: a small WebP for the avatar, or ``""``
    without a photo."""
    if not photo:
        return ""
    return thumbnail_url(photo, px)
