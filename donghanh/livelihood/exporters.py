"""The person's data export: her livelihood plan's support and reviews, and her savings group
records.

Her plan, her reintegration assessments and a membership linked with her case hang on the
case, so the cases section exports them itself; this section adds what hangs below them: the
support given and the reviews of her plan, her attendance, her loans and their schedules, and
every movement of money she made or received in the group.
"""

from __future__ import annotations

import dataclasses
from typing import TYPE_CHECKING

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from donghanh.core.person_export import (
    ExportRecord,
    model_records,
    register_exporter,
    registered_exporters,
)
from donghanh.core.templatetags.donghanh import vnd
from donghanh.livelihood.plans.models import LivelihoodReview, LivelihoodSupport
from donghanh.livelihood.savings.models import Attendance, LedgerEntry, Loan, LoanInstalment

if TYPE_CHECKING:
    from donghanh.people.models import Person


# The amounts of money in these records, in whole đồng: shown as `1.500.000 ₫` beside the
# plain number the JSON copy keeps.
MONEY_FIELDS = frozenset(
    {
        "amount",
        "income",
        "principal",
        "interest",
        "principal_repaid",
        "interest_repaid",
        "balance_after",
    }
)


def _money_shown(records: list[ExportRecord]) -> list[ExportRecord]:
    for record in records:
        record.fields = [
            dataclasses.replace(item, display=vnd(item.value))
            if item.name in MONEY_FIELDS and type(item.value) is int
            else item
            for item in record.fields
        ]
    return records


def export_livelihood(person: Person) -> list[ExportRecord]:
    linked = {"member__case__person": person}
    plans = {"plan__case__person": person}
    return _money_shown(
        [
            *model_records(
                LivelihoodSupport.objects.filter(**plans).order_by("pk"),
                title=_("Livelihood support"),
            ),
            *model_records(
                LivelihoodReview.objects.filter(**plans).order_by("pk"),
                title=_("Livelihood review"),
            ),
            *model_records(
                Attendance.objects.filter(**linked).order_by("pk"), title=_("Attendance")
            ),
            *model_records(Loan.objects.filter(**linked).order_by("pk"), title=_("Loan")),
            *model_records(
                LoanInstalment.objects.filter(loan__member__case__person=person).order_by("pk"),
                title=_("Instalment"),
            ),
            *model_records(
                LedgerEntry.objects.filter(**linked).order_by("pk"), title=_("Savings group record")
            ),
        ]
    )


def register_livelihood_exporter() -> None:
    if any(exporter.key == "livelihood" for exporter in registered_exporters()):
        return
    register_exporter(
        "livelihood",
        label=gettext_lazy("Livelihood and savings group"),
        covers=[
            "livelihood.livelihoodsupport",
            "livelihood.livelihoodreview",
            "livelihood.attendance",
            "livelihood.loan",
            "livelihood.loaninstalment",
            "livelihood.ledgerentry",
        ],
        order=60,
    )(export_livelihood)
