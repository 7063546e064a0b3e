"""Moderated public texts: what users write for everyone to read (testimonials in cms_pages,
lesson reviews in booking) waits for an editor's approval; only approved items ever show.

The shared vocabulary (statuses, the abstract model, the bulk approve/reject actions) lives
here so both apps use one rule without depending on each other.
"""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.html import format_html
from django.utils.text import Truncator
from django.utils.translation import ngettext
from wagtail.admin.ui.tables import Column
from wagtail.snippets.bulk_actions.snippet_bulk_action import SnippetBulkAction

from site_config import page_cache

TEXT_MAX_LENGTH = 2000


class ModerationStatus(models.TextChoices):
    PENDING = "pending", "Pending"
    APPROVED = "approved", "Approved"
    REJECTED = "rejected", "Rejected"


class ModeratedQuerySet(models.QuerySet):
    def approved(self):
        return self.filter(status=ModerationStatus.APPROVED)

    def pending(self):
        return self.filter(status=ModerationStatus.PENDING)


class Moderated(models.Model):
    """Public text that editors approve or reject; only approved items are ever shown."""

    status = models.CharField(
        max_length=10,
        choices=ModerationStatus.choices,
        default=ModerationStatus.PENDING,
        db_index=True,
    )
    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    moderated_at = models.DateTimeField(null=True, blank=True, editable=False)
    moderated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
    )

    objects = ModeratedQuerySet.as_manager()

    class Meta:
        abstract = True

    @classmethod
    def moderate(cls, pks, status, *, by):
        """Set the status of several items at once, recording who decided and when. Cached
        pages that show them are purged at once, as a save would (``.update()`` sends no
        signal)."""
        count = cls.objects.filter(pk__in=pks).update(
            status=status, moderated_at=timezone.now(), moderated_by=by
        )
        if count:
            page_cache.purge_after_bulk_change(cls)
        return count

    @property
    def excerpt(self):
        return Truncator(self.text).chars(80)


class ModerateBulkAction(SnippetBulkAction):
    """Approve or reject many moderated items at once (subclassed per model)."""

    template_name = "site_config/confirm_bulk_moderate.html"
    new_status = None
    past_tense = ""

    def check_perm(self, obj):
        return self.permission_policy.user_has_permission_for_instance(
            self.request.user, "change", obj
        )

    def get_execution_context(self):
        return {**super().get_execution_context(), "user": self.request.user}

    @classmethod
    def execute_action(cls, objects, user=None, **kwargs):
        model = kwargs["self"].model
        count = model.moderate([obj.pk for obj in objects], cls.new_status, by=user)
        return count, 0

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "action_label": self.display_name}

    def get_success_message(self, num_parent_objects, num_child_objects):
        return ngettext(
            "%(count)d item %(verb)s.", "%(count)d items %(verb)s.", num_parent_objects
        ) % {"count": num_parent_objects, "verb": self.past_tense}


class ApproveBulkAction(ModerateBulkAction):
    display_name = "Approve"
    action_type = "approve"
    aria_label = "Approve selected items"
    action_priority = 10
    new_status = ModerationStatus.APPROVED
    past_tense = "approved"


class RejectBulkAction(ModerateBulkAction):
    display_name = "Reject"
    action_type = "reject"
    aria_label = "Reject selected items"
    action_priority = 20
    new_status = ModerationStatus.REJECTED
    past_tense = "rejected"


class LinkedUserColumn(Column):
    """The author of a moderated text, by display name, linked to their public profile."""

    def get_value(self, instance):
        user = super().get_value(instance)
        if user is None:
            return ""
        return format_html(
            '<a href="{}" target="_blank" rel="noopener">{}</a>',
            user.profile.get_absolute_url(),
            user.display_name,
        )


def moderation_bulk_actions(model):
    """The approve and reject bulk actions for one moderated snippet model, to register
    with Wagtail's ``register_bulk_action`` hook."""
    return [
        type(f"Approve{model.__name__}BulkAction", (ApproveBulkAction,), {"models": [model]}),
        type(f"Reject{model.__name__}BulkAction", (RejectBulkAction,), {"models": [model]}),
    ]
