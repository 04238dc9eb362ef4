"""The commands `make lint` runs after ruff, for the tests to run them the same way."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

REPOSITORY = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent

# Keep in step with the `lint` target of the Makefile (a test compares them).
IMPORT_CONTRACTS = ["lint-imports", "--no-cache", "--no-logo"]
HOUSE_LINT = ["python", "-m", "tools.houselint"]


def run(command: list[str], cwd: Path, *extra: str) -> subprocess.CompletedProcess[str]:
    """Run one of the commands above in `cwd`, with this repository's tools importable."""
    program = str(BIN / command[0]) if command[0] != "python" else sys.executable
    env = {**os.environ, "PYTHONPATH": str(REPOSITORY), "COLUMNS": "200"}
    return subprocess.run(  # noqa: S603 - our own tools, no shell
        [program, *command[1:], *extra],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
