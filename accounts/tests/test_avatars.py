"""Avatars use small square WebP thumbnails made once from the stored 800 px photo."""

import io

import pytest
from django.core.cache import cache
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.template import Context, Template
from django.urls import reverse
from PIL import Image

from accounts.templatetags import avatars

from .media import image_bytes


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path)
    avatars._known.clear()
    cache.clear()
    yield tmp_path
    avatars._known.clear()


@pytest.fixture
def photo_teacher(teacher, media):
    profile = teacher.profile
    profile.photo.save("portrait.jpg", ContentFile(image_bytes("JPEG", (800, 600))), save=True)
    return teacher


def render_avatar(profile, px):
    template = Template(
        '{% include "accounts/includes/avatar.html" with profile=profile alt="" px=px %}'
    )
    return template.render(Context({"profile": profile, "px": px}))


def test_thumbnail_side_covers_two_x_screens_with_few_files():
    assert avatars.thumbnail_side(160) == 320
    assert avatars.thumbnail_side(200) == 400
    assert avatars.thumbnail_side(240) == 480
    assert avatars.thumbnail_side(999) == 480


def test_avatar_serves_a_square_webp_thumbnail_next_to_the_photo(photo_teacher):
    profile = photo_teacher.profile
    html = render_avatar(profile, 160)
    name = avatars.thumbnail_name(profile.photo.name, 320)
    assert name.startswith(profile.photo.name.rsplit(".", 1)[0]) and name.endswith(".320.webp")
    assert f'src="{default_storage.url(name)}"' in html
    assert 'width="160" height="160"' in html
    with default_storage.open(name) as stored, Image.open(stored) as image:
        assert image.format == "WEBP" and image.size == (320, 320)
    assert default_storage.size(name) < default_storage.size(profile.photo.name)


def test_thumbnail_is_made_once_then_reused(photo_teacher, monkeypatch):
    profile = photo_teacher.profile
    first = render_avatar(profile, 160)
    calls = []
    monkeypatch.setattr(avatars, "make_thumbnail", lambda *args: calls.append(args))
    avatars._known.clear()  # another process: only the shared cache knows
    assert render_avatar(profile, 160) == first
    cache.clear()  # a cold cache: the stored file is found, not remade
    avatars._known.clear()
    assert render_avatar(profile, 160) == first
    assert calls == []


def test_small_photos_are_not_enlarged(teacher, media):
    profile = teacher.profile
    profile.photo.save("small.png", ContentFile(image_bytes("PNG", (90, 120))), save=True)
    render_avatar(profile, 240)
    name = avatars.thumbnail_name(profile.photo.name, 480)
    with default_storage.open(name) as stored, Image.open(stored) as image:
        assert image.size == (90, 90)


def test_unreadable_photo_falls_back_to_the_photo_itself(teacher, media):
    profile = teacher.profile
    profile.photo.save("broken.jpg", ContentFile(b"not an image"), save=True)
    assert f'src="{profile.photo.url}"' in render_avatar(profile, 160)


def test_no_photo_shows_the_placeholder(teacher, media):
    html = render_avatar(teacher.profile, 160)
    assert "accounts/avatar.svg" in html and ".webp" not in html


def test_delete_thumbnails_removes_every_size(photo_teacher):
    profile = photo_teacher.profile
    for px in (160, 200, 240):
        render_avatar(profile, px)
    names = avatars.thumbnail_names(profile.photo.name)
    assert all(default_storage.exists(name) for name in names)
    avatars.delete_thumbnails(profile.photo.name)
    assert not any(default_storage.exists(name) for name in names)


def test_teacher_list_links_thumbnails_not_the_full_photo(client, photo_teacher):
    profile = photo_teacher.profile
    profile.slug = profile.slug or "photo-teacher"
    profile.save()
    content = client.get(reverse("booking:teacher_list")).content.decode()
    assert profile.display_name in content
    assert ".320.webp" in content
    assert f'src="{profile.photo.url}"' not in content


def test_thumbnail_bytes_are_webp(photo_teacher):
    data = avatars.make_thumbnail(photo_teacher.profile.photo, 320)
    with Image.open(io.BytesIO(data)) as image:
        assert image.format == "WEBP"


def test_replacing_a_photo_deletes_its_thumbnails_too(
    photo_teacher, media, django_capture_on_commit_callbacks
):
    from accounts.services import delete_files_on_commit

    profile = photo_teacher.profile
    render_avatar(profile, 160)
    thumbnails = [
        n for n in avatars.thumbnail_names(profile.photo.name) if default_storage.exists(n)
    ]
    assert thumbnails, "rendering the avatar stores a thumbnail"
    with django_capture_on_commit_callbacks(execute=True):
        delete_files_on_commit(profile.photo.name)
    assert not default_storage.exists(profile.photo.name)
    assert not any(default_storage.exists(name) for name in thumbnails)
