"""Who may do what in commerce: students own their basket and orders; editors edit offers."""

from django.http import Http404

from accounts.roles import EDITORS, is_student
from booking.permissions import role_required

CHECKOUT_STUDENTS_ONLY = (
    "Paying for lessons is for student accounts. "
    "Teachers, editors and admins do not book lessons with this account."
)

#: Checkout is for students: visitors log in first, anyone else gets a 403 page.
checkout_student_required = role_required(is_student, CHECKOUT_STUDENTS_ONLY)

OFFER_PERMISSIONS = ("add_offer", "change_offer", "delete_offer", "view_offer")


def grant_editor_offer_permissions(sender, using="default", **kwargs):
    """After migrate: the Editors group may manage offers in the Wagtail admin."""
    from django.contrib.auth.management import create_permissions
    from django.contrib.auth.models import Group, Permission

    # Our receiver may run before auth's own: make sure the permissions exist first.
    create_permissions(sender, verbosity=0, using=using)

    group, _ = Group.objects.using(using).get_or_create(name=EDITORS)
    group.permissions.add(
        *Permission.objects.filter(
            content_type__app_label="commerce", codename__in=OFFER_PERMISSIONS
        )
    )


def own_order_or_404(queryset, user, pk):
    """An order of this user; anybody else's order is a 404 (never a hint it exists)."""
    order = queryset.filter(pk=pk, student=user).first()
    if order is None:
        raise Http404("No such order.")
    return order
