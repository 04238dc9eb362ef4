"""Walk the pages a person can reach and find words of the other language on them.

Vietnamese pages are checked against the English of the catalogues: any English message of two
words or more (the msgid of an entry whose Vietnamese differs from it) that appears verbatim in a
Vietnamese page is a failure, and so is a word that only English messages use. English pages are
checked for Vietnamese words (a letter only Vietnamese writes: ă â đ ê ô ơ ư or a tone mark),
except in the names of people, organisations and places.

Text inside an element marked with `lang` is read in that element's language (the language
switcher's "Tiếng Việt", a name typed in Vietnamese).
"""

from __future__ import annotations

import re
from collections import deque
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import cache
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urldefrag, urlsplit

import polib

ROOT = Path(__file__).resolve().parents[1]

# Letters Vietnamese writes and English does not (a loanword such as "café" aside).
VIETNAMESE_LETTERS = set("ăâđêôơưàáảãạằắẳẵặầấẩẫậèẻẽẹềếểễệìỉĩịòỏõọồốổỗộờớởỡợùủũụừứửữựỳỷỹỵ")
VIETNAMESE_LETTERS |= {letter.upper() for letter in VIETNAMESE_LETTERS}
WORD = re.compile(r"[^\W\d_]+(?:['’][^\W\d_]+)?")
FILE_NAME = re.compile(r"[\w.-]+\.(?:pdf|xlsx|csv|json|xml|zip|docx|txt)\b")
PLACEHOLDER_NAME = re.compile(r"%\((\w+)\)[sdfi]")
QUOTED = re.compile(r"“[^”]*”|\"[^\"]*\"")
# A proper name in English (Modern Slavery & Exploitation Helpline, Home Office): two or more
# capitalised words; the platform's own English is written in sentence case.
TITLE_RUN = re.compile(r"\b[A-Z][A-Za-z’'-]*(?:\s+(?:&\s+|and\s+|of\s+|for\s+)?[A-Z][A-Za-z’'-]*)+")
# An English term glossed in brackets after its Vietnamese: "nô lệ hiện đại (modern slavery)".
GLOSS = re.compile(r"\([A-Za-z][A-Za-z ’'-]*\)")
PLACEHOLDER = re.compile(r"%\(\w+\)[sdfi]|%[sdfi]|\{\w*\}")
READ_ATTRIBUTES = ("title", "aria-label", "placeholder", "alt")
SKIPPED_ELEMENTS = {"script", "style", "template", "svg"}
# What a form holds is what was typed (a text being edited), not the page's words; its
# placeholder and title are read.
TYPED_ELEMENTS = {"textarea"}
VOID_ELEMENTS = {
    "area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track",
    "wbr",
}  # fmt: skip


def is_vietnamese_word(word: str) -> bool:
    return any(letter in VIETNAMESE_LETTERS for letter in word)


def is_vietnamese_text(text: str) -> bool:
    return any(letter in VIETNAMESE_LETTERS for letter in text)


class _Reader(HTMLParser):
    """Collects what a reader sees or hears, per language: text and the attributes they read."""

    def __init__(self, language: str) -> None:
        super().__init__(convert_charrefs=True)
        self.stack: list[tuple[str, str, bool]] = [("", language, False)]
        self.texts: dict[str, list[str]] = {}
        self.links: list[str] = []

    def _add(self, text: str, language: str) -> None:
        if text.strip():
            self.texts.setdefault(language, []).append(" ".join(text.split()))

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {name: value or "" for name, value in attrs}
        _, language, skipped = self.stack[-1]
        language = (values.get("lang") or language).split("-")[0].lower()
        skipped = skipped or tag in SKIPPED_ELEMENTS
        if tag == "a" and values.get("href"):
            self.links.append(values["href"])
        if not skipped:
            for name in READ_ATTRIBUTES:
                if values.get(name):
                    self._add(values[name], language)
            if tag == "input" and values.get("type") in {"submit", "button", "reset"}:
                self._add(values.get("value", ""), language)
        if tag not in VOID_ELEMENTS:
            self.stack.append((tag, language, skipped or tag in TYPED_ELEMENTS))

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)
        if tag not in VOID_ELEMENTS:
            self.handle_endtag(tag)

    def handle_endtag(self, tag: str) -> None:
        for depth in range(len(self.stack) - 1, 0, -1):
            if self.stack[depth][0] == tag:
                del self.stack[depth:]
                return

    def handle_data(self, data: str) -> None:
        _, language, skipped = self.stack[-1]
        if not skipped:
            self._add(data, language)


@dataclass
class Page:
    url: str
    texts: dict[str, list[str]]
    links: list[str]


def read_html(url: str, html: str, language: str) -> Page:
    reader = _Reader(language)
    reader.feed(html)
    reader.close()
    return Page(url=url, texts=reader.texts, links=reader.links)


# --- What counts as English in a Vietnamese text -------------------------------------------------


def _catalogue_entries(language: str) -> Iterable[polib.POEntry]:
    for path in sorted((ROOT / "donghanh").glob(f"**/locale/{language}/LC_MESSAGES/django.po")):
        for entry in polib.pofile(str(path)):
            if not entry.obsolete:
                yield entry


@cache
def english_phrases() -> tuple[frozenset[str], frozenset[str]]:
    """English phrases of two words or more, and English-only words, from the catalogues.

    A phrase is a msgid (or the part of one between placeholders) whose Vietnamese differs from
    it; a word is one that appears in English messages and in no Vietnamese translation, so
    "email", "Zalo" or "PDF", which Vietnamese text uses too, are never counted.
    """
    candidates: set[str] = set()
    english_words: set[str] = set()
    vietnamese_words: set[str] = set()
    for entry in _catalogue_entries("vi"):
        translations = [entry.msgstr, *entry.msgstr_plural.values()]
        for text in translations:
            vietnamese_words.update(word.lower() for word in WORD.findall(text))
        for msgid in filter(None, (entry.msgid, entry.msgid_plural)):
            if msgid in translations:
                continue
            for part in PLACEHOLDER.split(msgid):
                part = " ".join(part.split()).strip(" .,:;()·–—-")
                if len(WORD.findall(part)) >= 2:
                    candidates.add(part)
            english_words.update(word.lower() for word in WORD.findall(msgid) if len(word) > 3)
    # A phrase whose every word Vietnamese text also writes ("hoa.nguyen", "Zalo OA") is no sign.
    phrases = {
        phrase
        for phrase in candidates
        if any(word.lower() not in vietnamese_words for word in WORD.findall(phrase))
    }
    english_only = {
        word for word in english_words if word.isascii() and word not in vietnamese_words
    }
    return frozenset(phrases), frozenset(english_only)


@dataclass
class Finding:
    url: str
    language: str
    found: str
    context: str

    def __str__(self) -> str:
        return f"[{self.language}] {self.url}: {self.found!r} in {self.context[:160]!r}"


@cache
def _phrases_by_first_word() -> dict[str, tuple[tuple[str, ...], ...]]:
    index: dict[str, set[tuple[str, ...]]] = {}
    for phrase in english_phrases()[0]:
        words = tuple(WORD.findall(phrase))
        index.setdefault(words[0], set()).add(words)
    return {first: tuple(sorted(found, key=len, reverse=True)) for first, found in index.items()}


def english_in_vietnamese(text: str, *, names: Iterable[str] = ()) -> list[str]:
    """English phrases and English-only words (five letters or more) in a Vietnamese text.

    `names` are removed first: an organisation's own name may well be English ("CARE").
    """
    for name in names:
        text = text.replace(name, " ")
    text = FILE_NAME.sub(" ", text)  # a file's name is what it is: report.pdf
    # What to say or type, quoted, and a gloss in brackets are English on purpose.
    text = TITLE_RUN.sub(" ", GLOSS.sub(" ", QUOTED.sub(" ", text)))
    words = WORD.findall(text)
    index = _phrases_by_first_word()
    found = []
    position = 0
    while position < len(words):
        for phrase in index.get(words[position], ()):
            if tuple(words[position : position + len(phrase)]) == phrase:
                found.append(" ".join(phrase))
                position += len(phrase) - 1
                break
        position += 1
    english_only = english_phrases()[1]
    found += [w for w in words if len(w) >= 5 and w.lower() in english_only]
    return found


def vietnamese_in_english(
    text: str, *, names: Iterable[str] = (), name_words: frozenset[str] = frozenset()
) -> list[str]:
    """Vietnamese words in an English text, names of people, organisations and places aside.

    `names` are whole names removed first (an organisation without an English name keeps its own
    name, lowercase words and all); a run of two or more capitalised words is a person's or a
    place's name; a single capitalised word is a name when it is one of `name_words`.
    """
    for name in sorted(names, key=len, reverse=True):
        text = text.replace(name, " ")
    # A quoted example of what to type: “nha binh yen” finds “Ngôi nhà Bình yên”.
    text = QUOTED.sub(" ", text)
    words = WORD.findall(text)
    found = []
    for index, word in enumerate(words):
        if not is_vietnamese_word(word):
            continue
        if word[0].isupper():
            neighbours = words[max(index - 1, 0) : index] + words[index + 1 : index + 2]
            if word in name_words or any(n[0].isupper() and n != "I" for n in neighbours):
                continue
        found.append(word)
    return found


# --- The walk ------------------------------------------------------------------------------------

ID_SEGMENT = re.compile(r"/(?:\d+|[0-9a-f]{8}-[0-9a-f-]{27}|[A-Za-z0-9_-]{20,})(?=/|$)")


def url_kind(url: str) -> str:
    """The address with its ids blanked: pages of one kind, whatever record they show."""
    path = urlsplit(url).path
    return ID_SEGMENT.sub("/#", path) + ("?" if urlsplit(url).query else "")


@dataclass
class Walk:
    pages: list[Page] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)


def walk(
    get: Callable[[str], tuple[int, str, str]],
    start: Iterable[str],
    *,
    language: str,
    allowed: Callable[[str], bool],
    per_kind: int = 1,
    limit: int = 400,
    kinds: dict[str, int] | None = None,
) -> Walk:
    """Follow links breadth-first from `start`: at most `per_kind` pages of each kind of address
    (counted in `kinds`, which several walks may share), every start page included.

    `get(url)` answers (status, content type, body); `allowed(url)` says whether to open a link.
    """
    result = Walk()
    queue = deque(start)
    seen: set[str] = set(queue)
    kinds = {} if kinds is None else kinds
    while queue and len(result.pages) < limit:
        url = queue.popleft()
        status, content_type, body = get(url)
        if status >= 500:
            result.errors.append(f"{url}: answered {status}")
            continue
        if status != 200 or not content_type.startswith("text/html"):
            continue
        page = read_html(url, body, language)
        result.pages.append(page)
        for href in page.links:
            link = urldefrag(href)[0]
            parts = urlsplit(link)
            if parts.scheme or parts.netloc or not link.startswith("/"):
                continue
            if link in seen or not allowed(link):
                continue
            seen.add(link)
            kind = url_kind(link)
            if kinds.get(kind, 0) >= per_kind:
                continue
            kinds[kind] = kinds.get(kind, 0) + 1
            queue.append(link)
    return result
