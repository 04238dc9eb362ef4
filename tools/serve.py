"""`make run`: Django's development server and a jobs worker beside it; Ctrl-C stops both.

    python -m tools.serve 127.0.0.1:8000

The worker runs in a process group of its own, so the terminal's Ctrl-C reaches the server
only; when the server ends (Ctrl-C, SIGTERM, or an error), the worker is told once to stop (SIGTERM:
it finishes the job at hand, which takes a moment at most in development) and is killed if
it has not stopped after STOP_SECONDS. The worker does not reload when code changes:
restart `make run` after changing a job kind.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from collections.abc import Sequence

STOP_SECONDS = 20


def serve(
    server: Sequence[str], worker: Sequence[str], *, stop_seconds: float = STOP_SECONDS
) -> int:
    """Run `worker` in the background and `server` in the foreground; the server's exit code."""
    worker_process = subprocess.Popen(worker, start_new_session=True)  # noqa: S603 - our own commands
    code = 1
    try:
        server_process = subprocess.Popen(server)  # noqa: S603 - our own commands

        def end_server(signum: int, frame: object) -> None:
            # Told to stop (SIGTERM, or the terminal closed): end the server, then the worker.
            server_process.terminate()

        signal.signal(signal.SIGTERM, end_server)
        signal.signal(signal.SIGHUP, end_server)
        try:
            code = server_process.wait()
        except KeyboardInterrupt:
            # The server got the same Ctrl-C from the terminal: let it finish.
            code = server_process.wait()
    finally:
        stop(worker_process, stop_seconds=stop_seconds)
    return 0 if code in (-signal.SIGINT, -signal.SIGTERM, 130) else code


def stop(process: subprocess.Popen[bytes], *, stop_seconds: float) -> None:
    if process.poll() is not None:
        return
    os.killpg(process.pid, signal.SIGTERM)
    try:
        process.wait(timeout=stop_seconds)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()


def main(argv: Sequence[str]) -> int:
    address = argv[0] if argv else "127.0.0.1:8000"
    python = sys.executable
    print("Đồng Hành: background jobs worker started beside the server", flush=True)
    return serve(
        [python, "manage.py", "runserver", address],
        [python, "manage.py", "run_jobs_worker"],
    )


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
