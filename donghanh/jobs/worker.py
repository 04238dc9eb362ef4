"""The jobs worker: django-tasks' database worker, plus the housekeeping of the jobs.

Taking a task from the queue is the library's: on PostgreSQL a `SELECT … FOR UPDATE SKIP
LOCKED` in a short transaction, on SQLite an exclusive transaction; the task is marked as
taken before the transaction ends, so two workers never take the same one (and the job's own
claim is conditional besides). Between tasks, at most every few seconds, a worker:

- takes the jobs whose worker stopped while running them as interrupted
  (`jobs_recover_interrupted`): queued again, or failed;
- queues the nightly job kinds once a day from JOBS_NIGHTLY_HOUR (`jobs_queue_nightly`).
"""

from __future__ import annotations

import logging
import os
import socket
import threading
import time

from django.db import DatabaseError, close_old_connections
from django.db.utils import OperationalError
from django.utils.crypto import get_random_string
from django_tasks import DEFAULT_TASK_QUEUE_NAME
from django_tasks_db.management.commands.db_worker import Worker
from django_tasks_db.models import DBTaskResult
from django_tasks_db.utils import exclusive_transaction, is_locked_database_exception

from donghanh.core.actor import Actor
from donghanh.jobs import config, services
from donghanh.jobs.runner import reporting

logger = logging.getLogger(__name__)

BACKEND = "default"


def default_worker_id() -> str:
    """Host, process and a random part: unique across machines, readable in the admin."""
    host = socket.gethostname()[:40]
    return f"{host}:{os.getpid()}:{get_random_string(6)}"[:64]


def housekeeping_interval() -> float:
    """Often enough to notice an interrupted run well within the time it is allowed."""
    return max(1.0, min(30.0, config.stale_after().total_seconds() / 4))


class JobsWorker(Worker):
    def __init__(
        self,
        *,
        interval: float = 1.0,
        batch: bool = False,
        max_tasks: int | None = None,
        worker_id: str | None = None,
        housekeeping: bool = True,
        inline: bool = False,
    ) -> None:
        """`inline=True` runs the jobs inside the caller's transaction (the tests): the
        connection is left open and progress is written on it, not by a thread."""
        super().__init__(
            queue_names=[DEFAULT_TASK_QUEUE_NAME],
            interval=interval,
            batch=batch,
            backend_name=BACKEND,
            startup_delay=False,
            max_tasks=max_tasks,
            worker_id=worker_id or default_worker_id(),
            excluded_queue_names=[],
        )
        self.housekeeping_enabled = housekeeping
        self.inline = inline
        self._wake = threading.Event()
        self._last_housekeeping = float("-inf")

    def stop(self) -> None:
        """Finish the task at hand, then return from `run` (for a worker run in a thread)."""
        self.running = False
        self._wake.set()

    def run(self) -> None:
        logger.info("jobs worker %s started", self.worker_id)
        while self.running:
            self._close_old_connections()
            if self.housekeeping_enabled:
                self.housekeeping()
            task_result, looked = self._take_task()
            if task_result is not None:
                self.run_task(task_result)
            if self.batch and looked and task_result is None:
                return
            if self.max_tasks is not None and self._run_tasks >= self.max_tasks:
                return
            self._close_old_connections()
            if self.running and task_result is None:
                self._wake.wait(self.interval)
        logger.info("jobs worker %s stopped", self.worker_id)

    def _close_old_connections(self) -> None:
        # Like a request's end: drop a connection the database closed or that is too old.
        if not self.inline:
            close_old_connections()

    def _take_task(self) -> tuple[DBTaskResult | None, bool]:
        tasks = DBTaskResult.objects.ready().filter(
            backend_name=self.backend_name, queue_name__in=self.queue_names
        )
        try:
            with exclusive_transaction(tasks.db):
                task_result = tasks.get_locked()
                if task_result is not None:
                    task_result.claim(self.worker_id)
        except OperationalError as error:
            if is_locked_database_exception(error):
                return None, False
            raise
        return task_result, True

    def run_task(self, db_task_result: DBTaskResult) -> None:
        with reporting(background=not self.inline):
            super().run_task(db_task_result)

    def housekeeping(self, *, force: bool = False) -> None:
        if not force and time.monotonic() - self._last_housekeeping < housekeeping_interval():
            return
        self._last_housekeeping = time.monotonic()
        actor = Actor.system(f"jobs worker {self.worker_id}")
        try:
            services.jobs_recover_interrupted(actor=actor)
            services.jobs_queue_nightly(actor=actor)
        except DatabaseError as error:
            # Busy or briefly unreachable: the next round tries again.
            logger.warning("jobs housekeeping skipped: %s", type(error).__name__)
