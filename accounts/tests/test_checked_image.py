"""``accounts.uploads.checked_image``: the one image check behind profile photos and lesson
note attachments (format, pixel limits, decompression bombs, EXIF dropped on re-encoding)."""

import io

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from accounts.uploads import process_photo
from booking.notes.uploads import process_attachment


def upload(size=(200, 100), image_format="PNG", name="picture.png", exif=None):
    buffer = io.BytesIO()
    extra = {"exif": exif} if exif is not None else {}
    Image.new("RGB", size, "blue").save(buffer, format=image_format, **extra)
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/png")


@pytest.mark.parametrize(
    ("process", "noun", "code"),
    [(process_photo, "photo", "photo"), (process_attachment, "image", "attachment")],
)
def test_both_uploads_refuse_images_over_the_pixel_limit(process, noun, code):
    with pytest.raises(ValidationError) as refused:
        process(upload(size=(4001, 10)))
    assert refused.value.code == f"{code}_dimensions"
    assert f"The {noun} is 4001×10 pixels; the limit is 4000×4000." in refused.value.messages


@pytest.mark.parametrize(
    ("process", "noun", "code"),
    [(process_photo, "photo", "photo"), (process_attachment, "image", "attachment")],
)
def test_both_uploads_refuse_decompression_bombs(process, noun, code, monkeypatch):
    monkeypatch.setattr(Image, "MAX_IMAGE_PIXELS", 100)
    with pytest.raises(ValidationError) as refused:
        process(upload(size=(200, 100)))
    assert refused.value.code == f"{code}_bomb"
    assert f"The {noun} has too many pixels" in refused.value.messages[0]


def test_an_attachment_keeps_its_format_without_exif():
    exif = Image.Exif()
    exif[0x010F] = "SpyCam"  # camera make
    stored, content_type, name = process_attachment(
        upload(image_format="JPEG", name="card.jpg", exif=exif)
    )
    assert (content_type, name) == ("image/jpeg", "card.jpg")
    with Image.open(stored) as image:
        assert image.format == "JPEG"
        assert not image.getexif()


def test_a_file_that_is_no_image_is_refused_with_the_callers_message():
    junk = SimpleUploadedFile("notes.png", b"not an image at all", content_type="image/png")
    with pytest.raises(ValidationError) as refused:
        process_attachment(junk)
    assert refused.value.code == "attachment_invalid"
