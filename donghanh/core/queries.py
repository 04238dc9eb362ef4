"""Reads whose SQL is compiled once per process, then run again with new values.

Building a queryset and compiling it to SQL costs Django more time than PostgreSQL takes to
answer a small indexed read (about 0.5 ms of Python against 0.1 ms for the follow-ups of one
case). A page that makes the same reads on every request, with only a key changing (the case
page's sections, by the case's id), compiles them once:

    follow_ups_of = CompiledRead(lambda case_id: FollowUp.objects.filter(case_id=case_id))
    follow_ups = follow_ups_of(case.pk)  # a list of FollowUp, as list(queryset) would give

The function receives stand-in values, one per argument, which must reach the SQL's
parameters unchanged (an id compared with `=`, not a list nor a value a lookup rewrites); the
SQL and what Django needs to turn its rows into instances (with their `select_related`
objects and annotations) are kept, and each call runs the SQL with the stand-ins replaced.
The queryset may not `prefetch_related` (read the related rows with a compiled read of their
own and attach them). Kept per thread and database connection, like Django's connections.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from django.db import connections
from django.db.models import Lookup, Model, QuerySet
from django.db.models.query import get_related_populators  # type: ignore[attr-defined]
from django.db.models.sql.compiler import SQLCompiler

M = TypeVar("M", bound=Model)

# Stand-ins for the arguments while compiling: integers no key ever takes, within the range
# of a 32-bit integer column (django-otp's devices, for one, have such keys: on PostgreSQL,
# Django answers a value out of a column's range with an empty result, never compiled).
_STAND_IN_BASE = -2_071_645_300


@dataclass(frozen=True)
class _Compiled:
    compiler: SQLCompiler
    sql: str
    params: tuple[Any, ...]
    # For each argument, the positions of the parameters it fills.
    slots: tuple[tuple[int, ...], ...]
    model: type[Model]
    init_list: list[str]
    start: int
    end: int
    related_populators: list[Any]
    annotation_col_map: dict[str, int]


class CompiledRead(Generic[M]):
    """A read built by `build(*keys)`, compiled once per thread and database."""

    def __init__(self, build: Callable[..., QuerySet[M]], *, using: str = "default") -> None:
        self._build = build
        self._using = using
        self._local = threading.local()

    def _compile(self, arity: int) -> _Compiled:
        stand_ins = [_STAND_IN_BASE - number for number in range(arity)]
        queryset = self._build(*stand_ins)
        internals: Any = queryset  # Django's own state of the queryset
        if internals._prefetch_related_lookups or internals._known_related_objects:
            raise ValueError("a compiled read may not prefetch related objects")
        if internals._iterable_class.__name__ != "ModelIterable":
            raise ValueError("a compiled read gives model instances (no values())")
        compiler = queryset.query.get_compiler(using=self._using)
        sql, params = compiler.as_sql()
        slots = tuple(
            tuple(position for position, value in enumerate(params) if value == stand_in)
            for stand_in in stand_ins
        )
        if not all(slots):
            raise ValueError("an argument does not reach the SQL's parameters unchanged")
        select, klass_info = compiler.select, compiler.klass_info
        if klass_info is None:
            raise ValueError("a compiled read selects a model's rows")
        fields = klass_info["select_fields"]
        start, end = fields[0], fields[-1] + 1
        return _Compiled(
            compiler=compiler,
            sql=sql,
            params=tuple(params),
            slots=slots,
            model=klass_info["model"],
            init_list=[column[0].target.attname for column in select[start:end]],
            start=start,
            end=end,
            related_populators=get_related_populators(klass_info, select, self._using),
            annotation_col_map=dict(compiler.annotation_col_map or {}),
        )

    def __call__(self, *keys: Any) -> list[M]:
        connection = connections[self._using]
        cache: dict[int, _Compiled] | None = getattr(self._local, "compiled", None)
        if cache is None:
            cache = self._local.compiled = {}
        # Per connection object: a new connection (another database in tests) compiles again.
        compiled = cache.get(id(connection))
        if compiled is None or compiled.compiler.connection is not connection:
            compiled = cache[id(connection)] = self._compile(len(keys))
        return self._run(compiled, keys)

    def _run(self, compiled: _Compiled, keys: Sequence[Any]) -> list[M]:
        params = list(compiled.params)
        for key, positions in zip(keys, compiled.slots, strict=True):
            for position in positions:
                params[position] = key
        with connections[self._using].cursor() as cursor:
            cursor.execute(compiled.sql, params)
            rows = cursor.fetchall()
        objects: list[M] = []
        for row in compiled.compiler.results_iter([rows]):
            obj = compiled.model.from_db(
                self._using, compiled.init_list, row[compiled.start : compiled.end]
            )
            for populator in compiled.related_populators:
                populator.populate(row, obj)
            for name, position in compiled.annotation_col_map.items():
                setattr(obj, name, row[position])
            objects.append(obj)  # type: ignore[arg-type]
        return objects


class CompiledRows:
    """A `values_list()` read compiled once per thread and database, as `CompiledRead` compiles
    a read of model instances: `build(*keys)` with stand-ins, then the SQL run again with the
    keys; a list of tuples, as `list(queryset)` gives them.

        workers_of = CompiledRows(lambda org_id: Membership.objects.filter(...).values_list(...))
    """

    def __init__(self, build: Callable[..., QuerySet[Any]], *, using: str = "default") -> None:
        self._build = build
        self._using = using
        self._local = threading.local()

    def _compile(self, arity: int) -> tuple[SQLCompiler, str, tuple[Any, ...], Any]:
        stand_ins = [_STAND_IN_BASE - number for number in range(arity)]
        queryset = self._build(*stand_ins)
        internals: Any = queryset  # Django's own state of the queryset
        if internals._iterable_class.__name__ != "ValuesListIterable":
            raise ValueError("compiled rows come from values_list() (not flat, not named)")
        if queryset.query.annotations or queryset.query.extra_select:
            raise ValueError("compiled rows select fields only (their order is the SQL's)")
        compiler = queryset.query.get_compiler(using=self._using)
        sql, params = compiler.as_sql()
        slots = tuple(
            tuple(position for position, value in enumerate(params) if value == stand_in)
            for stand_in in stand_ins
        )
        if not all(slots):
            raise ValueError("an argument does not reach the SQL's parameters unchanged")
        return compiler, sql, tuple(params), slots

    def __call__(self, *keys: Any) -> list[tuple[Any, ...]]:
        connection = connections[self._using]
        cache: dict[int, Any] | None = getattr(self._local, "compiled", None)
        if cache is None:
            cache = self._local.compiled = {}
        compiled = cache.get(id(connection))
        if compiled is None or compiled[0].connection is not connection:
            compiled = cache[id(connection)] = self._compile(len(keys))
        compiler, sql, template, slots = compiled
        params = list(template)
        for key, positions in zip(keys, slots, strict=True):
            for position in positions:
                params[position] = key
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            rows = cursor.fetchall()
        return list(compiler.results_iter([rows], tuple_expected=True))


class OneOf(Lookup):
    """A column equal to one of many values, given as they are stored (no conversion):
    `filter(OneOf(F("token_index"), digests))`.

    PostgreSQL receives the values as one parameter: texts without a comma as one string it
    splits (`= ANY(string_to_array(%s, ','))`, folded into a constant array while planning,
    so planned as the `IN` list it would make of them), other values as an array; other
    databases an `IN` list. A name search names a few hundred blind-index digests a word:
    through `__in`, Django prepares each value, compiles a placeholder for each, and the driver
    quotes each and splits a query too long to cache, on every request (a third of the
    search's CPU); as an array, the driver still quotes each.
    """

    lookup_name = "one_of"
    prepare_rhs = False

    def __init__(self, lhs: Any, rhs: Sequence[Any]) -> None:
        values = tuple(dict.fromkeys(value for value in rhs if value is not None))
        super().__init__(lhs, values)

    def as_sql(self, compiler: Any, connection: Any) -> tuple[str, list[Any]]:
        lhs, lhs_params = self.process_lhs(compiler, connection)
        sql, params = one_of_sql(lhs, self.rhs, connection)
        return sql, [*lhs_params, *params]


def one_of_sql(lhs: str, values: Sequence[Any], connection: Any) -> tuple[str, list[Any]]:
    """The SQL of `OneOf` for the column (or expression) written `lhs`, and its parameters."""
    if not values:
        return "1 = 0", []  # what an empty `IN` matches: nothing
    if connection.vendor == "postgresql":
        if all(isinstance(value, str) and "," not in value for value in values):
            return f"{lhs} = ANY(string_to_array(%s, ','))", [",".join(values)]
        return f"{lhs} = ANY(%s)", [list(values)]
    placeholders = ", ".join(["%s"] * len(values))
    return f"{lhs} IN ({placeholders})", list(values)
