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
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

from django.utils.translation import get_language

from donghanh.content.models import ArticleText, ContentLanguage
from donghanh.directory.models import Provider
from donghanh.directory.search import search_words
from donghanh.public import caching

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


@dataclass(frozen=True)
class Hit:
    document: Document
    score: int


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


@dataclass
class Corpus:
    """An inverted index over some documents: word → document numbers, one table per field."""

    documents: list[Document] = field(default_factory=list)
    postings: tuple[dict[str, array[int]], ...] = field(default_factory=lambda: ({}, {}, {}))
    # One-letter deletion of a word → the words it came from.
    deletions: dict[str, list[str]] = field(default_factory=dict)
    vocabulary: set[str] = field(default_factory=set)

    def add(self, document: Document, fields: tuple[Iterable[str], ...]) -> None:
        number = len(self.documents)
        self.documents.append(document)
        for table, words in zip(self.postings, fields, strict=True):
            for word in set(words):
                postings = table.get(word)
                if postings is None:
                    postings = table[word] = array("i")
                postings.append(number)

    def finish(self) -> None:
        for table in self.postings:
            self.vocabulary.update(table)
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

    def _sets(self, words: Iterable[str]) -> tuple[set[int], ...]:
        sets: tuple[set[int], ...] = (set(), set(), set())
        for word in words:
            for fields, table in zip(sets, self.postings, strict=True):
                postings = table.get(word)
                if postings is not None:
                    fields.update(postings)
        return sets

    def search(self, words: list[str]) -> list[Hit]:
        per_word = []
        for word in words:
            exact = self._sets([word])
            fuzzy = self._sets(self.near_words(word))
            matches = [
                (sets[field_], points)
                for field_, is_exact, points in WEIGHTS
                for sets in [exact if is_exact else fuzzy]
            ]
            per_word.append(matches)
        word_docs = [set().union(*(docs for docs, _points in matches)) for matches in per_word]
        candidates = set.intersection(*word_docs) if word_docs else set()
        partial = not candidates and len(words) > 1
        if partial:
            candidates = set().union(*word_docs)
        phrase = " ".join(words)
        hits = []
        for number in candidates:
            score = 0
            for matches in per_word:
                for docs, points in matches:
                    if number in docs:
                        score += points + (MATCHED_WORD if partial else 0)
                        break
            document = self.documents[number]
            if len(words) > 1:
                if f" {phrase} " in f" {document.folded_title} ":
                    score += PHRASE_IN_TITLE
                elif f" {phrase} " in f" {document.folded_summary} ":
                    score += PHRASE_IN_SUMMARY
            hits.append(Hit(document, score))
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
            (folded_name.split(), (), folded_text.split()),
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
        generation = caching._generation()
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


def site_search(query: str, language: str | None = None) -> list[Hit]:
    """Published articles (in the visitor's language) and public providers, best first."""
    words = search_words(query)[:12]
    if not words:
        return []
    language = language or get_language() or ContentLanguage.VIETNAMESE
    if language not in ContentLanguage.values:
        language = ContentLanguage.VIETNAMESE
    hits = indexes.get(f"articles:{language}").search(words)
    hits += indexes.get("providers").search(words)
    # Articles before providers at the same score: a visitor learns first, then calls.
    hits.sort(key=lambda hit: (-hit.score, hit.document.kind != "article", hit.document.title))
    return hits
