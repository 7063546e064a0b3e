"""Placement questions (snippets with their answers inline) and students' attempts.
Registered through ``accounts.models``."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from modelcluster.fields import ParentalKey
from modelcluster.models import ClusterableModel
from wagtail.admin.forms import WagtailAdminModelForm
from wagtail.admin.panels import FieldPanel, InlinePanel
from wagtail.models import Orderable

from ..levels import LEVELS, CefrLevel

__all__ = ["PlacementAnswer", "PlacementAttempt", "PlacementQuestion"]


class PlacementQuestionQuerySet(models.QuerySet):
    def active(self):
        return self.filter(active=True)

    def in_quiz(self):
        """The quiz: active questions in the editors' order, answers joined (two queries)."""
        return self.active().order_by("sort_order", "pk").prefetch_related("answers")


NO_RIGHT_ANSWER = "Tick the right answer: at least one answer must be right."


class PlacementQuestionForm(WagtailAdminModelForm):
    """The editors' form: a question needs a right answer among the answers it keeps."""

    def clean(self):
        cleaned = super().clean()
        answers = self.formsets.get("answers")
        if answers is not None and answers.is_valid():
            kept = [
                form.cleaned_data
                for form in answers.forms
                if form.cleaned_data and not form.cleaned_data.get("DELETE")
            ]
            if kept and not any(answer.get("is_correct") for answer in kept):
                raise ValidationError(NO_RIGHT_ANSWER)
        return cleaned


class PlacementQuestion(ClusterableModel):
    """One question of the quiz. It checks one CEFR level; answering it right counts for
    that level (``accounts.placement.scoring``)."""

    text = models.TextField("question", max_length=500)
    level = models.CharField(
        "level it checks",
        max_length=2,
        choices=CefrLevel.choices,
        help_text="A student who answers it right shows this level.",
    )
    sort_order = models.PositiveIntegerField(
        "order", default=0, help_text="Questions are asked from the lowest number up."
    )
    active = models.BooleanField(default=True, help_text="Only active questions are asked.")

    objects = PlacementQuestionQuerySet.as_manager()
    base_form_class = PlacementQuestionForm

    panels = [
        FieldPanel("text"),
        FieldPanel("level"),
        FieldPanel("sort_order"),
        FieldPanel("active"),
        InlinePanel("answers", label="Answers", min_num=2, max_num=6),
    ]

    class Meta:
        ordering = ["sort_order", "pk"]
        verbose_name = "placement question"
        constraints = [
            models.CheckConstraint(
                condition=models.Q(level__in=LEVELS),
                name="accounts_placementquestion_level",
                violation_error_message="A level is one of A1, A2, B1, B2, C1, C2.",
            )
        ]

    def __str__(self):
        return self.text[:80]


class PlacementAnswer(Orderable):
    """One of a question's choices; the right ones are ticked."""

    question = ParentalKey(PlacementQuestion, on_delete=models.CASCADE, related_name="answers")
    text = models.CharField("answer", max_length=200)
    is_correct = models.BooleanField("right answer", default=False)

    panels = [FieldPanel("text"), FieldPanel("is_correct")]

    class Meta(Orderable.Meta):
        verbose_name = "answer"

    def __str__(self):
        return self.text


class PlacementAttempt(models.Model):
    """A student's answers scored: the level suggested, and when they accepted it (never
    accepted: ignored). Kept on the server so the level accepted is the one scored."""

    student = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="placement_attempts"
    )
    suggested_level = models.CharField(max_length=2, choices=CefrLevel.choices)
    correct = models.PositiveSmallIntegerField(default=0)
    asked = models.PositiveSmallIntegerField(default=0)
    created_at = models.DateTimeField(default=timezone.now)
    accepted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = "placement attempt"

    def __str__(self):
        return f"Placement {self.suggested_level} ({self.created_at:%Y-%m-%d})"
