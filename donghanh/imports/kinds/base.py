"""The kinds of record that can be imported, each described once.

A kind says which columns its template has (`Column`: the heading, whether it must be filled,
how a value is read, the code list of a dropdown, a note for the notes sheet, the example
row's value), which permission creating such a record by hand needs, and four steps:

    prepare(batch, actor)      what the rows are checked against, read once (the training,
                               the names already in the registry…)
    check(row, state)          the row's values, read and checked: problems by column, or a
                               payload; and whether it duplicates a record already there
    create(payload, state)     the record(s), through the owning app's services (their own
                               audit rows); the records the batch is linked to
                               (`create_many`, for a kind that `writes_many`: a chunk of rows
                               at once, through services that write many records at once)
    remove(records, actor)     undo: the records go, each with an audit row

The framework (donghanh/imports/engine.py) does the rest: reading the file, mapping columns,
the dry run, the marked workbook, one transaction, the links, undo's checks.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, ClassVar

from django.db import models
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from donghanh.audit.services import AuditItem, audit_record, audit_record_many
from donghanh.imports import parsing
from donghanh.imports.events import ImportEvent
from donghanh.imports.parsing import Choices, Parser
from donghanh.organisations.roles import Perm

if TYPE_CHECKING:
    from django import forms
    from django_stubs_ext import StrOrPromise

    from donghanh.core.actor import Actor
    from donghanh.organisations.models import Membership


@dataclass(frozen=True)
class Column:
    key: str
    label: StrOrPromise
    parse: Parser
    required: bool = False
    # A code list: the template offers it as a dropdown (one value) or lists it (several).
    choices: Choices | None = None
    # The column holds a list (several values by semicolons): empty, it is [], not None.
    many: bool = False
    note: StrOrPromise = ""
    example: Any = ""
    # Other headings people give this column, matched without diacritics or case.
    aliases: tuple[str, ...] = ()
    width: int = 20
    # The template's cell format for the column: "@" keeps phone numbers' leading zero.
    number_format: str = ""


# --- the columns several kinds have -----------------------------------------------------------
# Declared once: a kind gives its example value and the other headings its users write.

NOTE_YES_NO = gettext_lazy("Có or Không.")
NOTE_LIST = gettext_lazy("One or more from the list, separated by semicolons.")
NOTE_PROVINCE = gettext_lazy("Today's name or the name before 2025.")
PROVINCE_ALIASES = ("tinh", "tinh thanh pho")


def full_name_column(*, example: str, aliases: tuple[str, ...]) -> Column:
    return Column(
        "full_name",
        gettext_lazy("Full name"),
        parsing.name(200),
        required=True,
        note=gettext_lazy("Family name, middle name and given name, as on their papers."),
        example=example,
        aliases=aliases,
        width=28,
    )


def sex_column(
    choices: Choices, *, example: Any, note: StrOrPromise = "", width: int = 14
) -> Column:
    return Column(
        "sex",
        gettext_lazy("Sex"),
        choices.one,
        required=True,
        choices=choices,
        note=note,
        example=example,
        aliases=("gioi tinh", "gioi"),
        width=width,
    )


def province_column(
    *,
    label: StrOrPromise | None = None,
    example: str = "Hà Tĩnh",
    aliases: tuple[str, ...] = PROVINCE_ALIASES,
) -> Column:
    """A province, today's or from before 2025 (a kind reads it with `ProvinceReader` or
    `place_resolve`)."""
    return Column(
        "province",
        gettext_lazy("Province") if label is None else label,
        parsing.text(100),
        note=NOTE_PROVINCE,
        example=example,
        aliases=aliases,
    )


def area_type_column(choices: Choices) -> Column:
    return Column(
        "area_type",
        gettext_lazy("Area type"),
        choices.one,
        choices=choices,
        aliases=("khu vuc", "dia ban"),
    )


def project_code_column(*, example: str, aliases: tuple[str, ...]) -> Column:
    return Column(
        "project",
        gettext_lazy("Project code"),
        parsing.text(20),
        required=True,
        note=gettext_lazy("The code of a project your organisation implements or is a partner of."),
        example=example,
        aliases=aliases,
        width=12,
        number_format="@",
    )


def date_column(
    key: str,
    label: StrOrPromise,
    *,
    required: bool = False,
    note: StrOrPromise = "",
    example: datetime.date | str = "",
    aliases: tuple[str, ...] = (),
) -> Column:
    """A day, written day/month/year or as the spreadsheet's own date."""
    return Column(
        key,
        label,
        parsing.date,
        required=required,
        note=note,
        example=example,
        aliases=aliases,
    )


def yes_no_column(
    key: str, label: StrOrPromise, *, example: str = "", aliases: tuple[str, ...] = ()
) -> Column:
    return Column(key, label, parsing.yes_no, note=NOTE_YES_NO, example=example, aliases=aliases)


def choices_column(
    key: str,
    label: StrOrPromise,
    choices: Choices,
    *,
    required: bool = False,
    note: StrOrPromise = NOTE_LIST,
    example: Any = "",
    aliases: tuple[str, ...] = (),
    width: int = 20,
) -> Column:
    """Several values from a code list, separated by semicolons."""
    return Column(
        key,
        label,
        choices.many,
        required=required,
        choices=choices,
        many=True,
        note=note,
        example=example,
        aliases=aliases,
        width=width,
    )


@dataclass
class Checked:
    """One row after the check: its problems by column key ("" for the row as a whole), or
    what to create; `duplicate` describes the existing record it repeats (by type and id)."""

    payload: Any = None
    problems: list[tuple[str, str]] = field(default_factory=list)
    duplicate: str = ""
    # A key the file must not repeat ("the same trainee twice"); None when it does not apply.
    unique_key: Any = None
    # Further keys the file must not repeat either (a person's ID number besides their name
    # and date of birth): a row repeats an earlier one when any of its keys does.
    also_unique: tuple[Any, ...] = ()

    def problem(self, column: str, message: str) -> None:
        self.problems.append((column, message))


# --- the checks several kinds make ------------------------------------------------------------


def not_in_future(
    checked: Checked,
    values: Mapping[str, Any],
    *keys: str,
    today: datetime.date,
    message: str | None = None,
) -> None:
    """A problem on each of the date columns `keys` whose day is after `today`."""
    for key in keys:
        if values[key] is not None and values[key] > today:
            checked.problem(key, message or _("This date cannot be in the future."))


def in_order(
    checked: Checked,
    first: datetime.date | None,
    then: datetime.date | None,
    *,
    column: str,
    message: str,
) -> None:
    """A problem on `column` when both days are given and `then` is before `first`."""
    if first is not None and then is not None and then < first:
        checked.problem(column, message)


class ImportKind:
    """The base of every kind; see the module's docstring."""

    code: ClassVar[str]
    label: ClassVar[StrOrPromise]
    # What creating one such record by hand needs (besides Perm.IMPORT_RECORDS).
    perm: ClassVar[Perm]
    columns: ClassVar[tuple[Column, ...]]
    template_name: ClassVar[str]
    description: ClassVar[StrOrPromise] = ""

    def column(self, key: str) -> Column:
        for column in self.columns:
            if column.key == key:
                return column
        raise KeyError(key)

    # --- the upload form's own fields (a training to import trainees into…) -------------------

    def option_fields(self, membership: Membership) -> dict[str, forms.Field]:
        return {}

    def options_from(self, cleaned: Mapping[str, Any]) -> dict[str, Any]:
        """The options to keep on the batch: ids and codes only."""
        return {}

    def options_shown(self, options: Mapping[str, Any]) -> list[tuple[StrOrPromise, str]]:
        """The options as the batch page shows them: (label, value)."""
        return []

    def check_access(self, membership: Membership, options: Mapping[str, Any]) -> None:
        """Refuse (Http404/PermissionDenied) when the options name something the member may
        not import into."""

    # --- the four steps -----------------------------------------------------------------------

    def prepare(self, *, organisation: Any, options: Mapping[str, Any], actor: Actor) -> Any:
        return None

    def check(self, values: Mapping[str, Any], state: Any) -> Checked:
        raise NotImplementedError

    def check_row(self, number: int, values: Mapping[str, Any], state: Any) -> Checked:
        """`check` for the row numbered `number` in the file (rows come in order): a kind that
        compares a row with the earlier ones by more than their keys says which row here."""
        return self.check(values, state)

    # Rows the dry run hands `check_rows` at once: a kind that weighs rows against each other
    # and the records in bulk (the people kind's duplicate matcher) takes thousands.
    check_chunk_rows: ClassVar[int] = 1

    def check_rows(
        self, rows: Sequence[tuple[int, Mapping[str, Any]]], state: Any
    ) -> list[Checked]:
        """`check_row` of each of the rows (numbered, in file order), at once."""
        return [self.check_row(number, values, state) for number, values in rows]

    def create(self, payload: Any, state: Any, *, actor: Actor) -> Sequence[models.Model]:
        raise NotImplementedError

    # A kind whose owning apps write many records at once sets this and `create_many`: the
    # import then writes its rows a chunk at a time instead of one by one.
    writes_many: ClassVar[bool] = False

    def create_many(
        self, payloads: Sequence[Any], state: Any, *, actor: Actor
    ) -> Sequence[Sequence[models.Model]]:
        """What `create` does for each payload, in one go: the records of each, in order.
        Raises `donghanh.core.bulk.ItemsRefusedError` naming the payloads refused (by position)
        when the owning services refuse some, having written nothing."""
        raise NotImplementedError

    def touched(self, records: Sequence[models.Model], *, batch_ids: set[tuple[str, str]]) -> bool:
        """Whether something beyond the audit log shows the records were used since (a
        trainee enrolled in another training…); `batch_ids` are the batch's (type, id)."""
        return False

    def remove(
        self,
        records: Sequence[models.Model],
        *,
        actor: Actor,
        batch: Any,
        progress: RemoveProgress | None = None,
    ) -> None:
        """Undo `batch`: remove its `records`, each audited (`remove_many` does both),
        calling `progress(removed)` now and then."""
        raise NotImplementedError


_kinds: dict[str, ImportKind] = {}


def register(kind: ImportKind) -> ImportKind:
    """Make `kind` importable (each kind module registers its kind when it is imported, from
    the imports app's `ready()`)."""
    existing = _kinds.get(kind.code)
    if existing is not None and type(existing) is not type(kind):
        raise ValueError(f"two import kinds are named {kind.code!r}")
    _kinds[kind.code] = kind
    return kind


def unregister(code: str) -> None:
    _kinds.pop(code, None)


def get_kind(code: str) -> ImportKind | None:
    return _kinds.get(code)


def all_kinds() -> list[ImportKind]:
    return list(_kinds.values())


def audit_removed(*, actor: Actor, record: models.Model, batch: Any) -> None:
    """The audit row of one record removed by undoing `batch` (a kind's `remove` writes one
    per record, in the undo's transaction)."""
    audit_record(
        event=ImportEvent.RECORD_REMOVED,
        actor=actor,
        target=record,
        organisation=batch.organisation,
        details={"batch": batch.pk, "kind": batch.kind},
    )


# Records removed by one statement (and audited by one) when a batch is undone.
REMOVE_CHUNK = 1000

# Told how many records an undo removed so far.
RemoveProgress = Callable[[int], None]


def remove_many(
    records: Sequence[models.Model],
    *,
    actor: Actor,
    batch: Any,
    order: Sequence[type[models.Model]] = (),
    progress: RemoveProgress | None = None,
) -> None:
    """Undo `batch`'s records: for each, the audit row of `audit_removed` and `record.delete()`
    (its cascades and signals alike), a model and `REMOVE_CHUNK` records at a time, the models
    of `order` first in that order (those that point to the later ones), the others after;
    within a model, the records in the order given; `progress(removed)` after each chunk."""
    by_model: dict[type[models.Model], list[models.Model]] = {}
    for record in records:
        by_model.setdefault(type(record), []).append(record)
    ranked = sorted(
        by_model, key=lambda model: order.index(model) if model in order else len(order)
    )
    removed = 0
    for model in ranked:
        group = by_model[model]
        for start in range(0, len(group), REMOVE_CHUNK):
            part = group[start : start + REMOVE_CHUNK]
            audit_record_many(
                event=ImportEvent.RECORD_REMOVED,
                actor=actor,
                organisation=batch.organisation,
                items=[
                    AuditItem(target=record, details={"batch": batch.pk, "kind": batch.kind})
                    for record in part
                ],
            )
            model._default_manager.filter(pk__in=[record.pk for record in part]).delete()
            removed += len(part)
            if progress is not None:
                progress(removed)
