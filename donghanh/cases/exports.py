"""Case list exports: an XLSX list for the organisation's own use, and a de-identified CSV
with HTCDS field names for statistics.

Both take the caseload page's filters and the cases the member sees (`caseload`). The CSV
holds only cases whose person consents to use in statistics, and never a name, contact, ID
number, address, exact date (of birth or otherwise), free text or attachment: ages are given
as ranges, dates as year and month, places as the province of origin and countries.
"""

from __future__ import annotations

import csv
import datetime
import io
import itertools
from collections.abc import Iterable, Iterator, Mapping
from typing import IO, Any, TypeVar, cast

from django.db.models import Exists, Field, Model, OuterRef, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell

from donghanh.cases.models import Case, CaseAssignment, CaseStatus
from donghanh.cases.selectors import caseload
from donghanh.core.crypto import keyed_digest
from donghanh.core.spreadsheets import spreadsheet_text as _safe_text
from donghanh.organisations.models import Membership
from donghanh.organisations.roles import Perm, role_allows
from donghanh.people.models import Consent, Person, age_on
from donghanh.people.selectors import consents_active_filter
from donghanh.reference.codelists import (
    CONTROL_MEANS,
    COUNTRIES,
    EXPLOITATION_TYPES,
    RELATIONS_TO_TRAFFICKER,
)

T = TypeVar("T")


def sees_identities(role: str) -> bool:
    """Whether the role may see who a case is about (programme officers and donors never do)."""
    return role_allows(role, Perm.VIEW_CASES)


def _filtered(membership: Membership, filters: Mapping[str, Any]) -> QuerySet[Case]:
    """The caseload's cases, without the related rows its page shows (each export picks its own)."""
    return caseload(
        membership,
        query=(filters.get("q") or "").strip(),
        case_type=filters.get("case_type") or "",
        status=filters.get("status") or "",
        worker_id=filters.get("worker"),
        team_id=filters.get("team"),
        province=filters.get("province") or "",
        overdue=bool(filters.get("overdue")),
    ).select_related(None)


# --- XLSX ---------------------------------------------------------------------------------


def cases_for_list_export(
    membership: Membership, filters: Mapping[str, Any], *, identities: bool
) -> QuerySet[Case]:
    """The filtered cases of the XLSX list, in its order; `xlsx_rows` reads what it shows."""
    del identities  # the columns are chosen by `xlsx_rows`
    return _filtered(membership, filters).prefetch_related(None).order_by("number", "id")


def xlsx_headers(*, identities: bool) -> list[str]:
    headers = [_("Case number")]
    if identities:
        headers += [_("Full name"), _("Date of birth")]
    headers += [
        _("Sex"),
        _("Case type"),
        _("Status"),
        _("How the case came in"),
        _("Intake date"),
        _("Identification status"),
        _("Identification date"),
        _("Legal regime"),
        _("Province of origin"),
        _("Destination country"),
        _("Case workers"),
        _("Opened on"),
        _("Closed on"),
    ]
    return headers


# Rows fetched from the database at a time by the exports: memory stays flat however many cases
# are exported.
EXPORT_CHUNK_SIZE = 2000

XLSX_COLUMNS = (
    "id",
    "number",
    "person__sex",
    "case_type",
    "status",
    "intake_channel",
    "intake_date",
    "identification_status",
    "identified_on",
    "legal_regime",
    "origin_commune__province__name",
    "destination_country",
    "opened_on",
    "closed_on",
)
IDENTITY_COLUMNS = ("person__full_name", "person__date_of_birth")


def _labels(model: type[Model], field: str) -> dict[str, str]:
    """A choice field's labels in the active language, by value, as text."""
    choices = cast(Field, model._meta.get_field(field)).flatchoices
    return {str(value): str(label) for value, label in choices}


def _in_chunks(rows: Iterator[T], size: int) -> Iterator[list[T]]:
    while chunk := list(itertools.islice(rows, size)):
        yield chunk


def _workers_of(case_ids: list[int]) -> dict[int, str]:
    """Each case's workers, named as the caseload names them, in the order they were named."""
    names: dict[int, list[str]] = {}
    assignments = (
        CaseAssignment.objects.filter(case_id__in=case_ids)
        .order_by("assigned_at", "id")
        .values_list("case_id", "user__full_name", "user__username")
    )
    for case_id, full_name, username in assignments:
        names.setdefault(case_id, []).append(full_name or username)
    return {case_id: ", ".join(found) for case_id, found in names.items()}


def xlsx_rows(cases: QuerySet[Case], *, identities: bool) -> Iterator[list[Any]]:
    """The XLSX list's rows as plain values (text, dates, None), read from the database a
    chunk at a time as values, never as model objects, with each chunk's workers in one more
    query; names and dates of birth only with `identities`."""
    # Each label is translated once per export, not once per cell: a lazy label turned into
    # text for every row of a long list costs more than the rest of the row.
    sex = _labels(Person, "sex")
    case_type = _labels(Case, "case_type")
    status = _labels(Case, "status")
    channel = _labels(Case, "intake_channel")
    identification = _labels(Case, "identification_status")
    regime = _labels(Case, "legal_regime")
    countries: dict[str, str] = {}

    def country(code: str) -> str:
        if code and code not in countries:
            countries[code] = str(COUNTRIES.label(code))
        return countries.get(code, "")

    columns = XLSX_COLUMNS + (IDENTITY_COLUMNS if identities else ())
    values = cases.values_list(*columns).iterator(chunk_size=EXPORT_CHUNK_SIZE)
    for chunk in _in_chunks(values, EXPORT_CHUNK_SIZE):
        workers = _workers_of([found[0] for found in chunk])
        for found in chunk:
            (
                case_id,
                number,
                person_sex,
                type_code,
                status_code,
                channel_code,
                intake_date,
                identification_code,
                identified_on,
                regime_code,
                province,
                destination,
                opened_on,
                closed_on,
                *identity,
            ) = found
            row: list[Any] = [number]
            if identities:
                full_name, born = identity
                row += [_safe_text(full_name), born]
            row += [
                sex.get(person_sex, person_sex),
                case_type.get(type_code, type_code),
                status.get(status_code, status_code),
                channel.get(channel_code, channel_code),
                intake_date,
                identification.get(identification_code, identification_code),
                identified_on,
                regime.get(regime_code, regime_code),
                province or "",
                country(destination),
                _safe_text(workers.get(case_id, "")),
                opened_on,
                closed_on,
            ]
            yield row


def build_xlsx(cases: QuerySet[Case], *, identities: bool) -> bytes:
    """The cases as a one-sheet workbook in memory (for small lists; see `write_xlsx`)."""
    out = io.BytesIO()
    write_xlsx(xlsx_rows(cases, identities=identities), out, identities=identities)
    return out.getvalue()


def write_xlsx(rows: Iterable[list[Any]], target: IO[bytes], *, identities: bool) -> None:
    """Write the rows (of `xlsx_rows`) as a one-sheet workbook to `target`, dates as dates
    shown dd/mm/yyyy. The workbook is write-only: rows go to disk as they come."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(_("Cases"))
    sheet.append(xlsx_headers(identities=identities))

    def cell(value: Any) -> Any:
        if not isinstance(value, datetime.date):
            return value
        dated = WriteOnlyCell(sheet, value=value)
        dated.number_format = "DD/MM/YYYY"
        return dated

    for row in rows:
        sheet.append([cell(value) for value in row])
    workbook.save(target)


# --- De-identified CSV with HTCDS field names ---------------------------------------------

# HTCDS 2.0 names where the standard has the field; the others keep its prefixes (cas_ for
# the case, prs_ for the person, vic_ for the victim context, hte_ for trafficking events).
HTCDS_HEADERS = [
    "cas_ID",
    "cas_Status",
    "cas_Type",
    "cas_IntakeChannel",
    "cas_OpenedYearMonth",
    "cas_ClosedYearMonth",
    "cas_ClosureReason",
    "cas_ReintegrationOutcome",
    "prs_Gender",
    "prs_AgeGroupAtIntake",
    "prs_Nationality",
    "vic_IdentificationStatus",
    "vic_IdentificationYearMonth",
    "vic_LegalRegime",
    "vic_TypeOfExploitation",
    "vic_MethodsOfControl",
    "vic_RelationToTrafficker",
    "hte_OriginProvince",
    "hte_TransitCountries",
    "hte_DestinationCountry",
]

_GENDER = {"female": "Female", "male": "Male"}
_CASE_STATUS: dict[str, str] = {
    CaseStatus.OPEN: "Active",
    CaseStatus.REOPENED: "Active",
    CaseStatus.CLOSURE_REQUESTED: "Active",
    CaseStatus.CLOSED: "Closed",
}
# Age ranges: children by the age groups that matter for support, adults by decade.
AGE_GROUPS: list[tuple[int, int | None, str]] = [
    (0, 11, "0-11"),
    (12, 15, "12-15"),
    (16, 17, "16-17"),
    (18, 24, "18-24"),
    (25, 34, "25-34"),
    (35, 44, "35-44"),
    (45, 59, "45-59"),
    (60, None, "60+"),
]


def age_group(age: int | None) -> str:
    if age is None:
        return "Unknown"
    for low, high, label in AGE_GROUPS:
        if age >= low and (high is None or age <= high):
            return label
    return "Unknown"


def case_pseudonym(case: Case) -> str:
    """A stable pseudonym for the case: a keyed digest of its id, never the case number.

    It stays the same from one export to the next (so rows can be matched over time) and
    cannot be turned back into the case without the data key; it changes after a data key
    rotation.
    """
    return _pseudonym(case.organisation_id, case.pk)


def _pseudonym(organisation_id: int, case_id: int) -> str:
    return keyed_digest(f"{organisation_id}:{case_id}", purpose="htcds export cas_ID")


HTCDS_COLUMNS = (
    "id",
    "organisation_id",
    "case_type",
    "status",
    "intake_channel",
    "intake_date",
    "opened_on",
    "closed_on",
    "closure_reason",
    "reintegration_outcome",
    "identification_status",
    "identified_on",
    "legal_regime",
    "exploitation_types",
    "control_means",
    "recruiter_relation",
    "transit_countries",
    "destination_country",
    "person__sex",
    "person__date_of_birth",
    "person__estimated_age",
    "person__age_estimated_on",
    "person__created_at",
    "person__nationality",
    "origin_commune__province__name",
)


def cases_for_statistics(
    membership: Membership, filters: Mapping[str, Any], *, on: datetime.date | None = None
) -> QuerySet[Case]:
    """The filtered cases whose person consents to use in statistics today (one query)."""
    day = on or timezone.localdate()
    consents = Consent.objects.filter(
        consents_active_filter(day),
        person_id=OuterRef("person_id"),
        purpose=Consent.Purpose.STATISTICS,
    )
    return (
        _filtered(membership, filters)
        .filter(Exists(consents))
        .prefetch_related(None)
        .order_by("id")
    )


def _year_month(day: datetime.date | None) -> str:
    return f"{day.year:04d}-{day.month:02d}" if day else ""


def _codes(values: list[str] | None, allowed: frozenset[str]) -> str:
    return ";".join(value for value in values or [] if value in allowed)


def htcds_rows(cases: QuerySet[Case]) -> Iterator[list[str]]:
    """The de-identified CSV's rows, read from the database as values a chunk at a time:
    codes, year and month, age ranges and the province of origin, nothing else."""
    exploitation = frozenset(EXPLOITATION_TYPES.values)
    control = frozenset(CONTROL_MEANS.values)
    countries = frozenset(COUNTRIES.values)
    relations = frozenset(RELATIONS_TO_TRAFFICKER.values)
    values = cases.values_list(*HTCDS_COLUMNS).iterator(chunk_size=EXPORT_CHUNK_SIZE)
    for (
        case_id,
        organisation_id,
        case_type,
        status,
        intake_channel,
        intake_date,
        opened_on,
        closed_on,
        closure_reason,
        reintegration_outcome,
        identification_status,
        identified_on,
        legal_regime,
        exploitation_types,
        control_means,
        recruiter_relation,
        transit_countries,
        destination_country,
        sex,
        date_of_birth,
        estimated_age,
        age_estimated_on,
        created_at,
        nationality,
        province,
    ) in values:
        age = age_on(
            intake_date,
            date_of_birth=date_of_birth,
            estimated_age=estimated_age,
            age_estimated_on=age_estimated_on,
            created_at=created_at,
        )
        yield [
            _pseudonym(organisation_id, case_id),
            _CASE_STATUS.get(status, ""),
            case_type,
            intake_channel,
            _year_month(opened_on),
            _year_month(closed_on),
            closure_reason,
            reintegration_outcome,
            _GENDER.get(sex, "Unknown"),
            age_group(age),
            nationality,
            identification_status,
            _year_month(identified_on),
            legal_regime,
            _codes(exploitation_types, exploitation),
            _codes(control_means, control),
            recruiter_relation if recruiter_relation in relations else "",
            province or "",
            _codes(transit_countries, countries),
            destination_country if destination_country in countries else "",
        ]


class _Line:
    """A file-like object for csv.writer that hands back each line instead of keeping it."""

    def write(self, line: str) -> str:
        return line


def htcds_csv_lines(rows: Iterable[list[str]]) -> Iterator[bytes]:
    """The de-identified CSV, line by line in UTF-8, so that it can be streamed.

    It starts with a byte-order mark so that spreadsheet programs read the file as UTF-8.
    """
    writer = csv.writer(_Line(), lineterminator="\r\n")
    yield ("\ufeff" + writer.writerow(HTCDS_HEADERS)).encode("utf-8")
    for row in rows:
        yield writer.writerow([_safe_text(value) for value in row]).encode("utf-8")
