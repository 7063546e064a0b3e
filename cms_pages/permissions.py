"""What the Editors group may do in the Wagtail admin.

Called by a data migration (with historical models) and by the demo loader (the browser tests
flush the database, which removes what migrations created). Apps that add snippets grant their
own snippet permissions to the same group.
"""

EDITORS = "Editors"
PAGE_PERMISSIONS = ("add_page", "change_page", "publish_page", "lock_page", "unlock_page")
IMAGE_PERMISSIONS = ("add_image", "change_image", "choose_image")
DOCUMENT_PERMISSIONS = ("add_document", "change_document", "choose_document")


def grant_editor_permissions(apps):
    """Editors may enter the admin, add/edit/publish every page and manage images and
    documents in every collection. Idempotent."""
    ContentType = apps.get_model("contenttypes", "ContentType")
    Permission = apps.get_model("auth", "Permission")
    Group = apps.get_model("auth", "Group")
    Page = apps.get_model("wagtailcore", "Page")
    Collection = apps.get_model("wagtailcore", "Collection")
    GroupPagePermission = apps.get_model("wagtailcore", "GroupPagePermission")
    GroupCollectionPermission = apps.get_model("wagtailcore", "GroupCollectionPermission")

    def permission(app_label, model, codename):
        content_type, _ = ContentType.objects.get_or_create(app_label=app_label, model=model)
        action = codename.split("_", 1)[0]
        perm, _ = Permission.objects.get_or_create(
            content_type=content_type,
            codename=codename,
            defaults={"name": f"Can {action} {model}"},
        )
        return perm

    group, _ = Group.objects.get_or_create(name=EDITORS)
    group.permissions.add(permission("wagtailadmin", "admin", "access_admin"))

    root_page = Page.objects.filter(depth=1).order_by("path").first()
    if root_page is not None:
        for codename in PAGE_PERMISSIONS:
            GroupPagePermission.objects.get_or_create(
                group=group, page=root_page, permission=permission("wagtailcore", "page", codename)
            )

    root_collection = Collection.objects.filter(depth=1).order_by("path").first()
    if root_collection is not None:
        for app_label, model, codenames in (
            ("wagtailimages", "image", IMAGE_PERMISSIONS),
            ("wagtaildocs", "document", DOCUMENT_PERMISSIONS),
        ):
            for codename in codenames:
                GroupCollectionPermission.objects.get_or_create(
                    group=group,
                    collection=root_collection,
                    permission=permission(app_label, model, codename),
                )
