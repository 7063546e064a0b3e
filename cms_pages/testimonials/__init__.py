"""Testimonials: logged-in users write about Petit Talk; editors approve them before the home
page block and ``/comments/`` show them. Models are registered through ``cms_pages.models``."""
