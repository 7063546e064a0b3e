"""Lesson outcomes: after a lesson its teacher records what happened (held, student no-show,
teacher no-show, technical problem: rows of the status table ``booking.transitions``); a
student marked absent may dispute it within 48 hours and an admin decides; a student whose
lesson a technical problem spoiled chooses a refund or a free move. The dispute model is
registered through ``booking.models``."""
