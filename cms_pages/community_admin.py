"""Wagtail admin for testimonials, reviews and the newsletter."""
