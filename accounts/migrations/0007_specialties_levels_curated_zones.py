"""Teachers' specialties (a list editors manage) and levels taught; zones from one curated
list. Existing profiles keep the zone they had: an alias becomes the place it stands for
(``US/Eastern`` → ``America/New_York``), a name that is no place (``Factory``, a typo) becomes
``UTC``, which is what those profiles were shown. Editors may manage the specialties."""

from django.db import migrations, models

import accounts.zones
from accounts.roles import grant_editor_permissions


def canonical_zones(apps, schema_editor):
    Profile = apps.get_model("accounts", "Profile")
    listed = accounts.zones.listed_zones()
    for name in Profile.objects.exclude(timezone__in=listed).values_list("timezone", flat=True).distinct():
        Profile.objects.filter(timezone=name).update(
            timezone=accounts.zones.canonical_zone(name) or "UTC"
        )


def grant(apps, schema_editor):
    grant_editor_permissions(apps)


class Migration(migrations.Migration):

    dependencies = [
        ('accounts', '0006_profile_video_room_url'),
    ]

    operations = [
        migrations.CreateModel(
            name='Specialty',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('name', models.CharField(max_length=60, unique=True)),
                ('slug', models.SlugField(blank=True, help_text='Used in shared search links. Leave empty to make it from the name.', max_length=60, unique=True)),
                ('description', models.CharField(blank=True, max_length=200)),
            ],
            options={
                'verbose_name': 'teacher specialty',
                'verbose_name_plural': 'teacher specialties',
                'ordering': ['name'],
            },
        ),
        migrations.AddField(
            model_name='profile',
            name='highest_level_taught',
            field=models.CharField(blank=True, choices=[('A1', 'A1 – Beginner'), ('A2', 'A2 – Elementary'), ('B1', 'B1 – Intermediate'), ('B2', 'B2 – Upper intermediate'), ('C1', 'C1 – Advanced'), ('C2', 'C2 – Proficient')], max_length=2, verbose_name='teaches up to level'),
        ),
        migrations.AddField(
            model_name='profile',
            name='lowest_level_taught',
            field=models.CharField(blank=True, choices=[('A1', 'A1 – Beginner'), ('A2', 'A2 – Elementary'), ('B1', 'B1 – Intermediate'), ('B2', 'B2 – Upper intermediate'), ('C1', 'C1 – Advanced'), ('C2', 'C2 – Proficient')], max_length=2, verbose_name='teaches from level'),
        ),
        migrations.AlterField(
            model_name='profile',
            name='timezone',
            field=models.CharField(choices=accounts.zones.zone_choices, default='Europe/Paris', help_text='Times on the site are shown in this zone.', max_length=64),
        ),
        migrations.AddField(
            model_name='profile',
            name='specialties',
            field=models.ManyToManyField(blank=True, related_name='profiles', to='accounts.specialty'),
        ),
        migrations.AddConstraint(
            model_name='profile',
            constraint=models.CheckConstraint(condition=models.Q(models.Q(('highest_level_taught', ''), ('lowest_level_taught', '')), models.Q(models.Q(('lowest_level_taught', ''), _negated=True), ('highest_level_taught__gte', models.F('lowest_level_taught'))), _connector='OR'), name='accounts_profile_levels_taught_range', violation_error_message='Give both levels taught, the lower one first.'),
        ),
        migrations.RunPython(canonical_zones, migrations.RunPython.noop),
        migrations.RunPython(grant, migrations.RunPython.noop),
    ]
