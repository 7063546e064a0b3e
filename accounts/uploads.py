"""Profile uploads are checked by their content, never by their name or declared type.

Photos must be real JPEG, PNG or WebP images within size and pixel limits; they are stored
re-encoded and resized (which also drops EXIF data such as GPS positions). Videos must be MP4
or WebM files whose container structure is complete.
"""

import io
import struct
import uuid
import warnings
from contextlib import contextmanager

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from PIL import Image, ImageOps, UnidentifiedImageError

PHOTO_MAX_BYTES = 5 * 1024 * 1024
PHOTO_MAX_SIDE = 4000
PHOTO_STORED_SIDE = 800
PHOTO_FORMATS = {"JPEG", "PNG", "WEBP"}
VIDEO_MAX_BYTES = 100 * 1024 * 1024

PHOTO_INVALID = "Please upload a photo in JPEG, PNG or WebP format."
VIDEO_INVALID = "Please upload a complete MP4 or WebM video."


def _megabytes(size):
    return size // (1024 * 1024)


@contextmanager
def checked_image(upload, *, noun, invalid, code):
    """``upload`` opened as a JPEG, PNG or WebP image at most ``PHOTO_MAX_SIDE`` pixels a side,
    its pixels loaded and turned upright by its EXIF orientation; yields ``(image, format)``.

    The format and size are checked before any pixel is decoded, and decompression bombs are
    refused. Anything else that is not such an image raises ``ValidationError(invalid)``;
    ``noun`` ("photo", "image") names the file in the other messages and ``code`` prefixes
    every error code. Errors raised while the caller re-encodes the image count as invalid.
    """
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            upload.seek(0)
            with Image.open(upload) as probe:
                if probe.format not in PHOTO_FORMATS:
                    raise ValidationError(invalid, code=f"{code}_format")
                if probe.width > PHOTO_MAX_SIDE or probe.height > PHOTO_MAX_SIDE:
                    raise ValidationError(
                        f"The {noun} is {probe.width}×{probe.height} pixels; "
                        f"the limit is {PHOTO_MAX_SIDE}×{PHOTO_MAX_SIDE}.",
                        code=f"{code}_dimensions",
                    )
                image_format = probe.format
                probe.verify()
            upload.seek(0)
            with Image.open(upload) as image:
                image.load()
                yield ImageOps.exif_transpose(image), image_format
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
        raise ValidationError(
            f"The {noun} has too many pixels to be processed safely.", code=f"{code}_bomb"
        ) from exc
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, EOFError) as exc:
        raise ValidationError(invalid, code=f"{code}_invalid") from exc
    finally:
        upload.seek(0)


def process_photo(upload):
    """Return the photo as a resized JPEG ``ContentFile``, or raise ``ValidationError``.

    Rejects anything that is not a JPEG/PNG/WebP image, files over 5 MB, images over
    4000 x 4000 pixels and decompression bombs, before decoding the pixel data.
    """
    if upload.size > PHOTO_MAX_BYTES:
        raise ValidationError(
            f"The photo is too large ({_megabytes(upload.size)} MB); the limit is 5 MB.",
            code="photo_too_large",
        )
    with checked_image(upload, noun="photo", invalid=PHOTO_INVALID, code="photo") as (image, _):
        if image.mode not in ("RGB", "L"):
            background = Image.new("RGB", image.size, "white")
            rgba = image.convert("RGBA")
            background.paste(rgba, mask=rgba.getchannel("A"))
            image = background
        image = image.convert("RGB")
        image.thumbnail((PHOTO_STORED_SIDE, PHOTO_STORED_SIDE))
        buffer = io.BytesIO()
        image.save(buffer, format="JPEG", quality=85, optimize=True)
    return ContentFile(buffer.getvalue(), name=f"{uuid.uuid4().hex}.jpg")


def _file_length(upload):
    upload.seek(0, io.SEEK_END)
    length = upload.tell()
    upload.seek(0)
    return length


def _mp4_is_complete(upload, length):
    """Walk the top-level ISO BMFF boxes: they must start with ``ftyp``, include ``moov``
    and tile the file exactly (a truncated upload leaves a box running past the end)."""
    position = 0
    box_types = []
    while position < length:
        upload.seek(position)
        header = upload.read(8)
        if len(header) < 8:
            return False
        size, box_type = struct.unpack(">I4s", header)
        if size == 1:
            large = upload.read(8)
            if len(large) < 8:
                return False
            size = struct.unpack(">Q", large)[0]
            if size < 16:
                return False
        elif size == 0:
            size = length - position
        elif size < 8:
            return False
        if position + size > length:
            return False
        box_types.append(box_type)
        position += size
    return bool(box_types) and box_types[0] == b"ftyp" and b"moov" in box_types


def _read_vint(upload, *, keep_marker):
    first = upload.read(1)
    if not first:
        return None, None
    byte = first[0]
    width = next((i + 1 for i in range(8) if byte & (0x80 >> i)), None)
    if width is None:
        return None, None
    rest = upload.read(width - 1)
    if len(rest) < width - 1:
        return None, None
    value = byte if keep_marker else byte & (0xFF >> width)
    for extra in rest:
        value = (value << 8) | extra
    unknown = not keep_marker and value == (1 << (7 * width)) - 1
    return value, unknown


def _webm_is_complete(upload, length):
    """An EBML header with DocType ``webm`` followed by a Segment that fits in the file."""
    upload.seek(0)
    header_id, _ = _read_vint(upload, keep_marker=True)
    if header_id != 0x1A45DFA3:
        return False
    header_size, unknown = _read_vint(upload, keep_marker=False)
    if header_size is None or unknown:
        return False
    header_start = upload.tell()
    if header_start + header_size > length:
        return False
    if b"webm" not in upload.read(header_size):
        return False
    segment_id, _ = _read_vint(upload, keep_marker=True)
    if segment_id != 0x18538067:
        return False
    segment_size, unknown = _read_vint(upload, keep_marker=False)
    if segment_size is None:
        return False
    if unknown:  # live recordings may leave the size open; the data must at least exist
        return upload.tell() < length
    return upload.tell() + segment_size <= length


def process_video(upload):
    """Return the intro video under a safe name, or raise ``ValidationError``.

    Accepts MP4 (ISO BMFF starting with an ``ftyp`` box) and WebM (EBML header 1A45DFA3)
    files up to 100 MB whose structure is complete.
    """
    if upload.size > VIDEO_MAX_BYTES:
        raise ValidationError(
            f"The video is too large ({_megabytes(upload.size)} MB); the limit is 100 MB.",
            code="video_too_large",
        )
    length = _file_length(upload)
    head = upload.read(12)
    upload.seek(0)
    if len(head) >= 8 and head[4:8] == b"ftyp":
        complete, extension = _mp4_is_complete(upload, length), "mp4"
    elif head[:4] == b"\x1a\x45\xdf\xa3":
        complete, extension = _webm_is_complete(upload, length), "webm"
    else:
        raise ValidationError(VIDEO_INVALID, code="video_format")
    upload.seek(0)
    if not complete:
        raise ValidationError(
            "The video file is incomplete or damaged; please upload it again.",
            code="video_truncated",
        )
    upload.name = f"{uuid.uuid4().hex}.{extension}"
    return upload
