from django.urls import include, path

app_name = "cms_pages"

urlpatterns = [
    path("", include("cms_pages.community_urls")),
]
