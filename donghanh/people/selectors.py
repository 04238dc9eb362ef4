"""Reads of people, their guardians and consents, always scoped to what the user may see."""

from __future__ import annotations

import datetime
import functools
import itertools
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, NamedTuple, cast

from django.core.exceptions import PermissionDenied
from django.db import connections
from django.db.models import (
    BooleanField,
    Case,
    Exists,
    Expression,
    ExpressionWrapper,
    F,
    Field,
    Max,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Value,
    When,
    prefetch_related_objects,
)
from django.http import Http404
from django.utils import timezone

from donghanh.core.editing import EditSpec
from donghanh.core.queries import OneOf, one_of_sql, one_of_text, one_of_text_sql
from donghanh.organisations.models import Membership, Organisation
from donghanh.organisations.roles import Perm, role_allows
from donghanh.organisations.selectors import access_membership
from donghanh.people import indexes
from donghanh.people.models import Consent, DuplicateNotice, Person, PersonNameToken
from donghanh.people.registry import (
    DuplicateMatcher,
    HintKeys,
    NewRecord,
    duplicate_matcher,
    person_visibility_rule,
)
from donghanh.places.models import Commune

# The fields a person's record form edits, in the order a form shows them.
PERSON_FIELDS = (
    "full_name",
    "other_names",
    "sex",
    "date_of_birth",
    "estimated_age",
    "ethnicity",
    "nationality",
    "id_number",
    "phone",
    "current_address",
    "current_commune",
    "area_type",
    "pre_2025_address",
)

# How a person's record is compared, named and shown for the stale-edit check. The purpose
# keeps the fingerprints of edit forms opened before the check moved to core.
PERSON_EDITS = EditSpec.for_model(Person, fields=PERSON_FIELDS, purpose="edit-baseline")

# Queries of digits only (with spaces, dots, dashes or a leading +) this long or longer are
# also looked up as an ID or phone number.
_NUMBER_QUERY = re.compile(r"^\+?[\d .\-]{6,}$")


class PersonAccess(NamedTuple):
    membership: Membership
    person: Person


class DuplicateNoticeAccess(NamedTuple):
    membership: Membership
    notice: DuplicateNotice


def persons_visible_to(membership: Membership) -> QuerySet[Person]:
    """Every person whose record the member may open; every read of a person (record,
    search, duplicate check) goes through here.

    Only people of the member's organisation, never a record merged into another one (the
    duplicates app's merge), and nobody for roles without case access. Among
    those, the registered visibility rule decides (`donghanh.people.registry`; the cases app's
    `person_visibility`: who sees a person follows who sees their cases). With no rule
    registered nobody is visible.
    """
    persons = Person.objects.filter(
        organisation_id=membership.organisation_id, merged_into__isnull=True
    )
    if not role_allows(membership.role, Perm.VIEW_CASES):
        return persons.none()
    rule = person_visibility_rule()
    if rule is None:
        return persons.none()
    return persons.filter(rule(membership))


# The longest chain of merges followed to the surviving record (A into B, then B into C...).
MERGE_CHAIN_LIMIT = 20


def person_merged_into(membership: Membership, person_id: int) -> int | None:
    """The record a merged record of the member's organisation now lives on, if the member may
    open it: its old page and API address lead there. None otherwise (then 404, as for any
    record the member may not open)."""
    current = person_id
    for _step in range(MERGE_CHAIN_LIMIT):
        survivor = (
            Person.objects.filter(pk=current, organisation_id=membership.organisation_id)
            .values_list("merged_into_id", flat=True)
            .first()
        )
        if survivor is None:
            break
        current = survivor
    if current == person_id:
        return None
    return current if persons_visible_to(membership).filter(pk=current).exists() else None


def persons_of_every_organisation() -> QuerySet[Person]:
    """Every person, only to find which of a user's organisations owns one (the API's
    `organisation_slug_of`) before `access_person` decides; never listed as such."""
    return Person.objects.all()


def access_person(user: Any, org_slug: str, person_id: int, perm: Perm) -> PersonAccess:
    """The person, if the user's membership of the organisation allows `perm` on them.

    An outsider, or a person outside what the member may see, gets 404 as if it did not
    exist; a member whose role lacks the permission gets 403 before any record is looked up.
    """
    membership = access_membership(user, org_slug, perm)
    if not role_allows(membership.role, Perm.VIEW_CASES):
        raise PermissionDenied
    try:
        person = (
            persons_visible_to(membership)
            .select_related("organisation", "current_commune__province", "created_by")
            .get(pk=person_id)
        )
    except Person.DoesNotExist:
        raise Http404 from None
    return PersonAccess(membership, person)


def person_with_details(person: Person) -> Person:
    """The guardians and consents of an already accessed person, in two queries."""
    consents = Consent.objects.select_related(
        "recipient_organisation", "guardian", "recorded_by", "withdrawn_by"
    )
    prefetch_related_objects([person], "guardians", Prefetch("consents", queryset=consents))
    return person


@dataclass(frozen=True)
class NameSearch:
    """Filters on people for the words of a name search.

    `match`: every word is one of the person's name words, whole or with one letter wrong,
    missing, extra or two letters swapped; `exact`: every word whole, to rank those first.

    `near` and `exact_groups` are the digests of each group `match` and `exact` find the people
    by: pairs of words (`paired`, the rarest first) or words, over a whole organisation
    (`organisation_name_search`), or words checked person by person (`person_name_search`);
    for a read compiled once, given them as its arguments.
    """

    match: Q
    exact: Q
    near: tuple[tuple[str, ...], ...] = ()
    exact_groups: tuple[tuple[str, ...], ...] = ()
    paired: bool = False


def _token_column(alias: str, name: str, connection: Any) -> str:
    """The name tokens' column of field `name`, of the table aliased `alias` (quoted)."""
    field = cast(Field[Any, Any], PersonNameToken._meta.get_field(name))  # a column of it
    return f"{alias}.{connection.ops.quote_name(field.column)}"


class _HasNameWord(Expression):
    """Whether the person (`person`, `organisation`: their key and organisation as columns of
    the model searched) has a name token among `digests`: `EXISTS` over the name tokens.

    What `Exists(PersonNameToken.objects.filter(...))` writes, without building, resolving
    and compiling a query of its own for each word on every search (a quarter of a search's
    CPU went there).
    """

    output_field = BooleanField()

    def __init__(self, person: Any, organisation: Any, digests: str | Sequence[str]) -> None:
        super().__init__()
        self.person = F(person) if isinstance(person, str) else person
        self.organisation = F(organisation) if isinstance(organisation, str) else organisation
        # The digests, or their `one_of_text` already made (a compiled read's).
        self.digests = digests if isinstance(digests, str) else tuple(digests)

    def get_source_expressions(self) -> list[Any]:
        return [self.person, self.organisation]

    def set_source_expressions(self, exprs: Sequence[Any]) -> None:
        self.person, self.organisation = exprs

    def as_sql(self, compiler: Any, connection: Any, **extra: Any) -> tuple[str, list[Any]]:
        person_sql, person_params = compiler.compile(self.person)
        organisation_sql, organisation_params = compiler.compile(self.organisation)
        quote = connection.ops.quote_name
        meta = PersonNameToken._meta
        token = quote("name_token")  # an alias no query of the project gives a table

        def column(name: str) -> str:
            return _token_column(token, name, connection)

        digests = self.digests
        text = digests if isinstance(digests, str) else one_of_text(digests, connection)
        where = (
            f"{column('organisation')} = ({organisation_sql}) "
            f"AND {column('person')} = ({person_sql}) "
            f"AND {one_of_text_sql(column('token_index'), connection)}"
        )
        # Quoted names and compiled columns; every value is a parameter.
        sql = f"EXISTS(SELECT 1 FROM {quote(meta.db_table)} {token} WHERE {where})"  # noqa: S608
        return sql, [*organisation_params, *person_params, text]


class _PersonAmong(Expression):
    """Whether the person (`person`: their key as a column of the model searched) is among
    the people of organisation `organisation_id` that `_people` selects from the name tokens,
    for `groups` of digests (each a word's, or a pair's): `person IN (SELECT ...)`."""

    output_field = BooleanField()

    def __init__(
        self, person: Any, organisation_id: Any, groups: Sequence[str | Sequence[str]]
    ) -> None:
        super().__init__()
        self.person = F(person) if isinstance(person, str) else person
        self.organisation_id = organisation_id
        # A group is its digests, or their `one_of_text` already made (a compiled read's).
        self.groups = tuple(group if isinstance(group, str) else tuple(group) for group in groups)
        if not self.groups:
            raise ValueError("a name search has at least one word")

    def get_source_expressions(self) -> list[Any]:
        return [self.person]

    def set_source_expressions(self, exprs: Sequence[Any]) -> None:
        (self.person,) = exprs

    def _people(self, connection: Any) -> tuple[str, list[Any]]:
        raise NotImplementedError

    def as_sql(self, compiler: Any, connection: Any, **extra: Any) -> tuple[str, list[Any]]:
        person_sql, person_params = compiler.compile(self.person)
        people_sql, people_params = self._people(connection)
        return f"{person_sql} IN ({people_sql})", [*person_params, *people_params]


class _PersonWithWords(_PersonAmong):
    """Whether the person (`person`: their key as a column of the model searched) is among
    the people of organisation `organisation_id` who have a name token of each word's
    `digests`: `person IN (SELECT ...)` over the name tokens alone, the other words checked
    person by person (`EXISTS`), whichever word the database starts from.

    For a search over a whole organisation: the database can find the people holding every
    word first, from the index of the tokens, and only then read their cases. With a check of
    each word case by case (`_HasNameWord`), it started from the people holding one word and
    read all their cases before checking the next word: at a million cases, the 30,000
    people named Minh for "Hoàng Minh Tuấn".
    """

    # Whether each other group is checked person by person, after the first group's people
    # are found, whatever the planner estimates (PostgreSQL could otherwise read every holder
    # of a common group to join them).
    probe = False

    def _people(self, connection: Any) -> tuple[str, list[Any]]:
        quote = connection.ops.quote_name
        meta = PersonNameToken._meta
        # OFFSET 0 keeps PostgreSQL from turning the check into a join.
        fence = " OFFSET 0" if self.probe and connection.vendor == "postgresql" else ""

        def column(alias: str, name: str) -> str:
            return _token_column(alias, name, connection)

        table = quote(meta.db_table)
        words = [
            group if isinstance(group, str) else one_of_text(group, connection)
            for group in self.groups
        ]
        # Aliases no query of the project gives a table.
        aliases = [quote(f"name_word_{index}") for index in range(len(words))]
        first = aliases[0]
        word_sql = one_of_text_sql(column(first, "token_index"), connection)
        conditions = [f"{column(first, 'organisation')} = %s", word_sql]
        params: list[Any] = [self.organisation_id, words[0]]
        for alias, text in zip(aliases[1:], words[1:], strict=True):
            other_sql = one_of_text_sql(column(alias, "token_index"), connection)
            conditions.append(
                f"EXISTS(SELECT 1 FROM {table} {alias} WHERE "  # noqa: S608
                f"{column(alias, 'organisation')} = %s "
                f"AND {column(alias, 'person')} = {column(first, 'person')} AND {other_sql}"
                f"{fence})"
            )
            params += [self.organisation_id, text]
        people = (
            f"SELECT {column(first, 'person')} FROM {table} {first} "  # noqa: S608
            f"WHERE {' AND '.join(conditions)}"
        )
        # Quoted names and compiled columns; every value is a parameter.
        return people, params


def name_search(
    query: str,
    *,
    person: str = "pk",
    organisation: str = "organisation_id",
    organisation_id: int | None = None,
    pairs: NamePairs | None = None,
) -> NameSearch | None:
    """The filters for a name search (None when the query has no name word).

    `person` and `organisation` name the person's key and organisation from the model
    searched ("person_id", "organisation_id" for cases). Name tokens are looked up among the
    person's own organisation's, so one filter serves a search across several organisations.

    `organisation_id`, for a search that may see a whole organisation's people or cases (a
    supervisor's), finds the people holding every word first: from the pairs of the words
    the organisation holds for a search of two words or more (`_near_pairs`), from the words
    for one (`_PersonWithWords`); a search of a few (a case worker's cases) checks those few,
    word by word, instead. `pairs`: the query's `name_pairs`, when an earlier step of the same
    search has them (their counts are asked once).
    """
    words = indexes.name_words(query)
    if not words:
        return None
    if organisation_id is not None:
        anchored = _near_pairs(words, organisation_id=organisation_id, pairs=pairs)
        if anchored is not None:
            near_pairs, exact_pairs = anchored
            return organisation_name_search(
                person, organisation_id, near_pairs, exact_pairs, paired=True
            )
    exact_words = [indexes.name_word_candidates(word) for word in words]
    near_words = [indexes.name_word_near_candidates(word) for word in words]
    if organisation_id is not None:
        return organisation_name_search(
            person, organisation_id, near_words, exact_words, paired=False
        )
    return person_name_search(person, organisation, near_words, exact_words)


def person_name_search(
    person: str,
    organisation: str,
    near: Sequence[str | Sequence[str]],
    exact: Sequence[str | Sequence[str]],
) -> NameSearch:
    """`name_search` checked person by person, from each word's digests (`near`, `exact`),
    or their `one_of_text` already made (a read compiled once with the words as its
    arguments); `person` and `organisation` name the columns of the model searched."""
    match, exact_match = Q(), Q()
    for exact_digests, near_digests in zip(exact, near, strict=True):
        # A few hundred digests a word, as one parameter, not one each.
        exact_match &= Q(_HasNameWord(person, organisation, exact_digests))
        match &= Q(_HasNameWord(person, organisation, near_digests))
    return NameSearch(
        match=match,
        exact=exact_match,
        near=_digests_of(near),
        exact_groups=_digests_of(exact),
    )


def _digests_of(groups: Sequence[str | Sequence[str]]) -> tuple[tuple[str, ...], ...]:
    """The groups given as digests (those given as one text already made are left out)."""
    return tuple(tuple(group) for group in groups if not isinstance(group, str))


def organisation_name_search(
    person: str,
    organisation_id: Any,
    near: Sequence[str | Sequence[str]],
    exact: Sequence[str | Sequence[str]],
    *,
    paired: bool,
) -> NameSearch:
    """`name_search` over a whole organisation from its groups of digests (`near`, `exact`):
    pairs of words, the rarest first (`paired`), or words. A group may be given as its
    `one_of_text` already made, for a read compiled once with the organisation and the groups
    as its arguments; `NameSearch.near` and `exact_groups` then keep nothing."""
    among = _PersonFromRarestPair if paired else _PersonWithWords
    return NameSearch(
        match=Q(among(person, organisation_id, near)),
        exact=Q(among(person, organisation_id, exact)),
        near=_digests_of(near),
        exact_groups=_digests_of(exact),
        paired=paired,
    )


class _PersonFromRarestPair(_PersonWithWords):
    """`_PersonWithWords` for groups of pairs, the rarest first: the people holding a pair of
    the first group, each checked for the others (`_near_pairs`)."""

    probe = True


def _near_pairs(
    words: Sequence[str],
    *,
    organisation_id: int,
    using: str = "default",
    pairs: NamePairs | None = None,
) -> tuple[list[list[str]], list[list[str]]] | None:
    """For a search of two words or more over a whole organisation: the indexes, a group for
    each word but one (the anchor), of what a person holding the anchor and that word holds,
    one letter off or not (`near`), and whole (`exact`); None for a search of one word.

    A word one letter off is one of a few hundred; the organisation holds a few of them
    ("minh" → binh, dinh, linh, vinh), found first (one query). The groups are then the pairs
    of the anchor's words with the other word's, a few dozen: the holders of "ngoc" with a
    word near "anh", not every "ngoc", "ngo", "anh", "hanh" and "oanh". A word near both alone
    (a person named "Thu" matches "thi thu") stands for both.

    With three words or more, the pairs of whole words are counted (`NamePairs.held`, or
    `pairs`' when given): the anchor is the word whose pairs are held by the fewest people,
    and the group of its rarest pair comes first, for the database to start from."""
    if len(words) < 2:
        return None
    near = {word: indexes.name_word_near_digests(word) for word in words}
    held = _tokens_held(
        organisation_id, [digest for word in words for _text, digest in near[word]], using
    )
    known = {
        word: list(dict.fromkeys(text for text, digest in near[word] if digest in held))
        for word in words
    }
    anchor, others = words[0], list(words[1:])
    if len(words) > 2:
        counted = _same_pairs(pairs, words, organisation_id, using)
        anchor = counted.anchor(words)
        others = sorted((w for w in words if w != anchor), key=lambda w: counted.between(anchor, w))
    return (
        [indexes.name_pairs_between(known[anchor], known[word]) for word in others],
        [indexes.name_pair_candidates(anchor, word) for word in others],
    )


def _tokens_held(organisation_id: int, digests: Sequence[str], using: str) -> set[str]:
    """Which of `digests` some person of the organisation holds as a name token: on
    PostgreSQL one look into the index for each, not every holder of a common word read."""
    connection = connections[using]
    quote = connection.ops.quote_name
    token = quote("known_token")  # an alias no query of the project gives a table
    table = quote(PersonNameToken._meta.db_table)
    column = functools.partial(_token_column, token, connection=connection)
    if connection.vendor == "postgresql":
        sql = (
            f"SELECT {quote('digest')} FROM unnest(string_to_array(%s, ',')) "  # noqa: S608
            f"AS {quote('asked')} ({quote('digest')}) WHERE EXISTS (SELECT 1 FROM {table} "
            f"{token} WHERE {column('organisation')} = %s "
            f"AND {column('token_index')} = {quote('asked')}.{quote('digest')})"
        )
        params: list[Any] = [",".join(digests), organisation_id]
    else:
        among, among_params = one_of_sql(column("token_index"), digests, connection)
        sql = (
            f"SELECT DISTINCT {column('token_index')} FROM {table} {token} "  # noqa: S608
            f"WHERE {column('organisation')} = %s AND {among}"
        )
        params = [organisation_id, *among_params]
    with connection.cursor() as cursor:
        # Quoted names and compiled columns; every value is a parameter.
        cursor.execute(sql, params)
        return {digest for (digest,) in cursor.fetchall()}


@dataclass(frozen=True)
class NamePairSearch:
    """A filter on people for a name search of two words or more over a whole organisation,
    from the pairs of name words (`indexes.NAME_PAIR`): the people holding the search's rarest
    word (`anchor`) together with each other word, that is every word whole (`exact`), as
    `NameSearch.exact` finds them; `held`: the digests of each of those pairs, for a read
    compiled once (`name_pair_people`)."""

    exact: Q
    anchor: str
    held: tuple[tuple[str, ...], ...] = ()


# The people a pair of words is first counted up to, to find the rarest word.
_PAIR_FEW = 5_000


class NamePairs:
    """The pairs of a name search's words (two or more) among the people of organisation
    `organisation_id`, and how many people hold each pair whole (`held`): counted from the
    index of the tokens up to `_PAIR_FEW` + 1, in one query asked when first needed, then kept
    for every step of the same search (`name_search`, `name_pair_search`), so that a common
    pair ("nguyen thi": 55,000 people of an organisation of 300,000) is not counted to its end.

    The counts choose where a search starts, never what it finds: a count already old by a
    moment changes only the order in which the same people are found."""

    def __init__(self, words: Sequence[str], organisation_id: int, using: str) -> None:
        if len(words) < 2:
            raise ValueError("a pair needs two name words")
        self.words = tuple(words)
        self.organisation_id = int(organisation_id)
        self.using = using

    @functools.cached_property
    def held(self) -> dict[tuple[str, str], int]:
        pairs = list(itertools.combinations(self.words, 2))
        counts = _pair_holders(self.organisation_id, pairs, _PAIR_FEW + 1, self.using)
        return dict(zip(pairs, counts, strict=True))

    def between(self, word: str, other: str) -> int:
        """How many hold `word` and `other` together (up to `_PAIR_FEW` + 1)."""
        return self.held.get((word, other), self.held.get((other, word), 0))

    def anchor(self, among: Sequence[str], held: dict[tuple[str, str], int] | None = None) -> str:
        """Of the words `among`, the one whose pairs with the others are held by the fewest
        people in all (the first of those tied), by `held` when given."""
        counts = self.held if held is None else held
        return min(among, key=lambda word: sum(n for pair, n in counts.items() if word in pair))

    @property
    def fewest(self) -> int:
        """No more people than this hold every word whole: the count of the rarest pair."""
        return min(self.held.values())


def name_pairs(query: str, *, organisation_id: int, using: str = "default") -> NamePairs | None:
    """`NamePairs` for the words of `query`; None for fewer than two name words. Nothing is
    asked of the database until the counts are needed."""
    words = indexes.name_words(query)
    return NamePairs(words, organisation_id, using) if len(words) >= 2 else None


def _same_pairs(
    pairs: NamePairs | None, words: Sequence[str], organisation_id: int, using: str
) -> NamePairs:
    """`pairs` when given (they must be this search's), or the pairs of `words`."""
    if pairs is None:
        return NamePairs(words, organisation_id, using)
    if pairs.words != tuple(words) or pairs.organisation_id != organisation_id:
        raise ValueError("the pairs are another search's")
    return pairs


def name_pair_search(
    query: str,
    *,
    organisation_id: int,
    most: int,
    person: str = "pk",
    using: str = "default",
    pairs: NamePairs | None = None,
) -> NamePairSearch | None:
    """`NamePairSearch` for `query` among the people of organisation `organisation_id`; None
    when the query has fewer than two name words, or when its rarest word is held together
    with each other word by more than `most` people (a common name: "nguyen thi"), for which
    the pairs save nothing.

    The anchor is the word whose pairs with the others are held by the fewest people in all
    (`NamePairs.anchor`, from `pairs` when an earlier step of the search has them). Only when
    every word has a pair held by more than `_PAIR_FEW` are those counted again, up to
    `most` + 1."""
    words = indexes.name_words(query)
    if len(words) < 2:
        return None
    counted = _same_pairs(pairs, words, organisation_id, using)
    held = dict(counted.held)

    def anchors(cap: int) -> list[str]:
        """The words none of whose pairs is held by more than `cap` people."""
        return [w for w in words if all(n <= cap for pair, n in held.items() if w in pair)]

    candidates = anchors(min(_PAIR_FEW, most))
    if not candidates and most > _PAIR_FEW:
        common = [pair for pair, count in held.items() if count > _PAIR_FEW]
        held.update(
            zip(common, _pair_holders(organisation_id, common, most + 1, using), strict=True)
        )
        candidates = anchors(most)
    if not candidates:
        return None

    anchor = counted.anchor(candidates, held)
    others = [word for word in words if word != anchor]
    pairs_held = [indexes.name_pair_candidates(anchor, other) for other in others]
    return NamePairSearch(
        exact=Q(_PersonWithPairs(person, organisation_id, pairs_held)),
        anchor=anchor,
        held=tuple(tuple(digests) for digests in pairs_held),
    )


def _pair_holders(
    organisation_id: int, pairs: Sequence[tuple[str, str]], cap: int, using: str
) -> list[int]:
    """How many of the organisation's people hold each pair of words whole, up to `cap`."""
    connection = connections[using]
    quote = connection.ops.quote_name
    token = quote("pair_token")  # an alias no query of the project gives a table
    table = quote(PersonNameToken._meta.db_table)
    column = functools.partial(_token_column, token, connection=connection)
    counts: list[str] = []
    params: list[Any] = []
    for first, second in pairs:
        pair_sql, pair_params = one_of_sql(
            column("token_index"), indexes.name_pair_candidates(first, second), connection
        )
        counts.append(
            f"(SELECT COUNT(*) FROM (SELECT 1 FROM {table} {token} "  # noqa: S608
            f"WHERE {column('organisation')} = %s AND {pair_sql} LIMIT %s) {quote('held')})"
        )
        params += [organisation_id, *pair_params, cap]
    with connection.cursor() as cursor:
        # Quoted names and compiled columns; every value is a parameter.
        cursor.execute(f"SELECT {', '.join(counts)}", params)
        return list(cursor.fetchone())


class _PersonWithPairs(Expression):
    """Whether the person (`person`: their key as a column of the model searched) is among
    the people of organisation `organisation_id` holding a name token of each of the pairs:
    each pair's holders from the index of the tokens alone, intersected.

    A pair is its digests, or their `one_of_text` already made (a read compiled once, given
    other digests each time, `name_pair_people`): each pair is one text parameter either way,
    so the SQL is the same whatever the digests."""

    output_field = BooleanField()

    def __init__(
        self, person: str, organisation_id: Any, pairs: Sequence[str | Sequence[str]]
    ) -> None:
        super().__init__()
        if not pairs:
            raise ValueError("a pair search has at least one pair")
        self.person = F(person)
        self.organisation_id = organisation_id
        self.pairs = tuple(pairs)

    def get_source_expressions(self) -> list[Any]:
        return [self.person]

    def set_source_expressions(self, exprs: Sequence[Any]) -> None:
        (self.person,) = exprs

    def as_sql(self, compiler: Any, connection: Any, **extra: Any) -> tuple[str, list[Any]]:
        person_sql, person_params = compiler.compile(self.person)
        quote = connection.ops.quote_name
        table = quote(PersonNameToken._meta.db_table)
        selects: list[str] = []
        params: list[Any] = [*person_params]
        for index, pair in enumerate(self.pairs):
            alias = quote(f"name_pair_{index}")  # aliases no query of the project gives a table
            column = functools.partial(_token_column, alias, connection=connection)
            selects.append(
                f"SELECT {column('person')} FROM {table} {alias} "  # noqa: S608
                f"WHERE {column('organisation')} = %s "
                f"AND {one_of_text_sql(column('token_index'), connection)}"
            )
            text = pair if isinstance(pair, str) else one_of_text(pair, connection)
            params += [self.organisation_id, text]
        # Quoted names and compiled columns; every value is a parameter.
        return f"{person_sql} IN ({' INTERSECT '.join(selects)})", params


def name_pair_people(person: str, organisation_id: Any, texts: Sequence[str]) -> Q:
    """`NamePairSearch.exact` with each pair's digests already one text parameter
    (`core.queries.one_of_text` of each of `NamePairSearch.held`): for a read compiled once
    with the organisation and the texts as its arguments."""
    return Q(_PersonWithPairs(person, organisation_id, texts))


@dataclass(frozen=True)
class NameWordsHeld:
    """How many of a name search's words one person holds, as SQL over their own name tokens:
    `sql` (with `params`) is a number, `NEAR` times the words held whole or one letter off
    plus the words held whole; the person matches when the first is `words`, and matches
    exactly when the second is too (`matches`, `exact`).

    One look at the person's own tokens (the index of organisation and person), each word's
    digests checked against them in memory: a few microseconds a person, whatever the words,
    for a search that reads cases one by one, newest first, and stops at its page's end."""

    NEAR = 100

    sql: str
    params: list[Any]
    words: int

    def matches(self, held: int | None) -> bool:
        return (held or 0) // self.NEAR == self.words

    def exact(self, held: int | None) -> bool:
        return (held or 0) % self.NEAR == self.words


def name_words_held(
    query: str, *, person_sql: str, organisation_sql: str, connection: Any
) -> NameWordsHeld | None:
    """`NameWordsHeld` for the words of `query` (None when it has no name word), for the
    person whose key and organisation the SQL expressions `person_sql` and `organisation_sql`
    give (columns of the query it is part of)."""
    words = indexes.name_words(query)[: NameWordsHeld.NEAR - 1]
    if not words:
        return None
    quote = connection.ops.quote_name
    meta = PersonNameToken._meta
    token = quote("held_token")  # an alias no query of the project gives a table

    def column(name: str) -> str:
        return _token_column(token, name, connection)

    near_terms: list[str] = []
    exact_terms: list[str] = []
    near_params: list[Any] = []
    exact_params: list[Any] = []
    for word in words:
        near_sql, near_values = one_of_sql(
            column("token_index"), indexes.name_word_near_candidates(word), connection
        )
        exact_sql, exact_values = one_of_sql(
            column("token_index"), indexes.name_word_candidates(word), connection
        )
        near_terms.append(f"MAX(CASE WHEN {near_sql} THEN 1 ELSE 0 END)")
        near_params += near_values
        exact_terms.append(f"MAX(CASE WHEN {exact_sql} THEN 1 ELSE 0 END)")
        exact_params += exact_values
    held = f"({' + '.join(near_terms)}) * {NameWordsHeld.NEAR} + {' + '.join(exact_terms)}"
    # Quoted names and compiled columns; every value is a parameter.
    sql = (
        f"(SELECT {held} FROM {quote(meta.db_table)} {token} "  # noqa: S608
        f"WHERE {column('organisation')} = {organisation_sql} "
        f"AND {column('person')} = {person_sql})"
    )
    return NameWordsHeld(sql=sql, params=[*near_params, *exact_params], words=len(words))


def persons_search(membership: Membership, query: str) -> QuerySet[Person]:
    """The people the member may see whose names hold every word of `query`.

    Words match whole or with one letter wrong, missing, extra or two swapped (exact matches
    first), in any order, without diacritics (Hoàng/Huỳnh and Vũ/Võ alike); a query that
    looks like a number also matches an ID or phone number exactly.
    """
    persons = persons_visible_to(membership).select_related("current_commune__province")
    query = query.strip()
    if not query:
        return persons
    # A member who sees the whole organisation's cases searches its people first.
    sees_all = role_allows(membership.role, Perm.VIEW_ALL_ORG_CASES)
    search = name_search(query, organisation_id=membership.organisation_id if sees_all else None)
    match = Q(pk__in=[]) if search is None else search.match
    if _NUMBER_QUERY.match(query):
        match |= Q(id_number_index__in=indexes.id_number_candidates(query))
        match |= Q(phone_index__in=indexes.phone_candidates(query))
    persons = persons.filter(match)
    if search is None:
        return persons
    return persons.alias(
        name_exact=ExpressionWrapper(search.exact, output_field=BooleanField())
    ).order_by(F("name_exact").desc(), "-updated_at", "-id")


class DuplicateReason:
    NAME_AND_BIRTH_DATE = "name_and_birth_date"
    ID_NUMBER = "id_number"
    PHONE = "phone"
    SIMILAR = "similar"


@dataclass
class PossibleDuplicate:
    person: Person
    reasons: list[str]


@dataclass
class DuplicateCheck:
    """Possible duplicates of a new or edited record among the records the member may open.

    Records the member may not open (another organisation's, or of cases kept from them) are
    never told here, not even that they exist: their organisations get a `DuplicateNotice`
    once the person is registered (`people.services.person_register_once`).
    """

    visible: list[PossibleDuplicate] = field(default_factory=list)

    def __bool__(self) -> bool:
        return bool(self.visible)


def possible_duplicates(
    membership: Membership,
    *,
    full_name: str,
    date_of_birth: datetime.date | None = None,
    id_number: str = "",
    phone: str = "",
    exclude_pk: int | None = None,
    limit: int = 10,
    sex: str = "",
    current_commune: Commune | None = None,
) -> DuplicateCheck:
    """Records with the same folded name and date of birth, the same ID number or phone; and,
    among the records the member may open, those the duplicate matcher finds likely (a name
    one letter off, an abbreviated family name, a birth date swapped or a year off or missing,
    the place named before or after 2025…)."""
    record = NewRecord(
        full_name=full_name,
        date_of_birth=date_of_birth,
        sex=sex,
        phone=phone,
        commune_code=current_commune.pk if current_commune is not None else "",
        province_code=current_commune.province_id if current_commune is not None else "",
    )
    check = _same_indexes(
        membership,
        full_name=full_name,
        date_of_birth=date_of_birth,
        id_number=id_number,
        phone=phone,
        exclude_pk=exclude_pk,
        limit=limit,
    )
    known = {found.person.pk for found in check.visible}
    if exclude_pk is not None:
        known.add(exclude_pk)
    for person in similar_records(membership, record, exclude=known, limit=limit):
        if len(check.visible) >= limit:
            break
        check.visible.append(PossibleDuplicate(person=person, reasons=[DuplicateReason.SIMILAR]))
    return check


# The records looked at for one registration: enough for a name in a big registry.
SIMILAR_CANDIDATES = 200


def similar_records(
    membership: Membership, record: NewRecord, *, exclude: set[int], limit: int = 10
) -> list[Person]:
    """Records the member may open that the registered duplicate matcher finds likely.

    The candidates are the records holding one of the matcher's keys for the registration
    (`DuplicateMatcher.lookup_keys`: the given or the family name with the birth date, the
    names with the birth year, or without a birth date the family and given name), stored
    beside the name words: the `SIMILAR_CANDIDATES` whose keys weigh most, the most recently
    registered first among equals, are decrypted and weighed (`_keyed_candidates`). Each key is
    held by few people, so the query reads few index entries whatever the registry's size.
    When the registration says too little for a key (a given name alone, no birth date), the
    candidates have a name word equal to one of the matcher's lookup words (the given name) or
    one letter off it, those whose names agree most with the matcher's ranking words first
    (`_ranked_candidates`). Either way the candidates are chosen in the same one query as the
    records themselves.
    """
    matcher = duplicate_matcher()
    if matcher is None:
        return []
    words = matcher.lookup_words(record)
    if not words:
        return []
    keys = matcher.lookup_keys(record)
    ranked: QuerySet[Any]
    if keys:
        ranked = _keyed_candidates(membership, keys, exclude=exclude)
    else:
        ranking = [word for word in matcher.ranking_words(record) if word not in words]
        ranked = _ranked_candidates(membership, matcher, words, ranking, exclude=exclude)
    found = list(
        persons_visible_to(membership)
        .filter(pk__in=ranked)
        .select_related("current_commune")
        .only("full_name", "updated_at", *matcher.person_fields)
        .order_by("-updated_at", "-id")
    )
    return matcher.likely(record, found)[:limit]


def _token_in(digests: list[str]) -> OneOf:
    return OneOf(F("token_index"), digests)


def _keyed_candidates(
    membership: Membership, keys: list[HintKeys], *, exclude: set[int]
) -> QuerySet[Any]:
    """The ids of the `SIMILAR_CANDIDATES` people of the member's organisation holding the most
    weighty of `keys` (each group's weight once, summed over the groups a person has a key
    of), then the most recently registered, as a subquery.

    One pass over the organisation's tokens of those keys (index only), grouped by person. A
    member who sees only some of the organisation's people (their cases') is ranked among those
    alone, so that the people they may open are never crowded out by people they may not.
    """
    groups = [(group.weight, indexes.hint_key_candidates(group.keys)) for group in keys]
    tokens = PersonNameToken.objects.filter(
        _token_in(sorted({digest for _weight, digests in groups for digest in digests})),
        organisation_id=membership.organisation_id,
    )
    if exclude:
        tokens = tokens.exclude(person_id__in=exclude)
    if not role_allows(membership.role, Perm.VIEW_ALL_ORG_CASES):
        tokens = tokens.filter(person_id__in=persons_visible_to(membership).values("pk"))
    weight: Any = Value(0)
    for group_weight, digests in groups:
        weight = weight + Max(
            Case(When(_token_in(digests), then=Value(group_weight)), default=Value(0))
        )
    return (
        tokens.values("person_id")
        .alias(weight=weight)
        .order_by("-weight", "-person_id")
        .values("person_id")[:SIMILAR_CANDIDATES]
    )


def _ranked_candidates(
    membership: Membership,
    matcher: DuplicateMatcher,
    words: list[str],
    ranking: list[str],
    *,
    exclude: set[int],
) -> QuerySet[Any]:
    """The ids of the `SIMILAR_CANDIDATES` people of the member's organisation with every one of
    `words` (whole or one letter off) whose names hold the most of `ranking`, then the most
    recently registered, as a subquery.

    One pass over the organisation's name tokens of those words (index only), grouped by
    person: no person's record is read to choose. Members who see only some of the
    organisation's people (their cases') are ranked among those alone, so that the people they
    may open are never crowded out by people they may not.
    """
    near = [indexes.name_word_near_candidates(word) for word in words]
    whole = [indexes.name_word_candidates(word) for word in words + ranking]
    # A person's Thị is not a misspelt "Thu" (nor Văn a "Vn"): a third of all people have one.
    common = {
        digest for word in matcher.never_misspelt() for digest in indexes.name_word_candidates(word)
    }
    others = [
        indexes.name_word_near_candidates(word)
        if word in matcher.never_misspelt()
        else [digest for digest in indexes.name_word_near_candidates(word) if digest not in common]
        for word in ranking
    ]
    tokens = PersonNameToken.objects.filter(
        _token_in(sorted({digest for group in near + others for digest in group})),
        organisation_id=membership.organisation_id,
    )
    if exclude:
        tokens = tokens.exclude(person_id__in=exclude)
    if not role_allows(membership.role, Perm.VIEW_ALL_ORG_CASES):
        # The people with the given name the member may see, found as before (they are few:
        # a caseload's), not the visibility of every token's person.
        visible = persons_visible_to(membership)
        for group in near:
            visible = visible.filter(
                Exists(
                    PersonNameToken.objects.filter(
                        _token_in(group),
                        organisation_id=membership.organisation_id,
                        person_id=OuterRef("pk"),
                    )
                )
            )
        tokens = tokens.filter(person_id__in=visible.values("pk"))

    def agreement(exact: list[str], close: list[str]) -> Max:
        """2 for a name word equal to the word, 1 for one a letter off it, else 0."""
        return Max(
            Case(
                When(_token_in(exact), then=Value(2)),
                When(_token_in(close), then=Value(1)),
                default=Value(0),
            )
        )

    found = {f"word_{n}": agreement(whole[n], group) for n, group in enumerate(near)}
    agree: Any = Value(0)
    for n, group in enumerate(others, start=len(words)):
        agree = agree + agreement(whole[n], group)
    exact: Any = Value(0)
    for name in found:
        exact = exact + F(name)
    return (
        tokens.values("person_id")
        .annotate(**found, agree=agree)
        .filter(**{f"{name}__gt": 0 for name in found})
        .alias(exact=exact)
        .order_by("-agree", "-exact", "-person_id")
        .values("person_id")[:SIMILAR_CANDIDATES]
    )


# The blind index column of each reason for which two records may be the same person.
_INDEX_COLUMN = {
    DuplicateReason.NAME_AND_BIRTH_DATE: "name_dob_index",
    DuplicateReason.ID_NUMBER: "id_number_index",
    DuplicateReason.PHONE: "phone_index",
}


def _index_candidates(
    *, full_name: str, date_of_birth: datetime.date | None, id_number: str, phone: str
) -> dict[str, list[str]]:
    """For each reason, the blind index values (under every key in use) a match would have."""
    return {
        DuplicateReason.NAME_AND_BIRTH_DATE: (
            indexes.name_and_birth_date_candidates(full_name, date_of_birth)
            if date_of_birth
            else []
        ),
        DuplicateReason.ID_NUMBER: indexes.id_number_candidates(id_number),
        DuplicateReason.PHONE: indexes.phone_candidates(phone),
    }


def _index_match(by_reason: dict[str, list[str]]) -> Q | None:
    if not any(by_reason.values()):
        return None
    match = Q(pk__in=[])
    for reason, candidates in by_reason.items():
        if candidates:
            match |= Q(**{f"{_INDEX_COLUMN[reason]}__in": candidates})
    return match


def _with_reasons(
    persons: list[Person], by_reason: dict[str, list[str]]
) -> list[PossibleDuplicate]:
    return [
        PossibleDuplicate(
            person=person,
            reasons=[
                reason
                for reason, candidates in by_reason.items()
                if getattr(person, _INDEX_COLUMN[reason]) in candidates
            ],
        )
        for person in persons
    ]


def _same_indexes(
    membership: Membership,
    *,
    full_name: str,
    date_of_birth: datetime.date | None,
    id_number: str,
    phone: str,
    exclude_pk: int | None,
    limit: int,
) -> DuplicateCheck:
    """Records the member may open with the same name and birth date, ID number or phone.

    Only what the member may open is looked up: no query here depends on other records."""
    by_reason = _index_candidates(
        full_name=full_name, date_of_birth=date_of_birth, id_number=id_number, phone=phone
    )
    match = _index_match(by_reason)
    if match is None:
        return DuplicateCheck()
    matches = persons_visible_to(membership).filter(match)
    if exclude_pk is not None:
        matches = matches.exclude(pk=exclude_pk)
    visible = list(
        matches.select_related("current_commune__province").order_by("-updated_at")[:limit]
    )
    return DuplicateCheck(visible=_with_reasons(visible, by_reason))


# The most records one registration gives a notice about (a phone number shared by many, such
# as a hotline's, would otherwise notify everyone who wrote it down).
NOTICES_PER_REGISTRATION = 20


def matches_kept_from(membership: Membership, person: Person) -> list[PossibleDuplicate]:
    """Records sharing a blind index with `person`, just registered by the member, that the
    member may not open: other organisations' and those of their own kept from them.

    Only for the notices to the organisations holding them: never shown to the member. One
    query, whether or not anything matches."""
    by_reason = _index_candidates(
        full_name=person.full_name,
        date_of_birth=person.date_of_birth,
        id_number=person.id_number,
        phone=person.phone,
    )
    match = _index_match(by_reason)
    if match is None:
        return []
    found = list(
        Person.objects.filter(match, merged_into__isnull=True)
        .exclude(pk=person.pk)
        .exclude(pk__in=persons_visible_to(membership).values("pk"))
        .only("pk", "organisation_id", *_INDEX_COLUMN.values())
        .order_by("-updated_at", "-id")[:NOTICES_PER_REGISTRATION]
    )
    return _with_reasons(found, by_reason)


def duplicate_notices_open(membership: Membership) -> QuerySet[DuplicateNotice]:
    """The notices of the member's organisation still to review, newest first (none for a
    role that does not see every case of the organisation)."""
    notices = DuplicateNotice.objects.filter(
        organisation_id=membership.organisation_id,
        dismissed_at__isnull=True,
        person__merged_into__isnull=True,
    )
    if not role_allows(membership.role, Perm.REVIEW_DUPLICATES):
        return notices.none()
    return notices.select_related("person__current_commune__province").order_by(
        "-registered_on", "-id"
    )


def access_duplicate_notice(user: Any, org_slug: str, notice_id: int) -> DuplicateNoticeAccess:
    """A notice of the organisation, for a member whose role reviews duplicates.

    An outsider, or an id of another organisation's notice, gets 404; a member whose role does
    not review duplicates gets 403 before any notice is looked up."""
    membership = access_membership(user, org_slug, Perm.REVIEW_DUPLICATES)
    try:
        notice = DuplicateNotice.objects.select_related("person").get(
            pk=notice_id, organisation_id=membership.organisation_id
        )
    except DuplicateNotice.DoesNotExist:
        raise Http404 from None
    return DuplicateNoticeAccess(membership, notice)


def consents_active_filter(day: datetime.date) -> Q:
    """Consents in force on `day`: given, not expired, not withdrawn by the end of that day."""
    start_of_next_day = timezone.make_aware(
        datetime.datetime.combine(day + datetime.timedelta(days=1), datetime.time.min)
    )
    return (
        Q(given_on__lte=day)
        & (Q(expires_on__isnull=True) | Q(expires_on__gte=day))
        & (Q(withdrawn_at__isnull=True) | Q(withdrawn_at__gte=start_of_next_day))
    )


def consent_in_force(consent: Consent, day: datetime.date) -> bool:
    """`consents_active_filter` for one consent already read (its dates only)."""
    start_of_next_day = timezone.make_aware(
        datetime.datetime.combine(day + datetime.timedelta(days=1), datetime.time.min)
    )
    return (
        consent.given_on <= day
        and (consent.expires_on is None or consent.expires_on >= day)
        and (consent.withdrawn_at is None or consent.withdrawn_at >= start_of_next_day)
    )


def consent_is_active(
    person: Person,
    purpose: str,
    organisation: Organisation | None = None,
    on: datetime.date | None = None,
) -> bool:
    """Whether the person has consent in force for `purpose` (sharing: with `organisation`).

    A withdrawal counts from the day it is recorded, so on that day nothing more is shared.
    """
    day = on or timezone.localdate()
    consents = Consent.objects.filter(consents_active_filter(day), person=person, purpose=purpose)
    if purpose == Consent.Purpose.SHARING:
        if organisation is None:
            raise ValueError("consent to sharing is given for a named organisation")
        consents = consents.filter(recipient_organisation=organisation)
    return consents.exists()


def access_consent(person: Person, consent_id: int) -> Consent:
    """A consent of the person; any other id is 404."""
    try:
        return Consent.objects.select_related("recipient_organisation", "guardian").get(
            pk=consent_id, person=person
        )
    except Consent.DoesNotExist:
        raise Http404 from None


def sharing_recipients(organisation: Organisation) -> QuerySet[Organisation]:
    """Organisations a person's data may be shared with: every other active one."""
    return Organisation.objects.filter(is_active=True).exclude(pk=organisation.pk).order_by("name")
