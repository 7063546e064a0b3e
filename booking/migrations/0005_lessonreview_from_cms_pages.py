"""Lesson reviews move from cms_pages to booking (issue 13): state only, the table
``cms_pages_lessonreview`` and its rows stay as they are. The content type is re-pointed
(same row, so permissions granted on reviews, admin log entries and revisions keep it)."""

import django.core.validators
import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models


def move_content_type(old_label, new_label):
    def move(apps, schema_editor):
        ContentType = apps.get_model("contenttypes", "ContentType")
        Permission = apps.get_model("auth", "Permission")
        Group = apps.get_model("auth", "Group")
        User = apps.get_model(settings.AUTH_USER_MODEL)
        old = ContentType.objects.filter(app_label=old_label, model="lessonreview").first()
        if old is None:
            return  # a fresh database: post_migrate creates the new one
        new = ContentType.objects.filter(app_label=new_label, model="lessonreview").first()
        if new is not None:
            # Both exist (a grant already created the new one): fold the new one's
            # permissions into the old row, which keeps its id, then drop the new row.
            for permission in Permission.objects.filter(content_type=new):
                kept = Permission.objects.filter(
                    content_type=old, codename=permission.codename
                ).first()
                if kept is None:
                    permission.content_type = old
                    permission.save(update_fields=["content_type"])
                    continue
                for group in Group.objects.filter(permissions=permission):
                    group.permissions.add(kept)
                for user in User.objects.filter(user_permissions=permission):
                    user.user_permissions.add(kept)
                permission.delete()
            new.delete()
        old.app_label = new_label
        old.save(update_fields=["app_label"])

    return move


class Migration(migrations.Migration):
    dependencies = [
        ("booking", "0004_hold_limits"),
        ("cms_pages", "0006_campaign_failed_status"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("auth", "0012_alter_user_first_name_max_length"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[],
            state_operations=[
                migrations.CreateModel(
                    name="LessonReview",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True,
                                primary_key=True,
                                serialize=False,
                                verbose_name="ID",
                            ),
                        ),
                        (
                            "status",
                            models.CharField(
                                choices=[
                                    ("pending", "Pending"),
                                    ("approved", "Approved"),
                                    ("rejected", "Rejected"),
                                ],
                                db_index=True,
                                default="pending",
                                max_length=10,
                            ),
                        ),
                        (
                            "created_at",
                            models.DateTimeField(db_index=True, default=django.utils.timezone.now),
                        ),
                        (
                            "moderated_at",
                            models.DateTimeField(blank=True, editable=False, null=True),
                        ),
                        (
                            "rating",
                            models.PositiveSmallIntegerField(
                                validators=[
                                    django.core.validators.MinValueValidator(1),
                                    django.core.validators.MaxValueValidator(5),
                                ]
                            ),
                        ),
                        ("text", models.TextField(blank=True, max_length=2000)),
                        (
                            "booking",
                            models.OneToOneField(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="review",
                                to="booking.booking",
                            ),
                        ),
                        (
                            "moderated_by",
                            models.ForeignKey(
                                blank=True,
                                editable=False,
                                null=True,
                                on_delete=django.db.models.deletion.SET_NULL,
                                related_name="+",
                                to=settings.AUTH_USER_MODEL,
                            ),
                        ),
                    ],
                    options={
                        "verbose_name": "lesson review",
                        "verbose_name_plural": "lesson reviews",
                        "db_table": "cms_pages_lessonreview",
                        "ordering": ["-created_at", "-pk"],
                        "constraints": [
                            models.CheckConstraint(
                                condition=models.Q(("rating__gte", 1), ("rating__lte", 5)),
                                name="cms_pages_review_rating_1_to_5",
                                violation_error_message="A rating is between 1 and 5 stars.",
                            )
                        ],
                    },
                ),
            ],
        ),
        migrations.RunPython(
            move_content_type("cms_pages", "booking"), move_content_type("booking", "cms_pages")
        ),
    ]
