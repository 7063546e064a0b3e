"""Wagtail admin: admins (superusers) create, edit, deactivate and search teachers; editors
manage the list of teacher specialties.

Teachers are never deleted (their bookings and history must stay); unticking "Active"
deactivates them. Editors and everyone else get no access to the teachers listing.
"""

from django.contrib.auth import get_user_model
from django.db.models import Count
from wagtail import hooks
from wagtail.admin.ui.tables import BooleanColumn, Column
from wagtail.admin.views import generic
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.log_actions import log
from wagtail.permission_policies.base import BasePermissionPolicy
from wagtail.permissions import register_permission_policy
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet

from site_config.spreadsheets import InertSpreadsheetExportMixin

from . import roles
from .admin_display import LocalTimeColumn, MoneyColumn
from .forms import TeacherCreateForm, TeacherEditForm
from .models import Specialty, Teacher
from .placement import admin as placement_admin  # noqa: F401 - registers the quiz snippets
from .services import create_teacher


class AdminsOnlyPermissionPolicy(BasePermissionPolicy):
    """Only active superusers may manage teachers, and nobody may delete one."""

    def user_has_permission(self, user, action):
        return roles.is_admin(user) and action != "delete"

    def users_with_any_permission(self, actions):
        if not set(actions) - {"delete"}:
            return get_user_model().objects.none()
        return get_user_model().objects.filter(is_superuser=True, is_active=True)


register_permission_policy(Teacher, AdminsOnlyPermissionPolicy(Teacher), exact_class=True)


class TeacherCreateView(generic.CreateView):
    def save_instance(self):
        user = create_teacher(
            email=self.form.cleaned_data["email"], profile_data=self.form.profile_data()
        )
        teacher = Teacher.objects.get(pk=user.pk)
        log(instance=teacher, action="wagtail.create", user=self.request.user)
        return teacher


class TeacherEditView(generic.EditView):
    def save_instance(self):
        teacher = self.form.save()
        log(instance=teacher, action="wagtail.edit", user=self.request.user)
        return teacher


class TeacherIndexView(InertSpreadsheetExportMixin, generic.IndexView):
    """The teachers listing; its CSV/XLSX exports are inert in spreadsheets."""


class TeacherViewSet(ModelViewSet):
    model = Teacher
    icon = "group"
    menu_label = "Teachers"
    menu_order = 250
    add_to_admin_menu = True
    index_view_class = TeacherIndexView
    add_view_class = TeacherCreateView
    edit_view_class = TeacherEditView
    inspect_view_enabled = False
    copy_view_enabled = False
    search_fields = ["email", "profile__display_name", "profile__slug", "profile__languages"]
    list_filter = ["is_active"]
    list_display = [
        "__str__",
        Column("slug", label="Public address", accessor="profile.slug"),
        "email",
        MoneyColumn(
            "profile.price_override_cents",
            label="Own lesson price",
            sort_key="profile__price_override_cents",
            empty="Site price",
        ),
        BooleanColumn("is_active", label="Active"),
        LocalTimeColumn("date_joined"),
    ]
    list_export = ["email", "profile.display_name", "profile.slug", "is_active", "date_joined"]

    def get_form_class(self, for_update=False):
        return TeacherEditForm if for_update else TeacherCreateForm


@hooks.register("register_admin_viewset")
def register_teacher_viewset():
    return TeacherViewSet("teachers")


class SpecialtyViewSet(SnippetViewSet):
    """Editors' list of teacher specialties (conversation, exam preparation, business…):
    teachers pick theirs, visitors filter /teachers/ by them."""

    model = Specialty
    icon = "tag"
    menu_label = "Teacher specialties"
    menu_order = 260
    add_to_admin_menu = True
    list_display = ["name", "slug", Column("teachers", label="Teachers", accessor="teacher_count")]
    search_fields = ["name", "description"]
    list_export = ["name", "slug", "description"]

    def get_queryset(self, request):
        return Specialty.objects.annotate(teacher_count=Count("profiles"))


register_snippet(SpecialtyViewSet)
