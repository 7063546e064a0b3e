"""The placement quiz pages: ``/profile/placement/`` (the quiz), its result with the
suggested level to accept, and the accept button (POST)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_http_methods, require_POST

from .. import roles
from .forms import PlacementQuizForm
from .models import PlacementAttempt, PlacementQuestion
from .services import accept_suggestion, score_quiz

STUDENTS_ONLY = "The placement quiz is for student accounts."


def next_url(request):
    """Where to go after the quiz (``next``, when it stays on this site), else ""."""
    url = request.POST.get("next") or request.GET.get("next", "")
    if url and url_has_allowed_host_and_scheme(
        url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return url
    return ""


def _student(request):
    if not roles.is_student(request.user):
        raise PermissionDenied(STUDENTS_ONLY)
    return request.user


@login_required
@require_http_methods(["GET", "POST"])
def quiz(request):
    """The questions; answering them scores an attempt and shows its result."""
    student = _student(request)
    questions = list(PlacementQuestion.objects.in_quiz())
    form = PlacementQuizForm(
        request.POST if request.method == "POST" else None, questions=questions
    )
    after = next_url(request)
    if request.method == "POST" and questions and form.is_valid():
        attempt = score_quiz(student, questions, form.chosen())
        url = reverse("accounts:placement_result", args=[attempt.pk])
        return redirect(f"{url}?next={after}" if after else url)
    return render(
        request,
        "accounts/placement/quiz.html",
        {
            "form": form,
            "questions": questions,
            "next_url": after,
            "skip_url": after or reverse("booking:teacher_list"),
        },
        status=400 if form.errors else 200,
    )


@login_required
def result(request, pk):
    """The suggested level of one of the student's own attempts, to accept or ignore."""
    student = _student(request)
    attempt = get_object_or_404(PlacementAttempt, pk=pk, student=student)
    after = next_url(request)
    return render(
        request,
        "accounts/placement/result.html",
        {
            "attempt": attempt,
            "next_url": after,
            "ignore_url": after or reverse("booking:teacher_list"),
        },
    )


@login_required
@require_POST
def accept(request, pk):
    """Accept the attempt's level: recorded for every skill (once) and on the profile."""
    student = _student(request)
    attempt = get_object_or_404(PlacementAttempt, pk=pk, student=student)
    if accept_suggestion(attempt):
        messages.success(
            request,
            f"Your starting level is {attempt.get_suggested_level_display()}. Your teachers "
            "will update it as you progress.",
        )
    else:
        messages.info(request, "You have already accepted this level.")
    return redirect(next_url(request) or "accounts:progress")
