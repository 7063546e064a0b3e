"""Newsletter URLs, included by cms_pages/urls.py: names are ``cms_pages:<name>``."""

from django.urls import path

from . import views

urlpatterns = [
    path("newsletter/subscribe/", views.newsletter_subscribe, name="newsletter_subscribe"),
    path("newsletter/thanks/", views.newsletter_thanks, name="newsletter_thanks"),
    path("newsletter/confirm/<str:token>/", views.newsletter_confirm, name="newsletter_confirm"),
    path(
        "newsletter/unsubscribe/<str:token>/",
        views.newsletter_unsubscribe,
        name="newsletter_unsubscribe",
    ),
]
