"""How a stored snapshot is shown: its keys turned into labels in the reader's language."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext_lazy as _

from donghanh.referrals.models import SharedSection

FIELD_LABELS: dict[str, Any] = {
    "full_name": _("Full name"),
    "other_names": _("Other names"),
    "sex": _("Sex"),
    "date_of_birth": _("Date of birth"),
    "age": _("Age"),
    "nationality": _("Nationality"),
    "ethnicity": _("Ethnicity"),
    "phone": _("Phone"),
    "current_address": _("Current address"),
    "case_type": _("Case type"),
    "identification_status": _("Identification status"),
    "identified_on": _("Identification date"),
    "legal_regime": _("Legal regime"),
    "is_abroad": _("Where the person is"),
    "origin_commune": _("Commune of origin"),
    "transit_countries": _("Transit countries"),
    "destination_country": _("Destination country"),
    "departure_date": _("Departure date"),
    "return_date": _("Return date"),
    "exploitation_types": _("Type of exploitation"),
    "control_means": _("Means of control"),
    "service_needed": _("Service needed"),
    "regimes": _("Support regimes the person is entitled to"),
}


@dataclass(frozen=True)
class SnapshotSection:
    code: str
    title: str
    rows: list[tuple[str, str]]


def snapshot_sections(data: dict[str, Any]) -> list[SnapshotSection]:
    titles = dict(SharedSection.choices)
    return [
        SnapshotSection(
            code=code,
            title=str(titles.get(code, code)),
            rows=[(str(FIELD_LABELS.get(key, key)), str(value)) for key, value in rows],
        )
        for code, rows in data.items()
    ]
