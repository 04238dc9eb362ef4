"""Which column of a file holds which field of a kind: found by the headings' names, without
diacritics, case or punctuation, in Vietnamese or English, or as the organisation mapped
the same heading last time.

A mapping is {column number (from 0, as text): field key}; a column that maps to nothing is
left out of it.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence

from django.utils import translation
from django.utils.translation import gettext as _

from donghanh.core.text import fold
from donghanh.imports.kinds.base import ImportKind

_NOT_A_WORD = re.compile(r"[^0-9a-z]+")


def heading_key(heading: str) -> str:
    """A heading as it is compared: "Họ và tên (*)" → "ho va ten"."""
    return " ".join(_NOT_A_WORD.sub(" ", fold(heading)).split())


def _keys_by_field(kind: ImportKind) -> dict[str, str]:
    """heading key → field key, for every name a column is known by."""
    known: dict[str, str] = {}
    for column in kind.columns:
        names = [column.key.replace("_", " "), *column.aliases]
        for language in ("vi", "en"):
            with translation.override(language):
                names.append(str(column.label))
        for name in names:
            known.setdefault(heading_key(name), column.key)
    return known


def header_score(kind: ImportKind) -> Callable[[Sequence[str]], int]:
    """A function that counts how many of a row's cells name a column of `kind`."""
    known = _keys_by_field(kind)

    def score(cells: Sequence[str]) -> int:
        return len({known[key] for key in map(heading_key, cells) if key in known})

    return score


def auto_mapping(
    kind: ImportKind, headers: Sequence[str], remembered: Mapping[str, str] | None = None
) -> dict[str, str]:
    """The mapping the headings suggest: what the organisation chose for the same heading
    before (`remembered`: heading key → field key), else the column's own names. A field is
    mapped to its first column only."""
    known = _keys_by_field(kind)
    fields = {column.key for column in kind.columns}
    mapping: dict[str, str] = {}
    used: set[str] = set()
    for index, heading in enumerate(headers):
        key = heading_key(heading)
        if not key:
            continue
        remembered_field = (remembered or {}).get(key)
        # "" remembered: the organisation chose to leave this heading out.
        field = known.get(key) if remembered_field is None else remembered_field
        if field in fields and field not in used:
            mapping[str(index)] = field
            used.add(field)
    return mapping


def mapping_problems(
    kind: ImportKind, headers: Sequence[str], mapping: Mapping[str, str]
) -> list[str]:
    """What is wrong with a mapping: a field chosen for two columns, a required field for none."""
    problems = []
    fields = {column.key: column for column in kind.columns}
    seen: dict[str, int] = {}
    for index_text, field in mapping.items():
        if field not in fields or not index_text.isdigit() or int(index_text) >= len(headers):
            problems.append(_("The column choice is damaged: choose the columns again."))
            continue
        if field in seen:
            problems.append(
                _("“%(field)s” is chosen for two columns: choose it for one only.")
                % {"field": fields[field].label}
            )
        seen[field] = int(index_text)
    missing = [
        str(column.label) for column in kind.columns if column.required and column.key not in seen
    ]
    if missing:
        problems.append(
            _("No column holds %(fields)s: choose the column for each, or add it to the file.")
            % {"fields": ", ".join(f"“{name}”" for name in missing)}
        )
    return problems
