"""A note's attachment is checked by its content, as profile uploads are
(``accounts.uploads``): a complete PDF, or a JPEG, PNG or WebP image within the profile
photos' pixel limits, re-encoded (which drops EXIF data such as GPS positions). Never by its
name or declared type; at most 10 MB."""

import io
import uuid

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.utils.text import get_valid_filename

from accounts.uploads import checked_image

ATTACHMENT_MAX_BYTES = 10 * 1024 * 1024
ATTACHMENT_ACCEPT = "application/pdf,image/jpeg,image/png,image/webp"
ATTACHMENT_INVALID = "Please attach a PDF or an image in JPEG, PNG or WebP format."
PDF_TAIL = 2048  # "%%EOF" must appear near the end of a complete PDF
IMAGE_TYPES = {
    "JPEG": ("image/jpeg", "jpg"),
    "PNG": ("image/png", "png"),
    "WEBP": ("image/webp", "webp"),
}


def _download_name(original, extension):
    """The name the file is downloaded under: the teacher's name for it, made safe."""
    stem = original.rsplit("/", 1)[-1].rsplit("\\", 1)[-1].rsplit(".", 1)[0][:80]
    try:
        stem = get_valid_filename(stem)
    except Exception:  # noqa: BLE001 - an unusable name falls back to a plain one
        stem = ""
    return f"{stem or 'attachment'}.{extension}"


def _pdf(upload):
    upload.seek(0)
    head = upload.read(5)
    if head != b"%PDF-":
        return None
    upload.seek(0, io.SEEK_END)
    length = upload.tell()
    upload.seek(max(0, length - PDF_TAIL))
    if b"%%EOF" not in upload.read():
        raise ValidationError(
            "The PDF file is incomplete or damaged; please attach it again.", code="pdf_truncated"
        )
    upload.seek(0)
    return ContentFile(upload.read(), name=f"{uuid.uuid4().hex}.pdf")


def _image(upload):
    with checked_image(upload, noun="image", invalid=ATTACHMENT_INVALID, code="attachment") as (
        image,
        image_format,
    ):
        if image_format == "JPEG" and image.mode not in ("RGB", "L"):
            image = image.convert("RGB")
        buffer = io.BytesIO()
        image.save(buffer, format=image_format)
    content_type, extension = IMAGE_TYPES[image_format]
    return ContentFile(buffer.getvalue(), name=f"{uuid.uuid4().hex}.{extension}"), content_type


def process_attachment(upload):
    """``(file to store, content type, download name)`` for an upload, or ``ValidationError``."""
    if upload.size > ATTACHMENT_MAX_BYTES:
        raise ValidationError(
            f"The file is too large ({upload.size // (1024 * 1024)} MB); the limit is 10 MB.",
            code="attachment_too_large",
        )
    pdf = _pdf(upload)
    if pdf is not None:
        return pdf, "application/pdf", _download_name(upload.name, "pdf")
    stored, content_type = _image(upload)
    return stored, content_type, _download_name(upload.name, stored.name.rsplit(".", 1)[1])
