"""How provider text is folded for search, the same way when stored and when asked."""

from __future__ import annotations

import re

from donghanh.core.text import fold

_NOT_A_WORD = re.compile(r"[^\w]+")


def search_words(text: str) -> list[str]:
    """Folded words: no diacritics, no case, no punctuation ("Bình-yên!" → ["binh", "yen"])."""
    return _NOT_A_WORD.sub(" ", fold(text)).replace("_", " ").split()


def search_text(*parts: str) -> str:
    """The stored search text: folded words between single spaces, with one at each end.

    The leading space lets a search match the start of any word with `contains " word"`, so
    "nha" finds "nhà" and "nhân" but not "chuyên nhà" inside a word.
    """
    words = search_words(" ".join(part for part in parts if part))
    return f" {' '.join(words)} " if words else ""
