"""The kinds of background job: each app registers the work it can do in the background.

An app defines its job kinds in a `job_kinds` module, found at start-up:

    from donghanh.jobs.registry import job_kind

    @job_kind("cases.export_xlsx", label=_("Export of cases"))
    def export_cases(ctx: JobContext) -> None:
        rows = ...
        for done, row in enumerate(rows, start=1):
            ctx.progress(done, len(rows), _("Writing the spreadsheet"))
        ctx.save_result_file("cases.xlsx", XLSX, stream)

The callable receives a `JobContext` (donghanh/jobs/context.py). A kind registered with
`nightly=True` is also queued once a day by the workers, at JOBS_NIGHTLY_HOUR, as a job of
no user (docs/jobs.md).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.utils.module_loading import autodiscover_modules

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

    from donghanh.jobs.context import JobContext

JobFunction = Callable[["JobContext"], None]


class UnknownJobKindError(LookupError):
    """No app registered a job kind of this name."""


@dataclass(frozen=True)
class JobKind:
    name: str
    run: JobFunction
    label: StrOrPromise
    nightly: bool = False


_kinds: dict[str, JobKind] = {}


def job_kind(
    name: str, *, label: StrOrPromise, nightly: bool = False
) -> Callable[[JobFunction], JobFunction]:
    """Register the decorated callable as the job kind `name` ("app.what", at most 100)."""
    if not name or len(name) > 100 or "." not in name:
        raise ValueError(f"a job kind is named 'app.what', at most 100 characters: {name!r}")

    def register(function: JobFunction) -> JobFunction:
        existing = _kinds.get(name)
        if existing is not None and existing.run is not function:
            raise ValueError(f"two job kinds are named {name!r}")
        _kinds[name] = JobKind(name=name, run=function, label=label, nightly=nightly)
        return function

    return register


def unregister(name: str) -> None:
    """Forget a kind (tests that register one of their own clean up with it)."""
    _kinds.pop(name, None)


def get_kind(name: str) -> JobKind:
    try:
        return _kinds[name]
    except KeyError:
        raise UnknownJobKindError(name) from None


def is_registered(name: str) -> bool:
    return name in _kinds


def all_kinds() -> list[JobKind]:
    return sorted(_kinds.values(), key=lambda kind: kind.name)


def nightly_kinds() -> list[JobKind]:
    return [kind for kind in all_kinds() if kind.nightly]


def kind_label(name: str) -> StrOrPromise:
    kind = _kinds.get(name)
    return kind.label if kind is not None else name


def discover_kinds() -> None:
    """Import every installed app's `job_kinds` module."""
    autodiscover_modules("job_kinds")
