"""A person's data export assembled: every registered section (`donghanh.core.person_export`),
then every model pointing at the person that no section covers, field by field, with the notice
of what the copy is and the person's rights in front."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.text import capfirst
from django.utils.translation import get_language

from donghanh.core.person_export import (
    ExportSection,
    model_records,
    registered_exporters,
    uncovered_person_models,
)
from donghanh.privacy.notice import Notice, export_notice

if TYPE_CHECKING:
    from donghanh.people.models import Person

EXPORT_FORMAT = "donghanh.person-export/1"


@dataclass
class PersonExport:
    person_id: int
    organisation: str
    generated_at: datetime.datetime
    sections: list[ExportSection]
    language: str = ""
    website: str = ""

    @property
    def generated_display(self) -> str:
        return date_format(timezone.localtime(self.generated_at), "SHORT_DATETIME_FORMAT")

    def notice(self) -> Notice:
        """What the copy is and the person's rights, in the active language."""
        return export_notice(
            organisation=self.organisation, when=self.generated_display, website=self.website
        )

    def as_json(self) -> dict[str, Any]:
        return {
            "format": EXPORT_FORMAT,
            "language": self.language,
            "person_id": self.person_id,
            "organisation": self.organisation,
            "generated_at": self.generated_at.isoformat(),
            "notice": self.notice().as_json(),
            "sections": {
                section.key: {
                    "label": section.label,
                    "fields": section.field_labels(),
                    "records": [record.as_json() for record in section.records],
                }
                for section in self.sections
            },
        }


def person_export_data(person: Person) -> PersonExport:
    """Everything the platform holds about `person`, section by section."""
    sections = [
        ExportSection(key=exporter.key, label=str(exporter.label), records=exporter.export(person))
        for exporter in registered_exporters()
    ]
    for model, pointing in uncovered_person_models():
        match = models.Q()
        for model_field in pointing:
            match |= models.Q(**{model_field.name: person})
        rows = model._default_manager.filter(match).order_by("pk")
        label = capfirst(str(model._meta.verbose_name_plural))
        sections.append(
            ExportSection(
                key=model._meta.label_lower,
                label=label,
                records=model_records(rows, title=capfirst(str(model._meta.verbose_name))),
            )
        )
    return PersonExport(
        person_id=person.pk,
        organisation=person.organisation.local_name,
        generated_at=timezone.now(),
        sections=sections,
        language=get_language() or settings.LANGUAGE_CODE,
        website=person.organisation.website,
    )
