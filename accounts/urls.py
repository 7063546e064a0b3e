from django.urls import path

from . import views

app_name = "accounts"

urlpatterns = [
    # /teachers/ (the search) is booking's: prices, free times and reviews are its rules.
    path("teachers/<slug:slug>/", views.teacher_detail, name="teacher_detail"),
    path("students/<slug:public_slug>/", views.student_detail, name="student_detail"),
    path("profile/", views.profile, name="profile"),
    path("profile/edit/", views.profile_edit, name="profile_edit"),
    path("profile/finish/", views.profile_finish, name="profile_finish"),
    path("profile/data/", views.data_export, name="data_export"),
    path("profile/delete/", views.account_delete, name="account_delete"),
    path("profile/timezone/", views.timezone_switch, name="timezone_switch"),
]
