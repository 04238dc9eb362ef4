"""Vietnamese text helpers shared by every search in the platform: folding, words, typos."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Iterator
from typing import Any

# Hoàng/Huỳnh and Vũ/Võ are the same family names written in the northern and southern way;
# records from abroad also drop diacritics, so matching compares folded, canonical forms.
_SURNAME_EQUIVALENTS = {"huynh": "hoang", "vo": "vu"}


def nfc(value: str) -> str:
    """Store text in NFC so that the same word is always the same bytes."""
    return unicodedata.normalize("NFC", value)


def plain_name(value: str) -> str:
    """A name as it may be stored and shown: NFC, single spaces, and nothing invisible.

    Control characters (a NUL, a tab, a line break) and invisible format characters (the
    right-to-left and left-to-right overrides and isolates that make a name read backwards on
    screen, zero-width spaces and joiners, the byte-order mark) are dropped: a name is letters,
    marks, digits, punctuation and spaces, shown as typed.
    """
    kept = "".join(
        " " if ch.isspace() else ch
        for ch in unicodedata.normalize("NFC", value)
        if ch.isspace() or unicodedata.category(ch) not in _INVISIBLE
    )
    return " ".join(kept.split())


# Unicode categories a name never needs: controls, format characters (bidi overrides, zero
# width), private use, unassigned code points and lone surrogates.
_INVISIBLE = frozenset({"Cc", "Cf", "Co", "Cn", "Cs"})


def fold(value: str) -> str:
    """Fold Vietnamese text for search: no diacritics, đ→d, case-folded, single spaces.

    Mirrors PostgreSQL's unaccent + lower so the same rule holds in Python and in SQL.
    """
    decomposed = unicodedata.normalize("NFD", value)
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    stripped = stripped.replace("đ", "d").replace("Đ", "D")
    return " ".join(stripped.casefold().split())


def fold_name(value: str) -> str:
    """Fold a person's name and map equivalent surnames to one spelling, for matching."""
    words = fold(value).split()
    return " ".join(_SURNAME_EQUIVALENTS.get(word, word) for word in words)


# --- words for search --------------------------------------------------------------------------

_NOT_A_WORD = re.compile(r"[^\w]+")
# Shortest word matched with one letter off: shorter ones would match half the vocabulary.
FUZZY_MIN_LENGTH = 3


def search_words(text: str) -> list[str]:
    """Folded words: no diacritics, no case, no punctuation ("Bình-yên!" → ["binh", "yen"])."""
    return _NOT_A_WORD.sub(" ", fold(text)).replace("_", " ").split()


def search_text(*parts: str) -> str:
    """A stored search text: folded words between single spaces, with one at each end.

    The leading space lets a search match the start of any word with `contains " word"`, so
    "nha" finds "nhà" and "nhân" but not "chuyên nhà" inside a word.
    """
    words = search_words(" ".join(part for part in parts if part))
    return f" {' '.join(words)} " if words else ""


def one_letter_deletions(word: str) -> Iterator[str]:
    """`word` with each of its letters left out in turn ("lam" → "am", "lm", "la")."""
    for i in range(len(word)):
        yield word[:i] + word[i + 1 :]


_LATIN_LETTERS = "abcdefghijklmnopqrstuvwxyz"
_HAS_DIGIT = re.compile(r"\d")


def one_edit_variants(word: str, *, letters: str = _LATIN_LETTERS) -> set[str]:
    """Every word one letter wrong, missing, extra, or two neighbours swapped from `word`
    (folded words: letters a–z), without `word` itself.

    A search through blind indexes cannot ask for "words near this one", only for words it
    names: it names these (a few hundred for a name word).
    """
    found = set(one_letter_deletions(word))
    for i in range(len(word) - 1):
        found.add(word[:i] + word[i + 1] + word[i] + word[i + 2 :])
    for i in range(len(word) + 1):
        for letter in letters:
            found.add(word[:i] + letter + word[i:])
            if i < len(word):
                found.add(word[:i] + letter + word[i + 1 :])
    found.discard(word)
    found.discard("")
    return found


def within_one_edit(a: str, b: str) -> bool:
    """Whether a and b differ by one substitution, insertion, deletion or adjacent swap."""
    if a == b:
        return True
    la, lb = len(a), len(b)
    if abs(la - lb) > 1:
        return False
    if la == lb:
        diffs = [i for i in range(la) if a[i] != b[i]]
        if len(diffs) == 1:
            return True
        return (
            len(diffs) == 2
            and diffs[1] == diffs[0] + 1
            and a[diffs[0]] == b[diffs[1]]
            and a[diffs[1]] == b[diffs[0]]
        )
    short, long = (a, b) if la < lb else (b, a)
    i = 0
    while i < len(short) and short[i] == long[i]:
        i += 1
    return short[i:] == long[i + 1 :]


class Vocabulary:
    """Folded words, and for any word those of them one letter off it: a typo's real word.

    Beside the words it keeps every one-letter deletion of each (of at least `min_length`
    letters) → the words it came from, so that near words are found without comparing a word
    with the whole vocabulary: "daoo" less a letter is "dao"; "dao" and "dau" share "da".

    A word with a digit in it (a year, a house or phone number, "24h") is matched as written
    only: "2024" one digit off is another year, not a typo, and numbers would otherwise fill
    most of the table with their deletions.

    `pieces()` and `from_pieces()` take a vocabulary apart into small plain pieces and put it
    back together without computing a deletion again (a shared copy loaded piece by piece).
    """

    # Entries per piece: each piece unpickles in a few milliseconds.
    PIECE_SIZE = 2000

    def __init__(self, words: Iterable[str] = (), *, min_length: int = FUZZY_MIN_LENGTH) -> None:
        self.min_length = min_length
        self.words: set[str] = set()
        # Built as lists; tuples once put back from pieces.
        self._deletions: dict[str, list[str] | tuple[str, ...]] = {}
        for word in words:
            self.add(word)

    def _fuzzy(self, word: str) -> bool:
        return len(word) >= self.min_length and not _HAS_DIGIT.search(word)

    def add(self, word: str) -> None:
        if word in self.words:
            return
        self.words.add(word)
        if self._fuzzy(word):
            for deletion in one_letter_deletions(word):
                words = self._deletions.get(deletion)
                if words is None:
                    self._deletions[deletion] = [word]
                elif isinstance(words, list):
                    words.append(word)
                else:
                    self._deletions[deletion] = (*words, word)

    def __contains__(self, word: object) -> bool:
        return word in self.words

    def __len__(self) -> int:
        return len(self.words)

    def near(self, word: str) -> set[str]:
        """Words of the vocabulary one edit away from `word` (never `word` itself)."""
        if not self._fuzzy(word):
            return set()
        found: set[str] = set(self._deletions.get(word, ()))  # one letter more
        for deletion in one_letter_deletions(word):
            if deletion in self.words:  # one letter less
                found.add(deletion)
            found.update(self._deletions.get(deletion, ()))  # one letter changed or swapped
        found.discard(word)
        return {candidate for candidate in found if within_one_edit(word, candidate)}

    def pieces(self) -> Iterator[tuple[str, object]]:
        """The vocabulary as pieces of at most PIECE_SIZE entries: ("words", [word, …]) and
        ("deletions", ([deletion, …], [[word, …], …])): flat lists, quick to unpickle."""
        yield "min_length", self.min_length
        words = sorted(self.words)
        for start in range(0, len(words), self.PIECE_SIZE):
            yield "words", words[start : start + self.PIECE_SIZE]
        # Tuples of words, which the garbage collector stops following (lists it would not).
        deletions = list(self._deletions)
        words_of = [tuple(words) for words in self._deletions.values()]
        for start in range(0, len(deletions), self.PIECE_SIZE):
            end = start + self.PIECE_SIZE
            yield "deletions", (deletions[start:end], words_of[start:end])

    @classmethod
    def from_pieces(cls, pieces: Iterable[Any]) -> Vocabulary:
        vocabulary = cls()
        for kind, content in pieces:
            vocabulary.add_piece(kind, content)
        return vocabulary

    def add_piece(self, kind: str, content: Any) -> None:
        """Put back one piece of `pieces()`."""
        if kind == "min_length":
            self.min_length = content
        elif kind == "words":
            self.words.update(content)
        elif kind == "deletions":
            deletions, words_of = content
            self._deletions.update(zip(deletions, words_of, strict=True))
        else:
            raise ValueError(f"not a piece of a vocabulary: {kind!r}")
