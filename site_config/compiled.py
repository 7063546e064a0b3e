"""Querysets compiled to SQL once per process, then run with each request's values.

Django turns a queryset into SQL on every evaluation. For a query with joins and
subqueries that costs more than running it (the logged-in user with profile and role
groups: ~0.9 ms to compile, ~0.3 ms in PostgreSQL), and the few queries that every
logged-in request runs pay it every time. ``CompiledQuery`` compiles such a query once
per thread and database connection, and on each call swaps in the new parameter values
and applies Django's own converters (``SQLCompiler.results_iter``), so rows come back as
``values_list()`` would give them.

Only ``values_list()`` querysets, and only parameters that reach the SQL unchanged
(integers, the primary keys these queries are about), so a value can never change the
SQL's shape: each parameter is found in the compiled parameters by a marker value, which
must appear exactly once.
"""

import threading

from django.db import connections

# Marker values: negative and huge, so no real primary key or count collides with them.
_MARKER_BASE = -7_305_019_000_000


class CompiledQuery:
    """``build(*markers)`` returns a ``values_list()`` queryset in which each parameter
    appears once; ``rows(*values)`` runs its SQL with ``values`` instead of the markers.

        user_row = CompiledQuery(lambda pk: User.objects.filter(pk=pk).values_list("email"))
        user_row.rows(42)  # [("a@b.c",)]
    """

    def __init__(self, build, *, using="default"):
        self._build = build
        self._using = using
        self._local = threading.local()

    def _compiled(self, connection):
        compiled = getattr(self._local, "compiled", None)
        if compiled is None or compiled[0] is not connection:
            compiled = (connection, *self._compile())
            self._local.compiled = compiled
        return compiled[1:]

    def _compile(self):
        count = self._build.__code__.co_argcount
        markers = [_MARKER_BASE - index for index in range(count)]
        queryset = self._build(*markers).using(self._using)
        compiler = queryset.query.get_compiler(using=self._using)
        sql, params = compiler.as_sql()
        params = list(params)
        positions = []
        for marker in markers:
            found = [index for index, value in enumerate(params) if value == marker]
            if len(found) != 1:
                raise ValueError(f"parameter marker {marker} appears {len(found)} times, not once")
            positions.append(found[0])
        return compiler, sql, params, positions

    def rows(self, *values):
        """The rows for ``values`` (one per parameter of ``build``), as tuples."""
        connection = connections[self._using]
        compiler, sql, template, positions = self._compiled(connection)
        params = list(template)
        for position, value in zip(positions, values, strict=True):
            params[position] = int(value)
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            fetched = [row[: compiler.col_count] for row in cursor.fetchall()]
        return [tuple(row) for row in compiler.results_iter(results=[fetched])]
