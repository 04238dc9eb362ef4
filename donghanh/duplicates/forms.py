"""The forms of the review queue: ask for a scan, decide on a pair, merge two records."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, cast

from django import forms
from django.db import models
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from donghanh.core.idempotency import IdempotencyField
from donghanh.duplicates.models import Decision
from donghanh.duplicates.services import CHOSEN_FIELDS, MERGED, SURVIVOR
from donghanh.people.models import Person

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

# What the matcher compares, and its levels, in the reader's language.
COMPARISON_LABELS: dict[str, StrOrPromise] = {
    "given_name": _("Given name"),
    "family_name": _("Family name"),
    "middle_name": _("Middle name"),
    "birth_date": _("Date of birth"),
    "sex": _("Sex"),
    "place": _("Place"),
    "phone": _("Phone"),
}
LEVEL_LABELS: dict[str, StrOrPromise] = {
    "": _("not known on one side"),
    "exact": _("the same"),
    "same": _("the same"),
    "one edit": _("one letter different"),
    "in the other name": _("found elsewhere in the other name"),
    "different": _("different"),
    "abbreviated or one edit": _("abbreviated or one letter different"),
    "day and month swapped": _("day and month swapped"),
    "year off by one": _("year one off"),
    "day or month different": _("day or month different"),
    "same year, a date partly known": _("same year, one date partly known"),
    "year ±1": _("year within one"),
    "neither has one": _("neither has one"),
    "only one has one": _("only one has one"),
    "same commune": _("same commune"),
    "same province": _("same province"),
    "same province, a commune not known": _("same province, one commune not known"),
    "same province, another commune": _("same province, another commune"),
    "one digit": _("one digit different"),
}


@dataclass(frozen=True)
class Evidence:
    label: StrOrPromise
    level: StrOrPromise
    weight: float

    @property
    def agrees(self) -> bool:
        return self.weight > 0


def evidence_of(comparisons: list[dict[str, Any]]) -> list[Evidence]:
    """A pair's comparisons, labelled, strongest evidence first."""
    found = [
        Evidence(
            label=COMPARISON_LABELS.get(item["field"], item["field"]),
            level=LEVEL_LABELS.get(item["level"], item["level"]),
            weight=float(item["weight"]),
        )
        for item in comparisons
    ]
    return sorted(found, key=lambda evidence: -abs(evidence.weight))


def shown_value(person: Person, name: str) -> str:
    """A field's value as the record page shows it ("" when empty)."""
    value: Any = getattr(person, name)
    if value in (None, ""):
        return ""
    if name == "date_of_birth":
        return date_format(value, "SHORT_DATE_FORMAT")
    if name == "current_commune":
        return str(value)
    if name == "nationality":
        return str(person.nationality_label)
    display = getattr(person, f"get_{name}_display", None)
    return str(display()) if display is not None else str(value)


def _stored(person: Person, name: str) -> Any:
    return person.current_commune_id if name == "current_commune" else getattr(person, name)


@dataclass(frozen=True)
class FieldRow:
    name: str
    label: StrOrPromise
    value_a: str
    value_b: str
    differs: bool


def field_rows(a: Person, b: Person) -> list[FieldRow]:
    """The two records' fields side by side."""
    return [
        FieldRow(
            name=name,
            label=cast(models.Field[Any, Any], Person._meta.get_field(name)).verbose_name,
            value_a=shown_value(a, name),
            value_b=shown_value(b, name),
            differs=_stored(a, name) != _stored(b, name),
        )
        for name in CHOSEN_FIELDS
    ]


class ScanForm(forms.Form):
    """The "scan now" button: sent twice, it queues one scan."""

    idempotency_key = IdempotencyField()


class DecisionForm(forms.Form):
    decision = forms.ChoiceField(
        choices=[(Decision.NOT_SAME, _("Not the same person")), (Decision.LATER, _("Later"))],
        error_messages={"required": _("Choose what to do with this pair.")},
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)


class MergeForm(forms.Form):
    """Which record stays, and for each field on which the two differ, whose value to keep
    ("a" or "b": the left or right record, as shown)."""

    keep = forms.ChoiceField(
        label=_("Record to keep"),
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose which of the two records to keep.")},
    )
    version_a = forms.IntegerField(widget=forms.HiddenInput)
    version_b = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args: Any, a: Person, b: Person, **kwargs: Any) -> None:
        self.person_a, self.person_b = a, b
        rows = field_rows(a, b)
        initial = {
            "keep": "a",
            "version_a": a.version,
            "version_b": b.version,
            **{f"field_{row.name}": "a" if row.value_a or not row.value_b else "b" for row in rows},
        }
        kwargs.setdefault("initial", initial)
        super().__init__(*args, **kwargs)
        keep = cast(forms.ChoiceField, self.fields["keep"])
        keep.choices = [
            ("a", _("The left record (#%(id)s)") % {"id": a.pk}),
            ("b", _("The right record (#%(id)s)") % {"id": b.pk}),
        ]
        self.rows = [row for row in rows if row.differs]
        for row in self.rows:
            self.fields[f"field_{row.name}"] = forms.ChoiceField(
                label=row.label,
                widget=forms.RadioSelect,
                choices=[("a", row.value_a or "—"), ("b", row.value_b or "—")],
                error_messages={"required": _("Choose which value to keep.")},
            )

    def bound_rows(self) -> list[tuple[FieldRow, forms.BoundField]]:
        return [(row, self[f"field_{row.name}"]) for row in self.rows]

    def survivor_id(self) -> int:
        return self.person_a.pk if self.cleaned_data["keep"] == "a" else self.person_b.pk

    def choices(self) -> dict[str, str]:
        """Whose value to keep of each differing field: the survivor's or the merged record's."""
        keep = self.cleaned_data["keep"]
        return {
            row.name: SURVIVOR if self.cleaned_data[f"field_{row.name}"] == keep else MERGED
            for row in self.rows
        }

    def expected_versions(self) -> dict[int, int]:
        return {
            self.person_a.pk: self.cleaned_data["version_a"],
            self.person_b.pk: self.cleaned_data["version_b"],
        }
