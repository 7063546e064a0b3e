"""Teachers' other calendars: ICS feeds (italki, Preply, Google Calendar's secret address)
whose busy times block Petit Talk slots.

- ``models``: ``ExternalCalendar`` (one feed and the result of its last fetch) and
  ``ExternalBusyTime`` (its busy intervals in UTC, within the booking horizon);
- ``fetching``: the HTTP side (URL rules, SSRF guard, timeouts, size limit, conditional
  requests); ``parsing``: ICS to busy intervals (recurrences, all-day events);
- ``services``: syncing one feed or every due feed (the ``sync_calendars`` command);
- ``views``/``forms``: the teacher's page at ``/teacher/calendars/``.
"""
