"""How a model declares that it stays out of a person's data export.

The export (`donghanh.privacy.exporters`) gathers every record with a foreign key to the person,
section by section, and exports any such model no section covers field by field. A model whose
rows are derived from other records (pre-counted figures, running counts) holds nothing about the
person that those records do not: it says so with `@excluded_from_person_export(reason)`, and is
left out. A test checks that every model with a foreign key to the person is either covered by a
section or declared here, so nothing joins or leaves the export unnoticed.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

_ATTRIBUTE = "person_export_exclusion"

ModelClass = TypeVar("ModelClass", bound=type)


def excluded_from_person_export(reason: str) -> Callable[[ModelClass], ModelClass]:
    """Class decorator: the model's rows are not data about the person; `reason` says why."""
    if not reason.strip():
        raise ValueError("say why the model stays out of the person's data export")

    def declare(model: ModelClass) -> ModelClass:
        setattr(model, _ATTRIBUTE, reason)
        return model

    return declare


def person_export_exclusion(model: type) -> str | None:
    """Why the model stays out of the export, if it declared so itself (not inherited)."""
    reason = vars(model).get(_ATTRIBUTE)
    return reason if isinstance(reason, str) else None
