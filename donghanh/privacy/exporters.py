"""What the platform holds about one person, gathered for a copy the person can take away.

Each app contributes a section through a small registry, so that a new model joins the export
without a change here. In the app's `AppConfig.ready()`:

    from donghanh.privacy.exporters import model_records, register_exporter

    @register_exporter("referrals", label=_("Referrals"), covers=["referrals.referral"])
    def export_referrals(person):
        return model_records(Referral.objects.filter(person=person), title=_("Referral"))

`covers` names the models (app_label.model_name) the section accounts for. Any model with a
direct foreign key to the person that no section covers is still exported, field by field, in
a section of its own: nothing is left out because someone forgot to register it.

Left out on purpose: blind indexes (`*_index` columns, keyed hashes of values already in the
copy), edit counters, and the platform users who recorded things (staff, not the person).
"""

from __future__ import annotations

import datetime
import decimal
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.apps import apps
from django.contrib.auth import get_user_model
from django.db import models
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.text import capfirst
from django.utils.translation import gettext as _

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

    from donghanh.people.models import Person

EXPORT_FORMAT = "donghanh.person-export/1"
_SKIPPED_FIELD_NAMES = frozenset({"version"})


@dataclass(frozen=True)
class ExportField:
    name: str
    label: str
    value: Any  # JSON-ready: str, int, bool, None
    display: str
    choice_label: str | None = None


@dataclass
class ExportRecord:
    title: str
    fields: list[ExportField]

    def as_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {}
        for item in self.fields:
            data[item.name] = item.value
            if item.choice_label is not None:
                data[f"{item.name}_display"] = item.choice_label
        return data


@dataclass
class ExportSection:
    key: str
    label: str
    records: list[ExportRecord] = field(default_factory=list)


@dataclass
class PersonExport:
    person_id: int
    organisation: str
    generated_at: datetime.datetime
    sections: list[ExportSection]

    def as_json(self) -> dict[str, Any]:
        return {
            "format": EXPORT_FORMAT,
            "person_id": self.person_id,
            "organisation": self.organisation,
            "generated_at": self.generated_at.isoformat(),
            "sections": {
                section.key: {
                    "label": section.label,
                    "records": [record.as_json() for record in section.records],
                }
                for section in self.sections
            },
        }


Exporter = Callable[["Person"], list[ExportRecord]]


@dataclass(frozen=True)
class RegisteredExporter:
    key: str
    label: StrOrPromise
    export: Exporter
    covers: frozenset[str]
    order: int


_registry: dict[str, RegisteredExporter] = {}


def register_exporter(
    key: str,
    *,
    label: StrOrPromise,
    covers: Iterable[str] = (),
    order: int = 100,
    replace: bool = False,
) -> Callable[[Exporter], Exporter]:
    """Register `function(person) -> list[ExportRecord]` as the export section `key`.

    A key is registered once; `replace=True` lets an app swap a section for a fuller one.
    """

    def decorator(function: Exporter) -> Exporter:
        if key in _registry and not replace:
            raise ValueError(f"an exporter is already registered as {key!r}")
        _registry[key] = RegisteredExporter(
            key=key,
            label=label,
            export=function,
            covers=frozenset(name.lower() for name in covers),
            order=order,
        )
        return function

    return decorator


def unregister_exporter(key: str) -> None:
    _registry.pop(key, None)


def registered_exporters() -> list[RegisteredExporter]:
    return sorted(_registry.values(), key=lambda exporter: (exporter.order, exporter.key))


# --- Records from model instances ---------------------------------------------------------


def _json_value(value: Any) -> Any:
    if isinstance(value, datetime.datetime):
        if timezone.is_aware(value):
            value = timezone.localtime(value)
        return value.isoformat()
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, decimal.Decimal):
        return str(value)
    if value is None or isinstance(value, str | int | float | bool):
        return value
    return str(value)


def _display(value: Any) -> str:
    if value is None or value == "":
        return "—"
    if isinstance(value, bool):
        return _("Yes") if value else _("No")
    if isinstance(value, datetime.datetime):
        return date_format(timezone.localtime(value), "SHORT_DATETIME_FORMAT")
    if isinstance(value, datetime.date):
        return date_format(value, "SHORT_DATE_FORMAT")
    return str(value)


def _is_skipped(model_field: models.Field[Any, Any], person_model: type[models.Model]) -> bool:
    if model_field.name in _SKIPPED_FIELD_NAMES or model_field.name.endswith("_index"):
        return True
    if model_field.is_relation:
        related = model_field.related_model
        if related is person_model:
            return True  # the person is the subject of the whole copy
        if related is get_user_model():
            return True  # staff who recorded things are not the person's data
    return False


def model_record(
    instance: models.Model,
    *,
    title: str,
    exclude: Iterable[str] = (),
    displays: Mapping[str, str] | None = None,
) -> ExportRecord:
    """Every concrete field of `instance` (decrypted), labelled with its verbose name.

    A foreign key is shown by what its record is called (a commune, an organisation), and a
    field with choices by its label beside its stored code; `displays` gives the shown text
    of other fields whose code needs a name (a country code, say).
    """
    from donghanh.people.models import Person

    excluded = set(exclude)
    fields: list[ExportField] = []
    for model_field in instance._meta.concrete_fields:
        if model_field.name in excluded or _is_skipped(model_field, Person):
            continue
        label = capfirst(str(model_field.verbose_name))
        if model_field.is_relation:
            related = getattr(instance, model_field.name)
            text = None if related is None else str(related)
            if related is not None and displays and model_field.name in displays:
                text = displays[model_field.name]
            fields.append(
                ExportField(name=model_field.name, label=label, value=text, display=_display(text))
            )
            continue
        value = getattr(instance, model_field.attname)
        choice_label = None
        if model_field.choices and value not in (None, ""):
            choice_label = str(dict(model_field.flatchoices).get(value, value))
        elif displays and model_field.name in displays:
            choice_label = displays[model_field.name]
        fields.append(
            ExportField(
                name=model_field.name,
                label=label,
                value=_json_value(value),
                display=choice_label if choice_label is not None else _display(value),
                choice_label=choice_label,
            )
        )
    return ExportRecord(title=title, fields=fields)


def model_records(
    instances: Iterable[models.Model], *, title: StrOrPromise, exclude: Iterable[str] = ()
) -> list[ExportRecord]:
    """One record per instance, titled "<title> #<id>"."""
    return [
        model_record(instance, title=f"{title} #{instance.pk}", exclude=exclude)
        for instance in instances
    ]


# --- The whole copy -----------------------------------------------------------------------


def _fields_pointing_at(
    model: type[models.Model], person_model: type[models.Model]
) -> list[models.Field[Any, Any]]:
    return [
        model_field
        for model_field in model._meta.concrete_fields
        if model_field.is_relation
        and (model_field.many_to_one or model_field.one_to_one)
        and model_field.related_model is person_model
    ]


def uncovered_person_models() -> list[tuple[type[models.Model], list[models.Field[Any, Any]]]]:
    """Models with a direct foreign key to the person that no registered section covers."""
    from donghanh.people.models import Person

    covered: set[str] = set()
    for exporter in _registry.values():
        covered |= exporter.covers
    found = []
    for model in apps.get_models():
        if model is Person or model._meta.label_lower in covered:
            continue
        pointing = _fields_pointing_at(model, Person)
        if pointing:
            found.append((model, pointing))
    return sorted(found, key=lambda item: item[0]._meta.label_lower)


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
        organisation=person.organisation.name,
        generated_at=timezone.now(),
        sections=sections,
    )
