"""The registry of a person's data export: the sections apps contribute, and the records built
from their model instances.

What the platform holds about one person is gathered, section by section, for a copy the person
can take away (`donghanh.privacy` assembles and delivers it). Each app contributes its sections
here, from its `AppConfig.ready()`, so that a new model joins the export without a change in
privacy, and no app has to import the app above it:

    from donghanh.core.person_export import model_records, register_exporter

    @register_exporter("referrals", label=_("Referrals"), covers=["referrals.referral"])
    def export_referrals(person):
        return model_records(Referral.objects.filter(person=person), title=_("Referral"))

`covers` names the models (app_label.model_name) the section accounts for. Any model with a
direct foreign key to the person that no section covers is still exported, field by field, in
a section of its own: nothing is left out because someone forgot to register it. The model the
copy is about (the person) is named by the app that owns it, with `register_subject_model`.

Left out on purpose: blind indexes (`*_index` columns, keyed hashes of values already in the
copy), edit counters, the platform users who recorded things (staff, not the person), and the
models that declare themselves derived from other records or kept for access control with
`@excluded_from_person_export(reason)` (pre-counted indicator figures, case staff lists). A test
checks that every model with a foreign key to the person is either covered by a section or
declared, so nothing joins or leaves the export unnoticed.

Labels and shown values are in the active language: build the export inside
`translation.override(...)` for the language of the person who will read it.
"""

from __future__ import annotations

import datetime
import decimal
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, TypeVar

from django.apps import apps
from django.contrib.auth import get_user_model
from django.core.exceptions import ImproperlyConfigured
from django.db import models
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.functional import Promise
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from donghanh.core.templatetags.donghanh import vnd

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

# Edit counters, and the next date work is due on a case (worked out from its records).
_SKIPPED_FIELD_NAMES = frozenset({"version", "next_due_on"})

# Labels of fields whose model gives them no translated name.
FIELD_LABELS: dict[str, StrOrPromise] = {
    "id": gettext_lazy("record number"),
    "from_status": gettext_lazy("status before"),
    "to_status": gettext_lazy("status after"),
    "reopen_count": gettext_lazy("times reopened"),
    "snapshot_taken_at": gettext_lazy("shared on"),
}


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

    def field_labels(self) -> dict[str, str]:
        """The label of each field of the section's records, by its JSON key."""
        labels: dict[str, str] = {}
        for record in self.records:
            for item in record.fields:
                labels.setdefault(item.name, item.label)
        return labels


# --- The model the copy is about ----------------------------------------------------------

_subject: list[type[models.Model]] = []


def register_subject_model(model: type[models.Model]) -> None:
    """Name the model the copy is about (the people app, at start-up)."""
    if _subject and _subject[0] is not model:
        raise ImproperlyConfigured("the person's data export already has a subject model")
    _subject[:] = [model]


def subject_model() -> type[models.Model]:
    if not _subject:
        raise ImproperlyConfigured(
            "no subject model for the person's data export: the people app registers it"
        )
    return _subject[0]


Exporter = Callable[[Any], list[ExportRecord]]


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
    if isinstance(value, list | dict):
        return value  # a JSON field's value: JSON already
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


def _display(value: Any, *, money: bool = False) -> str:
    if value is None or value == "" or value == [] or value == {}:
        return "—"
    if isinstance(value, bool):
        return _("Yes") if value else _("No")
    if money and isinstance(value, int):
        return vnd(value)
    if isinstance(value, list):
        return ", ".join(str(item) for item in value)
    if isinstance(value, dict):
        return "\n".join(f"{key}: {item}" for key, item in value.items())
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


def _label(model_field: models.Field[Any, Any]) -> str:
    """The field's name in the active language: its verbose name when the model gives one,
    else ours, else the name of the record it points at."""
    verbose: Any = model_field.verbose_name
    if not isinstance(verbose, Promise):  # made up by Django from the field's name
        if model_field.name in FIELD_LABELS:
            verbose = FIELD_LABELS[model_field.name]
        elif model_field.is_relation and isinstance(model_field.related_model, type):
            verbose = model_field.related_model._meta.verbose_name
    return capfirst(str(verbose))


def _related_text(related: models.Model) -> str:
    """What a record is called. Records named by type and number only ("case #12", never a
    person) are named by their type in the active language."""
    text = str(related)
    if text.endswith(f"#{related.pk}"):
        return f"{capfirst(str(related._meta.verbose_name))} #{related.pk}"
    return text


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
    excluded = set(exclude)
    fields: list[ExportField] = []
    for model_field in instance._meta.concrete_fields:
        if model_field.name in excluded or _is_skipped(model_field, subject_model()):
            continue
        label = _label(model_field)
        if model_field.is_relation:
            related = getattr(instance, model_field.name)
            text = None if related is None else _related_text(related)
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
                display=choice_label
                if choice_label is not None
                else _display(value, money=model_field.name.endswith("_vnd")),
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


# --- Which models point at the person ---------------------------------------------------


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


def person_models() -> list[tuple[type[models.Model], list[models.Field[Any, Any]]]]:
    """Every model with a direct foreign key (or one-to-one field) to the person."""
    person_model = subject_model()
    found = []
    for model in apps.get_models():
        pointing = _fields_pointing_at(model, person_model)
        if model is not person_model and pointing:
            found.append((model, pointing))
    return sorted(found, key=lambda item: item[0]._meta.label_lower)


def covered_models() -> set[str]:
    """The models (app_label.model_name) the registered sections account for."""
    covered: set[str] = set()
    for exporter in _registry.values():
        covered |= exporter.covers
    return covered


def uncovered_person_models() -> list[tuple[type[models.Model], list[models.Field[Any, Any]]]]:
    """Models with a direct foreign key to the person that no registered section covers and
    that do not declare themselves derived data: exported field by field, as a safety net."""
    covered = covered_models()
    return [
        (model, pointing)
        for model, pointing in person_models()
        if model._meta.label_lower not in covered and person_export_exclusion(model) is None
    ]


# --- Models that stay out ----------------------------------------------------------------

_ATTRIBUTE = "person_export_exclusion"

ModelClass = TypeVar("ModelClass", bound=type)


def excluded_from_person_export(reason: str) -> Callable[[ModelClass], ModelClass]:
    """Class decorator: the model's rows are not data about the person; `reason` says why."""
    if not reason.strip():
        raise ValueError("say why the model stays out of the person's data export")

    def declare(model: ModelClass) -> ModelClass:
        setattr(model, _ATTRIBUTE, reason)
        return model

    return declare


def person_export_exclusion(model: type) -> str | None:
    """Why the model stays out of the export, if it declared so itself (not inherited)."""
    reason = vars(model).get(_ATTRIBUTE)
    return reason if isinstance(reason, str) else None
