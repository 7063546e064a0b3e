"""Querysets compiled to SQL once per process, then run with each request's values.

Django turns a queryset into SQL on every evaluation. For a query with joins and
subqueries that costs more than running it (the logged-in user with profile and role
groups: ~0.9 ms to compile, ~0.3 ms in PostgreSQL), and the few queries that every
logged-in request runs pay it every time. ``CompiledQuery`` compiles such a query once
per thread and database connection, and on each call swaps in the new parameter values
and applies Django's own converters (``SQLCompiler.results_iter``), so rows come back as
``values_list()`` would give them.

``rows()`` gives a ``values_list()`` queryset's tuples; ``objects()`` a model queryset's
instances, with the objects its ``select_related()`` joins, built the way Django builds them
(``Model.from_db`` and Django's related populators). Only integer (primary keys) and aware datetime
parameters, which are bound as parameters and so can never change the SQL's shape: each
parameter is found in the compiled parameters by a marker value, which must appear
exactly once.
"""

import datetime
import threading

from django.db import connections
from django.db.models.query import get_related_populators

# Marker values no real primary key or moment collides with.
_MARKER_BASE = -7_305_019_000_000
_MARKER_MOMENT = datetime.datetime(1901, 2, 3, 4, 5, 6, 789_000, tzinfo=datetime.UTC)


class CompiledQuery:
    """``build(*markers)`` returns a ``values_list()`` queryset in which each parameter
    appears once; ``rows(*values)`` runs its SQL with ``values`` instead of the markers.

        user_row = CompiledQuery(lambda pk: User.objects.filter(pk=pk).values_list("email"))
        user_row.rows(42)  # [("a@b.c",)]
    """

    def __init__(self, build, *, kinds=None, using="default"):
        """``kinds``: the type of each parameter of ``build``, ``int`` (the default) or
        ``datetime.datetime``."""
        self._build = build
        self._kinds = tuple(kinds or (int,) * build.__code__.co_argcount)
        if any(kind not in (int, datetime.datetime) for kind in self._kinds):
            raise TypeError("CompiledQuery parameters are int or datetime.datetime")
        self._using = using
        self._local = threading.local()

    def _compiled(self, connection):
        compiled = getattr(self._local, "compiled", None)
        if compiled is None or compiled[0] is not connection:
            compiled = (connection, *self._compile(connection))
            self._local.compiled = compiled
        return compiled[1:]

    def _marker(self, index):
        if self._kinds[index] is int:
            return _MARKER_BASE - index
        return _MARKER_MOMENT + datetime.timedelta(seconds=index)

    def _compile(self, connection):
        markers = [self._marker(index) for index in range(len(self._kinds))]
        queryset = self._build(*markers).using(self._using)
        compiler = queryset.query.get_compiler(using=self._using)
        sql, params = compiler.as_sql()
        params = list(params)
        positions = []
        for marker, kind in zip(markers, self._kinds, strict=True):
            # A datetime reaches the parameters as the backend stores it (SQLite: a string).
            adapted = marker if kind is int else connection.ops.adapt_datetimefield_value(marker)
            found = [index for index, value in enumerate(params) if value == adapted]
            if len(found) != 1:
                raise ValueError(f"parameter marker {marker} appears {len(found)} times, not once")
            positions.append(found[0])
        return compiler, sql, params, positions

    def _bound(self, connection, kind, value):
        if kind is int:
            return int(value)
        if not isinstance(value, datetime.datetime) or value.tzinfo is None:
            raise ValueError(f"{value!r} is not an aware datetime")
        return connection.ops.adapt_datetimefield_value(value)

    def _run(self, values):
        connection = connections[self._using]
        compiler, sql, template, positions = self._compiled(connection)
        params = list(template)
        for position, kind, value in zip(positions, self._kinds, values, strict=True):
            params[position] = self._bound(connection, kind, value)
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            fetched = [row[: compiler.col_count] for row in cursor.fetchall()]
        return compiler, compiler.results_iter(results=[fetched])

    def rows(self, *values):
        """The rows for ``values`` (one per parameter of ``build``), as tuples."""
        _compiler, rows = self._run(values)
        return [tuple(row) for row in rows]

    def objects(self, *values):
        """The model instances for ``values``, with their ``select_related()`` objects and
        annotations, as iterating the queryset would give them (without the objects a
        related manager would attach: assign those, e.g. ``booking.student = student``)."""
        compiler, rows = self._run(values)
        model, start, end, fields, populators = self._model_plan(compiler)
        objects = []
        for row in rows:
            instance = model.from_db(self._using, fields, row[start:end])
            for populator in populators:
                populator.populate(row, instance)
            for name, position in compiler.annotation_col_map.items():
                setattr(instance, name, row[position])
            objects.append(instance)
        return objects

    def _model_plan(self, compiler):
        """Which columns make the main instance, and the populators of the joined ones
        (from the compiler's ``select`` and ``klass_info``, as Django's model iterable)."""
        plan = getattr(self._local, "plan", None)
        if plan is None or plan[0] is not compiler:
            info = compiler.klass_info
            start, end = info["select_fields"][0], info["select_fields"][-1] + 1
            fields = [column[0].target.attname for column in compiler.select[start:end]]
            populators = get_related_populators(info, compiler.select, self._using)
            plan = (compiler, info["model"], start, end, fields, populators)
            self._local.plan = plan
        return plan[1:]
