import io
import os

import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from accounts import roles

from .media import image_bytes, image_upload, mp4_bytes, webm_bytes

pytestmark = pytest.mark.django_db

EDIT = "/profile/edit/"


def base_data(**overrides):
    data = {"display_name": "Sam", "timezone": "Europe/London", "bio": "Bonjour"}
    data.update(overrides)
    return data


def post_edit(client, **data):
    return client.post(EDIT, base_data(**data))


def test_student_edits_own_profile(client, student):
    client.force_login(student)
    response = post_edit(client, cefr_level="B1", learning_goals="Talk to my neighbours")
    assert response.status_code == 302
    student.profile.refresh_from_db()
    assert student.profile.display_name == "Sam"
    assert student.profile.timezone == "Europe/London"
    assert student.profile.cefr_level == "B1"


def test_role_fields_posted_to_profile_edit_are_ignored(client, student):
    client.force_login(student)
    response = post_edit(
        client,
        is_staff="on",
        is_superuser="on",
        is_active="",
        groups=["1", "2", "3"],
        slug="i-am-a-teacher",
        price_override_cents="1",
        user="1",
    )
    assert response.status_code == 302
    student.refresh_from_db()
    student.profile.refresh_from_db()
    assert not student.is_staff
    assert not student.is_superuser
    assert student.is_active
    assert list(student.groups.values_list("name", flat=True)) == [roles.STUDENTS]
    assert student.profile.slug is None
    assert student.profile.price_override_cents is None
    assert student.profile.user_id == student.pk


def test_teacher_cannot_change_slug_or_price(client, teacher):
    client.force_login(teacher)
    slug = teacher.profile.slug
    response = post_edit(client, slug="new-slug", price_override_cents="100", languages="French")
    assert response.status_code == 302
    teacher.profile.refresh_from_db()
    assert teacher.profile.slug == slug
    assert teacher.profile.price_override_cents is None
    assert teacher.profile.languages == "French"


def test_students_see_student_fields_and_teachers_see_teacher_fields(client, student, teacher):
    client.force_login(student)
    html = client.get(EDIT).content.decode()
    assert 'name="cefr_level"' in html
    assert 'name="intro_video"' not in html
    client.force_login(teacher)
    html = client.get(EDIT).content.decode()
    assert 'name="intro_video"' in html
    assert 'name="languages"' in html
    assert 'name="cefr_level"' not in html


def test_photo_is_stored_resized_as_jpeg_without_exif(client, student):
    client.force_login(student)
    exif = Image.Exif()
    exif[0x010F] = "SpyCam"  # camera make
    buffer = io.BytesIO()
    Image.new("RGB", (2000, 1000), "blue").save(buffer, format="JPEG", exif=exif)
    upload = SimpleUploadedFile("big.jpg", buffer.getvalue(), content_type="image/jpeg")

    response = client.post(EDIT, {**base_data(), "photo": upload})

    assert response.status_code == 302
    student.profile.refresh_from_db()
    with default_storage.open(student.profile.photo.name) as stored, Image.open(stored) as image:
        assert image.format == "JPEG"
        assert max(image.size) == 800
        assert not image.getexif()


@pytest.mark.parametrize("fmt", ["PNG", "WEBP"])
def test_png_and_webp_photos_are_accepted(client, student, fmt):
    client.force_login(student)
    upload = SimpleUploadedFile(f"me.{fmt.lower()}", image_bytes(fmt), content_type="image/png")
    assert client.post(EDIT, {**base_data(), "photo": upload}).status_code == 302


def test_replacing_photo_deletes_old_file(client, student, django_capture_on_commit_callbacks):
    client.force_login(student)
    client.post(EDIT, {**base_data(), "photo": image_upload()})
    student.profile.refresh_from_db()
    old = student.profile.photo.name
    assert default_storage.exists(old)

    with django_capture_on_commit_callbacks(execute=True):
        client.post(EDIT, {**base_data(), "photo": image_upload("again.png")})
    student.profile.refresh_from_db()
    assert student.profile.photo.name != old
    assert not default_storage.exists(old)


def test_clearing_photo_deletes_file(client, student, django_capture_on_commit_callbacks):
    client.force_login(student)
    client.post(EDIT, {**base_data(), "photo": image_upload()})
    student.profile.refresh_from_db()
    old = student.profile.photo.name
    with django_capture_on_commit_callbacks(execute=True):
        client.post(EDIT, {**base_data(), "photo-clear": "on"})
    student.profile.refresh_from_db()
    assert not student.profile.photo
    assert not default_storage.exists(old)


def photo_error(client, user, upload):
    client.force_login(user)
    response = client.post(EDIT, {**base_data(), "photo": upload})
    assert response.status_code == 200
    user.profile.refresh_from_db()
    assert not user.profile.photo
    html = response.content.decode()
    assert 'id="id_photo_errors"' in html
    return html


def test_php_file_renamed_jpg_is_rejected(client, student):
    upload = SimpleUploadedFile(
        "shell.jpg", b"<?php system($_GET['c']); ?>", content_type="image/jpeg"
    )
    assert "JPEG, PNG or WebP" in photo_error(client, student, upload)


def test_svg_with_script_is_rejected(client, student):
    svg = b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'
    upload = SimpleUploadedFile("me.svg", svg, content_type="image/svg+xml")
    assert "JPEG, PNG or WebP" in photo_error(client, student, upload)


def test_gif_is_rejected_even_though_it_is_an_image(client, student):
    upload = SimpleUploadedFile("me.gif", image_bytes("GIF"), content_type="image/gif")
    assert "JPEG, PNG or WebP" in photo_error(client, student, upload)


def test_30_mb_photo_is_rejected(client, student):
    payload = image_bytes("PNG") + os.urandom(30 * 1024 * 1024)
    upload = SimpleUploadedFile("huge.png", payload, content_type="image/png")
    assert "the limit is 5 MB" in photo_error(client, student, upload)


def test_photo_over_4000_pixels_is_rejected(client, student):
    upload = SimpleUploadedFile(
        "wide.png", image_bytes("PNG", (4001, 10)), content_type="image/png"
    )
    assert "the limit is 4000×4000" in photo_error(client, student, upload)


def test_decompression_bomb_is_rejected(client, student, monkeypatch):
    monkeypatch.setattr(Image, "MAX_IMAGE_PIXELS", 1000)
    upload = SimpleUploadedFile(
        "bomb.png", image_bytes("PNG", (100, 100)), content_type="image/png"
    )
    assert "too many pixels" in photo_error(client, student, upload)


def test_truncated_jpeg_is_rejected(client, student):
    data = image_bytes("JPEG", (300, 300))
    upload = SimpleUploadedFile("cut.jpg", data[: len(data) // 3], content_type="image/jpeg")
    assert "JPEG, PNG or WebP" in photo_error(client, student, upload)


@pytest.mark.parametrize(("payload", "ext"), [(mp4_bytes(), "mp4"), (webm_bytes(), "webm")])
def test_teacher_uploads_mp4_or_webm_intro_video(client, teacher, payload, ext):
    client.force_login(teacher)
    upload = SimpleUploadedFile("intro.bin", payload, content_type="application/octet-stream")
    response = client.post(EDIT, {**base_data(), "intro_video": upload})
    assert response.status_code == 302
    teacher.profile.refresh_from_db()
    assert teacher.profile.intro_video.name.endswith(f".{ext}")
    html = client.get(reverse("accounts:teacher_detail", args=[teacher.profile.slug])).content
    assert b'<video class="teacher-profile__video" controls preload="metadata"' in html


@pytest.mark.parametrize(
    ("payload", "message"),
    [
        (mp4_bytes()[:-500], "incomplete or damaged"),
        (webm_bytes()[:-100], "incomplete or damaged"),
        (b"\x00" * 4 + b"ftyp" + b"\x00" * 2, "incomplete or damaged"),
        (b"GIF89a garbage garbage", "MP4 or WebM"),
        (image_bytes("PNG"), "MP4 or WebM"),
    ],
)
def test_bad_videos_get_a_clear_error(client, teacher, payload, message):
    client.force_login(teacher)
    upload = SimpleUploadedFile("intro.mp4", payload, content_type="video/mp4")
    response = client.post(EDIT, {**base_data(), "intro_video": upload})
    assert response.status_code == 200
    assert message in response.content.decode()
    assert 'id="id_intro_video_errors"' in response.content.decode()
    teacher.profile.refresh_from_db()
    assert not teacher.profile.intro_video


def test_video_over_100_mb_is_rejected(teacher):
    from django.core.exceptions import ValidationError

    from accounts.uploads import process_video

    upload = SimpleUploadedFile("big.mp4", mp4_bytes(), content_type="video/mp4")
    upload.size = 101 * 1024 * 1024
    with pytest.raises(ValidationError, match="the limit is 100 MB"):
        process_video(upload)


def test_invalid_timezone_gets_an_error(client, student):
    client.force_login(student)
    response = post_edit(client, timezone="Mars/Base")
    assert response.status_code == 200
    assert 'id="id_timezone_errors"' in response.content.decode()
