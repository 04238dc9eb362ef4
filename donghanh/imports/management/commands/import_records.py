"""Import a spreadsheet from a script, as the import pages do, acting as a named user.

    manage.py import_records KIND FILE --organisation SLUG --as USERNAME
        [--dry-run] [--json] [--valid-rows-only] [--option NAME=VALUE ...] [--language vi|en]

The file goes through the same steps as on the pages (upload, columns found by their names or
as the organisation chose them last time, check, import), with the same permissions: the user
must be an active member of the organisation whose role may import that kind. The check and the
import are background jobs, run here at once (a worker that takes one first runs it instead,
and the command waits for it). Every step is audited as the user's, from this command.

`--json` prints {"rows", "created", "updated", "skipped", "duplicates", "errors": [{"row",
"column", "value", "message"}], ...}; a dry run reports what the import would create. Exit
status: 0 done (or, with --dry-run, nothing in the way); 1 rows have problems and nothing was
imported (all or nothing), or the dry run found problems; 2 the file or the request was refused
(unreadable, over a limit, already imported, no such user, organisation or kind, no permission).
"""

from __future__ import annotations

import json
import time
from dataclasses import replace
from pathlib import Path
from typing import Any

from django import forms
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.http import Http404
from django.utils import translation
from django.utils.translation import gettext as _

from donghanh.core.actor import Actor
from donghanh.imports import selectors, services
from donghanh.imports.kinds.base import all_kinds
from donghanh.imports.mapping import mapping_problems
from donghanh.imports.models import ImportBatch
from donghanh.jobs.models import Job
from donghanh.jobs.runner import reporting, run_job

DONE, PROBLEMS, REFUSED = 0, 1, 2
# How long to wait for a job a worker took before this command could run it.
WAIT_SECONDS = 3600


class RefusedError(CommandError):
    def __init__(self, message: str, *, report: dict[str, Any] | None = None) -> None:
        super().__init__(message, returncode=REFUSED)
        self.report = report


class Command(BaseCommand):
    help = "Import a spreadsheet (XLSX or CSV) of one kind of record into an organisation."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "kind", help="what the file holds: " + ", ".join(k.code for k in all_kinds())
        )
        parser.add_argument("file", type=Path)
        parser.add_argument("--organisation", required=True, help="the organisation's slug")
        parser.add_argument("--as", dest="username", required=True, help="the importing user")
        parser.add_argument("--dry-run", action="store_true", help="check only; write nothing")
        parser.add_argument("--json", action="store_true", help="print the report as JSON")
        parser.add_argument(
            "--valid-rows-only",
            action="store_true",
            help="import the rows without problems (by default: all rows, or nothing)",
        )
        parser.add_argument(
            "--option",
            action="append",
            default=[],
            metavar="NAME=VALUE",
            help="an option of the kind, as on the upload page (trainees: training=ID)",
        )
        parser.add_argument("--language", default="", help="of the messages: vi (default) or en")

    def handle(self, *args: Any, **options: Any) -> None:
        language = options["language"] or translation.get_language() or "vi"
        with translation.override(language):
            try:
                code, report = self._import(options)
            except RefusedError as refused:
                self._print(options, refused.report or {"refused": {"message": str(refused)}})
                raise
            self._print(options, report)
            if code != DONE:
                raise CommandError(_problems_line(report), returncode=code)

    # --- the steps ------------------------------------------------------------------------------

    def _import(self, options: dict[str, Any]) -> tuple[int, dict[str, Any]]:
        user = get_user_model().objects.filter(username=options["username"], is_active=True).first()
        if user is None:
            raise RefusedError(
                _("No active user is called %(name)s.") % {"name": options["username"]}
            )
        try:
            membership, kind = selectors.access_kind(user, options["organisation"], options["kind"])
        except Http404:
            raise RefusedError(
                _("No such kind, or the user is not an active member of that organisation.")
            ) from None
        except PermissionDenied:
            raise RefusedError(
                _("The user's role may not import this kind of record there.")
            ) from None
        kind_options = _kind_options(kind, membership, options["option"])
        try:
            kind.check_access(membership, kind_options)
        except (Http404, PermissionDenied):
            raise RefusedError(_("The user may not import into what the options name.")) from None
        path: Path = options["file"]
        if not path.is_file():
            raise RefusedError(_("There is no file at %(path)s.") % {"path": path})
        actor = replace(
            Actor.for_user(user, organisation=membership.organisation),
            user_agent="manage.py import_records",
        )
        try:
            batch = services.batch_upload(
                actor=actor,
                kind=kind,
                file_name=path.name,
                data=path.read_bytes(),
                options=kind_options,
            )
        except ValidationError as error:
            raise RefusedError(" ".join(error.messages)) from None
        problems = mapping_problems(kind, batch.headers, batch.mapping)
        if problems:
            raise RefusedError(" ".join(problems), report=_report(batch))
        services.batch_check_start(
            actor=actor, batch=batch, mapping=batch.mapping, expected_version=batch.version
        )
        batch = self._run(batch, "check_job_id")
        if batch.status == ImportBatch.Status.REFUSED:
            raise RefusedError(
                batch.report.get("refused", {}).get("message", ""), report=_report(batch)
            )
        if batch.status != ImportBatch.Status.CHECKED:
            raise CommandError(
                _("The check did not finish; see the jobs page."), returncode=REFUSED
            )
        all_or_nothing = not options["valid_rows_only"]
        if options["dry_run"] or (all_or_nothing and batch.rows_with_problems):
            return (PROBLEMS if batch.rows_with_problems else DONE), _report(batch)
        mode = ImportBatch.Mode.ALL_OR_NOTHING if all_or_nothing else ImportBatch.Mode.VALID_ROWS
        try:
            services.batch_commit_start(actor=actor, batch=batch, mode=mode)
        except ValidationError as error:
            raise RefusedError(" ".join(error.messages), report=_report(batch)) from None
        batch = self._run(batch, "commit_job_id")
        if batch.status == ImportBatch.Status.COMMITTED:
            return DONE, _report(batch)
        if batch.status == ImportBatch.Status.REFUSED:
            raise RefusedError(
                batch.report.get("refused", {}).get("message", ""), report=_report(batch)
            )
        return PROBLEMS, _report(batch)

    def _run(self, batch: ImportBatch, job_field: str) -> ImportBatch:
        """Run the batch's job here, or wait for the worker that took it."""
        batch.refresh_from_db()
        job_id = getattr(batch, job_field)
        with reporting(background=False):
            run_job(job_id, worker_id="import_records")
        deadline = time.monotonic() + WAIT_SECONDS
        while Job.objects.filter(pk=job_id, status__in=Job.ACTIVE).exists():
            if time.monotonic() > deadline:
                raise CommandError(_("The job is still running; see the jobs page."))
            time.sleep(1)
        batch.refresh_from_db()
        return batch

    def _print(self, options: dict[str, Any], report: dict[str, Any]) -> None:
        if options["json"]:
            self.stdout.write(json.dumps(report, ensure_ascii=False, indent=2))
            return
        if "batch" in report:
            self.stdout.write(
                _(
                    "import #%(batch)s: %(rows)s rows read, %(created)s created, %(duplicates)s "
                    "already recorded, %(skipped)s left out"
                )
                % {
                    key: report.get(key, 0)
                    for key in ("batch", "rows", "created", "duplicates", "skipped")
                }
            )
        for error in report.get("errors", []):
            column = f", {error['column']}" if error["column"] else ""
            value = f" “{error['value']}”" if error["value"] else ""
            self.stdout.write(f"{_('Row')} {error['row']}{column}{value}: {error['message']}")


def _kind_options(kind: Any, membership: Any, pairs: list[str]) -> dict[str, Any]:
    """The kind's upload options, given as NAME=VALUE, checked by the upload form's fields."""
    fields = kind.option_fields(membership)
    data = {}
    for pair in pairs:
        name, _sep, value = pair.partition("=")
        if name not in fields:
            raise RefusedError(
                _("%(kind)s takes no option %(name)s.") % {"kind": kind.code, "name": name}
            )
        data[name] = value
    form = type("OptionsForm", (forms.Form,), dict(fields))(data)
    if not form.is_valid():
        problems = "; ".join(f"{name}: {' '.join(errors)}" for name, errors in form.errors.items())
        raise RefusedError(problems)
    return kind.options_from(form.cleaned_data)


def _report(batch: ImportBatch) -> dict[str, Any]:
    report = {
        "rows": batch.rows,
        "created": batch.created,
        "updated": batch.updated,
        "skipped": batch.skipped,
        "duplicates": batch.duplicates,
        "errors": [],
        **batch.report,
    }
    report.update(batch=batch.pk, status=batch.status)
    return report


def _problems_line(report: dict[str, Any]) -> str:
    return _("%(count)s rows have problems: nothing was imported.") % {
        "count": report.get("rows_with_problems", 0)
    }
