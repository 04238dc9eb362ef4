"""What a running job sees: its parameters, the actor it acts as, and a few calls back.

    ctx.progress(done, total, message)   how far along it is; also a point where it stops
                                         (raises JobCancelledError) once someone asked it to
    ctx.cancelled()                      whether someone asked it to stop, without reporting
    with ctx.atomic(): ...               the job's writes: rolled back whole when the job is
                                         stopped or fails inside, committed only while the
                                         run is still this worker's and no one asked to stop
    ctx.save_result_file(name, content_type, stream)
                                         the file the owner downloads, encrypted at rest

Progress is kept in memory by the job and written by a small reporting thread on its own
database connection, at most twice a second, in one short UPDATE: the job never holds a lock
to report, and the page sees the figures even while the job's own transaction is open
(PostgreSQL; SQLite has one writer at a time, so there the figures wait for the job's write
transaction to end). The same thread keeps the run's heartbeat and reads whether someone
asked the job to stop.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any
from uuid import UUID

from django.db import DatabaseError, connection, transaction
from django.utils import timezone

from donghanh.jobs import files
from donghanh.jobs.config import heartbeat_seconds
from donghanh.jobs.models import Job

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

    from donghanh.core.actor import Actor

logger = logging.getLogger(__name__)

# Seconds between two writes of progress by the reporting thread.
PROGRESS_INTERVAL = 0.5


class JobCancelledError(Exception):
    """Someone asked the job to stop: raised at a progress point, it ends the job cleanly."""


class JobLostError(Exception):
    """The run is no longer this worker's (it was taken as interrupted and queued again)."""


@dataclass(frozen=True)
class ResultFile:
    name: str
    content_type: str
    stored_name: str
    size: int


class Reporter:
    """Writes a run's progress and heartbeat, and reads whether it was asked to stop.

    `background=True` (a worker): a thread with its own connection does it every
    PROGRESS_INTERVAL seconds. `background=False` (a job run inside the caller's
    transaction, as the tests run them): every call writes and reads at once, on the
    caller's connection.
    """

    def __init__(self, job_id: UUID, attempt: int, *, background: bool) -> None:
        self.job_id = job_id
        self.attempt = attempt
        self.background = background
        self.cancel = threading.Event()
        self.lost = threading.Event()
        self._lock = threading.Lock()
        self._progress: tuple[int, int | None, str] | None = None
        # The last figures the job reported, written or not: the run's end records them.
        self.latest: tuple[int, int | None, str] | None = None
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._last_heartbeat = 0.0

    def start(self) -> None:
        if self.background:
            self._thread = threading.Thread(
                target=self._run, name=f"job-reporter-{self.job_id}", daemon=True
            )
            self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=30)
            self._thread = None

    def set_progress(self, done: int, total: int | None, message: str) -> None:
        with self._lock:
            self._progress = self.latest = (done, total, message)
        if not self.background:
            self.sync()

    def check(self) -> None:
        if not self.background:
            self.sync()

    def sync(self) -> None:
        """Write pending progress (and the heartbeat), then read whether to stop."""
        with self._lock:
            progress, self._progress = self._progress, None
        fields: dict[str, Any] = {}
        if progress is not None:
            done, total, message = progress
            fields.update(progress_done=done, progress_total=total, progress_message=message)
        if progress is not None or time.monotonic() - self._last_heartbeat >= heartbeat_seconds():
            fields["heartbeat_at"] = timezone.now()
        try:
            mine = Job.objects.filter(
                pk=self.job_id, status=Job.Status.RUNNING, attempts=self.attempt
            )
            if fields:
                if not mine.update(**fields):
                    self.lost.set()
                    return
                self._last_heartbeat = time.monotonic()
            state = mine.values_list("cancel_requested_at").first()
        except DatabaseError:
            # Busy (SQLite has one writer at a time) or briefly unreachable: next time.
            with self._lock:
                if self._progress is None:
                    self._progress = progress
            if not self.background:
                raise
            logger.debug("job %s: progress not written this time", self.job_id)
            return
        if state is None:
            self.lost.set()
        elif state[0] is not None:
            self.cancel.set()

    def _run(self) -> None:
        try:
            if connection.vendor == "sqlite":
                # Never wait long for the one writer: the figures are written next time.
                with connection.cursor() as cursor:
                    cursor.execute("PRAGMA busy_timeout = 1000")
            while not self._stop.wait(PROGRESS_INTERVAL):
                self.sync()
        except Exception:
            logger.exception("job %s: the progress reporter stopped", self.job_id)
        finally:
            connection.close()


class JobContext:
    """Handed to a job kind's callable; see the module's docstring."""

    def __init__(self, *, job: Job, attempt: int, actor: Actor, reporter: Reporter) -> None:
        self.job_id: UUID = job.pk
        self.kind = job.kind
        self.parameters = job.parameters
        self.language = job.language
        self.attempt = attempt
        self.actor = actor
        self.owner_id: int | None = job.owner_id
        self.organisation_id: int | None = job.organisation_id
        self._reporter = reporter
        self._atomic_depth = 0
        self.result: ResultFile | None = None

    def progress(self, done: int, total: int | None = None, message: StrOrPromise = "") -> None:
        """Report how far along the job is; stops it (JobCancelledError) if someone asked to."""
        total = None if total is None else max(0, int(total))
        self._reporter.set_progress(max(0, int(done)), total, str(message)[:200])
        self._stop_if_asked()

    def cancelled(self) -> bool:
        """Whether someone asked the job to stop (a job that writes should raise
        JobCancelledError, or call `progress`, to have its writes rolled back)."""
        self._reporter.check()
        if self._reporter.lost.is_set():
            raise JobLostError
        return self._reporter.cancel.is_set()

    def _stop_if_asked(self) -> None:
        if self.cancelled():
            raise JobCancelledError

    @contextmanager
    def atomic(self) -> Iterator[None]:
        """One transaction for the job's writes, committed only while the run is still this
        worker's and no one asked the job to stop; the job is then never run again."""
        self._atomic_depth += 1
        try:
            with transaction.atomic():
                yield
                if self._atomic_depth == 1:
                    self._confirm_writes()
        finally:
            self._atomic_depth -= 1

    def _confirm_writes(self) -> None:
        mine = Job.objects.filter(pk=self.job_id, status=Job.Status.RUNNING, attempts=self.attempt)
        asked = list(mine.select_for_update().values_list("cancel_requested_at", flat=True))
        if not asked:
            raise JobLostError
        if asked[0] is not None:
            raise JobCancelledError
        mine.update(writes_committed=True, heartbeat_at=timezone.now())

    def save_result_file(self, name: str, content_type: str, stream: bytes | files.Content) -> None:
        """Store the job's result (one per job: a second call replaces the first). The owner
        can download it once the job has finished, until it expires."""
        self.discard_result()
        stored_name = files.new_stored_name()
        size = files.write_encrypted(stored_name, stream)
        self.result = ResultFile(
            name=files.safe_file_name(name),
            content_type=files.safe_content_type(content_type),
            stored_name=stored_name,
            size=size,
        )

    def discard_result(self) -> None:
        if self.result is not None:
            files.remove_file(self.result.stored_name)
            self.result = None
