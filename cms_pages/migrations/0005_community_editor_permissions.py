from django.db import migrations


def grant(apps, schema_editor):
    from cms_pages.models.community import grant_community_permissions

    grant_community_permissions(apps)


class Migration(migrations.Migration):
    dependencies = [
        ("cms_pages", "0004_community"),
        ("accounts", "0002_role_groups"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(grant, migrations.RunPython.noop)]
