"""Lesson reviews moved from cms_pages to booking without touching their table: rows written
before the move are booking.LessonReview rows after it, with the same ids and fields, and
the permissions editors were granted on reviews survive (the content type is re-pointed)."""

from datetime import timedelta

import pytest
from django.contrib.auth.models import Group as LiveGroup
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from booking.models import LessonReview

BEFORE = [("booking", "0004_hold_limits"), ("cms_pages", "0006_campaign_failed_status")]


@pytest.mark.django_db(transaction=True)
def test_reviews_written_before_the_move_are_booking_reviews_after_it():
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)
    old_apps = executor.loader.project_state(BEFORE).apps
    User = old_apps.get_model("accounts", "User")
    Booking = old_apps.get_model("booking", "Booking")
    OldReview = old_apps.get_model("cms_pages", "LessonReview")
    OldContentType = old_apps.get_model("contenttypes", "ContentType")
    Permission = old_apps.get_model("auth", "Permission")
    Group = old_apps.get_model("auth", "Group")

    teacher = User.objects.create(email="t-move@example.com", password="!")
    student = User.objects.create(email="s-move@example.com", password="!")
    start = timezone.now() - timedelta(days=3)
    booking = Booking.objects.create(
        teacher=teacher,
        student=student,
        start=start,
        end=start + timedelta(hours=1),
        status="completed",
        is_active=True,
        price_cents=1800,
    )
    old = OldReview.objects.create(
        booking=booking, rating=4, text="Très bien", status="approved", moderated_by=teacher
    )
    # What a deployed site has: the content type and an editor's permission on reviews.
    content_type, _ = OldContentType.objects.get_or_create(
        app_label="cms_pages", model="lessonreview"
    )
    permission, _ = Permission.objects.get_or_create(
        content_type=content_type,
        codename="change_lessonreview",
        defaults={"name": "Can change lesson review"},
    )
    group, _ = Group.objects.get_or_create(name="Review moderators")
    group.permissions.add(permission)

    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(executor.loader.graph.leaf_nodes())
    ContentType.objects.clear_cache()

    review = LessonReview.objects.select_related("booking").get(pk=old.pk)
    assert (review.booking_id, review.rating, review.text, review.status) == (
        booking.pk,
        4,
        "Très bien",
        "approved",
    )
    assert review.moderated_by_id == teacher.pk
    assert review.booking.student_id == student.pk
    assert LessonReview._meta.db_table == "cms_pages_lessonreview"
    assert not ContentType.objects.filter(app_label="cms_pages", model="lessonreview").exists()
    moved = ContentType.objects.get_for_model(LessonReview)
    assert moved.pk == content_type.pk  # re-pointed, not replaced: logs and revisions keep it
    codenames = set(
        LiveGroup.objects.get(name="Review moderators")
        .permissions.filter(content_type=moved)
        .values_list("codename", flat=True)
    )
    assert codenames == {"change_lessonreview"}
