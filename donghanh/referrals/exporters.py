"""The referrals section of a person's data export (what was shared about them, with whom)."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from donghanh.core.person_export import ExportField, ExportRecord, model_record, register_exporter
from donghanh.referrals.models import Referral, SharedSection
from donghanh.referrals.snapshot import snapshot_sections

if TYPE_CHECKING:
    from donghanh.people.models import Person


def _shared(referral: Referral) -> ExportField | None:
    """What the referral carried, shown in the active language."""
    if not referral.snapshot:
        return None
    data = json.loads(referral.snapshot)
    lines = [
        f"{section.title}: " + "; ".join(f"{row.label}: {row.value}" for row in section.rows)
        for section in snapshot_sections(data)
    ]
    return ExportField(
        name="snapshot", label=_("What was shared"), value=data, display="\n".join(lines)
    )


def export_referrals(person: Person) -> list[ExportRecord]:
    referrals = (
        Referral.objects.filter(case__person=person)
        .select_related("from_organisation", "to_organisation", "to_provider", "case")
        .order_by("sent_at", "pk")
    )
    titles = dict(SharedSection.choices)
    title = _("Referral")
    records = []
    for referral in referrals:
        sections = ", ".join(str(titles.get(code, code)) for code in referral.shared_sections)
        record = model_record(
            referral,
            title=f"{title} #{referral.pk}",
            exclude=["snapshot"],
            displays={"shared_sections": sections},
        )
        shared = _shared(referral)
        if shared is not None:
            record.fields.append(shared)
        records.append(record)
    return records


def register_referral_exporter() -> None:
    register_exporter(
        "referrals",
        label=gettext_lazy("Referrals and transfers"),
        covers=["referrals.referral"],
        order=60,
        replace=True,
    )(export_referrals)
