"""Media on a real S3-compatible server (moto in server mode): profile photos and intro
videos through the real profile form, Wagtail images and renditions, range requests, and
nothing private readable by visitors."""

import io
import re
import struct

import pytest
import requests
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from accounts.forms import ProfileForm
from tests.support import moto_server

moto_s3 = moto_server.moto_s3  # fixtures
s3_media = moto_server.s3_media

pytestmark = pytest.mark.django_db


def png_bytes(colour="red", size=(64, 48)):
    buffer = io.BytesIO()
    Image.new("RGB", size, colour).save(buffer, format="PNG")
    return buffer.getvalue()


def mp4_bytes(payload_size=4000, seed=1):
    """A structurally complete MP4: an ftyp box then a moov box that ends the file."""
    ftyp = struct.pack(">I4s4sI8s", 24, b"ftyp", b"isom", 0x200, b"isomiso2")
    payload = bytes((seed + i) % 251 for i in range(payload_size))
    moov = struct.pack(">I4s", 8 + payload_size, b"moov") + payload
    return ftyp + moov


def form_data(profile, user, **changes):
    """The profile form's current values, as the edit page would post them back."""
    form = ProfileForm(instance=profile, user=user)
    data = {}
    for name in form.fields:
        if name in ("photo", "intro_video"):
            continue
        value = form[name].value()
        if value not in (None, ""):
            data[name] = value
    data.update(changes)
    return data


def edit_profile(client, user, **changes):
    assert client.get("/profile/edit/").status_code == 200
    user.profile.refresh_from_db()
    response = client.post("/profile/edit/", form_data(user.profile, user, **changes))
    assert response.status_code == 302, response.content.decode()[:2000]
    user.profile.refresh_from_db()
    return user.profile


def media_urls(html, s3):
    return re.findall(re.escape(s3.url_prefix()) + r'[^"\s]+', html)


def test_photo_and_video_go_to_s3_are_served_and_replaced(
    client, teacher, s3_media, django_capture_on_commit_callbacks
):
    client.force_login(teacher)
    video = mp4_bytes()
    with django_capture_on_commit_callbacks(execute=True):
        profile = edit_profile(
            client,
            teacher,
            photo=SimpleUploadedFile("me.png", png_bytes(), content_type="image/png"),
            intro_video=SimpleUploadedFile("hello.mp4", video, content_type="video/mp4"),
        )
    photo_key, video_key = profile.photo.name, profile.intro_video.name
    assert photo_key.startswith(f"profiles/photos/{teacher.pk}/")
    assert video_key.startswith(f"profiles/videos/{teacher.pk}/")
    assert s3_media.keys("profiles/") == sorted([photo_key, video_key])
    assert s3_media.read(video_key) == video

    # The public page links to the objects on S3; a visitor's browser can fetch them.
    page = client.get(profile.get_absolute_url())
    assert page.status_code == 200
    urls = media_urls(page.content.decode(), s3_media)
    photo_url = s3_media.url_prefix() + photo_key
    video_url = s3_media.url_prefix() + video_key
    assert photo_url in urls
    assert video_url in urls
    photo = requests.get(photo_url, timeout=10)
    assert photo.status_code == 200
    assert photo.content == s3_media.read(photo_key)
    assert Image.open(io.BytesIO(photo.content)).format == "JPEG"  # re-encoded, EXIF dropped
    fetched_video = requests.get(video_url, timeout=10)
    assert fetched_video.status_code == 200
    assert fetched_video.content == video
    # Stored under names we chose, so S3 serves them as what they are, never as HTML.
    assert photo.headers["Content-Type"] == "image/jpeg"
    assert fetched_video.headers["Content-Type"] == "video/mp4"

    # Replacing both removes the old objects from the bucket.
    new_video = mp4_bytes(seed=7)
    with django_capture_on_commit_callbacks(execute=True):
        profile = edit_profile(
            client,
            teacher,
            photo=SimpleUploadedFile("me2.png", png_bytes("blue"), content_type="image/png"),
            intro_video=SimpleUploadedFile("hi.mp4", new_video, content_type="video/mp4"),
        )
    assert profile.photo.name != photo_key
    assert profile.intro_video.name != video_key
    assert s3_media.keys("profiles/") == sorted([profile.photo.name, profile.intro_video.name])
    assert requests.get(photo_url, timeout=10).status_code in (403, 404)
    assert requests.get(s3_media.url_prefix() + profile.intro_video.name, timeout=10).content == (
        new_video
    )

    # Clearing the photo deletes it.
    with django_capture_on_commit_callbacks(execute=True):
        profile = edit_profile(client, teacher, **{"photo-clear": "on"})
    assert not profile.photo
    assert s3_media.keys("profiles/photos/") == []


def test_intro_video_streams_with_range_requests(teacher, s3_media):
    video = mp4_bytes(payload_size=20000)
    name = default_storage.save(f"profiles/videos/{teacher.pk}/clip.mp4", ContentFile(video))
    response = requests.get(
        default_storage.url(name), headers={"Range": "bytes=1000-1999"}, timeout=10
    )
    assert response.status_code == 206
    assert response.content == video[1000:2000]
    assert response.headers["Content-Range"] == f"bytes 1000-1999/{len(video)}"


def test_wagtail_image_upload_and_rendition_land_in_s3(client, editor, s3_media):
    from wagtail.images import get_image_model

    client.force_login(editor)
    response = client.post(
        "/admin/images/add/",
        {
            "title": "Lyon classroom",
            "file": SimpleUploadedFile("classroom.png", png_bytes("green", (300, 200))),
            "collection": "1",
        },
    )
    assert response.status_code in (200, 302)
    image = get_image_model().objects.get(title="Lyon classroom")
    assert image.file.name in s3_media.keys("original_images/")
    rendition = image.get_rendition("fill-120x80")
    assert rendition.file.name in s3_media.keys("images/")
    fetched = requests.get(rendition.url, timeout=10)
    assert fetched.status_code == 200
    assert Image.open(io.BytesIO(fetched.content)).size == (120, 80)


def test_private_objects_are_not_readable_by_visitors(teacher, s3_media):
    from wagtail.documents import get_document_model

    document = get_document_model().objects.create(
        title="Internal price list", file=ContentFile(b"%PDF-1.4 private", name="prices.pdf")
    )
    assert document.file.name in s3_media.keys("documents/")
    # The object itself is not public: the bucket policy covers only published media prefixes.
    assert requests.get(default_storage.url(document.file.name), timeout=10).status_code == 403
    # Only the published-media prefixes are readable, never the whole bucket (no listing).
    from site_config.storage import bucket_policy

    statement = bucket_policy(s3_media.bucket)["Statement"]
    assert [rule["Action"] for rule in statement] == ["s3:GetObject"]
    assert all(resource.endswith("/*") for resource in statement[0]["Resource"])
    assert not any("documents" in resource for resource in statement[0]["Resource"])


def test_public_pages_never_carry_signed_urls_or_the_bucket_root(
    client, teacher, s3_media, django_capture_on_commit_callbacks
):
    client.force_login(teacher)
    with django_capture_on_commit_callbacks(execute=True):
        profile = edit_profile(
            client,
            teacher,
            photo=SimpleUploadedFile("me.png", png_bytes(), content_type="image/png"),
            intro_video=SimpleUploadedFile("hello.mp4", mp4_bytes(), content_type="video/mp4"),
        )
    client.logout()
    html = client.get(profile.get_absolute_url()).content.decode()
    assert "X-Amz-Signature" not in html
    assert "AWSAccessKeyId" not in html
    assert f'"{s3_media.url_prefix()}"' not in html
    assert f'"{s3_media.endpoint_url}/{s3_media.bucket}"' not in html
    assert "testing" not in html
