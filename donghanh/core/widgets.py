"""Form widgets drawn in Python where Django's would render one template per option.

A select of 60 provinces through Django's templates is 60 template renders and 60 option
dictionaries; a page with five of them spent a quarter of its time there. `QuickSelect` writes
the same HTML (the same attributes, escaped the same way) straight from its choices.
"""

from __future__ import annotations

import html
from collections.abc import Iterable, Iterator
from typing import Any

from django import forms
from django.forms.utils import flatatt
from django.utils.choices import BaseChoiceIterator
from django.utils.html import conditional_escape, format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language

# Text → its escaped form: the same labels and values (provinces, statuses, members) are
# escaped on every page that shows the select.
_ESCAPED: dict[str, str] = {}


def _escaped(text: Any) -> str:
    """`conditional_escape(text)`, remembered for plain strings."""
    if hasattr(text, "__html__"):
        return str(text.__html__())
    text = str(text)
    escaped = _ESCAPED.get(text)
    if escaped is None:
        escaped = html.escape(text)  # what django.utils.html.escape does
        if len(_ESCAPED) < 50_000:
            _ESCAPED[text] = escaped
    return escaped


def _option(value: Any, label: Any, selected: set[str]) -> str:
    text = "" if value is None else str(value)
    chosen = " selected" if text in selected else ""
    if chosen:
        selected.discard(text)  # one option selected, as Django's single select does
    return f'\n  <option value="{_escaped(text)}"{chosen}>{_escaped(label)}</option>'


class FrozenChoices(BaseChoiceIterator):
    """Choices given in the shape a field keeps them, `(value, label)` pairs without groups,
    taken as they are. Django normalises a list of choices on every form, once for the field
    and once for its widget, option by option: for the caseload's select of a thousand case
    workers that was a fifth of the page's CPU. `QuickSelect` also draws these once for each
    content and language, not on every page."""

    def __init__(self, choices: Iterable[tuple[Any, Any]]) -> None:
        self._choices = tuple(choices)

    def __iter__(self) -> Iterator[tuple[Any, Any]]:
        return iter(self._choices)

    def __len__(self) -> int:
        return len(self._choices)

    def drawn(self) -> str:
        """The options' markup, none selected: drawn once for these choices and language."""
        key = (get_language(), tuple((value, str(label)) for value, label in self._choices))
        options = _DRAWN.get(key)
        if options is None:
            nothing: set[str] = set()
            options = "".join(_option(value, label, nothing) for value, label in self._choices)
            if len(_DRAWN) >= 64:  # a few selects in a few languages; never grows unbounded
                _DRAWN.clear()
            _DRAWN[key] = options
        return options


# The markup of each `FrozenChoices`' options by their content and the language.
_DRAWN: dict[tuple[Any, ...], str] = {}


class QuickSelect(forms.Select):
    """A `<select>` with the markup of Django's own, without a template per option."""

    def render(
        self, name: str, value: Any, attrs: dict[str, Any] | None = None, renderer: Any = None
    ) -> SafeString:
        selected = set(self.format_value(value))
        parts: list[str] = [
            format_html('<select name="{}"{}>', name, flatatt(self.build_attrs(self.attrs, attrs)))
        ]
        choices = self.choices
        if isinstance(choices, FrozenChoices):
            options = choices.drawn()
            for text in selected:
                # The first option of that value selected, as `_option` selects it.
                shown = f'<option value="{_escaped(text)}">'
                options = options.replace(shown, f"{shown[:-1]} selected>", 1)
            parts.append(options)
        else:
            for group_value, group_label in choices:
                if isinstance(group_label, (list, tuple)):
                    parts.append(f'\n  <optgroup label="{conditional_escape(group_value)}">')
                    parts.extend(_option(value, label, selected) for value, label in group_label)
                    parts.append("\n  </optgroup>")
                else:
                    parts.append(_option(group_value, group_label, selected))
        parts.append("\n</select>")
        return mark_safe("".join(parts))  # noqa: S308 - every piece is escaped above
