from django.urls import include, path

app_name = "cms_pages"

# The marketing features' public pages; their names are "cms_pages:<name>".
urlpatterns = [
    path("", include("cms_pages.testimonials.urls")),
    path("", include("cms_pages.newsletter.urls")),
]
