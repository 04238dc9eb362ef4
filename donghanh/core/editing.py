"""One stale-edit check for every editable record: versions, field fingerprints, signed baselines
and the field-by-field merge view.

A record that can be edited carries a `version` that every save increments. An edit form
carries the version it was opened at and a signed *baseline*: a keyed fingerprint of each
editable field as it was then (a fingerprint, never the value: the form travels through the
browser). When the save arrives after someone else's, the service refuses it with
`StaleEditError`, naming the fields the other save changed; the page then shows those fields'
stored values beside the user's form (`merge_after_conflict`): fields only the other person
changed take the stored value, fields both changed keep what this user typed, so nothing is
lost either way and nothing is overwritten unseen.

Each kind of record describes itself once with an `EditSpec`:

    PERSON_EDITS = EditSpec.for_model(Person, fields=PERSON_FIELDS, purpose="edit-baseline")

and the service calls `PERSON_EDITS.check(current, expected_version=…, baseline=…)` on the
row it has locked with `select_for_update()`.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Collection, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, cast

from django import forms
from django.core import signing
from django.core.exceptions import ValidationError
from django.db import models
from django.http import QueryDict
from django.utils.formats import date_format
from django.utils.text import capfirst
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from donghanh.core.crypto import value_fingerprint

_BASELINE_SALT = "donghanh.edit-baseline"


class StaleEditError(ValidationError):
    """The record changed after the user opened it; their save is refused, nothing is lost."""

    def __init__(
        self,
        *,
        changed_fields: Iterable[str],
        current_version: int,
        labels: Mapping[str, str] | None = None,
        message: str | None = None,
    ) -> None:
        self.changed_fields = list(changed_fields)
        self.current_version = current_version
        names = ", ".join(capfirst((labels or {}).get(name, name)) for name in self.changed_fields)
        if message is None and self.changed_fields and labels is not None:
            message = gettext(
                "Someone else saved this record after you opened it. They changed: %(fields)s. "
                "Your changes were not saved: check the current values below and save again."
            ) % {"fields": names}
        elif message is None:
            message = gettext(
                "Someone else saved this record after you opened it. Your changes were not "
                "saved: check the current values below and save again."
            )
        super().__init__(message, code="edit_conflict")

    def as_api_body(self, sent_version: int) -> dict[str, Any]:
        """The body of the API's 409 answer: what changed and the version to read again."""
        return {
            "detail": gettext(
                "Someone saved this record after version %(version)s, which you sent: "
                "nothing was saved. Read the record again and redo your change."
            )
            % {"version": sent_version},
            "code": "edit_conflict",
            "changed_fields": self.changed_fields,
            "current_version": self.current_version,
        }


def _comparable(record: models.Model, name: str) -> Any:
    """A field's comparable value: the key for a foreign key, the stored value otherwise."""
    return getattr(record, record._meta.get_field(name).attname)  # type: ignore[union-attr]


def _shown(record: models.Model, name: str) -> str:
    """A field's stored value as a page shows it: choices by label, dates as dd/mm/yyyy."""
    model_field = record._meta.get_field(name)
    value = getattr(record, name)
    if value in (None, "") or value == []:
        return "—"
    if isinstance(value, bool):
        return gettext("Yes") if value else gettext("No")
    if getattr(model_field, "choices", None):
        return str(getattr(record, f"get_{name}_display")())
    if isinstance(value, datetime.date):
        return date_format(value, "SHORT_DATE_FORMAT")
    return str(value)


def _label(model: type[models.Model], name: str) -> str:
    verbose = getattr(model._meta.get_field(name), "verbose_name", name)
    return capfirst(str(verbose))


@dataclass(frozen=True)
class EditSpec:
    """How one kind of record is compared, named and shown for the stale-edit check.

    `value`, `label` and `display` default to the model's own fields; a record with computed
    fields (a case's screening answers, say) passes its own functions for those names.
    """

    model: type[models.Model]
    fields: tuple[str, ...]
    purpose: str
    value: Callable[[Any, str], Any] = _comparable
    display: Callable[[Any, str], str] = _shown
    label: Callable[[str], str] | None = None

    @classmethod
    def for_model(
        cls, model: type[models.Model], *, fields: Iterable[str], purpose: str, **overrides: Any
    ) -> EditSpec:
        return cls(model=model, fields=tuple(fields), purpose=purpose, **overrides)

    def field_label(self, name: str) -> str:
        if self.label is not None:
            return self.label(name)
        return _label(self.model, name)

    def fingerprint(self, name: str, value: Any) -> str:
        return value_fingerprint(value, purpose=f"{self.purpose}:{name}")

    def fingerprints(self, record: Any) -> dict[str, str]:
        """The fingerprint of each editable field, to tell later which fields changed."""
        return {name: self.fingerprint(name, self.value(record, name)) for name in self.fields}

    def changed_since(self, record: Any, baseline: Mapping[str, str]) -> list[str]:
        now = self.fingerprints(record)
        return [name for name in self.fields if now[name] != baseline.get(name)]

    def check(self, current: Any, *, expected_version: int, baseline: Mapping[str, str]) -> None:
        """Refuse the save when `current` (locked) is no longer the version the user edited."""
        if current.version != expected_version:
            changed = self.changed_since(current, baseline)
            raise StaleEditError(
                changed_fields=changed,
                current_version=current.version,
                labels={name: self.field_label(name) for name in changed},
            )

    def baseline_initial(self, record: Any) -> dict[str, Any]:
        """The hidden fields of an edit form opened on `record`."""
        return {"version": record.version, "baseline": sign_baseline(self.fingerprints(record))}


def sign_baseline(fingerprints: Mapping[str, str]) -> str:
    return signing.dumps(dict(fingerprints), salt=_BASELINE_SALT, compress=True)


def read_baseline(token: str) -> dict[str, str] | None:
    """The fingerprints a signed baseline holds, or None when it was tampered with."""
    try:
        value = signing.loads(token, salt=_BASELINE_SALT)
    except signing.BadSignature:
        return None
    if not isinstance(value, dict) or not all(
        isinstance(key, str) and isinstance(item, str) for key, item in value.items()
    ):
        return None
    return cast(dict[str, str], value)


class VersionedFormMixin(forms.Form):
    """The version and signed baseline an edit form carries, for the stale-edit check."""

    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)
    baseline = forms.CharField(widget=forms.HiddenInput)

    def clean_baseline(self) -> dict[str, str]:
        value = read_baseline(self.cleaned_data["baseline"])
        if value is None:
            raise forms.ValidationError(
                _("This form is damaged. Open the record again and redo your changes.")
            )
        return value

    def edited_values(self) -> dict[str, Any]:
        """The cleaned values without the version and baseline."""
        return {
            name: value
            for name, value in self.cleaned_data.items()
            if name not in ("version", "baseline")
        }


@dataclass(frozen=True)
class ConflictRow:
    """One field another save changed: its label, the stored value, and whether this user
    changed it too (then the form keeps their value)."""

    label: str
    value: str
    also_yours: bool


@dataclass
class Merge:
    """The form data to save again on top of the stored version, and what the other save
    changed."""

    data: QueryDict
    rows: list[ConflictRow] = field(default_factory=list)


def merge_after_conflict(
    spec: EditSpec,
    *,
    record: Any,
    submitted: QueryDict,
    baseline: Mapping[str, str],
    typed: Mapping[str, Any],
    stored: Mapping[str, Any],
    changed_by_others: Iterable[str],
    editable: Collection[str] | None = None,
    form_keys: Callable[[str], list[str]] = lambda name: [name],
) -> Merge:
    """Merge the user's submitted form with the stored `record` after a `StaleEditError`.

    `typed` holds the user's cleaned values keyed by record field, `stored` the stored record
    as form data keyed by form field, `editable` the record fields this form edits (all by
    default). For a field only the other person changed, the form takes the stored value; for
    a field both changed, it keeps what this user typed.
    """
    data = submitted.copy()
    rows = []
    for name in changed_by_others:
        also_yours = False
        if editable is None or name in editable:
            also_yours = spec.fingerprint(name, typed.get(name)) != baseline.get(name)
            if not also_yours:
                for key in form_keys(name):
                    value = stored.get(key, "")
                    if isinstance(value, list | tuple):
                        data.setlist(key, [_form_text(item) for item in value])
                    else:
                        data[key] = _form_text(value)
        rows.append(
            ConflictRow(
                label=spec.field_label(name),
                value=spec.display(record, name),
                also_yours=also_yours,
            )
        )
    data["version"] = str(record.version)
    data["baseline"] = sign_baseline(spec.fingerprints(record))
    return Merge(data=data, rows=rows)


def _form_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, models.Model):
        return str(value.pk)
    if isinstance(value, datetime.date):
        return value.strftime("%d/%m/%Y")
    if isinstance(value, bool):
        return "on" if value else ""
    return str(value)
