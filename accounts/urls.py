from django.urls import path

from . import views
from .placement import views as placement_views
from .progress import views as progress_views

app_name = "accounts"

urlpatterns = [
    # /teachers/ (the search) is booking's: prices, free times and reviews are its rules.
    path("teachers/<slug:slug>/", views.teacher_detail, name="teacher_detail"),
    path("students/<slug:public_slug>/", views.student_detail, name="student_detail"),
    path("profile/", views.profile, name="profile"),
    path("profile/edit/", views.profile_edit, name="profile_edit"),
    path("profile/finish/", views.profile_finish, name="profile_finish"),
    path("profile/progress/", progress_views.progress, name="progress"),
    path("profile/placement/", placement_views.quiz, name="placement_quiz"),
    path("profile/placement/<int:pk>/", placement_views.result, name="placement_result"),
    path("profile/placement/<int:pk>/accept/", placement_views.accept, name="placement_accept"),
    path("profile/data/", views.data_export, name="data_export"),
    path("profile/delete/", views.account_delete, name="account_delete"),
    path("profile/timezone/", views.timezone_switch, name="timezone_switch"),
]
