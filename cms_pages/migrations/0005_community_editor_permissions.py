from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("cms_pages", "0004_community"),
        ("accounts", "0002_role_groups"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    # Editors' permissions are granted in one place: accounts.roles.grant_editor_permissions,
    # run by accounts/migrations/0005_editor_permissions.py.
    operations = []
