"""Students' pages move from /students/<id>/ to /students/<public_slug>/: every existing
profile gets its own unguessable slug (no row is dropped), then the column becomes unique."""

import secrets

from django.db import migrations, models

import accounts.models


def fill_public_slugs(apps, schema_editor):
    Profile = apps.get_model("accounts", "Profile")
    used = set()
    for profile in Profile.objects.filter(public_slug__isnull=True).only("pk").iterator():
        slug = secrets.token_urlsafe(12)
        while slug in used:
            slug = secrets.token_urlsafe(12)
        used.add(slug)
        Profile.objects.filter(pk=profile.pk).update(public_slug=slug)


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0003_teacher"),
    ]

    operations = [
        migrations.AddField(
            model_name="profile",
            name="public_slug",
            # No index yet: the unique one comes with AlterField below (an index here would
            # make PostgreSQL create the "_like" index twice).
            field=models.SlugField(db_index=False, editable=False, max_length=32, null=True),
        ),
        migrations.AddField(
            model_name="profile",
            name="show_to_members",
            field=models.BooleanField(
                default=False,
                help_text="Logged-in members may then see your page. Your teachers always can.",
                verbose_name="Show my profile to other members",
            ),
        ),
        migrations.RunPython(fill_public_slugs, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="profile",
            name="public_slug",
            field=models.SlugField(
                default=accounts.models.new_public_slug,
                editable=False,
                max_length=32,
                unique=True,
            ),
        ),
    ]
