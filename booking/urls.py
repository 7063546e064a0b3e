from django.urls import path

from . import series_views, views
from .calendars import views as calendar_views
from .finder import views as finder_views
from .notes import views as note_views
from .outcomes import views as outcome_views
from .reviews import views as review_views

app_name = "booking"

urlpatterns = [
    path("teachers/", finder_views.teacher_list, name="teacher_list"),
    path("book/", views.book, name="book"),
    path("book/series/", series_views.series, name="series"),
    path("bookings/", views.my_bookings, name="my_bookings"),
    path("bookings/series/<int:pk>/cancel/", series_views.cancel_series, name="cancel_series"),
    path("bookings/<int:pk>/cancel/", views.cancel, name="cancel"),
    path("bookings/<int:pk>/remove/", views.remove, name="remove"),
    path("bookings/<int:pk>/reschedule/", views.reschedule, name="reschedule"),
    path("bookings/<int:booking_id>/review/", review_views.review_create, name="review_create"),
    path("bookings/<int:pk>/notes/", note_views.lesson_notes, name="lesson_notes"),
    path(
        "bookings/<int:pk>/notes/attachment/",
        note_views.note_attachment,
        name="note_attachment",
    ),
    path("bookings/<int:pk>/dispute/", outcome_views.dispute, name="outcome_dispute"),
    path(
        "bookings/<int:pk>/technical-problem/",
        outcome_views.technical_problem,
        name="outcome_technical_problem",
    ),
    path("teacher/", views.teacher_dashboard, name="teacher_dashboard"),
    path("teacher/lessons/<int:pk>/notes/", note_views.note_edit, name="note_edit"),
    path(
        "teacher/students/<slug:public_slug>/",
        note_views.teacher_student,
        name="teacher_student",
    ),
    path("teacher/availability/", views.availability, name="availability"),
    path("teacher/calendars/", calendar_views.calendars, name="calendars"),
    path(
        "teacher/calendars/<int:pk>/refresh/",
        calendar_views.calendar_refresh,
        name="calendar_refresh",
    ),
    path(
        "teacher/calendars/<int:pk>/remove/", calendar_views.calendar_delete, name="calendar_delete"
    ),
    path("teacher/bookings/<int:pk>/confirm/", views.confirm, name="confirm"),
    path("teacher/bookings/<int:pk>/decline/", views.decline, name="decline"),
    path("teacher/bookings/<int:pk>/outcome/", outcome_views.record_outcome, name="outcome"),
    path("calendar/link/", views.calendar_token, name="calendar_token"),
    path("calendar/<str:token>.ics", views.calendar_feed, name="calendar_feed"),
]
