"""Addresses of the pages a page links to, reversed once per view name, not once per link.

Django's `reverse()` (and `{% url %}`) matches the view's pattern again for every link: about
30 µs each, and a case page draws about thirty links. `address(viewname, **kwargs)` reverses
each view name once per process (for the URL configuration, script prefix and language in
force) with stand-in values, keeps the address cut around them, and puts each link's values in
their place, as `reverse()` would have written them:

    address("casework:goal_edit", org=organisation.slug, case_id=case.pk, goal_id=goal.pk)

Only values that need no quoting take the short way: numbers where the address takes numbers,
slugs (letters, digits, `-`, `_`) where it takes more; anything else goes through `reverse()`,
which also raises `NoReverseMatch` as usual. In templates: `{% load addresses %}` and
`{% address 'view' key=value ... %}` (or `... as name`), as `{% url %}` is written.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from django.urls import NoReverseMatch, get_script_prefix, get_urlconf, reverse
from django.utils.translation import get_language

# Stand-ins for the values while reversing: digits, which every converter of ours takes.
_MARK = 739_021_465_800_000
_DIGITS = re.compile(r"[0-9]+")
_SLUG = re.compile(r"[-a-zA-Z0-9_]+")


@dataclass(frozen=True)
class _Cut:
    """An address cut around its values: pieces[0] value pieces[1] value ... pieces[-1]."""

    pieces: tuple[str, ...]
    names: tuple[str, ...]  # the values' names, in the order the address has them
    numbers: frozenset[str]  # the values the address takes as numbers only

    def join(self, kwargs: dict[str, Any]) -> str | None:
        parts = [self.pieces[0]]
        for name, piece in zip(self.names, self.pieces[1:], strict=True):
            value = kwargs[name]
            text = str(value)
            if isinstance(value, bool) or not (
                _DIGITS if name in self.numbers else _SLUG
            ).fullmatch(text):
                return None
            parts.append(text)
            parts.append(piece)
        return "".join(parts)


def _cut(viewname: str, names: tuple[str, ...]) -> _Cut | None:
    marks = {name: str(_MARK + position) for position, name in enumerate(names)}
    try:
        whole = reverse(viewname, kwargs=marks)
    except NoReverseMatch:
        return None
    if any(whole.count(mark) != 1 for mark in marks.values()):
        return None
    found = sorted((whole.index(marks[name]), name) for name in names)
    pieces, start = [], 0
    for position, name in found:
        pieces.append(whole[start:position])
        start = position + len(marks[name])
    pieces.append(whole[start:])
    numbers = set()
    for name in names:
        try:
            reverse(viewname, kwargs={**marks, name: f"x{marks[name]}"})
        except NoReverseMatch:
            numbers.add(name)
    return _Cut(
        pieces=tuple(pieces), names=tuple(name for _, name in found), numbers=frozenset(numbers)
    )


_NOT_CUT = object()
_cuts: dict[tuple[Any, ...], Any] = {}


def address(viewname: str, **kwargs: Any) -> str:
    """`reverse(viewname, kwargs=kwargs)`, from the view's address reversed once."""
    key = (viewname, tuple(sorted(kwargs)), get_urlconf(), get_script_prefix(), get_language())
    cut = _cuts.get(key, _NOT_CUT)
    if cut is _NOT_CUT:
        cut = _cuts[key] = _cut(viewname, key[1])
    if cut is not None:
        joined = cut.join(kwargs)
        if joined is not None:
            return joined
    return reverse(viewname, kwargs=kwargs)
