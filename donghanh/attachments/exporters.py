"""The person's data export: the documents and photos on their cases (names, descriptions,
types, sizes and dates; the files themselves are given by staff through the case page)."""

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

from .models import Attachment

if TYPE_CHECKING:
    from donghanh.people.models import Person


def export_attachments(person: Person) -> list[ExportRecord]:
    attachments = Attachment.objects.filter(case__person=person).order_by("pk")
    return model_records(
        attachments, title=_("Document or photo"), exclude=["stored_name", "sha256"]
    )


# The section keeps the key it has had in every copy given so far ("casefiles", the app's old
# name): a copy's sections are read by their keys.
EXPORT_SECTION = "casefiles"


def register_attachments_exporter() -> None:
    if any(exporter.key == EXPORT_SECTION for exporter in registered_exporters()):
        return
    register_exporter(
        EXPORT_SECTION,
        label=gettext_lazy("Documents and photos"),
        covers=[Attachment._meta.label_lower],
        order=47,
    )(export_attachments)
