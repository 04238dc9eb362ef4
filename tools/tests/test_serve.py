"""`make run` (tools/serve.py): the worker starts beside the server and stops with it."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

from tools.serve import serve

ROOT = Path(__file__).resolve().parents[2]


def _worker(tmp_path: Path, *, ignore_term: bool = False) -> list[str]:
    """A stand-in worker: says it is ready, notes how it was stopped."""
    ready, stopped = tmp_path / "ready", tmp_path / "stopped"
    handler = "signal.SIG_IGN" if ignore_term else "on_term"
    code = textwrap.dedent(
        f"""
        import pathlib, signal, sys, time
        def on_term(*args):
            pathlib.Path({str(stopped)!r}).write_text("SIGTERM")
            sys.exit(0)
        def on_int(*args):
            pathlib.Path({str(stopped)!r}).write_text("SIGINT")
            sys.exit(0)
        signal.signal(signal.SIGTERM, {handler})
        signal.signal(signal.SIGINT, on_int)
        pathlib.Path({str(ready)!r}).write_text("ready")
        time.sleep(60)
        """
    )
    return [sys.executable, "-c", code]


def _server_waiting_for(path: Path, *, code: int) -> list[str]:
    wait = f"""
import pathlib, sys, time
while not pathlib.Path({str(path)!r}).exists():
    time.sleep(0.05)
sys.exit({code})
"""
    return [sys.executable, "-c", wait]


def test_the_worker_is_stopped_when_the_server_ends(tmp_path):
    started = time.monotonic()
    code = serve(_server_waiting_for(tmp_path / "ready", code=3), _worker(tmp_path))
    assert code == 3
    assert (tmp_path / "stopped").read_text() == "SIGTERM"
    assert time.monotonic() - started < 20


def test_a_worker_that_does_not_stop_is_killed(tmp_path):
    started = time.monotonic()
    serve(
        _server_waiting_for(tmp_path / "ready", code=0),
        _worker(tmp_path, ignore_term=True),
        stop_seconds=1,
    )
    assert not (tmp_path / "stopped").exists()
    assert time.monotonic() - started < 20


def test_ctrl_c_stops_the_server_and_the_worker(tmp_path):
    """Ctrl-C reaches the terminal's process group: the server and make's recipe, not the
    worker, which gets one SIGTERM instead."""
    # The server says when it runs: Ctrl-C sent before it started would never reach it.
    server_ready = tmp_path / "server-ready"
    server = [
        sys.executable,
        "-c",
        f"import pathlib, time; pathlib.Path({str(server_ready)!r}).write_text('1'); "
        "time.sleep(60)",
    ]
    # As from a terminal: Ctrl-C not ignored, whatever the test process inherited (an ignored
    # signal stays ignored in every program started from it).
    driver = textwrap.dedent(
        f"""
        import signal, sys
        signal.signal(signal.SIGINT, signal.default_int_handler)
        sys.path.insert(0, {str(ROOT)!r})
        from tools.serve import serve
        sys.exit(serve({server!r}, {_worker(tmp_path)!r}))
        """
    )
    process = subprocess.Popen([sys.executable, "-c", driver], start_new_session=True)  # noqa: S603
    deadline = time.monotonic() + 30
    while not ((tmp_path / "ready").exists() and server_ready.exists()):
        assert time.monotonic() < deadline, "the worker or the server did not start"
        time.sleep(0.05)
    os.killpg(process.pid, signal.SIGINT)
    assert process.wait(timeout=30) == 0
    assert (tmp_path / "stopped").read_text() == "SIGTERM"


def test_told_to_stop_it_stops_the_server_and_the_worker(tmp_path):
    server = [sys.executable, "-c", "import time; time.sleep(60)"]
    driver = textwrap.dedent(
        f"""
        import sys
        sys.path.insert(0, {str(ROOT)!r})
        from tools.serve import serve
        sys.exit(serve({server!r}, {_worker(tmp_path)!r}))
        """
    )
    process = subprocess.Popen([sys.executable, "-c", driver], start_new_session=True)  # noqa: S603
    deadline = time.monotonic() + 30
    while not (tmp_path / "ready").exists():
        assert time.monotonic() < deadline, "the worker did not start"
        time.sleep(0.05)
    time.sleep(0.3)
    process.send_signal(signal.SIGTERM)
    assert process.wait(timeout=30) == 0
    assert (tmp_path / "stopped").read_text() == "SIGTERM"
