"""Read-only queries other apps rely on (booking picks teachers through these)."""

from django.contrib.auth import get_user_model
from django.db.models import Avg, Count
from django.http import Http404
from django.shortcuts import get_object_or_404

from .roles import STUDENTS, TEACHERS, is_editor, is_teacher


def active_teachers():
    """Teachers who appear on the site and can be booked: active users in the Teachers group
    with a public slug. Profiles are joined in the same query."""
    return (
        get_user_model()
        .objects.filter(is_active=True, groups__name=TEACHERS, profile__slug__isnull=False)
        .exclude(profile__slug="")
        .select_related("profile")
        .order_by("profile__display_name", "pk")
    )


def get_active_teacher(slug):
    """The active teacher with this public slug, or 404."""
    return get_object_or_404(active_teachers(), profile__slug=slug)


# Bookings that never reached the teacher (a basket hold) are no teacher-student relationship.
NOT_A_RELATIONSHIP_STATUSES = ("held", "expired", "removed")
PUBLISHED = "approved"
COMPLETED = "completed"
HELD = "held"  # the lesson outcome of a lesson that took place


def get_student_page(public_slug, viewer):
    """The active student whose page this is, if ``viewer`` may see it; else 404 (never 403,
    so a page's existence is not disclosed). See ``may_view_student_page``."""
    student = get_object_or_404(
        get_user_model()
        .objects.filter(is_active=True, groups__name=STUDENTS)
        .select_related("profile"),
        profile__public_slug=public_slug,
    )
    if not may_view_student_page(viewer, student):
        raise Http404("No such student page")
    return student


def may_view_student_page(viewer, student):
    """Who sees a student's page: staff (editors, admins), the student themself, teachers who
    have (had) a booking with them, and, when the student opted in ("Show my profile to other
    members") or has a published testimonial or lesson review, any logged-in member.

    Bookings and community texts are read through their reverse relations on the user
    (``teaching_bookings``, ``testimonials``, ``bookings__review``), so accounts imports
    neither booking nor cms_pages."""
    if not getattr(viewer, "is_authenticated", False):
        return False
    if viewer.pk == student.pk or viewer.is_staff or is_editor(viewer):
        return True
    if student.profile.show_to_members:
        return True
    if (
        is_teacher(viewer)
        and viewer.teaching_bookings.filter(student=student)
        .exclude(status__in=NOT_A_RELATIONSHIP_STATUSES)
        .exists()
    ):
        return True
    return (
        student.testimonials.filter(status=PUBLISHED).exists()
        or student.bookings.filter(review__status=PUBLISHED).exists()
    )


def teacher_rating(teacher):
    """Average and number of the teacher's verified lesson reviews (published, of a lesson
    that took place: ``booking.reviews.models.LessonReviewQuerySet.verified``): ``(4.5, 2)``,
    or ``(None, 0)``. Read through the user's reverse relations (``teaching_bookings`` →
    ``review``), so accounts imports no review model."""
    summary = teacher.teaching_bookings.filter(
        review__status=PUBLISHED, status=COMPLETED, outcome=HELD
    ).aggregate(average=Avg("review__rating"), count=Count("review"))
    return summary["average"], summary["count"]
