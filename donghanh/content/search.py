"""One search over published articles and public providers, in process memory.

A query is folded (no diacritics, no case), split into words, and each word is matched exactly or,
when it has at least three letters, with one letter wrong, missing, extra or two letters swapped
("lua dao viec lam" finds "lừa đảo việc làm", and so does "lua daoo viec lam"). Every word has to
match; when no document has them all, documents matching the most words come back instead.

Ranking: for each word the best of title > summary > body, exact > one-letter-off; a bonus when
the words appear together, in order, in the title or summary.

Rather than scanning text with LIKE on every request, the published texts and the public providers
are read once into an inverted index (folded word → the documents having it, per field) plus a
table of one-letter deletions of every word, which finds near words without comparing the query
with the whole vocabulary. The index is rebuilt when the public pages' generation changes (every
publication bumps it), so it behaves the same on SQLite and PostgreSQL.
"""

from __future__ import annotations

import threading
from array import array
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from itertools import pairwise
from typing import overload

from django.utils.translation import get_language

from donghanh.content.models import ArticleText, ContentLanguage
from donghanh.core import page_cache
from donghanh.directory.models import Provider
from donghanh.directory.search import search_words

# Shortest word matched with one letter off: shorter ones would match half the vocabulary.
FUZZY_MIN_LENGTH = 3

TITLE, SUMMARY, BODY = 0, 1, 2
# (field, exact) → points; every exact match outweighs the fuzzy one in the same field, and a
# field outweighs the one below it at the same kind of match.
WEIGHTS = (
    (TITLE, True, 12),
    (SUMMARY, True, 6),
    (TITLE, False, 4),
    (BODY, True, 3),
    (SUMMARY, False, 2),
    (BODY, False, 1),
)
PHRASE_IN_TITLE = 20
PHRASE_IN_SUMMARY = 8
# Documents matching more words of the query come first when none matches them all.
MATCHED_WORD = 100


@dataclass(frozen=True)
class Document:
    """What a result shows and links to."""

    kind: str  # "article" or "provider"
    key: int  # the article version's or the provider's id
    title: str
    summary: str
    slug: str = ""
    folded_title: str = ""
    folded_summary: str = ""
    stage: str = ""


def _deletions(word: str) -> Iterator[str]:
    for i in range(len(word)):
        yield word[:i] + word[i + 1 :]


def _within_one_edit(a: str, b: str) -> bool:
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


def _bits(numbers: Iterable[int], size: int) -> int:
    """A set of document numbers as one integer whose bit n is set for document n."""
    buffer = bytearray(size // 8 + 1)
    for number in numbers:
        buffer[number >> 3] |= 1 << (number & 7)
    return int.from_bytes(buffer, "little")


def _bigrams(words: list[str]) -> list[str]:
    # Two words with a space: never a word of the vocabulary, so never matched one letter off.
    return [f"{a} {b}" for a, b in pairwise(words)]


# Each bucket: a score and the set of documents (bits) that have it.
Buckets = list[tuple[int, int]]


@dataclass
class Corpus:
    """An inverted index: word → the documents having it, one table per field.

    A word in many documents keeps them as a bit set (an int), so that combining the words of a
    query is a few big-integer operations; a rare word keeps a short array, turned into bits
    when asked. Titles and summaries also index each pair of neighbouring words, for phrases.
    """

    documents: list[Document] = field(default_factory=list)
    postings: tuple[dict[str, array[int] | int], ...] = field(default_factory=lambda: ({}, {}, {}))
    # One-letter deletion of a word → the words it came from.
    deletions: dict[str, list[str]] = field(default_factory=dict)
    vocabulary: set[str] = field(default_factory=set)

    def add(self, document: Document, fields: tuple[list[str], ...]) -> None:
        number = len(self.documents)
        self.documents.append(document)
        for position, (table, words) in enumerate(zip(self.postings, fields, strict=True)):
            keys = set(words)
            if position != BODY:
                keys.update(_bigrams(words))
            for word in keys:
                postings = table.get(word)
                if postings is None:
                    postings = table[word] = array("i")
                postings.append(number)  # type: ignore[union-attr]

    def finish(self) -> None:
        size = len(self.documents)
        dense = max(size // 32, 1)  # from here on a bit set is smaller than an array of ints
        for table in self.postings:
            for word, postings in table.items():
                if " " not in word:
                    self.vocabulary.add(word)
                if isinstance(postings, array) and len(postings) > dense:
                    table[word] = _bits(postings, size)
        for word in self.vocabulary:
            if len(word) >= FUZZY_MIN_LENGTH:
                for deletion in _deletions(word):
                    self.deletions.setdefault(deletion, []).append(word)

    def near_words(self, word: str) -> set[str]:
        """Words of the vocabulary one edit away from `word` (not `word` itself)."""
        if len(word) < FUZZY_MIN_LENGTH:
            return set()
        found: set[str] = set(self.deletions.get(word, ()))  # one letter more
        for deletion in _deletions(word):
            if deletion in self.vocabulary:  # one letter less
                found.add(deletion)
            found.update(self.deletions.get(deletion, ()))  # one letter changed or swapped
        found.discard(word)
        return {candidate for candidate in found if _within_one_edit(word, candidate)}

    def _mask(self, field_: int, words: Iterable[str]) -> int:
        mask = 0
        table = self.postings[field_]
        for word in words:
            postings = table.get(word)
            if postings is None:
                continue
            mask |= postings if isinstance(postings, int) else _bits(postings, len(self.documents))
        return mask

    def search(self, words: list[str]) -> Buckets:
        """Matching documents grouped by score, best first."""
        tiers_per_word = []
        for word in words:
            near = self.near_words(word)
            masks = {
                (field_, exact): self._mask(field_, [word] if exact else near)
                for field_ in (TITLE, SUMMARY, BODY)
                for exact in (True, False)
            }
            tiers_per_word.append([(masks[(f, exact)], points) for f, exact, points in WEIGHTS])
        matched = [_union(mask for mask, _points in tiers) for tiers in tiers_per_word]
        candidates = _intersection(matched)
        bonus = 0
        if not candidates and len(words) > 1:
            # Nobody has every word: documents with the most of them come first.
            candidates, bonus = _union(matched), MATCHED_WORD
        buckets: dict[int, int] = {0: candidates} if candidates else {}
        for tiers in tiers_per_word:
            buckets = _score(buckets, tiers, bonus)
        if len(words) > 1:
            pairs = _bigrams(words)
            in_title = _intersection([self._mask(TITLE, [pair]) for pair in pairs])
            in_summary = _intersection([self._mask(SUMMARY, [pair]) for pair in pairs])
            buckets = _score(
                buckets, [(in_title, PHRASE_IN_TITLE), (in_summary, PHRASE_IN_SUMMARY)]
            )
        return sorted(buckets.items(), reverse=True)


def _union(masks: Iterable[int]) -> int:
    result = 0
    for mask in masks:
        result |= mask
    return result


def _intersection(masks: list[int]) -> int:
    if not masks:
        return 0
    result = masks[0]
    for mask in masks[1:]:
        result &= mask
    return result


def _score(buckets: dict[int, int], tiers: list[tuple[int, int]], bonus: int = 0) -> dict[int, int]:
    """Add to each document the points of the first tier it is in (none: nothing added)."""
    scored: dict[int, int] = {}
    for score, documents in buckets.items():
        rest = documents
        for mask, points in tiers:
            part = rest & mask
            if part:
                scored[score + points + bonus] = scored.get(score + points + bonus, 0) | part
                rest &= ~mask
        if rest:
            scored[score] = scored.get(score, 0) | rest
    return scored


def _numbers(mask: int) -> Iterator[int]:
    """The document numbers in a bit set, lowest first."""
    while mask:
        lowest = mask & -mask
        yield lowest.bit_length() - 1
        mask ^= lowest


@dataclass(frozen=True)
class Hit:
    document: Document
    score: int


class Results(Sequence[Hit]):
    """Ranked hits from several corpora, made into `Hit`s only for the page that is shown."""

    def __init__(self, ranked: list[tuple[int, int, Corpus, int]]) -> None:
        # (score, corpus rank, corpus, documents): articles before providers at the same score.
        self._ranked = sorted(ranked, key=lambda item: (-item[0], item[1]))
        self._count = sum(mask.bit_count() for _s, _r, _c, mask in self._ranked)

    def __len__(self) -> int:
        return self._count

    @overload
    def __getitem__(self, index: int) -> Hit: ...
    @overload
    def __getitem__(self, index: slice) -> list[Hit]: ...
    def __getitem__(self, index: int | slice) -> Hit | list[Hit]:
        if isinstance(index, int):
            found = self[index : index + 1] if index >= 0 else self[index:][:1]
            if not found:
                raise IndexError(index)
            return found[0]
        start, stop, _step = index.indices(self._count)
        hits: list[Hit] = []
        for score, _rank, corpus, mask in self._ranked:
            if len(hits) >= stop - start:
                break
            size = mask.bit_count()
            if start >= size:
                start -= size
                stop -= size
                continue
            for position, number in enumerate(_numbers(mask)):
                if position >= stop:
                    break
                if position >= start:
                    hits.append(Hit(corpus.documents[number], score))
            start, stop = 0, max(stop - size, 0)
        return hits


def _article_corpus(language: str) -> Corpus:
    """Published articles as the visitor sees them: in `language`, else in Vietnamese."""
    corpus = Corpus()
    texts = (
        ArticleText.objects.filter(published_version__isnull=False)
        .values_list(
            "language",
            "article__slug",
            "article__stage",
            "published_version_id",
            "published_version__title",
            "published_version__summary",
            "published_version__search_text",
        )
        .order_by("article__stage", "article__order", "article__slug")
    )
    chosen: dict[str, tuple[str, str, str, int, str, str, str]] = {}
    for row in texts.iterator(chunk_size=500):
        row_language, slug = row[0], row[1]
        if row_language == language or (
            row_language == ContentLanguage.VIETNAMESE and slug not in chosen
        ):
            chosen[slug] = row
    for _language, slug, stage, key, title, summary, text in chosen.values():
        title_words = search_words(title)
        summary_words = search_words(summary)
        corpus.add(
            Document(
                kind="article",
                key=key,
                title=title,
                summary=summary,
                slug=slug,
                stage=stage,
                folded_title=" ".join(title_words),
                folded_summary=" ".join(summary_words),
            ),
            (title_words, summary_words, text.split()),
        )
    corpus.finish()
    return corpus


def _provider_corpus() -> Corpus:
    """Active providers shown to the public (their names in both languages and their details)."""
    corpus = Corpus()
    providers = (
        Provider.objects.filter(shown_to_public=True, is_active=True)
        .order_by("folded_name", "id")
        .values_list("id", "name", "name_en", "folded_name", "folded_text")
    )
    for key, name, name_en, folded_name, folded_text in providers.iterator(chunk_size=2000):
        corpus.add(
            Document(
                kind="provider",
                key=key,
                title=name,
                summary=name_en,
                folded_title=folded_name,
            ),
            (folded_name.split(), [], folded_text.split()),
        )
    corpus.finish()
    return corpus


class _Indexes:
    """The corpora of this process, rebuilt when the public pages' generation moves on."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._generation: int | None = None
        self._corpora: dict[str, Corpus] = {}

    def get(self, name: str) -> Corpus:
        generation = page_cache.public_pages_generation()
        corpus = self._corpora.get(name) if generation == self._generation else None
        if corpus is not None:
            return corpus
        with self._lock:
            if generation != self._generation:
                self._corpora = {}
                self._generation = generation
            corpus = self._corpora.get(name)
            if corpus is None:
                corpus = self._corpora[name] = self._build(name)
            return corpus

    @staticmethod
    def _build(name: str) -> Corpus:
        if name == "providers":
            return _provider_corpus()
        return _article_corpus(name.removeprefix("articles:"))

    def clear(self) -> None:
        with self._lock:
            self._corpora = {}
            self._generation = None


indexes = _Indexes()


def site_search(query: str, language: str | None = None) -> Results:
    """Published articles (in the visitor's language) and public providers, best first."""
    words = search_words(query)[:12]
    if not words:
        return Results([])
    language = language or get_language() or ContentLanguage.VIETNAMESE
    if language not in ContentLanguage.values:
        language = ContentLanguage.VIETNAMESE
    ranked = []
    # Articles before providers at the same score: a visitor learns first, then calls.
    for rank, name in enumerate((f"articles:{language}", "providers")):
        corpus = indexes.get(name)
        ranked += [(score, rank, corpus, mask) for score, mask in corpus.search(words)]
    return Results(ranked)
