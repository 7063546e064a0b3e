"""URLs of the community features (testimonials, reviews, newsletter)."""

urlpatterns = []
