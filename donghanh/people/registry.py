"""What apps above `people` tell it at start-up, so that `people` never imports them.

- **Who sees a person.** A person's record is seen by those who may see the records kept about
  them (their cases), which `people` does not know. The app that keeps those records registers
  one *visibility rule* in its `AppConfig.ready()` (the cases app: `CasesConfig.ready()`): a
  function of the member's membership giving a filter on `Person`. Without a rule nobody sees
  anybody: `persons_visible_to` fails closed.
- **Who may be the same person.** Registration looks for records like the new one: by blind
  index (the same name and date of birth, ID number or phone) here, and by the duplicates app's
  matcher, registered as the *duplicate matcher* in `DuplicatesConfig.ready()`, which weighs
  near names, dates, places and phones. Without one only the blind indexes are used.
- **What the person page shows.** Sections of the person page (`donghanh.core.sections`): the
  person's own guardians and consents are registered here, the person's cases by the cases app,
  the link to their data requests by the privacy app. Each section's data function receives the
  member's membership and the person.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Hashable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Protocol

from django.db.models import Q

from donghanh.core.sections import PageSections
from donghanh.organisations.models import Membership

if TYPE_CHECKING:
    from donghanh.people.models import Person

PersonVisibilityRule = Callable[[Membership], Q]

_visibility_rule: PersonVisibilityRule | None = None


def register_person_visibility(rule: PersonVisibilityRule) -> None:
    """Make `rule(membership)` the filter on `Person` of the people the member may see.

    One rule for the whole platform: registering the same rule again changes nothing, another
    one is an error (two apps deciding who sees a person would be a leak waiting to happen).
    """
    global _visibility_rule
    if _visibility_rule is not None and _visibility_rule is not rule:
        raise ValueError("a person visibility rule is already registered")
    _visibility_rule = rule


def person_visibility_rule() -> PersonVisibilityRule | None:
    """The registered rule, or None (then nobody is visible)."""
    return _visibility_rule


@dataclass(frozen=True)
class NewRecord:
    """What is known of a person being registered, to look for their existing record."""

    full_name: str
    date_of_birth: datetime.date | None = None
    # Only the year of birth, when the date is not known (a list that says "1998").
    birth_year: int | None = None
    sex: str = ""
    phone: str = ""
    commune_code: str = ""
    province_code: str = ""


@dataclass(frozen=True)
class HintKeys:
    """Keys of a registration's likely duplicates (`DuplicateMatcher.lookup_keys`): a record
    holding one or more of them gains `weight` towards being looked at first."""

    weight: int
    keys: tuple[str, ...]


@dataclass(frozen=True)
class FileRow:
    """A row of an imported file, for the duplicate matcher's batch (`FileMatcher`)."""

    number: int
    record: NewRecord
    # The row's exact keys: an earlier row sharing one is the import's to report, not the
    # matcher's.
    keys: frozenset[Hashable] = frozenset()
    # False: the row is only remembered, for the rows after it (an exact duplicate, or a row
    # the importer checked as someone else).
    look: bool = True


@dataclass(frozen=True)
class LikelyMatch:
    """The record a row most likely duplicates: one of the organisation's people, or else an
    earlier row of the file; `weight` in bits of evidence."""

    weight: float
    person_id: int | None = None
    row: int | None = None


class FileMatcher(Protocol):
    def match_rows(self, rows: Sequence[FileRow]) -> dict[int, LikelyMatch]:
        """The rows (in file order, after those of earlier calls) likely to be one of the
        organisation's people or an earlier row: row number → the likeliest."""
        ...


class DuplicateMatcher(Protocol):
    # The fields of `Person` that `likely` reads (the candidates are read with these alone: to
    # decrypt the addresses and ID numbers of a registration's 200 candidates would cost more
    # than weighing them). A hint shown also reads the name.
    person_fields: tuple[str, ...]

    def lookup_words(self, record: NewRecord) -> list[str]:
        """Folded name words a likely duplicate has (each whole or one letter off)."""
        ...

    def ranking_words(self, record: NewRecord) -> list[str]:
        """Folded name words a likely duplicate often has too (each whole or one letter off):
        of the records with the lookup words, those with more of these are looked at first."""
        ...

    def never_misspelt(self) -> frozenset[str]:
        """Folded words so common that a ranking word one letter off them is not taken to agree
        with them (Thị and Văn: "Thu" is not a misspelt "Thị")."""
        ...

    def stored_keys(self, record: NewRecord) -> set[str]:
        """The keys a person's record is found by (`lookup_keys`), stored blind beside the
        words of their names: each combines a few parts of the name with the birth date or
        year, so that one key is shared by few people however large the registry."""
        ...

    def lookup_keys(self, record: NewRecord) -> list[HintKeys]:
        """The stored keys a likely duplicate of `record` has, in groups: the records holding
        any of them are the candidates, those whose keys weigh most looked at first. Empty
        when the record says too little for any key (a given name alone, no birth date): the
        candidates are then found by the lookup words."""
        ...

    def likely(self, record: NewRecord, candidates: Sequence[Person]) -> list[Person]:
        """The candidates likely to be the same person as `record`, most likely first."""
        ...

    def for_file(self, *, organisation_id: int) -> FileMatcher:
        """A batch matcher for one imported file: the organisation's people read once, the
        file's rows weighed a chunk at a time against them and against each other, with the
        same candidates, comparisons and threshold as `likely`."""
        ...


_duplicate_matcher: DuplicateMatcher | None = None


def register_duplicate_matcher(matcher: DuplicateMatcher) -> None:
    global _duplicate_matcher
    _duplicate_matcher = matcher


def duplicate_matcher() -> DuplicateMatcher | None:
    return _duplicate_matcher


PERSON_PAGE = PageSections("person page")

# Orders of the person page's sections: identity first (part of the page itself), then
# cases 20, guardians 30, consents 40, data requests 90.
GUARDIANS_ORDER = 30
CONSENTS_ORDER = 40


def register_person_page_own_sections() -> None:
    PERSON_PAGE.register(
        "guardians", template="people/includes/guardians_section.html", order=GUARDIANS_ORDER
    )
    PERSON_PAGE.register(
        "consents", template="people/includes/consents_section.html", order=CONSENTS_ORDER
    )
