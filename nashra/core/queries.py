"""ORM queries whose SQL is built once and run again with other values.

Building a query's SQL from a QuerySet (filters, joins of an inherited model, the compiler's
select list) costs more than running it. Django has no prepared querysets, so `Precompiled`
keeps what the ORM built — the SQL, which parameter is which, the columns' attribute names
and converters — on each database connection (connections are per thread), and turns each
row into a model instance exactly as a QuerySet would (`Model.from_db`).

What it saves (issue 18, measured against `list(queryset)` on the same queries, median CPU
time per call on 2 shared cores, Django 5.2 / Wagtail 8.0): the story lookup of every story
render 0.77 ms on PostgreSQL and SQLite alike; the six queries of a story's first render
(lookup, byline, tags, related list, comment thread and switch) 2.7 ms on PostgreSQL, 2.1 ms
on SQLite — and an uncached render in production is a first render (the page cache serves
the rest). Over a millisecond a render, so it stays (STYLE.md, habit 14).

This is the one module that drives Django's compiler internals: `Query.get_compiler`,
`SQLCompiler.as_sql`/`select`/`klass_info`/`has_extra_select`/`get_converters`/
`apply_converters` and `QuerySet._iterable_class`, all read in `_compile` below. Other modules
use `Precompiled(...)` and its `fetch()` only. nashra/core/tests/test_framework_internals.py
checks each internal on a real query and pins the Django and Wagtail versions: an upgrade
that changes one fails there, by name, before a reader's page does.

Only for plain lookups whose values appear as query parameters unchanged (`exact` filters on
columns); anything else raises at the first build rather than running wrong SQL. A QuerySet
of model rows gives model instances (no joined models); a `values_list()` one gives tuples.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, NamedTuple

from django.db import connections, router
from django.db.models import Model, QuerySet
from django.db.models.query import ModelIterable

# Stand-ins no real lookup would use: each names the argument whose value takes its place.
_MARK_PREFIX = "\x00nashra-precompiled:"


class _Plan(NamedTuple):
    sql: str
    order: list[str]  # the argument behind each SQL parameter, in order
    attnames: list[str] | None  # the model's attribute of each column; None: plain rows
    converters: dict  # the compiler's, by column position
    compiler: Any  # applies the converters with its connection


class Precompiled:
    """`build(**stand_ins)` returns the QuerySet; `fetch(**values)` runs its SQL with `values`.

    Every argument of `build` must be a keyword; strings and integers are supported.
    """

    def __init__(self, name: str, model: type[Model], build: Callable[..., QuerySet],
                 **kinds: type):
        self.model, self.build, self.kinds = model, build, kinds
        self._attr = f"_nashra_precompiled_{name}"

    def fetch(self, **values) -> list:
        """The rows the QuerySet would give for `values`: model instances, or tuples."""
        db = router.db_for_read(self.model)
        plan = self._plan(db)
        with connections[db].cursor() as cursor:
            cursor.execute(plan.sql, [values[arg] for arg in plan.order])
            rows = cursor.fetchall()
        if plan.converters:
            rows = plan.compiler.apply_converters(rows, plan.converters)
        if plan.attnames is None:
            return [tuple(row) for row in rows]
        return [self.model.from_db(db, plan.attnames, tuple(row)) for row in rows]

    def _plan(self, db: str) -> _Plan:
        # Kept on the connection object: one per thread and database, as the SQL's dialect is.
        connection = connections[db]
        plan = connection.__dict__.get(self._attr)
        if plan is None:
            plan = connection.__dict__[self._attr] = self._compile(db)
        return plan

    def _stand_ins(self) -> dict[str, Any]:
        marks = {}
        for n, (arg, kind) in enumerate(sorted(self.kinds.items())):
            marks[arg] = f"{_MARK_PREFIX}{arg}" if kind is str else 7_340_033 + n
        return marks

    def _compile(self, db: str) -> _Plan:
        """The SQL and row recipe the ORM builds for the QuerySet. Every Django internal this
        module relies on is read here (and checked by test_framework_internals)."""
        marks = self._stand_ins()
        queryset = self.build(**marks)
        compiler = queryset.query.get_compiler(using=db)
        sql, params = compiler.as_sql()
        by_mark = {mark: arg for arg, mark in marks.items()}
        order = []
        for param in params:
            if isinstance(param, bool) or param not in by_mark:
                raise ValueError(f"{self._attr}: parameter {param!r} is not a stand-in")
            order.append(by_mark[param])
        # as_sql() has filled in the select list and klass_info.
        klass_info, select = compiler.klass_info, compiler.select
        if compiler.has_extra_select:
            raise ValueError(f"{self._attr}: extra columns are not supported")
        if queryset._iterable_class is not ModelIterable:  # values_list(): plain rows
            attnames = None
        else:
            if klass_info["model"] is not self.model:
                raise ValueError(f"{self._attr}: only {self.model.__name__} rows")
            fields = klass_info["select_fields"]
            if fields[0] != 0 or fields[-1] + 1 != len(select):
                raise ValueError(f"{self._attr}: joined columns are not supported")
            attnames = [column[0].target.attname for column in select]
        converters = compiler.get_converters([column[0] for column in select])
        return _Plan(sql, order, attnames, converters, compiler)
