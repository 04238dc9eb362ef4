"""Indicator figures computed from the platform's own records, in SQL.

Each computed definition names the records it counts (`Source`): which rows, which column
identifies the unit counted once (a trainee, a person, an organisation), which date places a
row in a period and which columns break it down. Counting is `COUNT(DISTINCT unit)` grouped by
the breakdown, so a person in three trainings is one trainee, in any period and any set of
provinces. Only "people reached" by communication adds audience numbers up.

Over the whole time of a project, the pre-counted facts answer instead when they can exactly
(`fact_counts.facts_counts`); `counted_from_records` is the reference they are checked against.

`raw_result` returns plain numbers for one indicator and scope; `results.py` adds targets and
suppression. Figures are cached under their project's token (`figures_token`), which every
write that changes what they count replaces in its own transaction (`services.py`), so a
cached figure is always exact.
"""

from __future__ import annotations

import datetime
import hashlib
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.core.cache import cache
from django.db.models import (
    BigIntegerField,
    CharField,
    Count,
    Expression,
    F,
    IntegerField,
    Max,
    Model,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models import Case as SqlCase
from django.db.models.functions import Cast, Coalesce, Concat, ExtractYear

from donghanh.cases.models import Case
from donghanh.casework.models import ServiceDelivery, ShelterStay
from donghanh.indicators.fact_counts import facts_counts
from donghanh.indicators.models import ProjectFigures, new_token
from donghanh.indicators.periods import indicator_periods, reporting_periods
from donghanh.livelihood.plans.models import (
    AssessmentPoint,
    LivelihoodPlan,
    ReintegrationAssessment,
)
from donghanh.livelihood.savings.models import Attendance, EntryKind, LedgerEntry, Meeting
from donghanh.people.models import Person, years_between
from donghanh.programmes.codes import AgeGroup, age_group_of
from donghanh.programmes.outreach.models import (
    AudienceCount,
    CommunicationActivity,
    SupportedOrganisation,
)
from donghanh.programmes.results.models import (
    Aggregation,
    ComputedDefinition,
    Disaggregation,
    Indicator,
    IndicatorSource,
    ManualValue,
)
from donghanh.programmes.trainings.models import Participant, TrainingParticipation

UNKNOWN = ""  # the breakdown key of records that do not say


@dataclass(frozen=True)
class Scope:
    """Which records count: a date range (inclusive) and a set of province codes (all if empty)."""

    start: datetime.date | None = None
    end: datetime.date | None = None
    provinces: tuple[str, ...] = ()

    def key(self) -> str:
        return f"{self.start}:{self.end}:{','.join(sorted(self.provinces))}"


@dataclass
class RawResult:
    """An indicator's figures before targets and suppression: whole numbers for counts."""

    total: Decimal
    periods: list[Decimal]
    breakdowns: dict[str, dict[str, Decimal]] = field(default_factory=dict)
    # Which breakdowns are a partition of the total (each unit in exactly one category).
    partitions: frozenset[str] = frozenset()


def _age_group_expression(age: Any) -> SqlCase:
    return SqlCase(
        When(Q(age__isnull=True), then=Value(AgeGroup.UNKNOWN.value)),
        When(Q(age__lt=12), then=Value(AgeGroup.CHILD_0_11.value)),
        When(Q(age__lt=18), then=Value(AgeGroup.CHILD_12_17.value)),
        When(Q(age__lt=25), then=Value(AgeGroup.YOUTH_18_24.value)),
        When(Q(age__lt=60), then=Value(AgeGroup.ADULT_25_59.value)),
        default=Value(AgeGroup.OLDER_60.value),
        output_field=CharField(),
    )


@dataclass(frozen=True)
class Source:
    """Where a computed definition counts from."""

    rows: Callable[[Indicator], QuerySet[Any]]
    unit: Callable[[], Expression | F]
    day: str
    province: str
    # Disaggregation → column (or expression over the annotated `age`).
    dimensions: dict[str, str]
    # Annotations the dimensions need (e.g. the age in years on the day of the record).
    annotations: Callable[[], dict[str, Any]] = dict
    # Audience numbers add up; everything else counts distinct units.
    summed: str = ""
    # The path to cases.Person ("case__"), when the units are supported people.
    person_prefix: str = ""
    # Breakdowns by an attribute of the unit (or its case) rather than of each record:
    # disaggregation → (model, path from a record to that model, column, what to count).
    # Counted over the distinct units first, which is exact and much cheaper than grouping
    # every record.
    attributes: dict[str, tuple[type[Model], str, str, str]] = field(default_factory=dict)
    # A stock rather than a flow (loans outstanding): each figure adds up every record up to
    # the end of its period or scope, however early; only with `summed`.
    cumulative: bool = False


def _person_dimensions(prefix: str) -> dict[str, str]:
    return {
        Disaggregation.SEX: f"{prefix}person__sex",
        Disaggregation.AGE_GROUP: "age_group",
        Disaggregation.PROVINCE: f"{prefix}person__current_commune__province_id",
        Disaggregation.AREA_TYPE: f"{prefix}person__area_type",
        Disaggregation.TARGET_GROUP: f"{prefix}case_type",
    }


def _person_age(prefix: str, day: str) -> Callable[[], dict[str, Any]]:
    # The person's age on the day of the record, from the estimated age (birth dates are
    # encrypted and cannot be read in SQL; they count as "age not known").
    def annotations() -> dict[str, Any]:
        estimated = F(f"{prefix}person__estimated_age")
        since = ExtractYear(day) - ExtractYear(f"{prefix}person__age_estimated_on")
        return {
            "age": Cast(estimated + Coalesce(since, Value(0)), IntegerField()),
            "age_group": _age_group_expression("age"),
        }

    return annotations


def _participant_age() -> dict[str, Any]:
    return {
        "age": Cast(
            ExtractYear("training__start_on") - F("participant__birth_year"), IntegerField()
        ),
        "age_group": _age_group_expression("age"),
    }


def _services(indicator: Indicator) -> QuerySet[Any]:
    rows = ServiceDelivery.objects.filter(project_id=indicator.project_id)
    domains = (indicator.definition_params or {}).get("domains")
    if indicator.computed_definition == ComputedDefinition.PERSONS_SERVED_BY_DOMAIN and domains:
        rows = rows.filter(domain__in=domains)
    return rows


def _organisation_unit() -> Expression:
    return SqlCase(
        When(
            organisation__isnull=False,
            then=Concat(Value("o"), Cast("organisation_id", CharField())),
        ),
        default=Concat(Value("n"), "name_key"),
        output_field=CharField(),
    )


_PERSON_ATTRIBUTES: dict[str, tuple[type[Model], str, str, str]] = {
    Disaggregation.SEX: (Person, "case__person_id", "sex", "pk"),
    Disaggregation.AREA_TYPE: (Person, "case__person_id", "area_type", "pk"),
    Disaggregation.PROVINCE: (Person, "case__person_id", "current_commune__province_id", "pk"),
    Disaggregation.TARGET_GROUP: (Case, "case_id", "case_type", "person_id"),
}

SOURCES: dict[str, Source] = {
    ComputedDefinition.TRAINED_PARTICIPANTS: Source(
        rows=lambda indicator: TrainingParticipation.objects.filter(
            training__project_id=indicator.project_id
        ),
        unit=lambda: F("participant_id"),
        day="training__start_on",
        province="training__province_id",
        dimensions={
            Disaggregation.SEX: "participant__sex",
            Disaggregation.AGE_GROUP: "age_group",
            Disaggregation.PROVINCE: "training__province_id",
            Disaggregation.AREA_TYPE: "participant__area_type",
            Disaggregation.OFFICER_ROLE: "participant__role",
            Disaggregation.SECTOR: "participant__sector",
        },
        annotations=_participant_age,
        attributes={
            dimension: (Participant, "participant_id", column, "pk")
            for dimension, column in (
                (Disaggregation.SEX, "sex"),
                (Disaggregation.AREA_TYPE, "area_type"),
                (Disaggregation.OFFICER_ROLE, "role"),
                (Disaggregation.SECTOR, "sector"),
            )
        },
    ),
    ComputedDefinition.PERSONS_SERVED: Source(
        rows=_services,
        unit=lambda: F("case__person_id"),
        day="delivered_on",
        province="case__person__current_commune__province_id",
        dimensions={
            **_person_dimensions("case__"),
            Disaggregation.SERVICE_DOMAIN: "domain",
        },
        annotations=_person_age("case__", "delivered_on"),
        person_prefix="case__",
        attributes=_PERSON_ATTRIBUTES,
    ),
    ComputedDefinition.SHELTERED_PERSONS: Source(
        rows=lambda indicator: ShelterStay.objects.filter(project_id=indicator.project_id),
        unit=lambda: F("case__person_id"),
        day="admitted_on",
        province="case__person__current_commune__province_id",
        dimensions=_person_dimensions("case__"),
        annotations=_person_age("case__", "admitted_on"),
        person_prefix="case__",
        attributes=_PERSON_ATTRIBUTES,
    ),
    ComputedDefinition.ORGANISATIONS_SUPPORTED: Source(
        rows=lambda indicator: SupportedOrganisation.objects.filter(
            project_id=indicator.project_id
        ),
        unit=_organisation_unit,
        day="supported_on",
        province="province_id",
        dimensions={Disaggregation.PROVINCE: "province_id"},
    ),
    ComputedDefinition.PEOPLE_REACHED: Source(
        rows=lambda indicator: CommunicationActivity.objects.filter(
            project_id=indicator.project_id
        ),
        unit=lambda: F("pk"),
        day="held_on",
        province="province_id",
        dimensions={Disaggregation.PROVINCE: "province_id"},
        summed="audience_total",
    ),
}
SOURCES[ComputedDefinition.PERSONS_SERVED_BY_DOMAIN] = SOURCES[ComputedDefinition.PERSONS_SERVED]


# --- Livelihood and reintegration (seed 003) ---------------------------------------------------


def _improved_assessments(indicator: Indicator) -> QuerySet[Any]:
    """Her assessments after intake (6 or 12 months, or another review) that score higher
    overall than her intake assessment, on cases whose livelihood plan is under the project."""
    intake = ReintegrationAssessment.objects.filter(
        case_id=OuterRef("case_id"), point=AssessmentPoint.INTAKE
    ).values("overall")[:1]
    return (
        ReintegrationAssessment.objects.filter(
            case__livelihood_plan__project_id=indicator.project_id, overall__isnull=False
        )
        .exclude(point=AssessmentPoint.INTAKE)
        .annotate(intake_overall=Subquery(intake))
        .filter(overall__gt=F("intake_overall"))
    )


def _member_unit() -> Expression:
    # A member linked to her case is her person (a woman in two groups is one member); a
    # community member without a case is her membership.
    return SqlCase(
        When(
            member__case__isnull=False,
            then=Concat(Value("p"), Cast("member__case__person_id", CharField())),
        ),
        default=Concat(Value("m"), Cast("member_id", CharField())),
        output_field=CharField(),
    )


def _loan_movements(indicator: Indicator) -> QuerySet[Any]:
    """Money lent (+) and principal repaid (−): added up to a day, what is still owed."""
    return LedgerEntry.objects.filter(
        group__project_id=indicator.project_id,
        kind__in=[EntryKind.LOAN_MADE, EntryKind.REPAID_PRINCIPAL],
    ).annotate(
        owed=SqlCase(
            When(kind=EntryKind.LOAN_MADE, then=F("amount")),
            default=-F("amount"),
            output_field=BigIntegerField(),
        )
    )


_GROUP_PROVINCE = "group__commune__province_id"

SOURCES.update(
    {
        ComputedDefinition.LIVELIHOOD_PLANS: Source(
            rows=lambda indicator: LivelihoodPlan.objects.filter(project_id=indicator.project_id),
            unit=lambda: F("case__person_id"),
            day="created_at__date",
            province="case__person__current_commune__province_id",
            dimensions=_person_dimensions("case__"),
            annotations=_person_age("case__", "created_at__date"),
            person_prefix="case__",
            attributes=_PERSON_ATTRIBUTES,
        ),
        ComputedDefinition.REINTEGRATION_IMPROVED: Source(
            rows=_improved_assessments,
            unit=lambda: F("case__person_id"),
            day="assessed_on",
            province="case__person__current_commune__province_id",
            dimensions=_person_dimensions("case__"),
            annotations=_person_age("case__", "assessed_on"),
            person_prefix="case__",
            attributes=_PERSON_ATTRIBUTES,
        ),
        ComputedDefinition.SAVINGS_GROUPS_ACTIVE: Source(
            rows=lambda indicator: Meeting.objects.filter(
                cycle__group__project_id=indicator.project_id
            ),
            unit=lambda: F("cycle__group_id"),
            day="held_on",
            province=f"cycle__{_GROUP_PROVINCE}",
            dimensions={Disaggregation.PROVINCE: f"cycle__{_GROUP_PROVINCE}"},
        ),
        ComputedDefinition.SAVINGS_GROUP_MEMBERS: Source(
            rows=lambda indicator: Attendance.objects.filter(
                meeting__cycle__group__project_id=indicator.project_id
            ),
            unit=_member_unit,
            day="meeting__held_on",
            province=f"meeting__cycle__{_GROUP_PROVINCE}",
            dimensions={Disaggregation.PROVINCE: f"meeting__cycle__{_GROUP_PROVINCE}"},
        ),
        ComputedDefinition.SAVINGS_MOBILISED: Source(
            rows=lambda indicator: LedgerEntry.objects.filter(
                group__project_id=indicator.project_id, kind=EntryKind.SHARES
            ),
            unit=lambda: F("pk"),
            day="moved_on",
            province=_GROUP_PROVINCE,
            dimensions={Disaggregation.PROVINCE: _GROUP_PROVINCE},
            summed="amount",
        ),
        ComputedDefinition.LOANS_OUTSTANDING: Source(
            rows=_loan_movements,
            unit=lambda: F("pk"),
            day="moved_on",
            province=_GROUP_PROVINCE,
            dimensions={Disaggregation.PROVINCE: _GROUP_PROVINCE},
            summed="owed",
            cumulative=True,
        ),
    }
)

# Definitions that add up đồng, not people: never small cells to suppress.
MONEY_DEFINITIONS = frozenset(
    {ComputedDefinition.SAVINGS_MOBILISED, ComputedDefinition.LOANS_OUTSTANDING}
)


def _in_scope(rows: QuerySet[Any], source: Source, scope: Scope) -> QuerySet[Any]:
    if scope.start is not None and not source.cumulative:
        rows = rows.filter(**{f"{source.day}__gte": scope.start})
    if scope.end is not None:
        rows = rows.filter(**{f"{source.day}__lte": scope.end})
    if scope.provinces:
        rows = rows.filter(**{f"{source.province}__in": list(scope.provinces)})
    return rows


def _measure(source: Source, within: Q | None = None) -> Any:
    if source.summed:
        return Coalesce(Sum(source.summed, filter=within), Value(0))
    return Count(source.unit(), distinct=True, filter=within)


def _count(rows: QuerySet[Any], source: Source) -> Decimal:
    return Decimal(rows.aggregate(n=_measure(source))["n"] or 0)


def _grouped(rows: QuerySet[Any], source: Source, column: str) -> dict[str, Decimal]:
    needs_age = column in ("age", "age_group")
    if needs_age:
        rows = rows.annotate(**source.annotations())
    grouped = rows.values(column).annotate(n=_measure(source)).order_by()
    return {
        (UNKNOWN if row[column] in (None, "") else str(row[column])): Decimal(row["n"])
        for row in grouped
    }


def _grouped_by_attributes(
    rows: QuerySet[Any], source: Source, dimensions: list[str]
) -> dict[str, dict[str, Decimal]]:
    """Breakdowns by attributes of the units, all those of one model in one query: the
    distinct units grouped by every attribute together, then added up per attribute. A unit
    has one value of each attribute, so each breakdown adds up to the total."""
    by_model: dict[tuple[type[Model], str, str], list[tuple[str, str]]] = {}
    for dimension in dimensions:
        model, path, column, counted = source.attributes[dimension]
        by_model.setdefault((model, path, counted), []).append((dimension, column))
    breakdowns: dict[str, dict[str, Decimal]] = {}
    for (model, path, counted), wanted in by_model.items():
        units = model._default_manager.filter(pk__in=rows.values(path))
        columns = [column for _, column in wanted]
        counting = Count(counted, distinct=counted != "pk")
        for row in units.values(*columns).annotate(n=counting).order_by():
            for dimension, column in wanted:
                key = UNKNOWN if row[column] in (None, "") else str(row[column])
                cells = breakdowns.setdefault(dimension, {})
                cells[key] = cells.get(key, Decimal(0)) + Decimal(row["n"])
    return breakdowns


def _whole_and_periods(
    indicator: Indicator, rows: QuerySet[Any], source: Source, scope: Scope
) -> tuple[Decimal, list[Decimal]]:
    """The count over the scope and over each reporting period, in one query."""
    windows = []
    for period in indicator_periods(indicator):
        start = max(period.start, scope.start) if scope.start else period.start
        end = min(period.end, scope.end) if scope.end else period.end
        if source.cumulative:
            windows.append(Q(**{f"{source.day}__lte": end}))
        else:
            windows.append(Q(**{f"{source.day}__gte": start, f"{source.day}__lte": end}))
    if source.summed or not windows:
        # (Without periods there is no per-unit step: a plain COUNT(DISTINCT) of the units.)
        measures = {"whole": _measure(source)}
        measures.update({f"p{i}": _measure(source, within) for i, within in enumerate(windows)})
        counts = rows.aggregate(**measures)
    else:
        # One row per unit, with a flag per period it appears in, then added up: one pass
        # over the records instead of a COUNT(DISTINCT) (a sort) per period.
        flags = {
            f"in_p{i}": Max(SqlCase(When(within, then=1), default=0, output_field=IntegerField()))
            for i, within in enumerate(windows)
        }
        per_unit = rows.values(counted_unit=source.unit()).annotate(**flags).order_by()
        counts = per_unit.aggregate(
            whole=Count("counted_unit"),
            **{f"p{i}": Sum(f"in_p{i}") for i in range(len(windows))},
        )
    periods = [Decimal(counts[f"p{i}"] or 0) for i in range(len(windows))]
    return Decimal(counts["whole"] or 0), periods


def _ages_from_birth_dates(
    rows: QuerySet[Any], source: Source, cells: dict[str, Decimal]
) -> dict[str, Decimal]:
    """Move the people whose age is known only from their (encrypted) birth date out of "age
    not known", into the age group of each day they have a record (like the estimated ages in
    SQL): their birth dates are read in Python, one query for all of them."""
    if not cells.get(AgeGroup.UNKNOWN) or source.person_prefix == "":
        return cells
    person = f"{source.person_prefix}person_id"
    unknown = (
        rows.annotate(**source.annotations())
        .filter(age_group=AgeGroup.UNKNOWN)
        .values_list(person, source.day)
        .distinct()
        .order_by()
    )
    days: dict[int, set[datetime.date]] = {}
    for person_id, day in unknown:
        days.setdefault(person_id, set()).add(day)
    born = Person.objects.filter(pk__in=list(days), date_of_birth__isnull=False)
    for person_id, date_of_birth in born.values_list("pk", "date_of_birth"):
        if date_of_birth is None:
            continue
        groups = {age_group_of(years_between(date_of_birth, day)) for day in days[person_id]}
        for group in groups:
            cells[group] = cells.get(group, Decimal(0)) + 1
        cells[AgeGroup.UNKNOWN] -= 1
    if not cells[AgeGroup.UNKNOWN]:
        del cells[AgeGroup.UNKNOWN]
    return cells


def _audience_breakdown(rows: QuerySet[Any], column: str) -> dict[str, Decimal]:
    """People reached by sex or age group: the audience rows, and the rest as "not known"."""
    cells: dict[str, Decimal] = {}
    audience = AudienceCount.objects.filter(activity__in=rows.values("pk"))
    for row in audience.values(column).annotate(n=Sum("count")).order_by():
        cells[str(row[column])] = Decimal(row["n"])
    total = _count(rows, SOURCES[ComputedDefinition.PEOPLE_REACHED])
    rest = total - sum(cells.values(), Decimal(0))
    if rest > 0:
        cells[UNKNOWN] = cells.get(UNKNOWN, Decimal(0)) + rest
    return cells


def _series(
    indicator: Indicator, rows_for: Callable[[Scope], Decimal], scope: Scope
) -> list[Decimal]:
    values = []
    for period in indicator_periods(indicator):
        start = max(period.start, scope.start) if scope.start else period.start
        end = min(period.end, scope.end) if scope.end else period.end
        if start > end:
            values.append(Decimal(0))
            continue
        values.append(rows_for(Scope(start, end, scope.provinces)))
    return values


def _combine(indicator: Indicator, whole: Decimal, periods: list[Decimal]) -> Decimal:
    """The total across periods by the indicator's rule."""
    if indicator.aggregation == Aggregation.UNIQUE_PEOPLE or not periods:
        return whole
    if indicator.aggregation == Aggregation.LATEST:
        return next((value for value in reversed(periods) if value), Decimal(0))
    if indicator.aggregation == Aggregation.AVERAGE:
        return sum(periods, Decimal(0)) / len(periods)
    return sum(periods, Decimal(0))


def counted_from_records(
    indicator: Indicator, scope: Scope
) -> tuple[Decimal, list[Decimal], dict[str, dict[str, Decimal]]]:
    """The unique count, the count per reporting period and the breakdowns of a computed
    indicator in the scope, counted from the records themselves."""
    source = SOURCES[indicator.computed_definition]
    rows = _in_scope(source.rows(indicator), source, scope)
    whole, periods = _whole_and_periods(indicator, rows, source, scope)
    wanted = list(indicator.disaggregations or [])
    breakdowns = _grouped_by_attributes(rows, source, [d for d in wanted if d in source.attributes])
    for dimension in wanted:
        if dimension in breakdowns:
            pass  # counted above with the other attributes of the units
        elif source.summed and dimension in (Disaggregation.SEX, Disaggregation.AGE_GROUP):
            breakdowns[dimension] = _audience_breakdown(
                rows, "sex" if dimension == Disaggregation.SEX else "age_group"
            )
        elif dimension == Disaggregation.AGE_GROUP and source.person_prefix:
            cells = _grouped(rows, source, "age_group")
            breakdowns[dimension] = _ages_from_birth_dates(rows, source, cells)
        elif dimension in source.dimensions:
            breakdowns[dimension] = _grouped(rows, source, source.dimensions[dimension])
    return whole, periods, breakdowns


def _computed(indicator: Indicator, scope: Scope) -> RawResult:
    counted = None
    if scope.start is None and scope.end is None:
        # The whole time of the project: the pre-counted facts answer, when they can exactly.
        counted = facts_counts(indicator, reporting_periods(indicator), scope.provinces)
    whole, periods, breakdowns = counted or counted_from_records(indicator, scope)
    wanted = list(indicator.disaggregations or [])
    # In the order asked for; a breakdown with no cells (nothing counted) is not shown.
    breakdowns = {name: cells for name in wanted if (cells := breakdowns.get(name))}
    partitions = {
        name for name, cells in breakdowns.items() if sum(cells.values(), Decimal(0)) == whole
    }
    # A stock is its value at the end of the scope, whatever the rule across periods.
    total = (
        whole
        if SOURCES[indicator.computed_definition].cumulative
        else (_combine(indicator, whole, periods))
    )
    if total != whole:  # the breakdowns are of the unique count, not of this total
        breakdowns, partitions = {}, set()
    return RawResult(total, periods, breakdowns, frozenset(partitions))


def _manual(indicator: Indicator, scope: Scope) -> RawResult:
    values = list(indicator.manual_values.all())

    def within(value: ManualValue, start: datetime.date | None, end: datetime.date | None) -> bool:
        return (start is None or value.period_start >= start) and (
            end is None or value.period_end <= end
        )

    totals = [value for value in values if not value.disaggregation]

    def period_value(sub: Scope) -> Decimal:
        picked = [value.value for value in totals if within(value, sub.start, sub.end)]
        return sum(picked, Decimal(0))

    periods = _series(indicator, period_value, scope)
    in_scope = [value for value in totals if within(value, scope.start, scope.end)]
    whole = sum((value.value for value in in_scope), Decimal(0))
    breakdowns: dict[str, dict[str, Decimal]] = {}
    for dimension in indicator.disaggregations or []:
        cells: dict[str, Decimal] = {}
        for value in values:
            key = (value.disaggregation or {}).get(dimension)
            if key is not None and within(value, scope.start, scope.end):
                cells[str(key)] = cells.get(str(key), Decimal(0)) + value.value
        if cells:
            breakdowns[dimension] = cells
    total = _combine(indicator, whole, periods) if periods else whole
    if total != whole:
        breakdowns = {}
    partitions = frozenset(
        name for name, cells in breakdowns.items() if sum(cells.values(), Decimal(0)) == total
    )
    return RawResult(total, periods, breakdowns, partitions)


def figures_token(project_id: int) -> str:
    """The token the project's figures are cached under, made at the first read (a project
    id reused after a rollback gets a new token, never the figures of its predecessor)."""
    token = (
        ProjectFigures.objects.filter(project_id=project_id).values_list("token", flat=True).first()
    )
    if token is None:
        token = ProjectFigures.objects.get_or_create(
            project_id=project_id, defaults={"token": new_token()}
        )[0].token
    return token


def raw_result(indicator: Indicator, scope: Scope | None = None) -> RawResult:
    """The indicator's figures for `scope`, from the cache when nothing changed since."""
    scope = scope or Scope()
    described = (
        f"{indicator.pk}:{indicator.version}:{figures_token(indicator.project_id)}:"
        f"{scope.key()}:{[(p.start, p.end) for p in indicator_periods(indicator)]}"
    )
    key = "indicator:" + hashlib.sha256(described.encode()).hexdigest()
    cached: RawResult | None = cache.get(key)
    if cached is not None:
        return cached
    if indicator.source == IndicatorSource.COMPUTED and indicator.computed_definition in SOURCES:
        result = _computed(indicator, scope)
    else:
        result = _manual(indicator, scope)
    cache.set(key, result, timeout=None)
    return result


def drill_down_rows(indicator: Indicator, scope: Scope) -> QuerySet[Any]:
    """The records behind a computed figure (for roles that may see them)."""
    source = SOURCES[indicator.computed_definition]
    return _in_scope(source.rows(indicator), source, scope)
