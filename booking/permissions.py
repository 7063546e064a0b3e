"""Who may open which booking page: one decorator per role, checked in one place."""

from functools import wraps

from django.contrib.auth.views import redirect_to_login
from django.shortcuts import render

from accounts import roles

STUDENTS_ONLY = (
    "Booking lessons and “My bookings” are for student accounts. "
    "Teachers manage their lessons from the teacher dashboard."
)
TEACHERS_ONLY = "This page is for teachers: it shows their lessons and availability."


def role_required(check, message):
    """Visitors are sent to log in (and back); users without the role get a clear 403 page."""

    def decorator(view):
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            if not check(request.user):
                return render(request, "booking/forbidden.html", {"message": message}, status=403)
            return view(request, *args, **kwargs)

        return wrapper

    return decorator


student_required = role_required(roles.is_student, STUDENTS_ONLY)
teacher_required = role_required(roles.is_teacher, TEACHERS_ONLY)
