"""The person's data export: the documents and photos on their cases (names, descriptions,
types, sizes and dates; the files themselves are given by staff through the case page)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from donghanh.privacy.exporters import (
    ExportRecord,
    model_records,
    register_exporter,
    registered_exporters,
)

from .models import Attachment

if TYPE_CHECKING:
    from donghanh.people.models import Person


def export_attachments(person: Person) -> list[ExportRecord]:
    attachments = Attachment.objects.filter(case__person=person).order_by("pk")
    return model_records(
        attachments, title=_("Document or photo"), exclude=["stored_name", "sha256"]
    )


def register_casefiles_exporter() -> None:
    if any(exporter.key == "casefiles" for exporter in registered_exporters()):
        return
    register_exporter(
        "casefiles",
        label=gettext_lazy("Documents and photos"),
        covers=["casefiles.attachment"],
        order=47,
    )(export_attachments)
