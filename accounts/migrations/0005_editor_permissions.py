"""Editors' permissions, granted by the one function that owns them (accounts.roles)."""

from django.db import migrations

from accounts.roles import grant_editor_permissions


def grant(apps, schema_editor):
    grant_editor_permissions(apps)


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0004_profile_public_slug"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("cms_pages", "0006_campaign_failed_status"),
        ("commerce", "0002_order_paying_needs_attention_offer_claims"),
        ("wagtailcore", "0098_apitoken"),
        ("wagtailadmin", "0006_formstate"),
        ("wagtailimages", "0027_image_description"),
        ("wagtaildocs", "0014_alter_document_file_size"),
    ]

    operations = [migrations.RunPython(grant, migrations.RunPython.noop)]
