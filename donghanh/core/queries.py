"""Reads whose SQL is compiled once per process, then run again with new values.

Building a queryset and compiling it to SQL costs Django more time than PostgreSQL takes to
answer a small indexed read (about 0.5 ms of Python against 0.1 ms for the follow-ups of one
case). A page that makes the same reads on every request, with only a key changing (the case
page's sections, by the case's id), compiles them once:

    follow_ups_of = CompiledRead(lambda case_id: FollowUp.objects.filter(case_id=case_id))
    follow_ups = follow_ups_of(case.pk)  # a list of FollowUp, as list(queryset) would give

The function receives stand-in values, one per argument, which must reach the SQL's
parameters unchanged (an id compared with `=`, a code compared with `=`, a date compared with
`<`; not a list nor a value a lookup rewrites); the SQL and what Django needs to turn its rows
into instances (with their `select_related` objects and annotations) are kept, and each call
runs the SQL with the stand-ins replaced. Arguments are integers, strings or dates; an argument
that is None or a boolean is not replaced but given as it is, and the read is compiled once for
each of its values (a filter present or left out). The queryset may not `prefetch_related`
(read the related rows with a compiled read of their own and attach them). Kept per thread and
database connection, like Django's connections.

A list shown page by page (a caseload) is read with `listing`: its count, capped, and each page
(`LIMIT`/`OFFSET` as parameters) are compiled once, as the list is.

    cases = caseload_of.listing(organisation_id, status, cap=10_000)  # for a Paginator

Several compiled reads of one page, by the same keys, run as one statement with `ReadBundle`
(each read's rows in a `UNION ALL` branch of their own, padded to one width), which gives each
read's list as if it had run alone: one round trip and one statement to bind instead of one
per read.

    page_reads = ReadBundle({"follow_ups": follow_ups_of, "stays": stays_of})
    rows = page_reads(case_id=case.pk)  # {"follow_ups": [...], "stays": [...]}

In a bundle the reads' arguments are named: each read receives the keys its function names.
"""

from __future__ import annotations

import datetime
import inspect
import json
import threading
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from django.db import connections
from django.db.models import Lookup, Model, QuerySet
from django.db.models.expressions import RawSQL
from django.db.models.query import get_related_populators  # type: ignore[attr-defined]
from django.db.models.sql.compiler import SQLCompiler

M = TypeVar("M", bound=Model)

# Stand-ins for the arguments while compiling: integers no key ever takes (within the range of
# a 32-bit integer column: django-otp's devices, for one, have such keys, and on PostgreSQL
# Django answers a value out of a column's range with an empty result, never compiled), texts
# no code is.
_STAND_IN_BASE = -2_071_645_300
_STAND_IN_TEXT = "\x1fstand-in\x1f"


# Dates no record holds (a year in which no person was born and no case was opened).
_STAND_IN_DATE = datetime.date(1001, 1, 1)


def _stand_in(position: int, sample: Any) -> Any:
    """The stand-in of the argument at `position`, of the type of the value it stands for; a
    None or a boolean stands for itself (it is part of the read's shape)."""
    if sample is None or isinstance(sample, bool):
        return sample
    if isinstance(sample, int):
        return _STAND_IN_BASE - position
    if isinstance(sample, str):
        return f"{_STAND_IN_TEXT}{position}"
    if isinstance(sample, datetime.date) and not isinstance(sample, datetime.datetime):
        return _STAND_IN_DATE + datetime.timedelta(days=position)
    raise TypeError("a compiled read's arguments are integers, strings, dates, None or booleans")


def _replaced(stand_in: Any) -> bool:
    """Whether the argument's stand-in is replaced in the parameters (not part of the shape)."""
    return not (stand_in is None or isinstance(stand_in, bool))


def _is_stand_in(value: Any, stand_in: Any) -> bool:
    """Whether a parameter is the stand-in (a date may reach it as text: SQLite's)."""
    if isinstance(stand_in, datetime.date):
        return value == stand_in or value == stand_in.isoformat()
    return bool(value == stand_in)


@dataclass(frozen=True)
class _Compiled:
    compiler: SQLCompiler
    sql: str
    params: tuple[Any, ...]
    # For each argument, the positions of the parameters it fills.
    slots: tuple[tuple[int, ...], ...]
    # How many columns the SQL selects.
    width: int
    model: type[Model]
    init_list: list[str]
    start: int
    end: int
    related_populators: list[Any]
    annotation_col_map: dict[str, int]
    converters: dict[int, Any]

    def instances(self, using: str, rows: Iterable[Sequence[Any]]) -> list[Any]:
        """The model instances of `rows` (this SQL's columns), as Django's iterator makes them."""
        converted: Iterable[Sequence[Any]] = rows
        if self.converters:
            converted = self.compiler.apply_converters(rows, self.converters)
        objects = []
        for row in converted:
            obj = self.model.from_db(using, self.init_list, row[self.start : self.end])
            for populator in self.related_populators:
                populator.populate(row, obj)
            for name, position in self.annotation_col_map.items():
                setattr(obj, name, row[position])
            objects.append(obj)
        return objects


def _sql_with_slots(
    queryset: QuerySet[Any], stand_ins: Sequence[Any], using: str
) -> tuple[SQLCompiler, str, list[Any], tuple[tuple[int, ...], ...]]:
    """The queryset's compiler, SQL and parameters, and for each argument the positions of the
    parameters its stand-in fills."""
    compiler = queryset.query.get_compiler(using=using)
    sql, params = compiler.as_sql()
    slots = tuple(
        tuple(position for position, value in enumerate(params) if _is_stand_in(value, stand_in))
        if _replaced(stand_in)
        else ()
        for stand_in in stand_ins
    )
    pairs = zip(slots, stand_ins, strict=True)
    if not all(slot or not _replaced(stand_in) for slot, stand_in in pairs):
        raise ValueError("an argument does not reach the SQL's parameters unchanged")
    return compiler, sql, list(params), slots


def _compiled(queryset: QuerySet[Any], stand_ins: Sequence[Any], using: str) -> _Compiled:
    internals: Any = queryset  # Django's own state of the queryset
    if internals._prefetch_related_lookups or internals._known_related_objects:
        raise ValueError("a compiled read may not prefetch related objects")
    if internals._iterable_class.__name__ != "ModelIterable":
        raise ValueError("a compiled read gives model instances (no values())")
    if queryset.query.distinct:
        raise ValueError("a compiled read is not distinct")
    compiler, sql, params, slots = _sql_with_slots(queryset, stand_ins, using)
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
        width=len(select),
        model=klass_info["model"],
        init_list=[column[0].target.attname for column in select[start:end]],
        start=start,
        end=end,
        related_populators=get_related_populators(klass_info, select, using),
        annotation_col_map=dict(compiler.annotation_col_map or {}),
        converters=compiler.get_converters([column[0] for column in select]),
    )


# The fields whose values share a column of a bundle: integers, texts; any other type shares
# only with its own kind (dates with dates, times of day with times of day...).
_INTEGERS = frozenset(
    {
        "AutoField",
        "BigAutoField",
        "SmallAutoField",
        "IntegerField",
        "BigIntegerField",
        "SmallIntegerField",
        "PositiveIntegerField",
        "PositiveBigIntegerField",
        "PositiveSmallIntegerField",
    }
)
_TEXTS = frozenset({"CharField", "TextField", "SlugField", "EmailField", "URLField"})


def _column_kinds(compiled: _Compiled, connection: Any) -> list[tuple[str, str] | None]:
    """Each column's kind and the type a cast names it by, None for a column of no field."""
    kinds: list[tuple[str, str] | None] = []
    for column in compiled.compiler.select:
        field = getattr(column[0], "output_field", None)
        while field is not None and getattr(field, "is_relation", False):
            field = field.target_field
        internal = field.get_internal_type() if field is not None else None
        if internal is None:
            kinds.append(None)
        elif internal in _INTEGERS:
            kinds.append(("integer", "bigint"))
        elif internal in _TEXTS:
            kinds.append(("text", "text"))
        else:
            cast = field.cast_db_type(connection)  # type: ignore[union-attr]
            kinds.append((f"{internal} {cast}", cast) if cast else None)
    return kinds


def every_field(model: type[Model]) -> list[str]:
    """The names of all the model's own columns, for an `only()` that keeps them whole and
    takes a few of a related model's (`only(*every_field(Action), "owner__full_name")`):
    the page reads a user's name, not their whole account."""
    return [field.name for field in model._meta.concrete_fields]


def _filled(params: Sequence[Any], slots: Sequence[Sequence[int]], keys: Sequence[Any]) -> list:
    filled = list(params)
    for key, positions in zip(keys, slots, strict=True):
        for position in positions:
            # A date the SQL was given as text (SQLite's) is given as text again.
            as_text = isinstance(key, datetime.date) and isinstance(params[position], str)
            filled[position] = key.isoformat() if as_text else key
    return filled


def _signature(keys: Sequence[Any]) -> tuple[Any, ...]:
    """What a read is compiled once for: its arguments' types, and the values of the arguments
    that are part of its shape (None, booleans)."""
    return tuple(key if key is None or isinstance(key, bool) else type(key) for key in keys)


class CompiledRead(Generic[M]):
    """A read built by `build(*keys)`, compiled once per thread and database."""

    def __init__(self, build: Callable[..., QuerySet[M]], *, using: str = "default") -> None:
        self._build = build
        self._using = using
        self._local = threading.local()
        # The names of the arguments, by which a `ReadBundle` gives them.
        self.keys: tuple[str, ...] = tuple(inspect.signature(build).parameters)

    @property
    def using(self) -> str:
        """The alias of the database the read reads."""
        return self._using

    def _compile(self, stand_ins: Sequence[Any]) -> _Compiled:
        return _compiled(self._build(*stand_ins), stand_ins, self._using)

    def _cached(self, name: str, keys: Sequence[Any], compile: Callable[[list[Any]], Any]) -> Any:
        """What `compile` makes of the keys' stand-ins, kept per thread, connection and shape."""
        connection = connections[self._using]
        cache: dict[tuple[Any, ...], Any] | None = getattr(self._local, "compiled", None)
        if cache is None:
            cache = self._local.compiled = {}
        # Per connection object: a new connection (another database in tests) compiles again.
        signature = (name, id(connection), *_signature(keys))
        compiled = cache.get(signature)
        if compiled is None or compiled[0] is not connection:
            stand_ins = [_stand_in(position, key) for position, key in enumerate(keys)]
            compiled = cache[signature] = (connection, compile(stand_ins))
        return compiled[1]

    def _run(self, sql: str, params: Sequence[Any]) -> list[tuple[Any, ...]]:
        with connections[self._using].cursor() as cursor:
            cursor.execute(sql, params)
            return cursor.fetchall()

    def __call__(self, *keys: Any) -> list[M]:
        compiled: _Compiled = self._cached("rows", keys, self._compile)
        params = _filled(compiled.params, compiled.slots, keys)
        return compiled.instances(self._using, self._run(compiled.sql, params))

    def _page(self, keys: Sequence[Any], offset: int, limit: int) -> list[M]:
        """A page of the rows: the page's keys chosen first, in the read's order, from the
        read's own table alone (`LIMIT`/`OFFSET` as parameters), then only those rows read
        with their joins, in one statement. Read whole and then cut, every row in the
        read (a case worker's hundreds of cases) was joined to its person and team first."""

        def compile(stand_ins: list[Any]) -> _Compiled:
            bounds = [_stand_in(len(stand_ins) + index, 0) for index in range(2)]
            ordered = self._build(*stand_ins).select_related(None).values("pk")
            inner_sql, inner_params = ordered.query.get_compiler(using=self._using).as_sql()
            # Django's own SQL for the keys, cut as its slicing would cut it; every value is a
            # parameter.
            page_keys = RawSQL(  # noqa: S611
                f"SELECT page.pk FROM ({inner_sql} LIMIT %s OFFSET %s) page",  # noqa: S608
                (*inner_params, *bounds),
            )
            return _compiled(
                self._build(*stand_ins).filter(pk__in=page_keys), [*stand_ins, *bounds], self._using
            )

        compiled: _Compiled = self._cached("page", keys, compile)
        params = _filled(compiled.params, compiled.slots, [*keys, limit, offset])
        return compiled.instances(self._using, self._run(compiled.sql, params))

    def _keys_only(self, keys: Sequence[Any]) -> tuple[str, list[Any]]:
        """The SQL of the read's keys alone, unordered, without the joins the rows need, and
        its parameters for `keys`: what a count counts and what PostgreSQL estimates."""

        def compile(stand_ins: list[Any]) -> tuple[str, list[Any], tuple[tuple[int, ...], ...]]:
            keys_only = self._build(*stand_ins).order_by().select_related(None).values("pk")
            _compiler, sql, params, slots = _sql_with_slots(keys_only, stand_ins, self._using)
            return sql, params, slots

        sql, params, slots = self._cached("count", keys, compile)
        return sql, _filled(params, slots, keys)

    def _count(self, keys: Sequence[Any], cap: int | None) -> int:
        """How many rows the read gives (at most `cap` + 1 when capped)."""
        sql, filled = self._keys_only(keys)
        if cap is not None:
            sql, filled = f"{sql} LIMIT %s", [*filled, cap + 1]
        # Django's own SQL inside a count: nothing typed in it.
        return int(self._run(f"SELECT COUNT(*) FROM ({sql}) counted", filled)[0][0])  # noqa: S608

    def ordered_sql(self, keys: Sequence[Any], columns: Sequence[str]) -> tuple[str, list[Any]]:
        """The SQL of the read's `columns` (of its own table, no join), in the read's order,
        with its parameters for `keys`: its last two are the `LIMIT` and `OFFSET`, for the
        caller to fill. Compiled once per shape, for a query that reads the rows a step at a
        time and computes more of each than the read says."""

        def compile(stand_ins: list[Any]) -> tuple[str, list[Any], tuple[tuple[int, ...], ...]]:
            ordered = self._build(*stand_ins).select_related(None).values(*columns)
            _compiler, sql, params, slots = _sql_with_slots(ordered, stand_ins, self._using)
            return f"{sql} LIMIT %s OFFSET %s", [*params, 0, 0], slots

        sql, params, slots = self._cached(f"ordered:{','.join(columns)}", keys, compile)
        return sql, _filled(params, slots, keys)

    def estimate(self, keys: Sequence[Any]) -> int | None:
        """PostgreSQL's estimate of how many rows the read gives, from its plan (None on
        other databases): for a number said "about", where counting would cost more."""
        connection = connections[self._using]
        if connection.vendor != "postgresql":
            return None
        sql, filled = self._keys_only(keys)
        plan = self._run(f"EXPLAIN (FORMAT JSON) {sql}", filled)[0][0]
        if isinstance(plan, str):
            plan = json.loads(plan)
        return int(plan[0]["Plan"]["Plan Rows"])

    def listing(self, *keys: Any, cap: int | None = None) -> Listing[M]:
        """The read's rows as a list shown page by page (`Paginator(read.listing(...), 25)`):
        its count (at most `cap` + 1 when capped) and each page are reads compiled once."""
        return Listing(self, keys, cap)


class Listing(Generic[M]):
    """A compiled read as a paginator sees a queryset: `count()` and slices, each one query."""

    def __init__(self, read: CompiledRead[M], keys: Sequence[Any], cap: int | None) -> None:
        self.read = read
        self.keys = tuple(keys)
        self.cap = cap

    def count(self) -> int:
        return self.read._count(self.keys, self.cap)

    def __len__(self) -> int:
        return self.count()

    def __getitem__(self, index: slice) -> list[M]:
        if not isinstance(index, slice) or index.step not in (None, 1):
            raise TypeError("a listing is read a page at a time: a slice")
        start = index.start or 0
        if index.stop is None or start < 0 or index.stop < start:
            raise ValueError("a listing's page is a slice with its start and stop")
        return self.read._page(self.keys, offset=start, limit=index.stop - start)


@dataclass(frozen=True)
class _Part:
    name: str
    compiled: _Compiled
    # Where each of its columns is in the bundle's rows.
    positions: tuple[int, ...]

    def values(self, row: Sequence[Any]) -> list[Any]:
        return [row[position] for position in self.positions]


@dataclass(frozen=True)
class _Bundle:
    sql: str
    params: tuple[Any, ...]
    slots: tuple[tuple[int, ...], ...]
    parts: tuple[_Part, ...]
    connection: Any


class ReadBundle:
    """Compiled reads run together as one statement, each giving its list of instances.

    `reads` maps a name to a `CompiledRead`; calling the bundle with keyword keys runs every
    read with the keys its function names (every read's keys must be given) and answers
    `{name: list}`, each list as the read alone gives it, in its order. Compiled once per
    thread and database connection.

    Each read is a `WITH` query of its own and a branch of one `UNION ALL`; the branches share
    columns by type (a read's integers in the bundle's integer columns...), so that the rows are
    as wide as the widest read of each type, not as all the reads side by side: PostgreSQL's
    planning time grows with the branches times the columns.
    """

    def __init__(self, reads: Mapping[str, CompiledRead[Any]], *, using: str = "default") -> None:
        if not reads:
            raise ValueError("a bundle bundles at least one read")
        self.reads = dict(reads)
        self._using = using
        self._local = threading.local()
        self.keys: tuple[str, ...] = tuple(
            sorted({name for read in self.reads.values() for name in read.keys})
        )

    def _compile(self, keys: Mapping[str, Any]) -> _Bundle:
        stand_ins = {
            name: _stand_in(position, keys[name]) for position, name in enumerate(self.keys)
        }
        connection = connections[self._using]
        compiled_reads = [
            (name, read._compile([stand_ins[key] for key in read.keys]))
            for name, read in self.reads.items()
        ]
        kinds = [_column_kinds(compiled, connection) for _name, compiled in compiled_reads]
        # As many columns of each kind as the read with the most of them has; a column of no
        # known kind gets one of its own.
        wanted: dict[str, int] = {}
        casts: dict[str, str] = {}
        untyped = 0
        for read_kinds in kinds:
            counts: dict[str, int] = {}
            for kind in read_kinds:
                if kind is None:
                    untyped += 1
                else:
                    counts[kind[0]] = counts.get(kind[0], 0) + 1
                    casts.setdefault(kind[0], kind[1])
            for kind_name, count in counts.items():
                wanted[kind_name] = max(wanted.get(kind_name, 0), count)
        columns: list[str | None] = [
            kind_name for kind_name in sorted(wanted) for _ in range(wanted[kind_name])
        ] + [None] * untyped
        first_of: dict[str | None, int] = {}
        for position, column_kind in enumerate(columns):
            first_of.setdefault(column_kind, position)
        parts: list[_Part] = []
        ctes: list[str] = []
        branches: list[str] = []
        params: list[Any] = []
        next_untyped = len(columns) - untyped
        for index, ((name, compiled), read_kinds) in enumerate(
            zip(compiled_reads, kinds, strict=True)
        ):
            taken: dict[str, int] = {}
            positions: list[int] = []
            for kind in read_kinds:
                if kind is None:
                    positions.append(next_untyped)
                    next_untyped += 1
                else:
                    positions.append(first_of[kind[0]] + taken.get(kind[0], 0))
                    taken[kind[0]] = taken.get(kind[0], 0) + 1
            # The first branch names each column's type: PostgreSQL matches the branches two
            # by two from the first, and two untyped NULLs would make a column text.
            select = [
                f"CAST(NULL AS {casts[column]})" if index == 0 and column is not None else "NULL"
                for column in columns
            ]
            for column, position in enumerate(positions):
                select[position] = f"t{index}.c{column}"
            names = ", ".join(f"c{column}" for column in range(compiled.width))
            # Django's own SQL of each read, with numbers and NULLs around it: nothing typed.
            ctes.append(f"t{index}({names}) AS ({compiled.sql})")
            branches.append(f"SELECT {index}, {', '.join(select)} FROM t{index}")  # noqa: S608
            params.extend(compiled.params)
            parts.append(
                _Part(name=name, compiled=compiled, positions=tuple(p + 1 for p in positions))
            )
        # Where each key goes: the stand-ins, found again in the bundle's parameters.
        slots = tuple(
            tuple(position for position, value in enumerate(params) if value == stand_ins[name])
            for name in self.keys
        )
        return _Bundle(
            sql=f"WITH {', '.join(ctes)} {' UNION ALL '.join(branches)}",
            params=tuple(params),
            slots=slots,
            parts=tuple(parts),
            connection=connection,
        )

    def __call__(self, **keys: Any) -> dict[str, list[Any]]:
        missing = set(self.keys) - set(keys)
        if missing:
            raise TypeError(f"the bundle's keys {sorted(missing)} are not given")
        values = [keys[name] for name in self.keys]
        connection = connections[self._using]
        cache: dict[tuple[Any, ...], _Bundle] | None = getattr(self._local, "compiled", None)
        if cache is None:
            cache = self._local.compiled = {}
        signature = (id(connection), *_signature(values))
        bundle = cache.get(signature)
        if bundle is None or bundle.connection is not connection:
            bundle = cache[signature] = self._compile(keys)
        params = _filled(bundle.params, bundle.slots, values)
        with connection.cursor() as cursor:
            cursor.execute(bundle.sql, params)
            rows = cursor.fetchall()
        # Each read's rows in the order its branch gave them (a branch's rows never pass one
        # another, whatever the order of the branches).
        by_part: list[list[Sequence[Any]]] = [[] for _ in bundle.parts]
        for row in rows:
            by_part[row[0]].append(row)
        return {
            part.name: part.compiled.instances(self._using, [part.values(row) for row in part_rows])
            for part, part_rows in zip(bundle.parts, by_part, strict=True)
        }


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
        compiler, sql, params, slots = _sql_with_slots(queryset, stand_ins, self._using)
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


def one_of_text_sql(lhs: str, connection: Any) -> str:
    """The SQL of the column (or expression) written `lhs` equal to one of values given as
    one text parameter (`one_of_text`): the same SQL whatever their number, for a read
    compiled once (`CompiledRead`) that is given a different list each time."""
    if connection.vendor == "postgresql":
        return f"{lhs} = ANY(string_to_array(%s, ','))"
    # `lhs` is a compiled column; the values are the parameter.
    return f"{lhs} IN (SELECT value FROM json_each(%s))"  # noqa: S608


def one_of_text(values: Sequence[str], connection: Any) -> str:
    """The one text parameter of `one_of_text_sql` for `values` (texts without a comma)."""
    if any("," in value for value in values):
        raise ValueError("the values of one text are without commas")
    if connection.vendor == "postgresql":
        return ",".join(values)
    return json.dumps(list(values))
