"""A referral's snapshot: what the sender shared, taken from the case and stored as it was.

It is stored (encrypted) as JSON, `{section: [[field, value], ...]}` in the order of
`SharedSection`. A value is plain text (a name, a phone number, the name of a commune), a date
as ISO text, a code, a list of codes, a number or true/false: never a label. The receiver may
read in another language than the sender, so labels are looked up when the snapshot is shown,
in the reader's language (`snapshot_sections`); and a label is a lazy translation that JSON
cannot hold at all.

Snapshots taken before codes were stored hold labels and dates as they were shown then; a
value that is not a code the field knows is shown as it is, so those still read.
"""

from __future__ import annotations

import datetime
import json
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from donghanh.cases.models import CaseType, IdentificationStatus, LegalRegime, SupportRegime
from donghanh.cases.selectors import regimes_entitled
from donghanh.people.models import NATIONALITY_CHOICES, Ethnicity, Sex
from donghanh.reference.codelists import CONTROL_MEANS, COUNTRIES, EXPLOITATION_TYPES, CodeList
from donghanh.reference.domains import ServiceDomain
from donghanh.referrals.models import SharedSection

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

    from donghanh.cases.models import Case

# A stored value: what JSON holds and nothing else.
Stored = str | int | bool | list[str]


def _as_text(value: Any) -> str:
    return str(value)


def _date(value: Any) -> str:
    try:
        return date_format(datetime.date.fromisoformat(value), "SHORT_DATE_FORMAT")
    except (TypeError, ValueError):
        return str(value)  # a date shown as text in an older snapshot


def _choice(choices: Iterable[tuple[str, Any]]) -> Callable[[Any], str]:
    def label(value: Any) -> str:
        return str(dict(choices).get(value, value))

    return label


def _codes(codelist: CodeList) -> Callable[[Any], str]:
    def labels(value: Any) -> str:
        if isinstance(value, list):
            return ", ".join(str(codelist.label(code)) for code in value)
        return str(codelist.label(value))

    return labels


def _regimes(value: Any) -> str:
    if not isinstance(value, list):
        return str(value)
    labels = dict(SupportRegime.choices)
    return ", ".join(str(labels.get(code, code)) for code in value)


def _nationality(value: Any) -> str:
    known = dict(NATIONALITY_CHOICES)
    return str(known[value]) if value in known else str(COUNTRIES.label(value))


def _where(value: Any) -> str:
    if isinstance(value, bool):
        return _("Abroad") if value else _("In Vietnam")
    return str(value)


def _service(value: Any) -> str:
    if not value:
        return _("Whole case")
    return str(dict(ServiceDomain.choices).get(value, value))


@dataclass(frozen=True)
class SnapshotField:
    label: StrOrPromise
    show: Callable[[Any], str] = _as_text
    # Shown even when empty (an empty service needed is the whole case).
    keep_empty: bool = False


FIELDS: dict[str, SnapshotField] = {
    "full_name": SnapshotField(gettext_lazy("Full name")),
    "other_names": SnapshotField(gettext_lazy("Other names")),
    "sex": SnapshotField(gettext_lazy("Sex"), _choice(Sex.choices)),
    "date_of_birth": SnapshotField(gettext_lazy("Date of birth"), _date),
    "age": SnapshotField(gettext_lazy("Age")),
    "nationality": SnapshotField(gettext_lazy("Nationality"), _nationality),
    "ethnicity": SnapshotField(gettext_lazy("Ethnicity"), _choice(Ethnicity.choices)),
    "phone": SnapshotField(gettext_lazy("Phone")),
    "current_address": SnapshotField(gettext_lazy("Current address")),
    "case_type": SnapshotField(gettext_lazy("Case type"), _choice(CaseType.choices)),
    "identification_status": SnapshotField(
        gettext_lazy("Identification status"), _choice(IdentificationStatus.choices)
    ),
    "identified_on": SnapshotField(gettext_lazy("Identification date"), _date),
    "legal_regime": SnapshotField(gettext_lazy("Legal regime"), _choice(LegalRegime.choices)),
    "is_abroad": SnapshotField(gettext_lazy("Where the person is"), _where),
    "origin_commune": SnapshotField(gettext_lazy("Commune of origin")),
    "transit_countries": SnapshotField(gettext_lazy("Transit countries"), _codes(COUNTRIES)),
    "destination_country": SnapshotField(gettext_lazy("Destination country"), _codes(COUNTRIES)),
    "departure_date": SnapshotField(gettext_lazy("Departure date"), _date),
    "return_date": SnapshotField(gettext_lazy("Return date"), _date),
    "exploitation_types": SnapshotField(
        gettext_lazy("Type of exploitation"), _codes(EXPLOITATION_TYPES)
    ),
    "control_means": SnapshotField(gettext_lazy("Means of control"), _codes(CONTROL_MEANS)),
    "service_needed": SnapshotField(gettext_lazy("Service needed"), _service, keep_empty=True),
    "regimes": SnapshotField(gettext_lazy("Support regimes the person is entitled to"), _regimes),
}


# --- Taking a snapshot --------------------------------------------------------------------


def _day(value: datetime.date | None) -> str:
    return value.isoformat() if value else ""


def _section_values(case: Case, section: str, domain: str) -> list[tuple[str, Stored]]:
    person = case.person
    if section == SharedSection.IDENTITY:
        return [
            ("full_name", person.full_name),
            ("other_names", person.other_names),
            ("sex", person.sex),
            ("date_of_birth", _day(person.date_of_birth)),
            ("age", "" if person.age is None else person.age),
            ("nationality", person.nationality),
            ("ethnicity", person.ethnicity),
        ]
    if section == SharedSection.CONTACT:
        return [("phone", person.phone), ("current_address", person.current_address)]
    if section == SharedSection.CASE:
        return [
            ("case_type", case.case_type),
            ("identification_status", case.identification_status),
            ("identified_on", _day(case.identified_on)),
            ("legal_regime", case.legal_regime),
            ("is_abroad", bool(case.is_abroad)),
        ]
    if section == SharedSection.JOURNEY:
        return [
            ("origin_commune", str(case.origin_commune) if case.origin_commune else ""),
            ("transit_countries", list(case.transit_countries or [])),
            ("destination_country", case.destination_country),
            ("departure_date", _day(case.departure_date)),
            ("return_date", _day(case.return_date)),
            ("exploitation_types", list(case.exploitation_types or [])),
            ("control_means", list(case.control_means or [])),
        ]
    if section == SharedSection.NEEDS:
        regimes = [regime.code for regime in regimes_entitled(case)]
        return [("service_needed", domain), ("regimes", regimes)]
    raise ValueError(f"unknown section {section!r}")


def _is_stored(value: object) -> bool:
    if isinstance(value, list):
        return all(isinstance(item, str) for item in value)
    return isinstance(value, str | int | bool)


def take_snapshot(case: Case, sections: Iterable[str], *, domain: str = "") -> str:
    """The chosen sections of the case as JSON text: codes and plain text, never a label."""
    chosen = set(sections)
    data: dict[str, list[list[Stored]]] = {}
    for section in SharedSection.values:
        if section not in chosen:
            continue
        rows: list[list[Stored]] = []
        for key, value in _section_values(case, section, domain):
            if not _is_stored(value):
                raise TypeError(f"snapshot field {key!r} holds a {type(value).__name__}")
            if value in ("", []) and not FIELDS[key].keep_empty:
                continue
            rows.append([key, value])
        data[section] = rows
    return json.dumps(data, ensure_ascii=False)


# --- Showing a snapshot -------------------------------------------------------------------


@dataclass(frozen=True)
class SnapshotRow:
    field: str
    label: str
    value: str


@dataclass(frozen=True)
class SnapshotSection:
    code: str
    title: str
    rows: list[SnapshotRow]


def _row(key: str, value: Any) -> SnapshotRow:
    spec = FIELDS.get(key)
    if spec is None:
        return SnapshotRow(field=key, label=key, value=str(value))
    return SnapshotRow(field=key, label=str(spec.label), value=spec.show(value))


def snapshot_sections(data: Mapping[str, Any]) -> list[SnapshotSection]:
    """The stored snapshot with its labels and values in the active language."""
    titles = dict(SharedSection.choices)
    return [
        SnapshotSection(
            code=code,
            title=str(titles.get(code, code)),
            rows=[_row(key, value) for key, value in rows],
        )
        for code, rows in data.items()
    ]
