"""Notes and homework: after a held lesson its teacher writes notes and homework (a small
markup, ``booking.notes.markup``) with an optional attachment, and records the student's
levels; publishing tells the student by email (once). Only the student, their teachers and
admins read them (``booking.notes.rules``); attachments are served by a checked view.
The model is registered through ``booking.models``."""
