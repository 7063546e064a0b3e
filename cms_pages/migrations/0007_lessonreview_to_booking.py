"""Lesson reviews now belong to booking (booking 0005 takes the model over, state only):
forget the model here without touching its table."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("cms_pages", "0006_campaign_failed_status"),
        ("booking", "0005_lessonreview_from_cms_pages"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[],
            state_operations=[migrations.DeleteModel(name="LessonReview")],
        ),
    ]
