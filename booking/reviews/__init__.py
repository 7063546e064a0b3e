"""Lesson reviews: a student rates a completed lesson once; editors moderate the reviews
before teacher pages show them. The model is registered through ``booking.models``."""
