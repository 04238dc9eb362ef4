"""The referrals section of a person's data export (what was shared about them, with whom)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from donghanh.privacy.exporters import ExportRecord, model_records, register_exporter
from donghanh.referrals.models import Referral

if TYPE_CHECKING:
    from donghanh.people.models import Person


def export_referrals(person: Person) -> list[ExportRecord]:
    referrals = (
        Referral.objects.filter(case__person=person)
        .select_related("from_organisation", "to_organisation", "to_provider", "case")
        .order_by("sent_at", "pk")
    )
    return model_records(referrals, title=_("Referral"))


def register_referral_exporter() -> None:
    register_exporter(
        "referrals",
        label=gettext_lazy("Referrals and transfers"),
        covers=["referrals.referral"],
        order=60,
        replace=True,
    )(export_referrals)
