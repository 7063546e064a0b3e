from django.db import migrations


def grant(apps, schema_editor):
    from cms_pages.permissions import grant_editor_permissions

    grant_editor_permissions(apps)


class Migration(migrations.Migration):
    dependencies = [
        ("cms_pages", "0002_pages_and_settings"),
        ("accounts", "0002_role_groups"),
        ("wagtailcore", "0098_apitoken"),
        ("wagtailadmin", "0006_formstate"),
        ("wagtailimages", "0027_image_description"),
        ("wagtaildocs", "0014_alter_document_file_size"),
    ]

    operations = [migrations.RunPython(grant, migrations.RunPython.noop)]
