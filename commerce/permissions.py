"""Who may do what in commerce: students own their basket and orders (editors' offer
permissions: accounts.roles.grant_editor_permissions)."""

from django.http import Http404

from accounts.roles import is_student
from booking.permissions import role_required

CHECKOUT_STUDENTS_ONLY = (
    "Paying for lessons is for student accounts. "
    "Teachers, editors and admins do not book lessons with this account."
)

#: Checkout is for students: visitors log in first, anyone else gets a 403 page.
checkout_student_required = role_required(is_student, CHECKOUT_STUDENTS_ONLY)


def own_order_or_404(queryset, user, pk):
    """An order of this user; anybody else's order is a 404 (never a hint it exists)."""
    order = queryset.filter(pk=pk, student=user).first()
    if order is None:
        raise Http404("No such order.")
    return order
