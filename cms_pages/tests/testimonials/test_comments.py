"""Testimonial comments: writing, moderation visibility, escaping, abuse protection."""

import pytest
from django.core.cache import cache
from django.urls import reverse

from cms_pages.models import Comment
from cms_pages.testimonials import blocks as testimonial_blocks
from cms_pages.testimonials.views import COMMENT_THANKS
from site_config.moderation import ModerationStatus
from site_config.public_forms import RATE_LIMITED

NEW_URL = reverse("cms_pages:comment_create")
LIST_URL = reverse("cms_pages:comment_list")


@pytest.fixture(autouse=True)
def clear_rate_limits():
    cache.clear()
    yield
    cache.clear()


def render_block(count=6):
    block = testimonial_blocks.TestimonialsBlock()
    return block.render(block.to_python({"heading": "What our students say", "count": count}))


def test_visitor_is_sent_to_login(client, db):
    response = client.get(NEW_URL)
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


def test_student_comment_starts_pending_and_author_is_told(client, student):
    client.force_login(student)
    response = client.post(NEW_URL, {"text": "Great lessons!"}, follow=True)
    comment = Comment.objects.get()
    assert comment.author == student
    assert comment.status == ModerationStatus.PENDING
    assert COMMENT_THANKS in response.content.decode()


def test_nobody_approves_their_own_comment_from_the_public_form(client, student):
    client.force_login(student)
    client.post(NEW_URL, {"text": "Approve me", "status": "approved"})
    assert Comment.objects.get().status == ModerationStatus.PENDING


@pytest.mark.parametrize("text", ["", "   ", "x" * 2001])
def test_empty_or_too_long_comment_is_refused(client, student, text):
    client.force_login(student)
    response = client.post(NEW_URL, {"text": text})
    assert response.status_code == 200
    assert not Comment.objects.exists()


def test_comment_of_2000_characters_is_accepted(client, student):
    client.force_login(student)
    client.post(NEW_URL, {"text": "x" * 2000})
    assert Comment.objects.count() == 1


def test_only_approved_comments_are_listed(client, student, other_student):
    Comment.objects.create(author=student, text="approved text", status="approved")
    Comment.objects.create(author=student, text="pending text", status="pending")
    Comment.objects.create(author=other_student, text="rejected text", status="rejected")
    body = client.get(LIST_URL).content.decode()
    assert "approved text" in body
    assert "pending text" not in body
    assert "rejected text" not in body


def test_script_in_a_comment_is_shown_as_text(client, student):
    Comment.objects.create(author=student, text="<script>alert(1)</script>", status="approved")
    for body in (client.get(LIST_URL).content.decode(), render_block()):
        assert "<script>alert(1)</script>" not in body
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in body


def test_comment_list_paginates_with_constant_queries(
    client, student, django_assert_max_num_queries
):
    Comment.objects.bulk_create(
        Comment(author=student, text=f"comment {i}", status="approved") for i in range(25)
    )
    with django_assert_max_num_queries(12):
        first = client.get(LIST_URL).content.decode()
    assert "comment 24" in first
    assert "comment 0<" not in first
    assert "comment 0<" in client.get(LIST_URL + "?page=2").content.decode()


def test_block_shows_count_newest_approved_with_profile_links(student, other_student):
    for i in range(4):
        Comment.objects.create(author=student, text=f"old {i}", status="approved")
    newest = Comment.objects.create(author=other_student, text="newest one", status="approved")
    Comment.objects.create(author=other_student, text="not yet", status="pending")
    html = render_block(count=3)
    assert html.count('class="testimonial card"') == 3
    assert html.index("newest one") < html.index("old 3")
    assert "old 0" not in html
    assert "not yet" not in html
    assert newest.author.profile.get_absolute_url() in html
    assert other_student.display_name in html
    assert LIST_URL in html


def test_block_renders_many_testimonials_in_one_query(student, django_assert_num_queries):
    for i in range(10):
        Comment.objects.create(author=student, text=f"t{i}", status="approved")
    with django_assert_num_queries(1):
        html = render_block(count=10)
    assert html.count('class="testimonial card"') == 10


def test_honeypot_post_is_dropped_with_the_normal_message(client, student):
    client.force_login(student)
    response = client.post(NEW_URL, {"text": "buy pills", "website": "http://spam"}, follow=True)
    assert COMMENT_THANKS in response.content.decode()
    assert not Comment.objects.exists()


def test_comment_posts_are_rate_limited_per_account(client, student):
    client.force_login(student)
    for i in range(5):
        client.post(NEW_URL, {"text": f"hello {i}"})
    response = client.post(NEW_URL, {"text": "one too many"})
    assert response.status_code == 429
    assert RATE_LIMITED in response.content.decode()
    assert Comment.objects.count() == 5


def test_comment_posts_are_rate_limited_per_address(client, db):
    from accounts.factories import StudentFactory

    statuses = []
    for _ in range(11):
        client.force_login(StudentFactory())
        statuses.append(client.post(NEW_URL, {"text": "hi"}).status_code)
    assert statuses[:10] == [302] * 10
    assert statuses[10] == 429
