"""Probabilistic record linkage of people (Fellegi–Sunter), made for Vietnamese records.

The steps, each a function below, run on arrays (numpy) so that a million records link in
seconds, and the same code scores the handful of candidates of a registration hint:

1. `RecordTable`: the records normalised (`donghanh.duplicates.normalise`, `.places`) and
   encoded as integer columns: name words as ids of a vocabulary, dates as year/month/day,
   places as today's province and communes, phones as numbers.
2. `candidate_pairs`: blocking. Pairs of records that share the key of at least one rule in
   `BLOCKING_RULES` (given name and birth year, phone, birth date and province, given name and
   commune); every other pair is taken as a non-match without being compared.
3. `compare`: for each pair and each of the seven comparisons (`COMPARISONS`), the level of
   agreement (exact, typo, swapped, …; -1 when a side is missing, which then counts for
   nothing).
4. `train`: the m and u probabilities of each level, without labels: u from random pairs of
   records (nearly all non-matches), m and the share of matches by expectation–maximisation
   over the candidate pairs' agreement patterns.
5. `score`: the match weight of each pair, log2 of the prior odds plus the Bayes factors of the
   levels; an exact match of the given or family name counts by how rare that name is among
   the records (term-frequency adjustment), so "Nguyễn" and "Thị" weigh little and a rare given
   name a lot.
6. `cluster`: connected components of the pairs whose match probability reaches the threshold;
   then `separate_conflicts` builds again, strongest link first, the few components that would
   hold two records whose own pair has less evidence than `CANNOT_LINK` (chaining).
"""

from __future__ import annotations

import json
import math
import time
from array import array
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from donghanh.core.text import FUZZY_MIN_LENGTH, Vocabulary, within_one_edit
from donghanh.duplicates.normalise import (
    SEX_MARKERS,
    BirthDate,
    Name,
    parse_birth_date,
    parse_sex,
    split_name,
)
from donghanh.duplicates.normalise import normalise_phone as _normalise_phone
from donghanh.duplicates.places import Place, resolve_place

IntArray = npt.NDArray[np.int64]
BoolArray = npt.NDArray[np.bool_]
FloatArray = npt.NDArray[np.float64]
LevelArray = npt.NDArray[np.int8]

MISSING = -1
WORDS_KEPT = 5
COMMUNES_KEPT = 4
# Blocks larger than this are not paired within (a key shared by that many records, say a
# common given name in a big commune, says too little): their records are paired by other rules.
MAX_BLOCK = 400
DEFAULT_THRESHOLD = 0.9
# Up to this many pairs, `RecordTable.words_near` compares the words of each pair directly.
DIRECT_NEAR_PAIRS = 2_000


# --- 1. records as columns ---------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class PersonRecord:
    """One record, normalised: what every comparison reads."""

    name: Name
    birth_date: BirthDate = field(default_factory=BirthDate)
    sex: int = 0
    place: Place = field(default_factory=Place)
    phone: str = ""


def person_record(
    *,
    full_name: str,
    birth_date: str | BirthDate = "",
    sex: str | int = "",
    province: str = "",
    commune: str = "",
    place: Place | None = None,
    phone: str = "",
) -> PersonRecord:
    """A record from what was written (an import's row, a registration form)."""
    return PersonRecord(
        name=split_name(full_name),
        birth_date=birth_date
        if isinstance(birth_date, BirthDate)
        else parse_birth_date(birth_date),
        sex=sex if isinstance(sex, int) else parse_sex(sex),
        place=place if place is not None else resolve_place(province, commune),
        phone=_normalise_phone(phone),
    )


def _marker(name: Name) -> int:
    """1 when the name has Thị or Văn among its words, 0 otherwise."""
    return int(any(word in SEX_MARKERS for word in name.words if word != name.given))


def _phone_number(phone: str) -> int:
    """A normalised phone as one integer whose first digit keeps its length and kind."""
    if not phone:
        return 0
    if phone.startswith("+"):
        return int("2" + phone[1:])
    return int("1" + phone)


class RecordTable:
    """Records as integer columns; names as ids of `words` (a folded word each)."""

    def __init__(self, records: Iterable[PersonRecord]) -> None:
        self.words: list[str] = []
        self._word_id: dict[str, int] = {}
        # Columns grow as compact arrays; a name or place met before is encoded once.
        names = array("q")  # given, family, initial, middle, marker, then WORDS_KEPT words
        dates = array("q")  # year, month, day, sex
        places = array("q")  # province, then COMMUNES_KEPT communes
        phone = array("q")
        name_codes: dict[Name, list[int]] = {}
        place_codes: dict[Place, list[int]] = {}
        size = 0
        for record in records:
            size += 1
            name = record.name
            coded = name_codes.get(name)
            if coded is None:
                coded = name_codes[name] = self._encode_name(name)
            names.extend(coded)
            date = record.birth_date
            dates.extend((date.year, date.month, date.day, record.sex))
            place = record.place
            coded = place_codes.get(place)
            if coded is None:
                communes = [int(code) for code in place.communes][:COMMUNES_KEPT]
                coded = place_codes[place] = [
                    int(place.province) if place.province else MISSING,
                    *communes,
                    *[MISSING] * (COMMUNES_KEPT - len(communes)),
                ]
            places.extend(coded)
            phone.append(_phone_number(record.phone))
        self.size = size
        name_columns = np.frombuffer(names, dtype=np.int64).reshape(size, 5 + WORDS_KEPT)
        self.given = name_columns[:, 0].copy()
        self.family = name_columns[:, 1].copy()
        self.family_initial = name_columns[:, 2].astype(np.bool_)
        self.middle = name_columns[:, 3].copy()
        self.marker = name_columns[:, 4].copy()
        self.name_words = name_columns[:, 5:].copy()
        del name_columns, names
        date_columns = np.frombuffer(dates, dtype=np.int64).reshape(size, 4)
        self.year = date_columns[:, 0].copy()
        self.month = date_columns[:, 1].copy()
        self.day = date_columns[:, 2].copy()
        self.sex = date_columns[:, 3].copy()
        del date_columns, dates
        place_columns = np.frombuffer(places, dtype=np.int64).reshape(size, 1 + COMMUNES_KEPT)
        self.province = place_columns[:, 0].copy()
        self.communes = place_columns[:, 1:].copy()
        del place_columns, places
        self.phone = np.frombuffer(phone, dtype=np.int64).copy()
        self._near: IntArray | None = None
        self._first_letter: IntArray | None = None

    # Columns of word ids, and of everything else, as `extend` joins them.
    _WORD_COLUMNS = ("given", "family", "middle", "name_words")
    _OTHER_COLUMNS = (
        "family_initial",
        "marker",
        "year",
        "month",
        "day",
        "sex",
        "province",
        "communes",
        "phone",
    )

    def extend(self, records: Iterable[PersonRecord]) -> None:
        """Add records after those already in the table (an import's next rows): their words
        join the vocabulary, the earlier records keep their numbers."""
        more = RecordTable(records)
        if not more.size:
            return
        ids = np.array([self._id(word) for word in more.words] + [MISSING], dtype=np.int64)
        for column in self._WORD_COLUMNS:
            added = getattr(more, column)
            # MISSING (-1) picks the last id, MISSING itself.
            setattr(self, column, np.concatenate([getattr(self, column), ids[added]]))
        for column in self._OTHER_COLUMNS:
            setattr(self, column, np.concatenate([getattr(self, column), getattr(more, column)]))
        self.size += more.size
        self._near = None
        self._first_letter = None

    def _encode_name(self, name: Name) -> list[int]:
        word_id = self._id
        ids = [word_id(word) for word in name.words if word not in SEX_MARKERS][:WORDS_KEPT]
        return [
            word_id(name.given) if name.given else MISSING,
            word_id(name.family) if name.family else MISSING,
            int(name.family_initial),
            word_id(name.middle[-1]) if name.middle else MISSING,
            _marker(name),
            *ids,
            *[MISSING] * (WORDS_KEPT - len(ids)),
        ]

    def _id(self, word: str) -> int:
        found = self._word_id.get(word)
        if found is None:
            found = self._word_id[word] = len(self.words)
            self.words.append(word)
        return found

    def word_id(self, word: str) -> int:
        return self._word_id.get(word, MISSING)

    @property
    def near_words(self) -> IntArray:
        """Sorted codes a·V+b of every two words of the vocabulary one edit apart."""
        if self._near is None:
            vocabulary = Vocabulary(self.words)
            size = len(self.words)
            codes = []
            for word in self.words:
                for near in vocabulary.near(word):
                    # Both ways: `near` leaves out words shorter than three letters ("Hợ").
                    one, other = self._word_id[word], self._word_id[near]
                    codes += [one * size + other, other * size + one]
            self._near = np.unique(np.array(codes, dtype=np.int64))
        return self._near

    @property
    def first_letter(self) -> IntArray:
        if self._first_letter is None:
            self._first_letter = np.array(
                [ord(word[0]) if word else 0 for word in self.words] or [0], dtype=np.int64
            )
        return self._first_letter

    def words_near(self, a: IntArray, b: IntArray) -> BoolArray:
        """Whether word ids a[k] and b[k] are one edit apart (both present)."""
        present = (a >= 0) & (b >= 0)
        if self._near is None and len(a) <= DIRECT_NEAR_PAIRS:
            # A few pairs (a registration's candidates): compare them rather than index the
            # whole vocabulary. The same rule as `Vocabulary.near` taken both ways.
            words = self.words
            return present & np.array(
                [
                    one >= 0
                    and other >= 0
                    and one != other
                    and max(len(words[one]), len(words[other])) >= FUZZY_MIN_LENGTH
                    and within_one_edit(words[one], words[other])
                    for one, other in zip(a.tolist(), b.tolist(), strict=True)
                ],
                dtype=np.bool_,
            )
        codes = np.where(present, a * len(self.words) + b, -1)
        return present & np.isin(codes, self.near_words)


# --- 2. blocking -------------------------------------------------------------------------------


def sorted_unique(values: IntArray) -> tuple[IntArray, IntArray]:
    """The distinct values, sorted, and how often each occurs.

    Sorting and comparing neighbours: numpy's own `unique` took 17 s on the 15 million pair
    codes of a million records where this takes a fraction of one.
    """
    if not len(values):
        return values, np.empty(0, dtype=np.int64)
    ordered = np.sort(values)
    starts = np.flatnonzero(np.r_[True, ordered[1:] != ordered[:-1]])
    counts = np.diff(np.r_[starts, len(ordered)])
    return ordered[starts], counts


def _sorted_day_month(table: RecordTable) -> IntArray:
    """The full birth date with day and month in order, so a swap gives the same key."""
    low = np.minimum(table.day, table.month)
    high = np.maximum(table.day, table.month)
    full = table.day > 0
    return np.where(full, (table.year * 100 + low) * 100 + high, MISSING)


def _day_month(table: RecordTable) -> IntArray:
    low = np.minimum(table.day, table.month)
    high = np.maximum(table.day, table.month)
    return np.where(table.day > 0, low * 100 + high, MISSING)


def _combine(*columns: IntArray) -> IntArray:
    """One key from several columns (MISSING when any is), without overflow for our ranges."""
    key = np.zeros_like(columns[0])
    missing = np.zeros(columns[0].shape, dtype=np.bool_)
    for column in columns:
        missing |= column < 0
        key = key * np.int64(1_000_003) + column
    return np.where(missing, MISSING, key)


@dataclass(frozen=True)
class BlockingRule:
    name: str
    key: Callable[[RecordTable], IntArray]
    max_block: int = MAX_BLOCK


def _year(t: RecordTable) -> IntArray:
    return np.where(t.year > 0, t.year, MISSING)


def _given_initial(t: RecordTable) -> IntArray:
    """The first letter of the given name: a typo seldom changes it ("Hương", "Hưnơg")."""
    return np.where(t.given >= 0, t.first_letter[np.maximum(t.given, 0)], MISSING)


BLOCKING_RULES: tuple[BlockingRule, ...] = (
    BlockingRule(
        "given name and birth date (day and month in either order)",
        lambda t: _combine(t.given, _sorted_day_month(t)),
    ),
    BlockingRule("phone", lambda t: np.where(t.phone > 0, t.phone, MISSING)),
    BlockingRule(
        "birth date (day and month in either order) and province",
        lambda t: _combine(_sorted_day_month(t), t.province),
    ),
    BlockingRule("given name and commune", lambda t: _combine(t.given, t.communes[:, 0])),
    BlockingRule(
        "given and family name, day and month of birth (in either order)",
        lambda t: _combine(t.given, t.family, _day_month(t)),
    ),
    BlockingRule("commune and birth year", lambda t: _combine(t.communes[:, 0], _year(t))),
    BlockingRule(
        "family name, the given name's first letter, commune",
        lambda t: _combine(t.family, _given_initial(t), t.communes[:, 0]),
    ),
    BlockingRule(
        "given and family name, province (blocks of at most 40)",
        lambda t: _combine(t.given, t.family, t.province),
        max_block=40,
    ),
)


def pairs_in_blocks(keys: IntArray, *, max_block: int = MAX_BLOCK) -> IntArray:
    """Codes i·N+j (i < j) of every two records with the same key (MISSING keys never pair)."""
    size = len(keys)
    records = np.flatnonzero(keys >= 0)
    if len(records) < 2:
        return np.empty(0, dtype=np.int64)
    order = records[np.argsort(keys[records], kind="stable")]
    sorted_keys = keys[order]
    starts = np.flatnonzero(np.r_[True, sorted_keys[1:] != sorted_keys[:-1]])
    lengths = np.diff(np.r_[starts, len(sorted_keys)])
    found: list[IntArray] = []
    # All blocks of one size at once: their starts × the pairs of positions within a block.
    for block in np.unique(lengths[(lengths > 1) & (lengths <= max_block)]).tolist():
        first, second = np.triu_indices(block, k=1)
        block_starts = starts[lengths == block][:, None]
        a = order[block_starts + first].ravel()
        b = order[block_starts + second].ravel()
        found.append(np.minimum(a, b) * size + np.maximum(a, b))
    return np.concatenate(found) if found else np.empty(0, dtype=np.int64)


def candidate_pairs(
    table: RecordTable, rules: Sequence[BlockingRule] = BLOCKING_RULES
) -> tuple[IntArray, IntArray]:
    """The pairs (left, right) that share the key of at least one blocking rule, once each."""
    codes, _counts = sorted_unique(
        np.concatenate(
            [pairs_in_blocks(rule.key(table), max_block=rule.max_block) for rule in rules]
        )
    )
    size = max(table.size, 1)
    return codes // size, codes % size


# --- 3. comparisons ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Comparison:
    """One field's comparison: its levels, best first; `tf` names the column whose exact match
    (level 0) is weighed by the value's frequency."""

    name: str
    levels: tuple[str, ...]
    level_of: Callable[[RecordTable, IntArray, IntArray], IntArray]
    tf: str = ""


def _select(conditions: list[BoolArray], missing: BoolArray) -> IntArray:
    """The first level whose condition holds (the last level otherwise); MISSING if missing."""
    levels = np.select(conditions, list(range(len(conditions))), default=len(conditions))
    return np.where(missing, MISSING, levels).astype(np.int64)


def _given_level(t: RecordTable, a: IntArray, b: IntArray) -> IntArray:
    ga, gb = t.given[a], t.given[b]
    exact = ga == gb
    typo = t.words_near(ga, gb)
    elsewhere = (t.name_words[b] == ga[:, None]).any(axis=1) | (t.name_words[a] == gb[:, None]).any(
        axis=1
    )
    return _select([exact, typo, elsewhere], (ga < 0) | (gb < 0))


def _family_level(t: RecordTable, a: IntArray, b: IntArray) -> IntArray:
    fa, fb = t.family[a], t.family[b]
    ia, ib = t.family_initial[a], t.family_initial[b]
    safe_a, safe_b = np.maximum(fa, 0), np.maximum(fb, 0)
    exact = (fa == fb) & ~ia & ~ib
    abbreviated = (ia | ib) & (t.first_letter[safe_a] == t.first_letter[safe_b])
    typo = t.words_near(fa, fb)
    return _select([exact, abbreviated | typo], (fa < 0) | (fb < 0))


def _middle_level(t: RecordTable, a: IntArray, b: IntArray) -> IntArray:
    """Middle names other than Thị/Văn. Having none is a property of a name, not a field left
    empty: neither having one agrees a little ("Nguyễn Hoa", "Nguyễn Thị Hoà"); one of them
    only weighs against a little ("Nguyễn Thị Hà" may be "Nguyễn Thị Thu Hà" written short), and
    as a different middle name when the side without one has Thị or Văn and the other has
    neither: "Nguyễn Văn Nam" is not "Nguyễn Quốc Nam". A record without a name says nothing."""
    ma, mb, ka, kb = t.middle[a], t.middle[b], t.marker[a], t.marker[b]
    both = (ma >= 0) & (mb >= 0)
    replaced = ((ma >= 0) & (mb < 0) & (kb > 0) & (ka == 0)) | (
        (mb >= 0) & (ma < 0) & (ka > 0) & (kb == 0)
    )
    neither = (ma < 0) & (mb < 0)
    one_only = ~both & ~neither & ~replaced
    return _select(
        [both & (ma == mb), both & t.words_near(ma, mb), neither, one_only],
        (t.given[a] < 0) | (t.given[b] < 0),
    )


def _birth_date_level(t: RecordTable, a: IntArray, b: IntArray) -> IntArray:
    ya, yb, ma, mb, da, db = t.year[a], t.year[b], t.month[a], t.month[b], t.day[a], t.day[b]
    full = (da > 0) & (db > 0)
    same_year, same_month, same_day = ya == yb, ma == mb, da == db
    exact = full & same_year & same_month & same_day
    swapped = full & same_year & (ma == db) & (da == mb)
    year_off = full & (np.abs(ya - yb) == 1) & same_month & same_day
    day_or_month = full & same_year & (same_month ^ same_day)
    partial = same_year & ~full
    near_year = np.abs(ya - yb) <= 1
    return _select(
        [exact, swapped, year_off, day_or_month, partial, near_year], (ya <= 0) | (yb <= 0)
    )


def _sex_level(t: RecordTable, a: IntArray, b: IntArray) -> IntArray:
    sa, sb = t.sex[a], t.sex[b]
    return _select([sa == sb], (sa <= 0) | (sb <= 0))


def _place_level(t: RecordTable, a: IntArray, b: IntArray) -> IntArray:
    pa, pb = t.province[a], t.province[b]
    ca, cb = t.communes[a], t.communes[b]
    same_commune = ((ca[:, :, None] == cb[:, None, :]) & (ca[:, :, None] >= 0)).any(axis=(1, 2))
    unknown = ((pa < 0) | (pb < 0)) & ~same_commune
    # Two known communes that differ say more against than a commune missing on one side.
    commune_missing = (ca[:, 0] < 0) | (cb[:, 0] < 0)
    same_province = pa == pb
    return _select([same_commune, same_province & commune_missing, same_province], unknown)


def _digits(numbers: IntArray) -> IntArray:
    columns = [(numbers // np.int64(10) ** k) % 10 for k in range(16)]
    return np.stack(columns, axis=1)


def _phone_level(t: RecordTable, a: IntArray, b: IntArray) -> IntArray:
    pa, pb = t.phone[a], t.phone[b]
    exact = pa == pb
    missing = (pa <= 0) | (pb <= 0)
    # One digit different: only the pairs with two different numbers of the same length.
    one_digit = np.zeros(len(a), dtype=np.bool_)
    check = np.flatnonzero(~exact & ~missing)
    if len(check):
        ca, cb = pa[check], pb[check]
        same_length = np.floor(np.log10(ca)) == np.floor(np.log10(cb))
        differing = (_digits(ca) != _digits(cb)).sum(axis=1)
        one_digit[check] = same_length & (differing == 1)
    return _select([exact, one_digit], missing)


COMPARISONS: tuple[Comparison, ...] = (
    Comparison(
        "given_name", ("exact", "one edit", "in the other name", "different"), _given_level, "given"
    ),
    Comparison(
        "family_name", ("exact", "abbreviated or one edit", "different"), _family_level, "family"
    ),
    Comparison(
        "middle_name",
        ("exact", "one edit", "neither has one", "only one has one", "different"),
        _middle_level,
        "middle",
    ),
    Comparison(
        "birth_date",
        (
            "exact",
            "day and month swapped",
            "year off by one",
            "day or month different",
            "same year, a date partly known",
            "year ±1",
            "different",
        ),
        _birth_date_level,
    ),
    Comparison("sex", ("same", "different"), _sex_level),
    Comparison(
        "place",
        (
            "same commune",
            "same province, a commune not known",
            "same province, another commune",
            "different",
        ),
        _place_level,
    ),
    Comparison("phone", ("exact", "one digit", "different"), _phone_level),
)


# Pairs compared at once: bounds the temporary arrays (a million pairs, some 100 MB).
COMPARE_CHUNK = 1_000_000


def compare(
    table: RecordTable,
    left: IntArray,
    right: IntArray,
    comparisons: Sequence[Comparison] = COMPARISONS,
) -> LevelArray:
    """The level of each comparison for each pair: shape (pairs, comparisons), -1 missing.

    Levels are small numbers, kept as int8: ten million pairs take 70 MB.
    """
    found = np.empty((len(left), len(comparisons)), dtype=np.int8)
    for start in range(0, len(left), COMPARE_CHUNK):
        a, b = left[start : start + COMPARE_CHUNK], right[start : start + COMPARE_CHUNK]
        for k, comparison in enumerate(comparisons):
            found[start : start + len(a), k] = comparison.level_of(table, a, b)
    return found


# --- 4. training -------------------------------------------------------------------------------


@dataclass
class Model:
    """What training learned: per comparison, m and u of each level; the prior share of matches;
    the frequency of each given and family name."""

    m: list[list[float]]
    u: list[list[float]]
    prior: float
    tf: dict[str, dict[str, float]] = field(default_factory=dict)
    comparisons: tuple[str, ...] = tuple(c.name for c in COMPARISONS)
    em_iterations: int = 0

    def weights(self) -> list[list[float]]:
        """log2(m/u) of each level: how much each agreement says."""
        return [
            [math.log2(max(m, 1e-9) / max(u, 1e-9)) for m, u in zip(ms, us, strict=True)]
            for ms, us in zip(self.m, self.u, strict=True)
        ]

    def as_dict(self) -> dict[str, Any]:
        return {
            "m": self.m,
            "u": self.u,
            "prior": self.prior,
            "comparisons": list(self.comparisons),
            "em_iterations": self.em_iterations,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Model:
        return cls(
            m=data["m"],
            u=data["u"],
            prior=data["prior"],
            comparisons=tuple(data["comparisons"]),
            em_iterations=data.get("em_iterations", 0),
        )


# m and u learned (without labels) from 100,000 generated records (bench/dedup): the starting
# point for a registry too small to learn from, and for what a registry's sessions cannot learn.
DEFAULT_MODEL_FILE = Path(__file__).resolve().parent / "default_model.json"
# Fewer records than this: the default m and u, with the registry's own name frequencies.
MIN_TRAINING_RECORDS = 5_000


@lru_cache(maxsize=1)
def default_model() -> Model:
    model = Model.from_dict(json.loads(DEFAULT_MODEL_FILE.read_text(encoding="utf-8")))
    if model.comparisons != tuple(c.name for c in COMPARISONS) or [len(row) for row in model.m] != [
        len(c.levels) for c in COMPARISONS
    ]:
        # Regenerate it with `python -m bench.dedup.default_model`.
        raise ValueError("default_model.json does not have the matcher's comparisons and levels")
    return model


def _level_shares(
    levels: npt.NDArray[np.integer[Any]], count: int, weights: FloatArray | None = None
) -> list[float]:
    present = levels >= 0
    w = np.ones(len(levels)) if weights is None else weights
    totals = np.bincount(levels[present], weights=w[present], minlength=count)[:count]
    total = totals.sum()
    # A level never seen still gets a little probability (smoothing), never zero.
    return list((totals + 0.5) / (total + 0.5 * count)) if total else [1.0 / count] * count


def estimate_u(
    table: RecordTable,
    comparisons: Sequence[Comparison] = COMPARISONS,
    *,
    sample: int = 1_000_000,
    seed: int = 0,
) -> list[list[float]]:
    """u of each level from random pairs of records: almost all of them are non-matches."""
    rng = np.random.default_rng(seed)
    left = rng.integers(0, table.size, size=sample)
    right = rng.integers(0, table.size, size=sample)
    distinct = left != right
    levels = compare(table, left[distinct], right[distinct], comparisons)
    return [_level_shares(levels[:, k], len(c.levels)) for k, c in enumerate(comparisons)]


def _initial_m(comparison: Comparison) -> list[float]:
    count = len(comparison.levels)
    # Most matches agree exactly, some a little less, few not at all.
    shares = [0.9 * 0.5**k for k in range(count - 1)] + [0.02]
    total = sum(shares)
    return [share / total for share in shares]


@dataclass(frozen=True)
class TrainingSession:
    """EM over the pairs of one blocking rule; the comparisons the rule decides (which agree
    in every pair it makes) are left out and learned in another session."""

    rule: BlockingRule
    left_out: tuple[str, ...]


TRAINING_SESSIONS: tuple[TrainingSession, ...] = (
    TrainingSession(BLOCKING_RULES[2], ("birth_date", "place")),
    TrainingSession(BLOCKING_RULES[3], ("given_name", "place")),
    TrainingSession(BLOCKING_RULES[1], ("phone",)),
)
TRAINING_PAIRS = 600_000
# A session whose pairs hold fewer expected matches than this teaches nothing.
MIN_MATCHES = 10


def _patterns(levels: LevelArray, sizes: list[int]) -> tuple[IntArray, IntArray]:
    """Each agreement pattern once, with how many pairs have it: EM runs over a few hundred."""
    codes = np.zeros(len(levels), dtype=np.int64)
    for k, size in enumerate(sizes):
        codes = codes * size + (levels[:, k] + 1)
    patterns, counts = sorted_unique(codes)
    pattern_levels = np.empty((len(patterns), len(sizes)), dtype=np.int64)
    rest = patterns.copy()
    for k in range(len(sizes) - 1, -1, -1):
        pattern_levels[:, k] = rest % sizes[k] - 1
        rest //= sizes[k]
    return pattern_levels, counts


def _posterior(
    pattern_levels: IntArray,
    active: Sequence[int],
    m: list[list[float]],
    u: list[list[float]],
    prior: float,
) -> FloatArray:
    log_m, log_u = _log_table(m), _log_table(u)
    log_odds = np.full(len(pattern_levels), math.log(prior / (1 - prior)))
    for k in active:
        present = pattern_levels[:, k] >= 0
        level = np.maximum(pattern_levels[:, k], 0)
        log_odds += np.where(present, log_m[k][level] - log_u[k][level], 0.0)
    return 1.0 / (1.0 + np.exp(-np.clip(log_odds, -700, 700)))


def expectation_maximisation(
    pattern_levels: IntArray,
    counts: IntArray,
    comparisons: Sequence[Comparison],
    u: list[list[float]],
    *,
    active: Sequence[int],
    m: list[list[float]] | None = None,
    prior: float = 0.1,
    learn_m: bool = True,
    iterations: int = 40,
) -> tuple[list[list[float]], float, int]:
    """m (of the active comparisons) and the share of matches, u fixed; and the rounds run."""
    m = [list(row) for row in m] if m else [_initial_m(c) for c in comparisons]
    rounds = 0
    while rounds < iterations:
        rounds += 1
        posterior = _posterior(pattern_levels, active, m, u, prior)
        weighted = posterior * counts
        new_prior = min(max(float(weighted.sum() / counts.sum()), 1e-9), 1 - 1e-9)
        change = abs(new_prior - prior)
        if learn_m:
            for k in active:
                new = _level_shares(pattern_levels[:, k], len(comparisons[k].levels), weighted)
                change = max(change, *(abs(a - b) for a, b in zip(m[k], new, strict=True)))
                m[k] = new
        prior = new_prior
        if change < 1e-6:
            break
    return m, prior, rounds


def train(
    table: RecordTable,
    levels: LevelArray,
    comparisons: Sequence[Comparison] = COMPARISONS,
    *,
    sessions: Sequence[TrainingSession] = TRAINING_SESSIONS,
    u_sample: int = 1_000_000,
    seed: int = 0,
) -> Model:
    """u from random pairs; m by EM, one session per training rule; then the share of matches
    among the candidate pairs (`levels`) by EM with m and u fixed. No labels anywhere."""
    names = [c.name for c in comparisons]
    fallback = default_model() if tuple(names) == default_model().comparisons else None
    if table.size < MIN_TRAINING_RECORDS and fallback is not None:
        return Model(
            m=fallback.m,
            u=fallback.u,
            prior=match_share(levels, table.size, comparisons, fallback.m, fallback.u),
            tf=term_frequencies(table),
            comparisons=tuple(names),
        )
    sample = min(u_sample, table.size * (table.size - 1) // 2 * 4)
    u = estimate_u(table, comparisons, sample=sample, seed=seed)
    sizes = [len(c.levels) + 1 for c in comparisons]
    learned: list[list[list[float]]] = [[] for _ in comparisons]
    rng = np.random.default_rng(seed)
    rounds = 0
    for session in sessions:
        codes = pairs_in_blocks(session.rule.key(table), max_block=session.rule.max_block)
        if len(codes) > TRAINING_PAIRS:
            codes = rng.choice(codes, TRAINING_PAIRS, replace=False)
        if not len(codes):
            continue
        left, right = codes // table.size, codes % table.size
        pattern_levels, counts = _patterns(compare(table, left, right, comparisons), sizes)
        active = [k for k, name in enumerate(names) if name not in session.left_out]
        m, prior, used = expectation_maximisation(
            pattern_levels, counts, comparisons, u, active=active
        )
        rounds += used
        if prior * counts.sum() < MIN_MATCHES:
            continue  # (almost) no matches among these pairs: nothing to learn m from
        for k in active:
            if (pattern_levels[:, k] >= 0).any():
                learned[k].append(m[k])
    m = [
        list(np.mean(np.array(found), axis=0))
        if found
        else (fallback.m[k] if fallback else _initial_m(c))
        for k, (found, c) in enumerate(zip(learned, comparisons, strict=True))
    ]
    m = [_floored(row) for row in m]
    prior = match_share(levels, table.size, comparisons, m, u)
    return Model(
        m=[[float(x) for x in row] for row in m],
        u=u,
        prior=prior,
        tf=term_frequencies(table),
        comparisons=tuple(names),
        em_iterations=rounds,
    )


def match_share(
    levels: LevelArray,
    size: int,
    comparisons: Sequence[Comparison],
    m: list[list[float]],
    u: list[list[float]],
    *,
    iterations: int = 100,
) -> float:
    """The share of matches among all pairs of records (the prior of every score).

    EM over every pair, m and u fixed: the pairs blocking did not make are taken as
    non-matches, so the expected number of matches is the candidates' posteriors summed.
    """
    total_pairs = max(size * (size - 1) / 2, 1.0)
    if not len(levels):
        return min(1.0 / total_pairs, 0.5)
    sizes = [len(c.levels) + 1 for c in comparisons]
    pattern_levels, counts = _patterns(levels, sizes)
    active = range(len(comparisons))
    prior = min(len(levels) / total_pairs / 2, 0.5)
    for _ in range(iterations):
        expected = float((_posterior(pattern_levels, active, m, u, prior) * counts).sum())
        new_prior = min(max(expected / total_pairs, 1e-12), 0.5)
        if abs(new_prior - prior) <= 1e-4 * prior:
            return new_prior
        prior = new_prior
    return prior


# No disagreement is impossible between two records of one person (a sex or a commune written
# wrong, a move): m of a level is never below this, whatever the data taught.
MIN_M = 0.002


def _floored(shares: Sequence[float]) -> list[float]:
    raised = [max(float(share), MIN_M) for share in shares]
    total = sum(raised)
    return [share / total for share in raised]


def _log_table(values: list[list[float]]) -> list[FloatArray]:
    return [np.log(np.maximum(np.array(row), 1e-12)) for row in values]


def term_frequencies(table: RecordTable) -> dict[str, dict[str, float]]:
    """How often each given, family and middle name occurs (share of the records with one)."""
    found: dict[str, dict[str, float]] = {}
    for column in ("given", "family", "middle"):
        ids = getattr(table, column)
        ids = ids[ids >= 0]
        counts = np.bincount(ids, minlength=len(table.words))
        total = max(int(counts.sum()), 1)
        found[column] = {table.words[i]: float(counts[i]) / total for i in np.flatnonzero(counts)}
    return found


# --- 5. scoring --------------------------------------------------------------------------------

# A name seen once in a small registry is not rarer than one person in this many.
MIN_FREQUENCY = 1e-5


def _tf_lookup(table: RecordTable, model: Model, column: str) -> FloatArray:
    """The frequency of each word of the table's vocabulary as a `column` value."""
    frequencies = model.tf.get(column, {})
    floor = min(frequencies.values(), default=MIN_FREQUENCY)
    return np.array(
        [max(frequencies.get(word, floor), MIN_FREQUENCY) for word in table.words] or [1.0]
    )


def contributions(
    table: RecordTable,
    left: IntArray,
    levels: LevelArray,
    model: Model,
    comparisons: Sequence[Comparison] = COMPARISONS,
) -> Iterator[FloatArray]:
    """What each comparison adds to each pair's match weight, one comparison at a time in the
    order of `comparisons` (`score` sums them; the review queue shows them field by field)."""
    weights = [np.array(row) for row in model.weights()]
    for k, comparison in enumerate(comparisons):
        level = levels[:, k]
        present = level >= 0
        contribution = np.where(present, weights[k][np.maximum(level, 0)], 0.0)
        if comparison.tf:
            # Exact agreement on a value weighs m / frequency(value) instead of m / u.
            values = getattr(table, comparison.tf)[left]
            frequency = _tf_lookup(table, model, comparison.tf)[np.maximum(values, 0)]
            exact = level == 0
            tf_weight = np.log2(max(model.m[k][0], 1e-9) / frequency)
            contribution = np.where(exact, tf_weight, contribution)
        yield contribution


def score(
    table: RecordTable,
    left: IntArray,
    right: IntArray,
    levels: LevelArray,
    model: Model,
    comparisons: Sequence[Comparison] = COMPARISONS,
) -> FloatArray:
    """The match weight of each pair (log2 of the odds that the two records are one person)."""
    weight = np.full(len(levels), prior_weight(model))
    for contribution in contributions(table, left, levels, model, comparisons):
        weight += contribution
    return weight


def prior_weight(model: Model) -> float:
    """log2 of the prior odds that two records are one person: every pair's starting weight."""
    prior = min(max(model.prior, 1e-12), 0.5)
    return math.log2(prior / (1 - prior))


def evidence(levels: LevelArray, model: Model) -> FloatArray:
    """Each pair's Bayes factor in bits: the levels' weights summed, without the prior and
    without name frequencies (for comparing one new record with a few candidates)."""
    weight = np.zeros(len(levels))
    for k, row in enumerate(model.weights()):
        level = levels[:, k]
        weight += np.where(level >= 0, np.array(row)[np.maximum(level, 0)], 0.0)
    return weight


def probability(weight: FloatArray) -> FloatArray:
    return 1.0 / (1.0 + np.exp2(-weight))


# --- 6. clustering -----------------------------------------------------------------------------


def cluster(size: int, left: IntArray, right: IntArray) -> IntArray:
    """Connected components: each record's cluster, the smallest record index in it."""
    labels = np.arange(size, dtype=np.int64)
    if not len(left):
        return labels
    while True:
        low = np.minimum(labels[left], labels[right])
        before = labels.copy()
        np.minimum.at(labels, left, low)
        np.minimum.at(labels, right, low)
        # Pointer jumping: follow labels to their own label until it settles.
        while True:
            jumped = labels[labels]
            if np.array_equal(jumped, labels):
                break
            labels = jumped
        if np.array_equal(before, labels):
            return labels


# A pair compared whose agreements make it less than 2**5 = 32 times likelier to be one person
# than two (its evidence, the weight without the prior) is taken for two people: a cluster
# never holds both of its records, however links above the threshold chain them ("Nguyễn Thị
# Hoa" of 1990 linked to one of the same commune without a birth date, itself linked to another
# Hoa of 2001). Measured on the generated records (bench/dedup), 0 to 11 bits all help.
CANNOT_LINK = 5.0


def separate_conflicts(
    labels: IntArray,
    left: IntArray,
    right: IntArray,
    weights: FloatArray,
    apart_left: IntArray,
    apart_right: IntArray,
) -> IntArray:
    """Clusters without two records that must stay apart.

    `labels` are the connected components of the linked pairs (`left`, `right`, `weights`);
    (`apart_left`, `apart_right`) the pairs whose evidence is below `CANNOT_LINK`. The few
    components that hold such a pair are built again: their links, strongest first, join two
    groups unless a pair of records across them must stay apart. Each record's label is the
    smallest record index of its group, as `cluster` gives.
    """
    inside = labels[apart_left] == labels[apart_right]
    if not inside.any():
        return labels
    apart_left, apart_right = apart_left[inside], apart_right[inside]
    conflicted = np.zeros(len(labels), dtype=np.bool_)
    conflicted[labels[apart_left]] = True
    chosen = conflicted[labels[left]]
    order = np.argsort(-weights[chosen], kind="stable")
    link_left, link_right = left[chosen][order].tolist(), right[chosen][order].tolist()
    apart: dict[int, set[int]] = {}
    for a, b in zip(apart_left.tolist(), apart_right.tolist(), strict=True):
        apart.setdefault(a, set()).add(b)
        apart.setdefault(b, set()).add(a)
    parent: dict[int, int] = {}
    members: dict[int, set[int]] = {}

    def root(record: int) -> int:
        if record not in parent:
            parent[record] = record
            members[record] = {record}
        while parent[record] != record:
            parent[record] = parent[parent[record]]
            record = parent[record]
        return record

    for a, b in zip(link_left, link_right, strict=True):
        one, other = root(a), root(b)
        if one == other:
            continue
        small, big = sorted((one, other), key=lambda r: len(members[r]))
        if any(apart.get(record, set()) & members[big] for record in members[small]):
            continue
        parent[small] = big
        members[big] |= members.pop(small)
    found = labels.copy()
    for group in members.values():
        found[list(group)] = min(group)
    return found


@dataclass
class Linkage:
    """The outcome of linking a table: its candidate pairs, their weights, the clusters."""

    table: RecordTable
    left: IntArray
    right: IntArray
    levels: LevelArray
    weights: FloatArray
    model: Model
    clusters: IntArray
    threshold: float

    def matches(self) -> BoolArray:
        return probability(self.weights) >= self.threshold


def link(
    table: RecordTable,
    *,
    threshold: float = DEFAULT_THRESHOLD,
    model: Model | None = None,
    rules: Sequence[BlockingRule] = BLOCKING_RULES,
    seed: int = 0,
    timings: dict[str, float] | None = None,
) -> Linkage:
    """Block, compare, train (unless a model is given), score and cluster the table's records.

    `timings`, when given, receives the CPU seconds of each step.
    """
    clock = _StepClock(timings)
    left, right = candidate_pairs(table, rules)
    clock.step("blocking")
    levels = compare(table, left, right)
    clock.step("comparing")
    if model is None:
        model = train(table, levels, seed=seed)
        clock.step("training")
    weights = score(table, left, right, levels, model)
    keep = probability(weights) >= threshold
    clock.step("scoring")
    clusters = cluster(table.size, left[keep], right[keep])
    apart = weights - prior_weight(model) < CANNOT_LINK
    clusters = separate_conflicts(
        clusters, left[keep], right[keep], weights[keep], left[apart], right[apart]
    )
    clock.step("clustering")
    return Linkage(table, left, right, levels, weights, model, clusters, threshold)


class _StepClock:
    def __init__(self, timings: dict[str, float] | None) -> None:
        self.timings = timings
        self.last = time.process_time()

    def step(self, name: str) -> None:
        now = time.process_time()
        if self.timings is not None:
            self.timings[name] = now - self.last
        self.last = now
