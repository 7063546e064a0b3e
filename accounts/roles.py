"""Roles are Django groups (students, teachers, editors); superusers are the admins.

These helpers are the one place that answers "what may this user do?"; views, templates and
other apps ask them instead of looking at groups directly.
"""

from django.db.models import Exists, OuterRef

STUDENTS = "Students"
TEACHERS = "Teachers"
EDITORS = "Editors"
ALL_GROUPS = (STUDENTS, TEACHERS, EDITORS)

# The annotations ``with_role_groups`` adds: one boolean per role group.
_MEMBER_OF = {name: f"is_member_of_{name.lower()}" for name in ALL_GROUPS}


def with_role_groups(users):
    """``users`` (a queryset of the user model) annotated with their membership of each role
    group, in the same query (``EXISTS`` subqueries), so the role checks below cost no query
    for a user loaded this way (the logged-in user of every request: accounts.backends)."""
    memberships = users.model.groups.through.objects.filter(user_id=OuterRef("pk"))
    return users.annotate(
        **{
            annotation: Exists(memberships.filter(group__name=name))
            for name, annotation in _MEMBER_OF.items()
        }
    )


def _group_names(user):
    """The role groups ``user`` is in, read once per user object."""
    if not getattr(user, "is_authenticated", False):
        return frozenset()
    cached = getattr(user, "_role_group_names", None)
    if cached is None:
        if all(hasattr(user, annotation) for annotation in _MEMBER_OF.values()):
            cached = frozenset(
                name for name, annotation in _MEMBER_OF.items() if getattr(user, annotation)
            )
        else:
            cached = frozenset(user.groups.values_list("name", flat=True))
        user._role_group_names = cached
    return cached


def is_admin(user):
    return bool(getattr(user, "is_authenticated", False) and user.is_superuser and user.is_active)


def is_student(user):
    return STUDENTS in _group_names(user)


def is_teacher(user):
    return TEACHERS in _group_names(user)


def is_editor(user):
    return EDITORS in _group_names(user) or is_admin(user)


def role_of(user):
    """The single role that decides navigation: admin > editor > teacher > student > visitor."""
    if not getattr(user, "is_authenticated", False):
        return "visitor"
    if is_admin(user):
        return "admin"
    if EDITORS in _group_names(user):
        return "editor"
    if is_teacher(user):
        return "teacher"
    if is_student(user):
        return "student"
    return "member"


def add_to_group(user, group_name):
    from django.contrib.auth.models import Group

    group, _ = Group.objects.get_or_create(name=group_name)
    user.groups.add(group)
    user._role_group_names = None
    for annotation in _MEMBER_OF.values():  # stale now: the next check asks the database
        user.__dict__.pop(annotation, None)


# What editors may do in the Wagtail admin, in one table. Bookings, orders and teachers are
# absent on purpose: those are the admins' (superusers').
EDITOR_PAGE_PERMISSIONS = ("add_page", "change_page", "publish_page", "lock_page", "unlock_page")
EDITOR_COLLECTION_PERMISSIONS = {
    ("wagtailimages", "image"): ("add_image", "change_image", "choose_image"),
    ("wagtaildocs", "document"): ("add_document", "change_document", "choose_document"),
}
ALL_ACTIONS = ("add", "change", "delete", "view")
EDITOR_MODEL_PERMISSIONS = {
    ("wagtailadmin", "admin"): ("access",),
    ("commerce", "offer"): ALL_ACTIONS,
    ("commerce", "pack"): ALL_ACTIONS,
    ("accounts", "specialty"): ALL_ACTIONS,
    ("accounts", "placementquestion"): ALL_ACTIONS,
    ("cms_pages", "comment"): ALL_ACTIONS,
    ("booking", "lessonreview"): ALL_ACTIONS,
    ("cms_pages", "subscriber"): ALL_ACTIONS,
    ("cms_pages", "campaign"): ALL_ACTIONS,
    ("cms_pages", "campaigndelivery"): ("view",),
}


def grant_editor_permissions(apps):
    """Give the Editors group everything in the tables above: enter the admin; add, edit and
    publish every page; manage images and documents in every collection; edit offers,
    teacher specialties, placement questions, testimonials, reviews, subscribers and campaigns.

    The one place editors get permissions, run by the data migration (historical ``apps``)
    and by ``load_demo`` (``django.apps.apps``; a flushed database has lost what the
    migration made). Idempotent; permissions and content types are created when missing,
    because ``migrate`` makes them only after the last migration.
    """
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
    group.permissions.add(
        *(
            permission(app_label, model, f"{action}_{model}")
            for (app_label, model), actions in EDITOR_MODEL_PERMISSIONS.items()
            for action in actions
        )
    )
    root_page = Page.objects.filter(depth=1).order_by("path").first()
    if root_page is not None:
        for codename in EDITOR_PAGE_PERMISSIONS:
            GroupPagePermission.objects.get_or_create(
                group=group, page=root_page, permission=permission("wagtailcore", "page", codename)
            )
    root_collection = Collection.objects.filter(depth=1).order_by("path").first()
    if root_collection is not None:
        for (app_label, model), codenames in EDITOR_COLLECTION_PERMISSIONS.items():
            for codename in codenames:
                GroupCollectionPermission.objects.get_or_create(
                    group=group,
                    collection=root_collection,
                    permission=permission(app_label, model, codename),
                )
