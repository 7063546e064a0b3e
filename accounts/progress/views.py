"""``/profile/progress/``: the student's own level history, chart and table."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import render

from .. import roles
from ..zones import zone_of
from .chart import level_chart
from .services import level_history


@login_required
def progress(request):
    if not roles.is_student(request.user):
        raise PermissionDenied("Levels are recorded for student accounts.")
    chart = level_chart(level_history(request.user), zone_of(request.user))
    return render(request, "accounts/progress/progress.html", {"chart": chart})
