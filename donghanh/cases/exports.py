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
from collections.abc import Iterable, Iterator, Mapping
from typing import IO, Any

from django.db.models import Exists, OuterRef, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell

from donghanh.cases.models import Case, CaseStatus
from donghanh.cases.selectors import caseload
from donghanh.core.crypto import keyed_digest
from donghanh.core.spreadsheets import spreadsheet_text as _safe_text
from donghanh.organisations.models import Membership
from donghanh.organisations.roles import Perm, role_allows
from donghanh.people.models import Consent, Person
from donghanh.people.selectors import consents_active_filter
from donghanh.reference.codelists import (
    CONTROL_MEANS,
    COUNTRIES,
    EXPLOITATION_TYPES,
    RELATIONS_TO_TRAFFICKER,
)


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
    """The filtered cases with what the XLSX list shows (two queries whatever their number)."""
    fields = [
        "number",
        "case_type",
        "status",
        "intake_channel",
        "intake_date",
        "identification_status",
        "identified_on",
        "legal_regime",
        "destination_country",
        "opened_on",
        "closed_on",
        "updated_at",
        "is_restricted",
        "person__id",
        "person__sex",
        "origin_commune__code",
        "origin_commune__province__code",
        "origin_commune__province__name",
    ]
    if identities:
        fields += ["person__full_name", "person__date_of_birth"]
    return (
        _filtered(membership, filters)
        .select_related("person", "origin_commune__province")
        .only(*fields)
        .order_by("number", "id")
    )


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


def build_xlsx(cases: Iterable[Case], *, identities: bool) -> bytes:
    """The cases as a one-sheet workbook in memory (for small lists; see `write_xlsx`)."""
    out = io.BytesIO()
    write_xlsx(cases, out, identities=identities)
    return out.getvalue()


def write_xlsx(cases: Iterable[Case], target: IO[bytes], *, identities: bool) -> None:
    """Write the cases as a one-sheet workbook to `target`; names and dates of birth only with
    `identities`. The workbook is write-only: rows go to disk as they come, never all held."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(_("Cases"))
    sheet.append(xlsx_headers(identities=identities))

    def date_cell(value: datetime.date | None) -> Any:
        if value is None:
            return None
        cell = WriteOnlyCell(sheet, value=value)
        cell.number_format = "DD/MM/YYYY"
        return cell

    for case in cases:
        person = case.person
        row: list[Any] = [case.number]
        if identities:
            row += [_safe_text(person.full_name), date_cell(person.date_of_birth)]
        province = case.origin_commune.province.name if case.origin_commune else ""
        row += [
            person.get_sex_display(),
            case.get_case_type_display(),
            case.get_status_display(),
            case.get_intake_channel_display(),
            date_cell(case.intake_date),
            case.get_identification_status_display(),
            date_cell(case.identified_on),
            case.get_legal_regime_display(),
            province,
            str(COUNTRIES.label(case.destination_country)) if case.destination_country else "",
            _safe_text(
                ", ".join(a.user.display_name for a in getattr(case, "assignment_list", []))
            ),
            date_cell(case.opened_on),
            date_cell(case.closed_on),
        ]
        sheet.append(row)
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
    return keyed_digest(f"{case.organisation_id}:{case.pk}", purpose="htcds export cas_ID")


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
        .select_related("person", "origin_commune__province")
        .prefetch_related(None)
        .only(
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
            "person__id",
            "person__sex",
            "person__date_of_birth",
            "person__estimated_age",
            "person__age_estimated_on",
            "person__created_at",
            "person__nationality",
            "origin_commune__code",
            "origin_commune__province__code",
            "origin_commune__province__name",
        )
        .order_by("id")
    )


def _year_month(day: datetime.date | None) -> str:
    return day.strftime("%Y-%m") if day else ""


def _codes(values: list[str], known: Iterable[str]) -> str:
    allowed = set(known)
    return ";".join(value for value in values if value in allowed)


def htcds_row(case: Case) -> list[str]:
    person: Person = case.person
    province = case.origin_commune.province if case.origin_commune else None
    return [
        case_pseudonym(case),
        _CASE_STATUS.get(case.status, ""),
        case.case_type,
        case.intake_channel,
        _year_month(case.opened_on),
        _year_month(case.closed_on),
        case.closure_reason,
        case.reintegration_outcome,
        _GENDER.get(person.sex, "Unknown"),
        age_group(person.age_on(case.intake_date)),
        person.nationality,
        case.identification_status,
        _year_month(case.identified_on),
        case.legal_regime,
        _codes(case.exploitation_types or [], EXPLOITATION_TYPES.values),
        _codes(case.control_means or [], CONTROL_MEANS.values),
        case.recruiter_relation if case.recruiter_relation in RELATIONS_TO_TRAFFICKER else "",
        province.name if province else "",
        _codes(case.transit_countries or [], COUNTRIES.values),
        case.destination_country if case.destination_country in COUNTRIES else "",
    ]


class _Line:
    """A file-like object for csv.writer that hands back each line instead of keeping it."""

    def write(self, line: str) -> str:
        return line


def htcds_csv_lines(cases: Iterable[Case]) -> Iterator[bytes]:
    """The de-identified CSV, line by line in UTF-8, so that it can be streamed.

    It starts with a byte-order mark so that spreadsheet programs read the file as UTF-8.
    """
    writer = csv.writer(_Line(), lineterminator="\r\n")
    yield ("\ufeff" + writer.writerow(HTCDS_HEADERS)).encode("utf-8")
    for case in cases:
        yield writer.writerow([_safe_text(value) for value in htcds_row(case)]).encode("utf-8")
