"""The house lint's settings, read from `[tool.houselint]` in pyproject.toml."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, fields
from pathlib import Path
from typing import Any


@dataclass(frozen=True)
class Config:
    # Directories checked, relative to the project root.
    paths: tuple[str, ...] = ("donghanh",)
    # Files under a directory of one of these names are not checked (tests, migrations).
    exclude_dirs: tuple[str, ...] = ("tests", "migrations")
    # Files under these paths are not checked (the test helpers).
    exclude_paths: tuple[str, ...] = ("donghanh/testing",)
    # Where the known findings of today are kept; the list must end empty.
    baseline: str = "tools/houselint/baseline.txt"
    # Modules that are views (HL101, HL401), matched from the right like pathlib's match().
    view_modules: tuple[str, ...] = ("*views*.py", "api/v1/*.py")
    # Modules that hold services (HL201-HL203).
    service_modules: tuple[str, ...] = ("services.py", "*_services.py", "services/*.py")
    # Decorators that make a service one transaction.
    atomic_decorators: tuple[str, ...] = ("transaction.atomic", "atomic")
    # Names a service may give the acting person; the first is the target name.
    actor_parameters: tuple[str, ...] = ("actor",)
    # A function whose name has one of these words (split on "_") creates what it saves.
    create_function_words: tuple[str, ...] = ("create",)

    @classmethod
    def from_mapping(cls, data: dict[str, Any]) -> Config:
        known = {field.name for field in fields(cls)}
        unknown = sorted(set(data) - known)
        if unknown:
            raise ValueError(f"unknown [tool.houselint] settings: {', '.join(unknown)}")
        values: dict[str, Any] = {}
        for key, value in data.items():
            values[key] = tuple(value) if isinstance(value, list) else value
        return cls(**values)


def load_config(pyproject: Path) -> Config:
    if not pyproject.is_file():
        return Config()
    with pyproject.open("rb") as handle:
        data = tomllib.load(handle)
    return Config.from_mapping(data.get("tool", {}).get("houselint", {}))
