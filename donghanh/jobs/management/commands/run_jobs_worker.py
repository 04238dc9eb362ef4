"""Run a worker for the background jobs (docs/jobs.md): `manage.py run_jobs_worker`.

Stop it with SIGTERM or Ctrl-C: it finishes the job at hand, then exits (a second signal
ends the job at once; the job is then taken as interrupted by the next worker).
"""

from __future__ import annotations

import logging
from argparse import ArgumentParser, ArgumentTypeError
from typing import Any

from django.core.management.base import BaseCommand

from donghanh.jobs.worker import JobsWorker, default_worker_id


def _positive_float(value: str) -> float:
    number = float(value)
    if not number >= 0:
        raise ArgumentTypeError("must be zero or more")
    return number


def _positive_int(value: str) -> int:
    number = int(value)
    if number <= 0:
        raise ArgumentTypeError("must be more than zero")
    return number


class Command(BaseCommand):
    help = "Run a worker for the background jobs; several may run, on several machines."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument(
            "--interval",
            type=_positive_float,
            default=1.0,
            help="Seconds to wait when no job is waiting before looking again (default 1).",
        )
        parser.add_argument(
            "--batch",
            action="store_true",
            help="Run the jobs waiting now, then exit.",
        )
        parser.add_argument(
            "--max-jobs",
            type=_positive_int,
            default=None,
            help="Exit after this many jobs (a supervisor then starts a fresh process).",
        )
        parser.add_argument(
            "--worker-id",
            default=None,
            help="A name unique among the workers, at most 64 characters "
            "(default: host, process id and a random part).",
        )
        parser.add_argument(
            "--no-housekeeping",
            action="store_true",
            help="Leave recovering interrupted jobs and queueing the nightly jobs to the "
            "other workers.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        level = {0: logging.WARNING, 1: logging.INFO}.get(options["verbosity"], logging.DEBUG)
        for name in ("donghanh.jobs", "django_tasks", "django_tasks_db"):
            logging.getLogger(name).setLevel(level)
        worker = JobsWorker(
            interval=options["interval"],
            batch=options["batch"],
            max_tasks=options["max_jobs"],
            worker_id=(options["worker_id"] or default_worker_id())[:64],
            housekeeping=not options["no_housekeeping"],
        )
        worker.configure_signals()
        worker.run()
