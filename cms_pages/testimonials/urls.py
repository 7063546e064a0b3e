"""Testimonial URLs, included by cms_pages/urls.py: names are ``cms_pages:<name>``."""

from django.urls import path

from . import views

urlpatterns = [
    path("comments/", views.comment_list, name="comment_list"),
    path("comments/new/", views.comment_create, name="comment_create"),
]
