"""The check and the import of a file, row by row, for any kind.

`run_check` reads the whole file and writes nothing: every problem as (row, column, value,
message), the duplicates of records already there, and the file with its problems marked.
`run_commit` reads it again and creates the records through the kind, in the caller's
transaction: with `ALL_OR_NOTHING`, the first problem stops every write and the transaction is
rolled back (`CommitRefusedError`); with `VALID_ROWS`, each row is written in a savepoint of its own
and a row the owning service refuses becomes a problem of that row. A kind that `writes_many`
is written a chunk of rows at a time (`CHUNK_ROWS`, a savepoint each) through services that
write many records at once; a row they refuse is left out of its chunk, which is written again
without it. Records are linked to the batch a chunk at a time, so memory stays flat.

Both call `progress(done, total, message)` now and then; it may stop the run (the job was asked
to stop) by raising.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils.translation import gettext as _

from donghanh.core.actor import Actor
from donghanh.core.bulk import ItemsRefusedError
from donghanh.imports.kinds.base import Checked, ImportKind
from donghanh.imports.mapping import header_score
from donghanh.imports.parsing import BadValueError, as_text, is_empty
from donghanh.imports.reading import Sheet, open_sheet
from donghanh.imports.workbooks import MarkedWorkbook, example_text

# The problems a report keeps (the marked workbook has them all).
MAX_REPORTED_PROBLEMS = 1000
MAX_REPORTED_DUPLICATES = 1000
# Seconds between two progress reports, and rows between two looks at the clock.
PROGRESS_SECONDS = 0.5
PROGRESS_EVERY_ROWS = 25

Progress = Callable[[int, int | None, str], None]


@dataclass
class Problem:
    row: int
    column: str
    value: str
    message: str
    column_index: int | None = None

    def as_json(self) -> dict[str, Any]:
        return {
            "row": self.row,
            "column": self.column,
            "value": self.value,
            "message": self.message,
        }


@dataclass
class Report:
    """What a check or an import found; `as_json` is what the report keeps and the command
    prints."""

    dry_run: bool
    rows: int = 0
    created: int = 0
    updated: int = 0
    skipped: int = 0
    duplicates: int = 0
    rows_with_problems: int = 0
    problems: list[Problem] = field(default_factory=list)
    problems_total: int = 0
    duplicate_rows: list[dict[str, Any]] = field(default_factory=list)
    refused: str = ""
    refused_code: str = ""

    def add_problems(self, problems: Sequence[Problem]) -> None:
        if problems:
            self.rows_with_problems += 1
        self.problems_total += len(problems)
        room = MAX_REPORTED_PROBLEMS - len(self.problems)
        self.problems.extend(problems[: max(0, room)])

    def as_json(self) -> dict[str, Any]:
        body: dict[str, Any] = {
            "rows": self.rows,
            "created": self.created,
            "updated": self.updated,
            "skipped": self.skipped,
            "duplicates": self.duplicates,
            "errors": [problem.as_json() for problem in self.problems],
            "dry_run": self.dry_run,
            "rows_with_problems": self.rows_with_problems,
            "duplicate_rows": self.duplicate_rows,
        }
        if self.problems_total > len(self.problems):
            body["errors_total"] = self.problems_total
        if self.refused:
            body["refused"] = {"code": self.refused_code, "message": self.refused}
        return body


class CommitRefusedError(Exception):
    """All or nothing, and some row has a problem: nothing is written (raised inside the
    transaction to roll it back)."""

    def __init__(self, report: Report) -> None:
        super().__init__("the import has rows with problems")
        self.report = report


@dataclass
class Link:
    record: models.Model
    row: int


class _Throttle:
    def __init__(self, progress: Progress, total: int | None, message: str) -> None:
        self.progress = progress
        self.total = total
        self.message = message
        self.last = 0.0
        self.done = 0

    def __call__(self, done: int, *, force: bool = False) -> None:
        if not force and done % PROGRESS_EVERY_ROWS:
            return
        now = time.monotonic()
        if force or now - self.last >= PROGRESS_SECONDS:
            self.last = now
            self.done = done
            total = max(self.total, done) if self.total is not None else None
            self.progress(done, total, self.message)

    def again(self) -> None:
        """Report the same point again if it is time (long work between two rows), so that
        the job is seen alive and can be stopped."""
        if time.monotonic() - self.last >= PROGRESS_SECONDS:
            self(self.done, force=True)


class RowChecker:
    """Reads and checks one row after another for a batch's kind and columns."""

    def __init__(
        self,
        *,
        kind: ImportKind,
        headers: Sequence[str],
        mapping: Mapping[str, str],
        state: Any,
    ) -> None:
        self.kind = kind
        self.headers = list(headers)
        self.state = state
        self.index_of: dict[str, int] = {key: int(index) for index, key in mapping.items()}
        self.seen: dict[Any, int] = {}
        # Called now and then while a chunk of rows is read and checked (the job's progress
        # reported again, so that it is seen alive and can be stopped).
        self.alive: Callable[[], None] = lambda: None
        self.examples = {
            column.key: example_text(column)
            for column in kind.columns
            if column.key in self.index_of and example_text(column)
        }

    def _heading(self, key: str) -> tuple[str, int | None]:
        index = self.index_of.get(key)
        if index is None:
            return (str(self.kind.column(key).label) if key else "", None)
        heading = self.headers[index] if index < len(self.headers) else ""
        return heading or str(self.kind.column(key).label), index

    def problem(self, number: int, key: str, message: str, raw: Any = None) -> Problem:
        heading, index = self._heading(key)
        return Problem(
            row=number,
            column=heading,
            value=as_text(raw)[:200],
            message=message,
            column_index=index,
        )

    def is_example(self, values: Mapping[str, Any]) -> bool:
        if len(self.examples) < 2:
            return False
        return all(as_text(values.get(key)).strip() == text for key, text in self.examples.items())

    def check(
        self, number: int, cells: Sequence[Any]
    ) -> tuple[Checked | None, list[Problem], bool]:
        """(the kind's verdict, the row's problems, whether it is the template's example)."""
        return next(self._checked([(number, cells)]))[2]

    def check_all(
        self, rows: Iterable[tuple[int, Sequence[Any]]]
    ) -> Iterator[tuple[int, Sequence[Any], tuple[Checked | None, list[Problem], bool]]]:
        """`check` of each row, in order; the kind checks `check_chunk_rows` rows at once."""
        chunk: list[tuple[int, Sequence[Any]]] = []
        for row in rows:
            chunk.append(row)
            if len(chunk) >= self.kind.check_chunk_rows:
                yield from self._checked(chunk)
                chunk = []
        if chunk:
            yield from self._checked(chunk)

    def _checked(
        self, rows: Sequence[tuple[int, Sequence[Any]]]
    ) -> Iterator[tuple[int, Sequence[Any], tuple[Checked | None, list[Problem], bool]]]:
        read: list[tuple[dict[str, Any], dict[str, Any] | None, list[Problem], bool]] = []
        for position, (number, cells) in enumerate(rows, start=1):
            read.append(self._read(number, cells))
            if position % PROGRESS_EVERY_ROWS == 0:
                self.alive()
        self.alive()
        verdicts = iter(
            self.kind.check_rows(
                [
                    (number, parsed)
                    for (number, _cells), (_values, parsed, _p, _e) in zip(rows, read, strict=True)
                    if parsed is not None
                ],
                self.state,
            )
        )
        for (number, cells), (values, parsed, problems, example) in zip(rows, read, strict=True):
            if parsed is None:
                yield number, cells, (None, problems, example)
                continue
            checked = next(verdicts)
            for key, message in checked.problems:
                problems.append(self.problem(number, key, message, values.get(key)))
            keys = [key for key in (checked.unique_key, *checked.also_unique) if key is not None]
            if not problems and keys:
                first = min(self.seen.setdefault(key, number) for key in keys)
                if first != number:
                    problems.append(
                        self.problem(
                            number,
                            "",
                            _("This row repeats row %(row)s: keep one of them.") % {"row": first},
                        )
                    )
            yield number, cells, (checked, problems, False)

    def _read(
        self, number: int, cells: Sequence[Any]
    ) -> tuple[dict[str, Any], dict[str, Any] | None, list[Problem], bool]:
        """(the cells by column, the parsed values or None when the kind cannot check the row,
        the problems found reading it, whether it is the template's example)."""
        values = {
            key: cells[index] if index < len(cells) else None
            for key, index in self.index_of.items()
        }
        if self.is_example(values):
            return values, None, [], True
        problems: list[Problem] = []
        parsed: dict[str, Any] = {}
        required_missing = False
        for column in self.kind.columns:
            raw = values.get(column.key)
            parsed[column.key] = [] if column.many else None
            if is_empty(raw):
                if column.required:
                    required_missing = True
                    problems.append(
                        self.problem(number, column.key, _("Fill in this column."), raw)
                    )
                continue
            try:
                parsed[column.key] = column.parse(raw)
            except BadValueError as error:
                required_missing = required_missing or column.required
                problems.append(self.problem(number, column.key, error.message, raw))
        if required_missing:
            return values, None, problems, False
        # The kind checks the row even when an optional column failed (it reads as empty
        # there), so that one check reports every problem of the row.
        return values, parsed, problems, False


def _sheet(batch: Any, kind: ImportKind, data: bytes) -> Sheet:
    return open_sheet(data, header_score=header_score(kind), full=True)


def _checker(batch: Any, kind: ImportKind, sheet: Sheet, actor: Actor) -> RowChecker:
    state = kind.prepare(organisation=batch.organisation, options=batch.options, actor=actor)
    return RowChecker(kind=kind, headers=sheet.headers, mapping=batch.mapping, state=state)


def _rows(sheet: Sheet, batch: Any) -> Iterator[tuple[int, list[Any]]]:
    if sheet.header_row != batch.header_row or sheet.headers != batch.headers:
        # The stored file is the uploaded one: it cannot change, short of a new reading rule.
        raise ValueError("the file no longer reads as it did when it was uploaded")
    return sheet.rows


class _Marked:
    """The marked workbook, begun only once a row needs marking: until then the check writes
    nothing, and a file without problems costs no workbook at all. Begun, it first copies the
    rows read before (reading the file again), then takes every row as the check reads it."""

    def __init__(
        self,
        batch: Any,
        kind: ImportKind,
        data: bytes,
        headers: list[str],
        alive: Callable[[], None],
    ) -> None:
        self.batch, self.kind, self.data, self.headers = batch, kind, data, headers
        self.alive = alive
        self.workbook: MarkedWorkbook | None = None
        # Notes of rows read before the workbook began (the template's example row).
        self.early_notes: dict[int, str] = {}

    def add(
        self,
        number: int,
        cells: Sequence[Any],
        problems: Sequence[Problem],
        note: str,
        *,
        needed: bool,
    ) -> None:
        if self.workbook is None:
            if not needed:
                if note:
                    self.early_notes[number] = note
                return
            self.workbook = self._begin(before=number)
        self.workbook.add_row(
            number=number,
            values=cells,
            problems=[(p.column_index, p.column, p.value, p.message) for p in problems],
            note=note,
        )

    def _begin(self, *, before: int) -> MarkedWorkbook:
        workbook = MarkedWorkbook(headers=self.headers)
        sheet = _sheet(self.batch, self.kind, self.data)
        try:
            for number, cells in _rows(sheet, self.batch):
                if number >= before:
                    break
                if number % PROGRESS_EVERY_ROWS == 0:
                    self.alive()
                workbook.add_row(
                    number=number,
                    values=cells,
                    problems=[],
                    note=self.early_notes.get(number, ""),
                )
        except BaseException:
            workbook.discard()
            raise
        finally:
            sheet.close()
        return workbook

    def discard(self) -> None:
        if self.workbook is not None:
            self.workbook.discard()

    def bytes(self, *, alive: Callable[[], None] | None = None) -> bytes | None:
        return self.workbook.bytes(alive=alive) if self.workbook is not None else None


def run_check(
    *, batch: Any, kind: ImportKind, data: bytes, actor: Actor, progress: Progress
) -> tuple[Report, bytes | None]:
    """Check the whole file; the report, and the marked workbook when a row needs attention.
    Raises FileRefusedError when the file breaks a limit."""
    report = Report(dry_run=True)
    sheet = _sheet(batch, kind, data)
    tick = _Throttle(progress, sheet.expected_rows, _("Checking the rows"))
    marked = _Marked(batch, kind, data, sheet.headers, tick.again)
    try:
        checker = _checker(batch, kind, sheet, actor)
        checker.alive = tick.again
        tick(0, force=True)
        for number, cells, verdict in checker.check_all(_rows(sheet, batch)):
            report.rows += 1
            checked, problems, example = verdict
            note = ""
            if example:
                report.skipped += 1
                note = _("The template's example row: left out.")
            elif problems:
                report.add_problems(problems)
            elif checked is not None and checked.duplicate:
                report.duplicates += 1
                note = _("Already recorded (%(record)s): it will be left out.") % {
                    "record": checked.duplicate
                }
                if len(report.duplicate_rows) < MAX_REPORTED_DUPLICATES:
                    report.duplicate_rows.append({"row": number, "record": checked.duplicate})
            else:
                report.created += 1
            needed = bool(problems) or bool(checked is not None and checked.duplicate)
            marked.add(number, cells, problems, note, needed=needed and not example)
            tick(report.rows)
        tick(report.rows, force=True)
    except BaseException:
        marked.discard()
        raise
    finally:
        sheet.close()
    if not (report.rows_with_problems or report.duplicates):
        marked.discard()
        if not report.rows:
            report.refused = _("The file has column headings but no rows under them.")
            report.refused_code = "no_rows"
        return report, None
    tick.message = _("Writing the file with its problems marked")
    return report, marked.bytes(alive=tick.again)


# Rows written at once by a kind that `writes_many`: each chunk in a savepoint of its own.
CHUNK_ROWS = 150


class _Writer:
    """Writes the rows that passed the check, one at a time or a chunk at a time, and links
    their records to the batch as it goes (`link`, a chunk at a time)."""

    def __init__(
        self,
        *,
        kind: ImportKind,
        checker: RowChecker,
        actor: Actor,
        report: Report,
        link: Callable[[list[Link]], None],
    ) -> None:
        self.kind, self.checker, self.actor, self.report = kind, checker, actor, report
        self.link = link
        self.pending: list[tuple[int, Checked]] = []
        self.linked = 0
        self.chunks = 0

    def add(self, number: int, checked: Checked) -> None:
        if not self.kind.writes_many:
            self._links(self._one(number, checked))
            return
        self.pending.append((number, checked))
        if len(self.pending) >= CHUNK_ROWS:
            self.flush()

    def _links(self, links: list[Link]) -> None:
        if links:
            self.link(links)
            self.linked += len(links)

    def _refuse(self, number: int, error: ValidationError) -> None:
        self.report.add_problems(
            [self.checker.problem(number, "", message) for message in error.messages]
        )

    def _one(self, number: int, checked: Checked) -> list[Link]:
        try:
            with transaction.atomic():
                records = self.kind.create(checked.payload, self.checker.state, actor=self.actor)
        except ValidationError as error:
            self._refuse(number, error)
            return []
        self.report.created += 1
        return [Link(record=item, row=number) for item in records]

    def flush(self) -> None:
        """Write the rows waiting; a row the owning services refuse becomes a problem of that
        row, and the others are written without it."""
        pending, self.pending = self.pending, []
        self.chunks += 1
        links: list[Link] = []
        while pending:
            try:
                with transaction.atomic():
                    made = self.kind.create_many(
                        [checked.payload for _number, checked in pending],
                        self.checker.state,
                        actor=self.actor,
                    )
            except ItemsRefusedError as error:
                for position, reason in sorted(error.refused.items()):
                    self._refuse(pending[position][0], reason)
                pending = [row for i, row in enumerate(pending) if i not in error.refused]
                continue
            except ValidationError:
                # A refusal no row is named for: row by row, each in a savepoint of its own.
                for number, checked in pending:
                    links += self._one(number, checked)
                break
            for (number, _checked), records in zip(pending, made, strict=True):
                links += [Link(record=item, row=number) for item in records]
            self.report.created += len(pending)
            break
        self._links(links)


def run_commit(
    *,
    batch: Any,
    kind: ImportKind,
    data: bytes,
    actor: Actor,
    progress: Progress,
    all_or_nothing: bool,
    atomic: Callable[[], AbstractContextManager[Any]],
    link: Callable[[list[Link]], None],
    record: Callable[[Report, int], None],
) -> Report:
    """Import the file inside `atomic()`: `link(links)` is called as records are created (a
    chunk at a time) to link them to the batch, and `record(report, records)` at the end (the
    batch's own bookkeeping), in the same transaction. Raises CommitRefusedError (after rolling
    back) when all or nothing was asked for and a row has a problem."""
    report = Report(dry_run=False)
    sheet = _sheet(batch, kind, data)
    try:
        with atomic():
            checker = _checker(batch, kind, sheet, actor)
            tick = _Throttle(progress, sheet.expected_rows, _("Importing the rows"))
            checker.alive = tick.again
            tick(0, force=True)
            writer = _Writer(kind=kind, checker=checker, actor=actor, report=report, link=link)
            # The rows are checked as the dry run checks them, `check_chunk_rows` at a time
            # (the duplicate matcher weighs a chunk in one go), and written as they come.
            for number, _cells, verdict in checker.check_all(_rows(sheet, batch)):
                report.rows += 1
                tick(report.rows)
                checked, problems, example = verdict
                if example:
                    report.skipped += 1
                    continue
                if problems or checked is None:
                    report.add_problems(problems)
                    continue
                if checked.duplicate:
                    report.duplicates += 1
                    if len(report.duplicate_rows) < MAX_REPORTED_DUPLICATES:
                        report.duplicate_rows.append({"row": number, "record": checked.duplicate})
                    continue
                if all_or_nothing and report.rows_with_problems:
                    continue  # it will all be rolled back: check the rest, write nothing more
                chunks = writer.chunks
                writer.add(number, checked)
                if writer.chunks != chunks:
                    tick(report.rows, force=True)
            if not (all_or_nothing and report.rows_with_problems):
                writer.flush()
            tick(report.rows, force=True)
            if not all_or_nothing:
                report.skipped += report.rows_with_problems
            if all_or_nothing and report.rows_with_problems:
                report.created = 0
                raise CommitRefusedError(report)
            record(report, writer.linked)
    finally:
        sheet.close()
    return report
