"""Running background jobs in tests: in this process, or in real worker processes.

`run_queued_jobs()` runs the waiting jobs here, inside the test's transaction, through the
real worker loop (progress is then written on the test's own connection).

`worker_database` (a fixture: import it into a conftest or test module) gives the address
of the test database for worker processes started with `start_worker`. The SQLite test
database lives in this process's memory, out of another process's reach: the fixture copies
it to a file and points this process at the file too, for the test's duration.
"""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest
from django.db import connections

from donghanh.jobs.worker import JobsWorker

ROOT = Path(__file__).resolve().parents[2]


def run_queued_jobs(*, max_jobs: int | None = None) -> int:
    """Run the jobs waiting now, in this process; how many tasks were taken."""
    worker = JobsWorker(
        batch=True,
        max_tasks=max_jobs,
        worker_id="test-worker",
        housekeeping=False,
        inline=True,
    )
    worker.run()
    return worker._run_tasks


@pytest.fixture
def worker_database(transactional_db: None, tmp_path: Path) -> Iterator[str]:
    """A DATABASE_URL under which a worker process sees this test's database."""
    connection: Any = connections["default"]
    settings_dict = connection.settings_dict
    if connection.vendor == "postgresql":
        user = quote(settings_dict.get("USER") or "")
        password = settings_dict.get("PASSWORD") or ""
        credentials = f"{user}:{quote(password)}@" if password else (f"{user}@" if user else "")
        host = settings_dict.get("HOST") or "127.0.0.1"
        port = settings_dict.get("PORT") or 5432
        yield f"postgres://{credentials}{host}:{port}/{settings_dict['NAME']}"
        return
    if connection.vendor != "sqlite":
        pytest.skip("worker processes are tested on SQLite and PostgreSQL")
    path = tmp_path / "jobs.sqlite3"
    connection.ensure_connection()
    in_memory = connection.connection
    if connection.is_in_memory_db():
        copy = sqlite3.connect(path)
        in_memory.backup(copy)
        copy.close()
    else:
        yield f"sqlite:///{settings_dict['NAME']}"
        return
    original = {key: settings_dict[key] for key in ("NAME", "CONN_MAX_AGE")}
    connection.connection = None
    # One connection to the file for the test's duration, even when a live server's thread
    # shares it: the end of a request must not close it under the test's feet.
    settings_dict.update(NAME=str(path), CONN_MAX_AGE=None)
    try:
        yield f"sqlite:///{path}"
    finally:
        if connection.connection is not None:
            connection.connection.close()
        settings_dict.update(original)
        connection.connection = in_memory


def start_worker(
    database_url: str, media_root: Path, *args: str, env: dict[str, str] | None = None
) -> subprocess.Popen[str]:
    """A worker process (`run_jobs_worker` with the tests' job kinds) on the test database.

    Returns once the worker has said it started.
    """
    environment = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "donghanh.settings",
        "DATABASE_URL": database_url,
        "PRIVATE_MEDIA_ROOT": str(media_root),
        "PYTHONUNBUFFERED": "1",
        **(env or {}),
    }
    process = subprocess.Popen(  # noqa: S603 - the interpreter running the tests
        [sys.executable, "-m", "donghanh.jobs.tests.worker_process", "--interval", "0.1", *args],
        cwd=ROOT,
        env=environment,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    if process.stdout is None:
        raise RuntimeError("the worker's output is not piped")
    started = time.monotonic()
    lines = []
    while time.monotonic() - started < 60:
        line = process.stdout.readline()
        if not line:
            break
        lines.append(line)
        if "jobs worker" in line and "started" in line:
            # Keep reading its output, so that a full pipe never stops the worker.
            reader = threading.Thread(target=_drain, args=(process, lines), daemon=True)
            reader.start()
            process.output_lines = lines  # type: ignore[attr-defined]
            return process
    process.kill()
    raise AssertionError("the worker did not start:\n" + "".join(lines))


def _drain(process: subprocess.Popen[str], lines: list[str]) -> None:
    for line in process.stdout or ():
        lines.append(line)


def stop_worker(process: subprocess.Popen[str], *, kill: bool = False) -> str:
    """Stop the worker (SIGTERM: it finishes its job first; `kill`: at once); its output."""
    if process.poll() is None:
        process.send_signal(signal.SIGKILL if kill else signal.SIGTERM)
    try:
        process.wait(timeout=60)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()
    time.sleep(0.1)
    return "".join(getattr(process, "output_lines", []))


def wait_for(predicate: Callable[[], Any], *, timeout: float = 60, what: str = "") -> Any:
    """Poll `predicate` until it returns something true; fail after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what or predicate}")
        time.sleep(0.05)
