"""Person search through blind indexes: no diacritics needed, scoped, paginated."""

from __future__ import annotations

import html
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from donghanh.audit.models import AuditAction, AuditEntry
from donghanh.organisations.models import Membership
from donghanh.organisations.roles import Role
from donghanh.people import indexes
from donghanh.people.selectors import persons_search
from donghanh.people.tests.conftest import make_person
from donghanh.people.views import PAGE_SIZE
from donghanh.places.models import Commune
from donghanh.testing.clients import searched


@pytest.fixture
def membership(staff):
    # A supervisor sees every person of the organisation (case workers see fewer: the cases
    # app's rule, donghanh/cases/tests/test_caseload.py).
    return Membership.objects.get(
        organisation=staff.organisation, user=staff.users[Role.SUPERVISOR]
    )


@pytest.fixture
def people(staff):
    org = staff.organisation
    return {
        "hoa": make_person(org, full_name="Nguyễn Thị Hoa", other_names="Hoa Nguyen"),
        "hoa2": make_person(org, full_name="Trần Thị Hoà"),
        "hoang": make_person(org, full_name="Huỳnh Văn Đức", id_number="001 099 000 111"),
        "vu": make_person(org, full_name="Võ Thị Lan", phone="+84 988 111 222"),
        "other_org": make_person(staff.other_organisation, full_name="Nguyễn Thị Hoa"),
    }


def _names(membership, query):
    return sorted(p.full_name for p in persons_search(membership, query))


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("nguyen thi hoa", ["Nguyễn Thị Hoa"]),
        ("NGUYEN THI HOA", ["Nguyễn Thị Hoa"]),
        ("hoa nguyen", ["Nguyễn Thị Hoa"]),  # any order
        ("hoa", ["Nguyễn Thị Hoa", "Trần Thị Hoà"]),  # a subset of the words
        ("Hòa", ["Nguyễn Thị Hoa", "Trần Thị Hoà"]),
        ("thi", ["Nguyễn Thị Hoa", "Trần Thị Hoà", "Võ Thị Lan"]),
        ("duc", ["Huỳnh Văn Đức"]),  # đ → d
        ("hoang van duc", ["Huỳnh Văn Đức"]),  # Hoàng = Huỳnh
        ("vu thi lan", ["Võ Thị Lan"]),  # Vũ = Võ
        ("Vũ Lan", ["Võ Thị Lan"]),
        ("nguyen, hoa!", ["Nguyễn Thị Hoa"]),
        ("nguyen lan", []),  # every word must match
        ("hoa123", []),
        ("001099000111", ["Huỳnh Văn Đức"]),  # ID number, spaces ignored
        ("0988 111 222", ["Võ Thị Lan"]),  # phone, +84 = 0
        ("+84988111222", ["Võ Thị Lan"]),
    ],
)
def test_search(membership, people, query, expected):
    assert _names(membership, query) == expected


def test_search_sees_only_the_members_organisation(staff, people):
    outsider = Membership.objects.get(user=staff.outsider)
    found = list(persons_search(outsider, "nguyen thi hoa"))
    assert found == [people["other_org"]]


def test_empty_query_lists_everyone_visible(membership, people):
    assert len(persons_search(membership, "")) == 4


def _list(client, org, **params):
    """The people list; a search is posted first, as the page's form does."""
    url = reverse("people:person_list", kwargs={"org": org.slug})
    if "q" in params:
        return searched(client, url, params)
    return client.get(url, params)


def test_list_page_searches_and_shows_only_what_the_list_needs(staff, people):
    client = staff.client(Role.SUPERVISOR)
    response = _list(client, staff.organisation, q="nguyen thi hoa")
    body = response.content.decode()
    assert "Nguyễn Thị Hoa" in body
    assert "Trần Thị Hoà" not in body
    # No ID numbers, phones or addresses on the list.
    response = _list(client, staff.organisation)
    body = response.content.decode()
    assert "Huỳnh Văn Đức" in body
    assert "001 099 000 111" not in body and "988" not in body


def test_search_is_audited_without_the_query(staff, people):
    client = staff.client(Role.SUPERVISOR)
    _list(client, staff.organisation, q="nguyen thi hoa")
    entry = AuditEntry.objects.get(action=AuditAction.VIEW, summary__startswith="person search")
    assert entry.summary == "person search: 1 found"
    assert entry.organisation_id == staff.organisation.pk
    assert "nguyen" not in entry.summary.lower()


def test_every_list_read_is_audited_with_its_counts(staff, people):
    supervisor = staff.users[Role.SUPERVISOR]
    _list(staff.client(Role.SUPERVISOR), staff.organisation)
    entry = AuditEntry.objects.get(action=AuditAction.VIEW, actor=supervisor)
    assert entry.event == "person.listed"
    assert entry.summary == "person list read: 4 of 4 shown"
    assert entry.details == {"count": 4, "shown": 4, "page": 1, "filters": []}
    assert entry.organisation_id == staff.organisation.pk and entry.target_id == ""


def test_a_searched_list_is_audited_with_the_filter_never_the_words(staff, people):
    _list(staff.client(Role.SUPERVISOR), staff.organisation, q="nguyen thi hoa")
    entry = AuditEntry.objects.get(action=AuditAction.VIEW, event="person.searched")
    assert entry.details == {"count": 1, "shown": 1, "page": 1, "filters": ["q"]}
    assert "nguyen" not in (str(entry.details) + entry.summary).lower()


def test_list_is_paginated(staff):
    for number in range(PAGE_SIZE + 3):
        make_person(staff.organisation, full_name=f"Lê Thị Mai {number}")
    client = staff.client(Role.SUPERVISOR)
    first = _list(client, staff.organisation, q="le mai")
    assert first.context["page"].paginator.count == PAGE_SIZE + 3
    assert len(first.context["page"].object_list) == PAGE_SIZE
    # The next-page link keeps the search through its key, not its words.
    next_link = re.search(r'href="([^"]*page=2[^"]*)"', first.content.decode())
    assert next_link and "search=" in next_link.group(1) and "mai" not in next_link.group(1)
    second = client.get(
        reverse("people:person_list", kwargs={"org": staff.organisation.slug})
        + html.unescape(next_link.group(1))
    )
    assert len(second.context["page"].object_list) == 3


def _queries_for_list(client, org, **params):
    address = _list(client, org, **params).request  # a search is posted once, then shown
    url = address["PATH_INFO"] + ("?" + address["QUERY_STRING"] if address["QUERY_STRING"] else "")
    client.get(url)  # warm up the session bookkeeping
    with CaptureQueriesContext(connection) as context:
        response = client.get(url)
    assert response.status_code == 200
    return len(context.captured_queries)


# session, user, 2FA device, memberships, count, page and the audit row of the list read
# (with its savepoint), search or not; a session is saved only when it changed.
EXPECTED_LIST_QUERIES = 9


# Two words or more: which words one letter off the organisation holds (one query); three or
# more: which of their pairs to start from, counted (one more).
@pytest.mark.parametrize(
    ("params", "extra"), [({}, 0), ({"q": "le mai"}, 1), ({"q": "le thi mai"}, 2)]
)
def test_list_query_count_is_pinned(staff, params, extra):
    client = staff.client(Role.SUPERVISOR)
    communes = list(Commune.objects.order_by("code")[:3])
    for number in range(2):
        make_person(staff.organisation, full_name=f"Lê Thị Mai {number}")
    few = _queries_for_list(client, staff.organisation, **params)
    for number in range(PAGE_SIZE):
        make_person(
            staff.organisation,
            full_name=f"Lê Thị Mai x{number}",
            current_commune=communes[number % len(communes)],
        )
    many = _queries_for_list(client, staff.organisation, **params)
    assert few == many == EXPECTED_LIST_QUERIES + extra


@pytest.mark.parametrize(
    "query",
    [
        "nguyen thi hao",  # a letter wrong (here two swapped)
        "nguyen thi hoq",  # a letter wrong
        "nguyn thi hoa",  # a letter missing
        "nguyeen thi hoa",  # a letter extra
        "ngyuen thi hoa",  # two letters swapped
        "Nguyễn Thị Hòaa",
    ],
)
def test_one_letter_off_in_a_word_still_finds_the_person(membership, people, query):
    assert "Nguyễn Thị Hoa" in _names(membership, query)


def test_two_letters_off_or_a_short_word_off_finds_nothing(membership, people):
    assert _names(membership, "nguyen thi hxyz") == []
    assert _names(membership, "ngu thi hoa") == []


def test_exact_matches_come_before_those_one_letter_off(staff, membership, people):
    make_person(staff.organisation, full_name="Nguyễn Thị Hao")
    found = [p.full_name for p in persons_search(membership, "nguyen thi hao")]
    assert found == ["Nguyễn Thị Hao", "Nguyễn Thị Hoa"]
    found = [p.full_name for p in persons_search(membership, "nguyen thi hoa")]
    assert found[0] == "Nguyễn Thị Hoa"
    assert set(found) == {"Nguyễn Thị Hoa", "Nguyễn Thị Hao"}


def test_a_word_longer_than_any_name_is_looked_for_exactly_not_one_letter_off():
    from donghanh.people import indexes

    short = indexes.name_word_near_candidates("nguyen")
    long_word = "0" * 200
    # A name word gets its one-letter-off variants; a 200-letter word only itself, so one query
    # cannot ask the database for tens of thousands of indexes.
    assert len(short) > len(indexes.name_word_candidates("nguyen"))
    assert indexes.name_word_near_candidates(long_word) == indexes.name_word_candidates(long_word)


@pytest.mark.parametrize("query", ["nguyen thi hoa", "tran", "nguyen"])
def test_a_name_search_inside_another_query_finds_the_same_people(membership, people, query):
    """The name words' checks name the searched model's columns: they follow it into a
    subquery or a union, where its table takes another alias."""
    from donghanh.people.models import Person

    direct = set(persons_search(membership, query).values_list("pk", flat=True))
    assert direct
    inside = Person.objects.filter(pk__in=persons_search(membership, query).values("pk"))
    assert set(inside.values_list("pk", flat=True)) == direct
    both = persons_search(membership, query) | persons_search(membership, "zzzz")
    assert set(both.values_list("pk", flat=True)) == direct


@pytest.mark.parametrize(
    "query",
    [
        "nguyen thi hoa",
        "hoa nguyen",
        "thi",
        "nguyn thi hao",
        "hoang duc",
        "x",
        # A word too short to be looked for one letter off: from its pairs with the others.
        "vu lan",
        "vu thi lan",
        "vu thj lam",
        "le thi hoa",
        "le hoa",
        "hoa le nguyen",
        "le vu",
        "vu vuu",  # "vu" is one letter off "vuu"
        "thi thu",  # "Trần Thu" matches both with one word
        "duc van hoang",
        "lan van",
        "nguyen xyzzyq",
    ],
)
def test_the_people_holding_every_word_first_are_the_people_each_word_checks(staff, people, query):
    """A search over a whole organisation finds the people holding every word from the tokens
    (`organisation_id`), a search of a few checks each word person by person: the same people,
    and the same exact matches, never another organisation's."""
    from donghanh.people.models import Person
    from donghanh.people.selectors import name_search

    make_person(staff.organisation, full_name="Nguyễn Thị Hao")
    make_person(staff.other_organisation, full_name="Võ Thị Lan")
    for name in ("Lê Thị Hoa", "Lê Thi Hoà", "Le Thị Hao", "Nguyễn Lê Hoa", "Vũ Thị Lâm", "Lê Vũ"):
        make_person(staff.organisation, full_name=name)
    make_person(staff.organisation, full_name="Vũ Văn Minh")  # "vu vuu": "vu" one letter off
    make_person(staff.organisation, full_name="Trần Thu")
    make_person(staff.other_organisation, full_name="Lê Thị Hoa")
    every = Person.objects.all()
    by_person = name_search(query)
    from_tokens = name_search(query, organisation_id=staff.organisation.pk)
    assert by_person is not None and from_tokens is not None
    for which in ("match", "exact"):
        ours = every.filter(organisation=staff.organisation).filter(getattr(by_person, which))
        found = every.filter(getattr(from_tokens, which))
        assert set(found.values_list("pk", flat=True)) == set(ours.values_list("pk", flat=True))
    if query not in ("x", "nguyen xyzzyq"):
        assert every.filter(from_tokens.match).exists()


def test_a_search_over_a_whole_organisation_pairs_the_words_its_people_hold(staff, people):
    """The words one letter off each word that the organisation's people hold, paired across
    two words; the anchor is the word whose pairs are held by the fewest people, and its
    rarest pair comes first."""
    from donghanh.people.selectors import _near_pairs

    org = staff.organisation
    # With the fixture's Võ Thị Lan: "vu thi" held by 4 people, "vu lan" by 2, "thi lan" by 3.
    for name in ("Vũ Thị Mai", "Võ Thị Hà", "Vu Thi Lan", "Vũ Thu", "Lan Thị Hồng"):
        make_person(org, full_name=name)
    for name in ("Vũ Lam", "Vũ Thị Lan", "Vũ Thị Lan"):  # not this organisation's
        make_person(staff.other_organisation, full_name=name)
    found = _near_pairs(["vu", "thi", "lan"], organisation_id=org.pk)
    assert found is not None
    near, exact = found
    # "lan" is in pairs held by 5 people, "vu" by 6, "thi" by 7: "lan" is the anchor, and
    # its pair with "vu" (2) comes before its pair with "thi" (3).
    assert exact == [
        indexes.name_pair_candidates("lan", "vu"),
        indexes.name_pair_candidates("lan", "thi"),
    ]
    # Of the words one letter off "lan", the organisation holds "lan" and "van" (Huỳnh Văn
    # Đức; "Lam" is the other's); of those off "thi", "thi" and "thu" (Vũ Thu).
    assert set(near[0]) == {
        *indexes.name_pair_candidates("lan", "vu"),
        *indexes.name_pair_candidates("van", "vu"),
    }
    assert set(near[1]) == {
        digest
        for first in ("lan", "van")
        for second in ("thi", "thu")
        for digest in indexes.name_pair_candidates(first, second)
    }
    for name in ("Vũ Lan Hương", "Vũ Lan", "Lân Vũ"):  # "vu lan": now 5
        make_person(org, full_name=name)
    # Now "thi" is in the fewest (7, against 8 and 9), its pair with "lan" first.
    found = _near_pairs(["vu", "thi", "lan"], organisation_id=org.pk)
    assert found is not None and found[1] == [
        indexes.name_pair_candidates("thi", "lan"),
        indexes.name_pair_candidates("thi", "vu"),
    ]
    # A word the organisation holds nothing near: no group finds anyone.
    found = _near_pairs(["vu", "xyzzyq"], organisation_id=org.pk)
    assert found is not None and found[0] == [[]]
    # A word near both stands for both: "thu" for "thi thu".
    found = _near_pairs(["thi", "thu"], organisation_id=org.pk)
    assert found is not None
    assert set(indexes.name_word_candidates("thu")) <= set(found[0][0])
    assert _near_pairs(["vu"], organisation_id=org.pk) is None  # one word: from the words


def test_the_pairs_of_a_search_are_counted_once_and_only_for_that_search(staff, people):
    """`name_pairs` asks nothing until the counts are needed, then once for each step of the
    search that shares them; another search's pairs are refused, not used."""
    from donghanh.people.models import Person
    from donghanh.people.selectors import name_pair_search, name_pairs, name_search

    org = staff.organisation
    assert name_pairs("vu", organisation_id=org.pk) is None  # one word: no pair
    with CaptureQueriesContext(connection) as context:
        pairs = name_pairs("Vũ Thị Lan", organisation_id=org.pk)
    assert pairs is not None and pairs.words == ("vu", "thi", "lan")
    assert context.captured_queries == []
    with CaptureQueriesContext(connection) as context:
        search = name_search("Vũ Thị Lan", organisation_id=org.pk, pairs=pairs)
        exact = name_pair_search("vu thi lan", organisation_id=org.pk, most=1000, pairs=pairs)
    counts = [query for query in context.captured_queries if '"pair_token"' in query["sql"]]
    assert len(counts) == 1
    assert search is not None and exact is not None
    assert set(Person.objects.filter(search.exact)) == set(Person.objects.filter(exact.exact))
    assert people["vu"] in Person.objects.filter(search.exact)
    assert pairs.fewest == min(pairs.held.values()) >= 1
    for other, organisation_id in (
        ("vu thi mai", org.pk),
        ("vu thi lan", staff.other_organisation.pk),
    ):
        with pytest.raises(ValueError):
            name_search(other, organisation_id=organisation_id, pairs=pairs)


# The pairs of name words (`name_pair_search`): a search of two words or more over a whole
# organisation, starting from the people holding its rarest word with each other word.


def test_each_two_words_of_the_names_are_stored_in_either_order():
    stored = indexes.name_token_indexes("Nguyễn Thị Hoà", "Bé")
    words = {
        indexes.blind_index(word, purpose=indexes.NAME_WORD)
        for word in ("nguyen", "thi", "hoa", "be")
    }
    pairs = stored - words
    assert words <= stored and len(pairs) == 6  # four words, six pairs
    assert set(indexes.name_pair_candidates("hoa", "nguyen")) <= pairs
    assert indexes.name_pair_candidates("hoa", "nguyen") == indexes.name_pair_candidates(
        "nguyen", "hoa"
    )
    assert set(indexes.name_pair_candidates("be", "thi")) <= pairs  # across the names
    # The same words in another order, and written another way, are the same tokens.
    assert indexes.name_token_indexes("Hoa NGUYEN Thi", "be") == stored


@pytest.mark.parametrize(
    "query",
    ["nguyen thi hoa", "hoa nguyen", "nguyn thi hao", "thi hoa", "vu thi lan", "hoang van duc"],
)
def test_the_pairs_find_the_exact_matches_the_words_find(staff, people, query):
    from donghanh.people.models import Person
    from donghanh.people.selectors import name_pair_search, name_search

    org = staff.organisation
    make_person(org, full_name="Nguyễn Thị Hao")  # one letter off "hoa"
    make_person(org, full_name="Nguyen Thi Hoq Lan")
    make_person(org, full_name="Nguyn Thi Hao")  # two words one letter off
    make_person(org, full_name="Hoa Nguyễn")
    make_person(staff.other_organisation, full_name="Nguyễn Thị Hao")
    ours = Person.objects.filter(organisation=org)
    words = name_search(query, organisation_id=org.pk)
    pairs = name_pair_search(query, organisation_id=org.pk, most=1000)
    assert words is not None and pairs is not None

    def found(condition):
        return set(Person.objects.filter(condition).values_list("pk", flat=True))

    assert (
        found(pairs.exact)
        == found(words.exact)
        == set(ours.filter(words.exact).values_list("pk", flat=True))
    )
    # Whichever word is the anchor, every person found holds each word of the search whole.
    for person in Person.objects.filter(pk__in=found(pairs.exact)):
        held = set(indexes.name_words(person.full_name, person.other_names))
        assert set(indexes.name_words(query)) <= held and pairs.anchor in held


def test_a_pair_search_starts_from_the_rarest_word_and_refuses_one_word_or_common_pairs(
    staff, people
):
    from donghanh.people.models import Person
    from donghanh.people.selectors import name_pair_search

    org = staff.organisation
    for _ in range(3):
        make_person(org, full_name="Nguyễn Thị Mai")
    search = name_pair_search("nguyen thi hoa", organisation_id=org.pk, most=1000)
    # "hoa" is held with "nguyen" by one person and with "thi" by two ("Trần Thị Hoà"), where
    # "nguyen" and "thi" together are held by four.
    assert search is not None and search.anchor == "hoa"
    assert name_pair_search("nguyen", organisation_id=org.pk, most=1000) is None
    assert name_pair_search("nguyen thi", organisation_id=org.pk, most=3) is None
    assert name_pair_search("nguyen thi", organisation_id=org.pk, most=4) is not None
    # Another organisation's people are never counted nor found: there, one person holds
    # each pair, so no word is rarer and the first is the anchor.
    other = name_pair_search(
        "nguyen thi hoa", organisation_id=staff.other_organisation.pk, most=1000
    )
    assert other is not None and other.anchor == "nguyen"
    found = Person.objects.filter(other.exact)
    assert list(found) == [people["other_org"]]
    # Here every word has a pair held by two people or more.
    assert name_pair_search("nguyen thi hoa", organisation_id=org.pk, most=1) is None
