import pytest
from datetime import timedelta
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from booking.tests.test_pages import _add_bookings

def test_debug(client, available_teacher, student):
    client.force_login(student)
    _add_bookings(available_teacher, student, 5, timezone.now() + timedelta(days=3))
    client.get("/bookings/")
    with CaptureQueriesContext(connection) as q:
        client.get("/bookings/")
    for x in q.captured_queries: print(x["sql"][:200])
