from django.urls import path

from . import views

app_name = "accounts"

urlpatterns = [
    path("teachers/", views.teacher_list, name="teacher_list"),
    path("teachers/<slug:slug>/", views.teacher_detail, name="teacher_detail"),
    path("students/<slug:public_slug>/", views.student_detail, name="student_detail"),
    path("profile/", views.profile, name="profile"),
    path("profile/edit/", views.profile_edit, name="profile_edit"),
    path("profile/data/", views.data_export, name="data_export"),
    path("profile/delete/", views.account_delete, name="account_delete"),
    path("profile/timezone/", views.timezone_switch, name="timezone_switch"),
]
