"""Job kinds for the tests only, registered when this module is imported (the test modules
and the worker processes they start import it)."""

from __future__ import annotations

import time
from pathlib import Path

from donghanh.jobs.context import JobCancelledError, JobContext
from donghanh.jobs.registry import job_kind
from donghanh.jobs.services import job_cancel
from donghanh.organisations.models import Organisation

COUNT = "tests.count"
WRITES = "tests.writes"
FAILS = "tests.fails"
STOPS_ITSELF = "tests.stops_itself"

SECRET = "Nguyễn Thị Bí Mật"


@job_kind(COUNT, label="Counting")
def count(ctx: JobContext) -> None:
    """Counts `steps` steps, `delay` seconds each; notes its id in the file `log`; with
    `result`, saves a CSV of the numbers."""
    steps = int(ctx.parameters.get("steps", 3))
    delay = float(ctx.parameters.get("delay", 0))
    for step in range(1, steps + 1):
        if delay:
            time.sleep(delay)
        ctx.progress(step, steps, f"step {step}")
    if log := ctx.parameters.get("log"):
        with Path(log).open("a", encoding="utf-8") as out:
            out.write(f"{ctx.job_id} {ctx.attempt}\n")
    if ctx.parameters.get("result"):
        lines = [f"{number}\n".encode() for number in range(1, steps + 1)]
        ctx.save_result_file("số đếm.csv", "text/csv", [b"number\n", *lines])


@job_kind(WRITES, label="Writing")
def writes(ctx: JobContext) -> None:
    """Creates `rows` organisations named `prefix`-N in one transaction, `delay` seconds
    apart, reporting each; with `cancel_at`, its owner asks it to stop at that row."""
    rows = int(ctx.parameters.get("rows", 3))
    delay = float(ctx.parameters.get("delay", 0))
    prefix = ctx.parameters.get("prefix", "job-row")
    cancel_at = ctx.parameters.get("cancel_at")
    with ctx.atomic():
        for number in range(1, rows + 1):
            Organisation.objects.create(
                name=f"{prefix}-{number}", slug=f"{prefix}-{number}", kind="local_cso"
            )
            if number == cancel_at:
                # As if its owner pressed "stop" now (in a test, on the same connection).
                job_cancel(actor=ctx.actor, job_id=ctx.job_id)
            if delay:
                time.sleep(delay)
            ctx.progress(number, rows)
    if ctx.parameters.get("result"):
        ctx.save_result_file("rows.txt", "text/plain", b"written")


@job_kind(FAILS, label="Failing")
def fails(ctx: JobContext) -> None:
    ctx.progress(1, 2)
    if ctx.parameters.get("result"):
        ctx.save_result_file("half.txt", "text/plain", b"half")
    raise ValueError(f"the record of {SECRET} cannot be read")


@job_kind(STOPS_ITSELF, label="Stopping")
def stops_itself(ctx: JobContext) -> None:
    """Writes a row, saves a file, then stops as a cancelled job does."""
    with ctx.atomic():
        Organisation.objects.create(name="stopped-row", slug="stopped-row", kind="local_cso")
        ctx.save_result_file("partial.txt", "text/plain", b"partial")
        raise JobCancelledError
