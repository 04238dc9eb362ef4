"""One search over published articles and public providers, in process memory.

A query is folded (no diacritics, no case) and split into words. Each word is found as written or,
when it has at least three letters, with one letter wrong, missing, extra or two letters swapped
("lua dao viec lam" finds "lừa đảo việc làm", and so does "lua daoo viec lam").

Which documents come back is decided once for all corpora (articles and providers together), by
how many words of the query a document has: its coverage, counted in half words. A word found as
written counts whole. A word found only one letter off counts whole when no text has it as
written (it is a typo: "daoo" is "dao"), and half when some text has it (it is probably another
word: "lua" is not "mua"). The documents with the best coverage come back, and those just below
it: one word may be found only one letter off, and in a query of three words or more one word may
be missing (misspelt beyond one letter, or worded differently in the text).

Ranking: the number of words found whole first (more of them always comes first, whichever
corpus the document is in); then, for each word, the best of title > summary > body, exact >
one-letter-off; then a bonus for each pair of neighbouring query words found together in the
title or summary. At the same score articles come before providers. The count is the length of
that one ranked list, and the pages are slices of it.

Rather than scanning text with LIKE on every request, the published texts and the public providers
are read once into an inverted index (folded word → the documents having it, per field) plus a
table of one-letter deletions of every word, which finds near words without comparing the query
with the whole vocabulary. The index is renewed when the public pages' generation changes (every
publication bumps it), so it behaves the same on SQLite and PostgreSQL. No search waits for that:
the previous index answers until the new one takes its place, in one assignment
(`PerGeneration`). The new one is built by a job of the background workers that the publication
queued (`content.renew_search_indexes`, `job_kinds.py`) and left in the shared cache in small
pieces (`Corpus.pieces`), which each web process loads one at a time in a thread of its own, so
that the requests it serves meanwhile never wait for more than one piece.
"""

from __future__ import annotations

from array import array
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field, fields
from itertools import pairwise
from typing import Any, overload

from django.utils.translation import get_language

from donghanh.content.models import ArticleText, ContentLanguage
from donghanh.core.page_cache import PerGeneration
from donghanh.core.text import Vocabulary, search_words
from donghanh.directory.abroad import names_of_country
from donghanh.directory.models import Provider, ProviderCountry
from donghanh.directory.search import SCOPES, vocabularies

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
# Each pair of neighbouring query words found side by side in the title, else in the summary.
PAIR_IN_TITLE = 8
PAIR_IN_SUMMARY = 4
# Coverage, in half words: a word found (as written, or a typo one letter off) counts whole; a
# word found only one letter off while other texts have it as written counts half. Which
# documents come back depends on it; their rank on the words found whole.
WHOLE, HALF = 2, 1
# Per document both counts are kept in one number: 16 per word found whole, 1 per word found half
# (a query has at most 12 words).
_WHOLE_KEY, _HALF_KEY = 16, 1
# Points per word found whole: more than all the field and pair points of the longest query
# (12 words × 12 + 11 pairs × 8 = 232), so a document having more of the words always ranks
# higher, in whichever corpus it is.
COVERAGE_POINTS = 1000
# Longest query: words after these are ignored.
MAX_QUERY_WORDS = 12


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


_DOCUMENT_FIELDS = [f.name for f in fields(Document)]


class Documents(Sequence[Document]):
    """A corpus's documents, kept as one list per field; a `Document` is made when asked for
    (a result shown). Eight lists whatever the number of documents: loading a copy makes few
    objects for the garbage collector to follow, and no collection of the whole process."""

    def __init__(self) -> None:
        self.columns: tuple[list[Any], ...] = tuple([] for _name in _DOCUMENT_FIELDS)

    def append(self, document: Document) -> None:
        for column, name in zip(self.columns, _DOCUMENT_FIELDS, strict=True):
            column.append(getattr(document, name))

    def __len__(self) -> int:
        return len(self.columns[0])

    @overload
    def __getitem__(self, index: int) -> Document: ...
    @overload
    def __getitem__(self, index: slice) -> list[Document]: ...
    def __getitem__(self, index: int | slice) -> Document | list[Document]:
        if isinstance(index, slice):
            return [self[number] for number in range(*index.indices(len(self)))]
        return Document(*(column[index] for column in self.columns))


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
    query is a few big-integer operations; a rare word keeps its document numbers as the bytes
    of an array of ints, turned into bits when asked. Titles and summaries also index each pair
    of neighbouring words, for phrases. Ints and bytes are objects the garbage collector does
    not follow: a corpus of any size adds a few of those to the process (an array each would
    add one per word, and a collection of the whole process once a copy is loaded).
    """

    documents: Documents = field(default_factory=Documents)
    # While the corpus is built, each word's document numbers grow in an array.
    postings: tuple[dict[str, array[int] | bytes | int], ...] = field(
        default_factory=lambda: ({}, {}, {})
    )
    # Every word of every field, to find a typo's real words.
    vocabulary: Vocabulary = field(default_factory=Vocabulary)

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
                if isinstance(postings, array):
                    table[word] = (
                        _bits(postings, size) if len(postings) > dense else postings.tobytes()
                    )

    # Entries per piece of `pieces()`: each piece unpickles in a few milliseconds.
    PIECE_SIZE = 2000

    def pieces(self) -> Iterator[tuple[str, Any]]:
        """The corpus as small plain pieces, to share it between processes: a process loading
        them one at a time lets the requests it serves run between two (`PerGeneration`).

        Each piece is a few flat lists (of words, of document fields, of postings), never one
        object per entry: unpickled quickly, and leaving little for the garbage collector."""
        size = self.PIECE_SIZE
        for start in range(0, len(self.documents), size):
            yield "documents", [column[start : start + size] for column in self.documents.columns]
        for position, table in enumerate(self.postings):
            words, postings = list(table), list(table.values())
            for start in range(0, len(words), size):
                yield (
                    f"postings:{position}",
                    (words[start : start + size], postings[start : start + size]),
                )
        yield from self.vocabulary.pieces()

    @classmethod
    def from_pieces(cls, pieces: Iterable[Any]) -> Corpus:
        """The corpus `pieces()` took apart, put back piece by piece."""
        corpus = cls()
        for kind, content in pieces:
            if kind == "documents":
                for column, more in zip(corpus.documents.columns, content, strict=True):
                    column.extend(more)
            elif kind.startswith("postings:"):
                words, postings = content
                corpus.postings[int(kind.removeprefix("postings:"))].update(
                    zip(words, postings, strict=True)
                )
            else:
                corpus.vocabulary.add_piece(kind, content)
        return corpus

    def documents_having(self, field_: int, words: Iterable[str]) -> int:
        """The documents having any of `words` in the field, as a bit set."""
        mask = 0
        table = self.postings[field_]
        for word in words:
            postings = table.get(word)
            if postings is None:
                continue
            if isinstance(postings, int):
                mask |= postings
            else:
                mask |= _bits(array("i", postings), len(self.documents))
        return mask

    def match(self, words: list[str], known: set[str]) -> Matches:
        """Where each word is in this corpus, and how much of the query each document covers.

        `known`: the words of the query that some searched corpus has as written; a word not
        among them is a typo, and its near words count whole.
        """
        tiers_per_word = []
        coverage_tiers = []
        found = 0
        for word in words:
            near = self.vocabulary.near(word)
            masks = {
                (field_, exact): self.documents_having(field_, [word] if exact else near)
                for field_ in (TITLE, SUMMARY, BODY)
                for exact in (True, False)
            }
            tiers_per_word.append([(masks[(f, exact)], points) for f, exact, points in WEIGHTS])
            exact_mask = near_mask = 0
            for field_ in (TITLE, SUMMARY, BODY):
                exact_mask |= masks[(field_, True)]
                near_mask |= masks[(field_, False)]
            near_mask &= ~exact_mask
            if word in known:
                coverage_tiers.append([(exact_mask, _WHOLE_KEY), (near_mask, _HALF_KEY)])
            else:
                coverage_tiers.append([(exact_mask | near_mask, _WHOLE_KEY)])
            found |= exact_mask | near_mask
        coverage: dict[int, int] = {0: found} if found else {}
        for tiers in coverage_tiers:
            coverage = _score(coverage, tiers)
        coverage.pop(0, None)
        return Matches(self, words, tiers_per_word, coverage)

    def search(self, words: list[str]) -> Buckets:
        """This corpus alone: matching documents grouped by score, best first."""
        matches = self.match(words, {word for word in words if word in self.vocabulary})
        return matches.ranked(least_coverage(matches.best, len(words)))


@dataclass
class Matches:
    """One corpus's documents for a query, by coverage, before the least coverage is chosen."""

    corpus: Corpus
    words: list[str]
    tiers_per_word: list[list[tuple[int, int]]]
    # Words found whole × 16 + words found half → the documents having them.
    coverage: dict[int, int]

    @property
    def best(self) -> int:
        """The best coverage of any document, in half words."""
        return max(map(_half_words, self.coverage), default=0)

    def ranked(self, least: int) -> Buckets:
        """The documents covering at least `least` half words, grouped by score, best first."""
        buckets: dict[int, int] = {}
        for key, documents in self.coverage.items():
            if _half_words(key) >= least:
                score = key // _WHOLE_KEY * COVERAGE_POINTS
                buckets[score] = buckets.get(score, 0) | documents
        for tiers in self.tiers_per_word:
            buckets = _score(buckets, tiers)
        for pair in _bigrams(self.words):
            in_title = self.corpus.documents_having(TITLE, [pair])
            in_summary = self.corpus.documents_having(SUMMARY, [pair])
            if in_title or in_summary:
                buckets = _score(
                    buckets, [(in_title, PAIR_IN_TITLE), (in_summary, PAIR_IN_SUMMARY)]
                )
        return sorted(buckets.items(), reverse=True)


def _half_words(key: int) -> int:
    return key // _WHOLE_KEY * WHOLE + key % _WHOLE_KEY * HALF


def least_coverage(best: int, words: int) -> int:
    """The coverage, in half words, a document needs when the best document has `best`.

    One word may be found only one letter off (a typo that happens to be another word); in a
    query of three words or more, one word may be missing altogether, as long as at least one
    word is still found whole.
    """
    if words >= 3:
        return max(best - WHOLE, min(best, WHOLE))
    return max(best - HALF, HALF)


def _score(buckets: dict[int, int], tiers: list[tuple[int, int]]) -> dict[int, int]:
    """Add to each document the points of the first tier it is in (none: nothing added)."""
    scored: dict[int, int] = {}
    for score, documents in buckets.items():
        rest = documents
        for mask, points in tiers:
            part = rest & mask
            if part:
                scored[score + points] = scored.get(score + points, 0) | part
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
    """One ranked list of hits from several corpora: its length is the count, pages are slices.

    Documents become `Hit`s only for the slice asked for.
    """

    def __init__(
        self,
        ranked: list[tuple[int, int, Corpus, int]],
        *,
        current: bool = True,
        preparing: bool = False,
    ) -> None:
        # False while an index of an older generation answers (a newer one is being made).
        self.current = current
        # True while a new platform's first index is still being made (none answered).
        self.preparing = preparing
        # (score, corpus rank, corpus, documents): articles before providers at the same score,
        # and within a group the corpus's own order (stage and order for articles, name for
        # providers), so every request walks the same list.
        self._ranked = sorted(
            (item for item in ranked if item[3]), key=lambda item: (-item[0], item[1])
        )
        self._count = sum(mask.bit_count() for _s, _r, _c, mask in self._ranked)

    def __len__(self) -> int:
        return self._count

    def __iter__(self) -> Iterator[Hit]:
        for score, _rank, corpus, mask in self._ranked:
            for number in _numbers(mask):
                yield Hit(corpus.documents[number], score)

    @overload
    def __getitem__(self, index: int) -> Hit: ...
    @overload
    def __getitem__(self, index: slice) -> list[Hit]: ...
    def __getitem__(self, index: int | slice) -> Hit | list[Hit]:
        if isinstance(index, slice):
            start, stop, step = index.indices(self._count)
            if step != 1:
                return list(self)[index]
            return self._between(start, stop)
        position = index + self._count if index < 0 else index
        if not 0 <= position < self._count:
            raise IndexError(index)
        return self._between(position, position + 1)[0]

    def _between(self, start: int, stop: int) -> list[Hit]:
        """The hits at positions start … stop - 1 of the whole ranked list."""
        hits: list[Hit] = []
        offset = 0  # position of the group's first document in the whole list
        for score, _rank, corpus, mask in self._ranked:
            if offset >= stop:
                break
            size = mask.bit_count()
            if offset + size > start:
                for position, number in enumerate(_numbers(mask), start=offset):
                    if position >= stop:
                        break
                    if position >= start:
                        hits.append(Hit(corpus.documents[number], score))
            offset += size
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
    """Active providers shown to the public: their names in both languages, their details, and
    the names of the countries abroad they serve and of their cities ("London", "Luân Đôn")."""
    corpus = Corpus()
    public = Provider.objects.filter(shown_to_public=True, is_active=True)
    places: dict[int, list[str]] = {}
    served = ProviderCountry.objects.filter(provider__in=public).values_list("provider_id", "code")
    for provider_id, code in served.iterator(chunk_size=2000):
        places.setdefault(provider_id, []).extend(names_of_country(code))
    providers = public.order_by("folded_name", "id").values_list(
        "id", "name", "name_en", "folded_name", "folded_text"
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
            (folded_name.split(), [], folded_text.split() + places.get(key, [])),
        )
    corpus.finish()
    return corpus


def _build_corpus(name: str) -> Corpus:
    if name == "providers":
        return _provider_corpus()
    return _article_corpus(name.removeprefix("articles:"))


# The corpora of this process, renewed off the request path when the public pages' generation
# moves on, and shared between processes through the cache (one builds, the others load).
# A process that finds no corpus anywhere (a new platform) never builds one inside a search: it
# waits a little for the one made off the request path, else answers from an empty corpus.
indexes = PerGeneration(
    _build_corpus,
    shared_key="search-index-pieces",
    empty=lambda _name: Corpus(),
    pieces=Corpus.pieces,
    join=Corpus.from_pieces,
)

CORPORA = [*(f"articles:{code}" for code in ContentLanguage.values), "providers"]


def warm_up_search() -> None:
    """Load or build every corpus in the background, as a worker process starts."""
    indexes.warm_up(CORPORA)


def build_search_indexes() -> None:
    """Load or build every corpus here and now, for the shared cache (a deployment step)."""
    indexes.build_now(CORPORA)


# The job that builds the indexes of a new publication into the shared cache.
RENEWAL_JOB_KIND = "content.renew_search_indexes"


def share_search_indexes() -> int:
    """Build every corpus and the directory's vocabularies of the current publication into the
    shared cache (unless there already or being built elsewhere), keeping none in this process:
    the job of the background workers. How many were built."""
    return indexes.share_now(CORPORA) + vocabularies.share_now(SCOPES)


def site_search(query: str, language: str | None = None) -> Results:
    """Published articles (in the visitor's language) and public providers, best first."""
    words = search_words(query)[:MAX_QUERY_WORDS]
    if not words:
        return Results([])
    language = language or get_language() or ContentLanguage.VIETNAMESE
    if language not in ContentLanguage.values:
        language = ContentLanguage.VIETNAMESE
    # Articles before providers at the same score: a visitor learns first, then calls.
    names = [f"articles:{language}", "providers"]
    corpora = [indexes.get(name) for name in names]
    known = {word for word in words if any(word in corpus.vocabulary for corpus in corpora)}
    matches = [corpus.match(words, known) for corpus in corpora]
    # One least coverage for all corpora, so that their scores compare.
    least = least_coverage(max(match.best for match in matches), len(words))
    return Results(
        [
            (score, rank, match.corpus, documents)
            for rank, match in enumerate(matches)
            for score, documents in match.ranked(least)
        ],
        current=all(indexes.is_current(name) for name in names),
        preparing=not all(indexes.holds(name) for name in names),
    )
