"""What else a data key rotation must re-encrypt, registered by the apps that keep it.

`manage.py rotate_data_key` (people app) re-encrypts every encrypted column of every model and
rebuilds the people's blind indexes; then it runs, in order, the steps registered here by apps
that keep data encrypted elsewhere (the attachments app: the stored files), so that one command
leaves nothing only the old key can read. Register from `AppConfig.ready()`:

    register_key_rotation_step("attachment files", rotate_files, order=20)

A step is called with `write`, a function that prints one line of the command's report.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

KeyRotationRun = Callable[[Callable[[str], None]], None]


@dataclass(frozen=True)
class KeyRotationStep:
    name: str
    run: KeyRotationRun
    order: int


_steps: dict[str, KeyRotationStep] = {}


def register_key_rotation_step(name: str, run: KeyRotationRun, *, order: int = 100) -> None:
    """Add a step; the same step again changes nothing, another under a taken name is an error."""
    step = KeyRotationStep(name=name, run=run, order=order)
    known = _steps.get(name)
    if known is not None and known != step:
        raise ValueError(f"a key rotation step is already registered as {name!r}")
    _steps[name] = step


def key_rotation_steps() -> list[KeyRotationStep]:
    return sorted(_steps.values(), key=lambda step: (step.order, step.name))
