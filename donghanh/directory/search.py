"""How a directory search reads its words: as typed, one letter off, or naming a place abroad.

Providers keep their folded words in `folded_text` (`donghanh.core.text.search_text`), and a
search asks that every word of the query start a word there. When no provider has them all, the
search is tried again tolerating a typo, as the site search does: a word of three letters or more
also matches the words one letter off it (wrong, missing, extra or two swapped: "nha bnh yen"
finds "Ngôi nhà Bình yên"), found in a vocabulary of the providers' words that each process keeps
until the directory changes. Like the public search's index (`donghanh.content.search`), the
vocabulary is never built inside a request: it is built at deployment (`build_search_indexes`)
or as a worker starts (`warm_up_directory_search`), shared between processes through the cache
(in pieces, loaded one at a time), and renewed after a change (by the job that renews the public
search's indexes, `donghanh.content.job_kinds`) while the previous one answers. A request that
finds none anywhere (a new platform whose builds have not finished) waits for the build a few
seconds, then reads the words as typed only (a public page made so is kept two minutes at
most, as every public page of the directory).

Words that name a country abroad or one of its cities ("London", "Luân Đôn", "Vương quốc Anh",
`donghanh.directory.abroad`) also match every provider serving that country, or every country.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Q

from donghanh.core.page_cache import PerGeneration
from donghanh.core.text import Vocabulary
from donghanh.directory.abroad import PlaceAbroad, places_abroad_in
from donghanh.directory.models import Provider, ProviderCountry

PUBLIC, EVERYONE = "public", "everyone"


def _build_vocabulary(scope: str) -> Vocabulary:
    providers = Provider.objects.filter(is_active=True)
    if scope == PUBLIC:  # a public search never learns a word of a hidden provider
        providers = providers.filter(shown_to_public=True)
    vocabulary = Vocabulary()
    for text in providers.values_list("folded_text", flat=True).iterator(chunk_size=2000):
        for word in text.split():
            vocabulary.add(word)
    return vocabulary


vocabularies = PerGeneration(
    _build_vocabulary,
    shared_key="directory-vocabulary-pieces",
    empty=lambda _scope: Vocabulary(),
    pieces=Vocabulary.pieces,
    join=Vocabulary.from_pieces,
)
SCOPES = [PUBLIC, EVERYONE]


def provider_vocabulary(*, public_only: bool) -> Vocabulary:
    """The words of the active providers (of those shown to the public with `public_only`)."""
    return vocabularies.get(PUBLIC if public_only else EVERYONE)


def warm_up_directory_search() -> None:
    """Load or build both vocabularies in the background, as a worker process starts."""
    vocabularies.warm_up(SCOPES)


def build_directory_vocabularies() -> None:
    """Load or build both vocabularies here and now, for the shared cache (a deployment step)."""
    vocabularies.build_now(SCOPES)


def serving_country(country: str) -> Q:
    """Providers serving the country abroad, or every country."""
    served = ProviderCountry.objects.filter(code=country).values("provider_id")
    return Q(serves_all_countries=True) | Q(pk__in=served)


def _starts_a_word(word: str) -> Q:
    return Q(folded_text__contains=f" {word}")


@dataclass(frozen=True)
class ReadQuery:
    """The conditions of a search's words, every one of which a provider must meet."""

    conditions: list[Q]
    # Each word as typed, to rank providers having more of them first (after a typo).
    typed: list[Q]
    places: list[PlaceAbroad]


def read_query(words: list[str], *, vocabulary: Vocabulary | None = None) -> ReadQuery:
    """The conditions for `words`, folded; with a `vocabulary`, tolerating one typo per word."""
    tolerant = vocabulary is not None
    places = places_abroad_in(words, tolerant=tolerant)
    place_at = {place.start: place for place in places}
    conditions: list[Q] = []
    typed: list[Q] = []
    position = 0
    while position < len(words):
        place = place_at.get(position)
        if place is not None:
            as_text = Q()
            for word in place.words:
                as_text &= _starts_a_word(word)
            conditions.append(as_text | serving_country(place.country))
            typed.append(as_text)
            position = place.end
            continue
        word = words[position]
        condition = _starts_a_word(word)
        typed.append(condition)
        if vocabulary is not None:
            for near in sorted(vocabulary.near(word)):
                condition |= Q(folded_text__contains=f" {near} ")
        conditions.append(condition)
        position += 1
    return ReadQuery(conditions, typed, places)
