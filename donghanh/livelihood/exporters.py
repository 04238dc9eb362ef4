"""The person's data export: her savings group records.

A member linked with her case hangs on the case, so the cases section exports the membership
itself; this section adds what hangs below it: her attendance, her loans and their schedules,
and every movement of money she made or received.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from donghanh.core.person_export import (
    ExportRecord,
    model_records,
    register_exporter,
    registered_exporters,
)
from donghanh.livelihood.savings.models import Attendance, LedgerEntry, Loan, LoanInstalment

if TYPE_CHECKING:
    from donghanh.people.models import Person


def export_livelihood(person: Person) -> list[ExportRecord]:
    linked = {"member__case__person": person}
    return [
        *model_records(Attendance.objects.filter(**linked).order_by("pk"), title=_("Attendance")),
        *model_records(Loan.objects.filter(**linked).order_by("pk"), title=_("Loan")),
        *model_records(
            LoanInstalment.objects.filter(loan__member__case__person=person).order_by("pk"),
            title=_("Instalment"),
        ),
        *model_records(
            LedgerEntry.objects.filter(**linked).order_by("pk"), title=_("Savings group record")
        ),
    ]


def register_livelihood_exporter() -> None:
    if any(exporter.key == "livelihood" for exporter in registered_exporters()):
        return
    register_exporter(
        "livelihood",
        label=gettext_lazy("Savings group"),
        covers=[
            "livelihood.attendance",
            "livelihood.loan",
            "livelihood.loaninstalment",
            "livelihood.ledgerentry",
        ],
        order=60,
    )(export_livelihood)
