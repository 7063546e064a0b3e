"""URLs of the community features (testimonials, reviews, newsletter).

Included without a namespace of its own by cms_pages/urls.py, so names are "cms_pages:<name>".
"""

from django.urls import path

from . import community_views as views

urlpatterns = [
    path("comments/", views.comment_list, name="comment_list"),
    path("comments/new/", views.comment_create, name="comment_create"),
    path("bookings/<int:booking_id>/review/", views.review_create, name="review_create"),
    path("newsletter/subscribe/", views.newsletter_subscribe, name="newsletter_subscribe"),
    path("newsletter/thanks/", views.newsletter_thanks, name="newsletter_thanks"),
    path("newsletter/confirm/<str:token>/", views.newsletter_confirm, name="newsletter_confirm"),
    path(
        "newsletter/unsubscribe/<str:token>/",
        views.newsletter_unsubscribe,
        name="newsletter_unsubscribe",
    ),
]
