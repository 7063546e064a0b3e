"""Moderation and newsletter admin: who may reach it, bulk actions, filters, export,
dashboard panel; account erasure and data export of community content."""

import csv
import io

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse
from wagtail.admin.views.bulk_action.registry import bulk_action_registry

from accounts.exports import exporters
from accounts.roles import grant_editor_permissions
from booking.models import LessonReview
from cms_pages.models import Comment, Subscriber, SubscriberStatus
from cms_pages.newsletter import demo as newsletter_demo
from cms_pages.testimonials import demo as testimonials_demo

# Every test here needs the database, some only through request.getfixturevalue(): declare it
# so pytest-django orders them before transactional tests that flush migration data.
pytestmark = pytest.mark.django_db


def list_url(model):
    return reverse(model.snippet_viewset.get_url_name("list"))


def bulk_url(model, action, objects):
    ids = "&".join(f"id={obj.pk}" for obj in objects)
    url = reverse(
        "wagtail_bulk_action", args=[model._meta.app_label, model._meta.model_name, action]
    )
    return f"{url}?{ids}&next={list_url(model)}"


@pytest.fixture
def comments(student, other_student):
    return [
        Comment.objects.create(author=student, text="Lovely <i>teachers</i>"),
        Comment.objects.create(author=other_student, text="Great value"),
        Comment.objects.create(author=other_student, text="Old", status="rejected"),
    ]


@pytest.mark.parametrize("model", [Comment, LessonReview, Subscriber])
@pytest.mark.parametrize("who", ["visitor", "student", "teacher"])
def test_only_editors_and_admins_reach_moderation_and_subscribers(client, request, model, who):
    if who != "visitor":
        client.force_login(request.getfixturevalue(who))
    response = client.get(list_url(model))
    assert response.status_code in (302, 403)
    if response.status_code == 302:
        assert "login" in response["Location"] or response["Location"].startswith("/admin/")


@pytest.mark.parametrize("model", [Comment, LessonReview, Subscriber])
@pytest.mark.parametrize("who", ["editor", "admin_user"])
def test_editors_and_admins_reach_moderation_and_subscribers(client, request, model, who):
    client.force_login(request.getfixturevalue(who))
    assert client.get(list_url(model)).status_code == 200


def test_editor_permissions_are_granted_by_data_migration_and_idempotent(db):
    from django.apps import apps

    grant_editor_permissions(apps)
    codenames = set(
        Group.objects.get(name="Editors").permissions.values_list("codename", flat=True)
    )
    for model in ("comment", "lessonreview", "subscriber", "campaign"):
        assert {f"{a}_{model}" for a in ("add", "change", "delete", "view")} <= codenames


def test_listing_filters_by_status_searches_and_links_author_profile(client, editor, comments):
    client.force_login(editor)
    body = client.get(list_url(Comment), {"status": "pending"}).content.decode()
    assert "Great value" in body
    assert "Old" not in body
    assert comments[0].author.profile.get_absolute_url() in body
    assert "&lt;i&gt;teachers&lt;/i&gt;" in body
    body = client.get(list_url(Comment), {"q": "great"}).content.decode()
    assert "Great value" in body
    assert "Lovely" not in body


def test_bulk_approve_and_reject(client, editor, comments):
    client.force_login(editor)
    assert client.get(bulk_url(Comment, "approve", comments[:2])).status_code == 200
    response = client.post(bulk_url(Comment, "approve", comments[:2]))
    assert response.status_code == 302
    assert set(Comment.objects.approved().values_list("pk", flat=True)) == {
        comments[0].pk,
        comments[1].pk,
    }
    assert Comment.objects.get(pk=comments[0].pk).moderated_by == editor
    client.post(bulk_url(Comment, "reject", comments[:1]))
    assert Comment.objects.get(pk=comments[0].pk).status == "rejected"


def test_bulk_actions_are_registered_for_comments_reviews_and_subscribers():
    for model, action in [
        (Comment, "approve"),
        (Comment, "reject"),
        (LessonReview, "approve"),
        (LessonReview, "reject"),
        (Subscriber, "unsubscribe"),
    ]:
        assert bulk_action_registry.get_bulk_action_class(
            model._meta.app_label, model._meta.model_name, action
        )


def test_student_cannot_bulk_approve(client, student, comments):
    client.force_login(student)
    client.post(bulk_url(Comment, "approve", comments[:1]))
    assert not Comment.objects.approved().exists()


def test_dashboard_counts_pending_comments_and_reviews(client, editor, comments):
    client.force_login(editor)
    body = client.get(reverse("wagtailadmin_home")).content.decode()
    assert "2 testimonials pending" in body
    assert "0 lesson reviews pending" in body


@pytest.fixture
def subscribers(db):
    return [
        Subscriber.objects.create(email="a@example.com", status=SubscriberStatus.CONFIRMED),
        Subscriber.objects.create(email="b@example.com", status=SubscriberStatus.PENDING),
    ]


def test_subscribers_filter_search_and_csv_export(client, editor, subscribers):
    client.force_login(editor)
    body = client.get(list_url(Subscriber), {"status": "confirmed"}).content.decode()
    assert "a@example.com" in body
    assert "b@example.com" not in body
    response = client.get(list_url(Subscriber), {"export": "csv"})
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert rows[0][0].lower() == "email"
    assert {row[0] for row in rows[1:]} == {"a@example.com", "b@example.com"}


def test_editor_unsubscribes_in_bulk(client, editor, subscribers):
    client.force_login(editor)
    client.post(bulk_url(Subscriber, "unsubscribe", subscribers[:1]))
    subscribers[0].refresh_from_db()
    assert subscribers[0].status == SubscriberStatus.UNSUBSCRIBED


def test_erasing_an_account_deletes_its_community_content(student, comments):
    from accounts.services import erase_user

    Subscriber.objects.create(email=student.email.upper(), status=SubscriberStatus.CONFIRMED)
    erase_user(student)
    assert not Comment.objects.filter(author=student).exists()
    assert Comment.objects.count() == 2
    assert not Subscriber.objects.exists()


def test_data_export_includes_comments_and_reviews(student, comments):

    registered = exporters()
    assert registered["comments"](student) == [
        {
            "text": "Lovely <i>teachers</i>",
            "status": "pending",
            "created_at": comments[0].created_at.isoformat(),
        }
    ]
    assert registered["reviews"](student) == []


def test_demo_loader_is_idempotent(student):
    def load():
        testimonials_demo.load(lambda message: None)
        newsletter_demo.load(lambda message: None)

    load()
    counts = (Comment.objects.count(), Subscriber.objects.count())
    load()
    assert (Comment.objects.count(), Subscriber.objects.count()) == counts
    assert Subscriber.objects.filter(status=SubscriberStatus.CONFIRMED).count() >= 3
    assert Comment.objects.approved().exists()
    assert Comment.objects.pending().exists()
