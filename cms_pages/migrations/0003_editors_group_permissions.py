from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("cms_pages", "0002_pages_and_settings"),
        ("accounts", "0002_role_groups"),
        ("wagtailcore", "0098_apitoken"),
        ("wagtailadmin", "0006_formstate"),
        ("wagtailimages", "0027_image_description"),
        ("wagtaildocs", "0014_alter_document_file_size"),
    ]

    # Editors' permissions are granted in one place: accounts.roles.grant_editor_permissions,
    # run by accounts/migrations/0005_editor_permissions.py.
    operations = []
