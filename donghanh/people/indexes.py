"""How a person's identity is normalised into blind indexes, for search and duplicate checks.

Writing and searching share these functions, so a value is always folded the same way.
"""

from __future__ import annotations

import datetime
import functools
import itertools
import re
from collections.abc import Sequence
from typing import TYPE_CHECKING

from django.utils import timezone

from donghanh.core.crypto import blind_index, blind_index_candidates, data_keys
from donghanh.core.text import FUZZY_MIN_LENGTH, fold, fold_name, one_edit_variants
from donghanh.people.registry import NewRecord, duplicate_matcher

if TYPE_CHECKING:
    from donghanh.people.models import Person

NAME_WORD = "person-name-token"
# Each two words of a person's names, so that a search of two words or more over a whole
# organisation starts from the people holding its rarest two together, not from every
# "nguyen" or "thi" (`people.selectors.name_pair_search`).
NAME_PAIR = "person-name-pair"
# The duplicate matcher's keys (`DuplicateMatcher.stored_keys`), kept beside the name words.
HINT_KEY = "person-hint-key"
NAME_AND_BIRTH_DATE = "person-name-dob"
ID_NUMBER = "person-id-number"
PHONE = "person-phone"

_WORD = re.compile(r"[^\W_]+")
_NOT_ALPHANUMERIC = re.compile(r"[\W_]+")
_NOT_DIGIT = re.compile(r"\D+")


def name_words(*names: str) -> list[str]:
    """Folded words of the names, once each: "Huỳnh Thị Hoa, Hoa Huynh" → hoang, thi, hoa."""
    words: list[str] = []
    for name in names:
        words.extend(fold_name(" ".join(_WORD.findall(fold(name)))).split())
    return list(dict.fromkeys(words))


def normalised_id_number(value: str) -> str:
    """Letters and digits only, case-folded: "079 203-001 234" → "079203001234"."""
    return _NOT_ALPHANUMERIC.sub("", fold(value))


def normalised_phone(value: str) -> str:
    """Digits only, with Vietnam's +84 written as the national 0: "+84 912 345 678" → 0912345678."""
    digits = _NOT_DIGIT.sub("", value)
    if digits.startswith("0084"):
        digits = digits[2:]
    if digits.startswith("84") and len(digits) in (11, 12):
        digits = "0" + digits[2:]
    return digits


def _name_and_birth_date(full_name: str, date_of_birth: datetime.date) -> str | None:
    words = sorted(name_words(full_name))
    if not words:
        return None
    # Sorted words: records from abroad often put the given name first.
    return " ".join(words) + "|" + date_of_birth.isoformat()


def name_pair_text(first: str, second: str) -> str:
    """What a pair of folded name words is indexed as: in either order, the same text."""
    return " ".join(sorted((first, second)))


def name_token_indexes(full_name: str, other_names: str) -> set[str]:
    """The indexes of each word of the names, and of each two of those words together (a name
    of four words has six pairs; the words of the other names are paired with the full
    name's too, as a search matches a word of either)."""
    words = name_words(full_name, other_names)
    return {blind_index(word, purpose=NAME_WORD) for word in words} | name_pair_indexes(words)


def name_pair_indexes(words: Sequence[str]) -> set[str]:
    """The indexes of each two of the (folded) words together."""
    return {
        blind_index(name_pair_text(first, second), purpose=NAME_PAIR)
        for first, second in itertools.combinations(words, 2)
    }


def estimated_birth_year(person: Person) -> int | None:
    """The year an estimated age points to, for a person without a date of birth."""
    if person.date_of_birth is not None or person.estimated_age is None:
        return None
    day = person.age_estimated_on or (
        person.created_at.date() if person.created_at else timezone.localdate()
    )
    return day.year - person.estimated_age


def person_token_indexes(person: Person) -> set[str]:
    """The tokens stored for the person (`PersonNameToken`): each word of their names, each two
    of those words together, and the keys the registered duplicate matcher finds their record by
    (none without a matcher), from the name, the date of birth or the estimated age."""
    tokens = name_token_indexes(person.full_name, person.other_names)
    matcher = duplicate_matcher()
    if matcher is not None and person.full_name:
        record = NewRecord(
            full_name=person.full_name,
            date_of_birth=person.date_of_birth,
            birth_year=estimated_birth_year(person),
        )
        tokens |= {blind_index(key, purpose=HINT_KEY) for key in matcher.stored_keys(record)}
    return tokens


def name_and_birth_date_index(full_name: str, date_of_birth: datetime.date | None) -> str:
    if date_of_birth is None:
        return ""
    text = _name_and_birth_date(full_name, date_of_birth)
    return blind_index(text, purpose=NAME_AND_BIRTH_DATE) if text else ""


def id_number_index(id_number: str) -> str:
    value = normalised_id_number(id_number)
    return blind_index(value, purpose=ID_NUMBER) if value else ""


def phone_index(phone: str) -> str:
    value = normalised_phone(phone)
    return blind_index(value, purpose=PHONE) if value else ""


# Search side: every index a value may be stored under while keys rotate.


def name_word_candidates(word: str) -> list[str]:
    return blind_index_candidates(word, purpose=NAME_WORD)


# The longest word a search looks for one letter off (Vietnamese name words are short).
FUZZY_MAX_LENGTH = 20


def name_word_near_candidates(word: str) -> list[str]:
    """The indexes of the word and of every word one letter off it (words of three letters or
    more: shorter ones would find half the registry; and at most FUZZY_MAX_LENGTH letters: no
    name word is longer, and a longer one would make thousands of variants for one query).

    A few hundred keyed digests a word: remembered per process for the words searched most
    (and the keys they were made with), as every search for "nguyen" needs the same ones."""
    return list(_near_candidates(word, data_keys()))


def name_pair_candidates(first: str, second: str) -> list[str]:
    """The indexes of the two words together (one per key)."""
    return blind_index_candidates(name_pair_text(first, second), purpose=NAME_PAIR)


def name_word_near(word: str) -> list[str]:
    """The word and every word a search counts as one letter off it (none for a word shorter
    than FUZZY_MIN_LENGTH or longer than FUZZY_MAX_LENGTH letters), as folded words."""
    if FUZZY_MIN_LENGTH <= len(word) <= FUZZY_MAX_LENGTH:
        return [word, *sorted(one_edit_variants(word))]
    return [word]


def name_word_near_digests(word: str) -> list[tuple[str, str]]:
    """Each word of `name_word_near` with each of its indexes (one per key), for a search to
    tell which of them the registry holds; remembered per process."""
    return list(_near_digests(word, data_keys()))


def name_pairs_between(firsts: Sequence[str], seconds: Sequence[str]) -> list[str]:
    """The indexes of a word of `firsts` together with a word of `seconds` (each two words
    apart), and of each word in both alone: what a person holding a word of each holds."""
    found: list[str] = []
    for first in firsts:
        for second in seconds:
            if first == second:
                found += name_word_candidates(first)
            else:
                found += name_pair_candidates(first, second)
    return list(dict.fromkeys(found))


@functools.lru_cache(maxsize=2048)
def _near_digests(word: str, keys: tuple[str, ...]) -> tuple[tuple[str, str], ...]:
    return tuple(
        (variant, digest)
        for variant in name_word_near(word)
        for digest in blind_index_candidates(variant, purpose=NAME_WORD)
    )


@functools.lru_cache(maxsize=2048)
def _near_candidates(word: str, keys: tuple[str, ...]) -> tuple[str, ...]:
    return tuple(digest for _variant, digest in _near_digests(word, keys))


def hint_key_candidates(keys: Sequence[str]) -> list[str]:
    """The indexes of the duplicate matcher's keys, under every key in use: remembered per
    process for the keys looked up most (a form asks again as a name is typed), as for
    `name_word_near_candidates`."""
    return list(_hint_key_candidates(tuple(keys), data_keys()))


@functools.lru_cache(maxsize=256)
def _hint_key_candidates(keys: tuple[str, ...], data: tuple[str, ...]) -> tuple[str, ...]:
    return tuple(digest for key in keys for digest in blind_index_candidates(key, purpose=HINT_KEY))


def name_and_birth_date_candidates(full_name: str, date_of_birth: datetime.date) -> list[str]:
    text = _name_and_birth_date(full_name, date_of_birth)
    return blind_index_candidates(text, purpose=NAME_AND_BIRTH_DATE) if text else []


def id_number_candidates(id_number: str) -> list[str]:
    value = normalised_id_number(id_number)
    return blind_index_candidates(value, purpose=ID_NUMBER) if value else []


def phone_candidates(phone: str) -> list[str]:
    value = normalised_phone(phone)
    return blind_index_candidates(value, purpose=PHONE) if value else []
