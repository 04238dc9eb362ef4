"""The caseload: who sees which cases and people, filters, diacritic-free search, pages."""

from __future__ import annotations

import html
import re
from typing import Any

import pytest
from django.db import connection
from django.template import Context, Template
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from donghanh.audit.models import AuditEntry
from donghanh.cases import selectors
from donghanh.cases import services as case_services
from donghanh.cases.models import CaseType
from donghanh.cases.selectors import (
    case_number_prefix,
    caseload,
    caseload_listing,
    caseload_rows,
    cases_visible_to,
)
from donghanh.cases.tests.conftest import make_case, make_person
from donghanh.cases.views import PAGE_SIZE
from donghanh.core.actor import Actor
from donghanh.core.pagination import CappedPaginator
from donghanh.organisations.models import Membership
from donghanh.organisations.roles import Role
from donghanh.people.selectors import persons_search, persons_visible_to, possible_duplicates
from donghanh.testing.clients import searched
from donghanh.testing.factories import MembershipFactory


def _membership(staff, role):
    return Membership.objects.get(organisation=staff.organisation, user=staff.users[role])


@pytest.fixture
def caseload_setup(staff):
    worker = staff.users[Role.CASE_WORKER]
    org = staff.organisation
    hoa = make_person(org, worker, full_name="Nguyễn Thị Hoa")
    lan = make_person(org, worker, full_name="Võ Thị Lan")
    duc = make_person(org, None, full_name="Huỳnh Văn Đức", sex="male")
    cases = {
        "hoa": make_case(hoa, worker),
        "lan": make_case(lan, worker, case_type="sex_worker"),
        "duc": make_case(duc, staff.users[Role.SUPERVISOR], case_type="migrant_at_risk"),
        "other_org": make_case(make_person(staff.other_organisation)),
    }
    return cases


def _numbers(cases):
    return sorted(case.number for case in cases)


def test_case_worker_sees_only_assigned_cases(staff, caseload_setup):
    mine = cases_visible_to(_membership(staff, Role.CASE_WORKER))
    assert _numbers(mine) == _numbers([caseload_setup["hoa"], caseload_setup["lan"]])


def test_supervisor_and_admin_see_every_case_of_the_organisation(staff, caseload_setup):
    expected = _numbers([caseload_setup[key] for key in ("hoa", "lan", "duc")])
    for role in (Role.SUPERVISOR, Role.ORG_ADMIN):
        assert _numbers(cases_visible_to(_membership(staff, role))) == expected


def test_roles_without_case_access_see_no_case_and_no_person(staff, caseload_setup):
    for role in (Role.PROGRAMME_OFFICER, Role.DONOR_VIEWER, Role.CONTENT_EDITOR):
        membership = _membership(staff, role)
        assert not cases_visible_to(membership).exists()
        assert not persons_visible_to(membership).exists()


def test_case_worker_sees_the_people_of_their_cases_and_those_they_registered(
    staff, caseload_setup
):
    worker = staff.users[Role.CASE_WORKER]
    waiting = make_person(staff.organisation, worker, full_name="Lê Thị Mơ")  # no case yet
    colleagues = make_person(staff.organisation, None, full_name="Đinh Thị Xuân")  # no case
    visible = set(persons_visible_to(_membership(staff, Role.CASE_WORKER)))
    assert visible == {caseload_setup["hoa"].person, caseload_setup["lan"].person, waiting}
    assert colleagues not in visible
    # Once someone else opens a case for the person they registered, it follows the case.
    make_case(waiting, staff.users[Role.SUPERVISOR])
    assert waiting not in set(persons_visible_to(_membership(staff, Role.CASE_WORKER)))


def test_duplicates_of_records_a_case_worker_cannot_open_are_not_told(staff, caseload_setup):
    """Not even their existence: the organisation's supervisors get a duplicate notice once the
    person is registered (donghanh/people/tests/test_duplicate_notices.py)."""
    found = possible_duplicates(
        _membership(staff, Role.CASE_WORKER),
        full_name="Huynh Van Duc",
        date_of_birth=caseload_setup["duc"].person.date_of_birth,
    )
    assert found.visible == []
    assert not found


def test_person_search_is_scoped_by_cases(staff, caseload_setup):
    membership = _membership(staff, Role.CASE_WORKER)
    assert list(persons_search(membership, "huynh van duc")) == []
    assert [p.full_name for p in persons_search(membership, "vo lan")] == ["Võ Thị Lan"]


@pytest.mark.parametrize(
    ("filters", "expected"),
    [
        ({"query": "nguyen thi hoa"}, ["hoa"]),
        ({"query": "NGUYEN HOA"}, ["hoa"]),
        ({"query": "vu lan"}, ["lan"]),  # Vũ = Võ
        ({"query": "hoang duc"}, ["duc"]),  # Hoàng = Huỳnh
        ({"query": "thi"}, ["hoa", "lan"]),
        ({"query": "nguyen lan"}, []),
        ({"query": "nguyen thi hao"}, ["hoa"]),  # one letter off in a word still finds
        ({"query": "ngyuen hoa"}, ["hoa"]),
        ({"query": "vu lann"}, ["lan"]),
        ({"query": "vu thj lann"}, ["lan"]),  # a short word, two others one letter off
        ({"query": "vu thi hoa"}, []),
        ({"case_type": "sex_worker"}, ["lan"]),
        ({"status": "open"}, ["duc", "hoa", "lan"]),
        ({"status": "closed"}, []),
    ],
)
def test_caseload_filters(staff, caseload_setup, filters, expected):
    found = caseload(_membership(staff, Role.SUPERVISOR), **filters)
    assert _numbers(found) == _numbers([caseload_setup[key] for key in expected])


def test_caseload_filters_by_worker_and_number(staff, caseload_setup):
    supervisor = _membership(staff, Role.SUPERVISOR)
    worker = staff.users[Role.CASE_WORKER]
    assert _numbers(caseload(supervisor, worker_id=worker.pk)) == _numbers(
        [caseload_setup["hoa"], caseload_setup["lan"]]
    )
    number = caseload_setup["duc"].number
    assert _numbers(caseload(supervisor, query=number.lower())) == [number]


def test_case_numbers_count_per_organisation_and_year(staff, caseload_setup):
    numbers = _numbers([caseload_setup[key] for key in ("hoa", "lan", "duc")])
    prefix = case_number_prefix(staff.organisation)
    year = caseload_setup["hoa"].opened_on.year
    assert numbers == [f"{prefix}-{year}-000{n}" for n in (1, 2, 3)]
    assert caseload_setup["other_org"].number.endswith(f"-{year}-0001")


def test_case_number_prefix_is_readable(staff):
    organisation = staff.organisation
    for short_name, expected in [
        ("Bình Yên", "BY"),
        ("Ngôi nhà Bình yên", "NNBY"),
        ("CTXH 3", "CTXH3"),
        ("Đồng hành", "DH"),
    ]:
        organisation.short_name = short_name
        assert case_number_prefix(organisation) == expected


def _list(client, org, **params):
    """The caseload; a search is posted first, as the page's form does."""
    url = reverse("cases:case_list", kwargs={"org": org.slug})
    if "q" in params:
        return searched(client, url, params)
    return client.get(url, params)


def test_caseload_page_filters_and_shows_workers(staff, caseload_setup):
    client = staff.client(Role.SUPERVISOR)
    body = _list(client, staff.organisation, q="nguyen thi hoa").content.decode()
    assert caseload_setup["hoa"].number in body
    assert caseload_setup["lan"].number not in body
    assert staff.users[Role.CASE_WORKER].display_name in body
    body = _list(client, staff.organisation, case_type="migrant_at_risk").content.decode()
    assert caseload_setup["duc"].number in body and caseload_setup["hoa"].number not in body


def test_case_worker_caseload_page_is_theirs(staff, caseload_setup):
    url = reverse("cases:case_list", kwargs={"org": staff.organisation.slug})
    response = staff.client(Role.CASE_WORKER).get(url, HTTP_ACCEPT_LANGUAGE="en")
    body = response.content.decode()
    assert "My cases" in body
    assert caseload_setup["hoa"].number in body
    assert caseload_setup["duc"].number not in body and "Huỳnh Văn Đức" not in body


def test_caseload_is_paginated(staff):
    worker = staff.users[Role.CASE_WORKER]
    for number in range(PAGE_SIZE + 2):
        make_case(make_person(staff.organisation, worker, full_name=f"Lê Thị Mai {number}"), worker)
    client = staff.client(Role.CASE_WORKER)
    first = _list(client, staff.organisation, q="le mai")
    assert first.context["page"].paginator.count == PAGE_SIZE + 2
    assert len(first.context["page"].object_list) == PAGE_SIZE
    next_link = re.search(r'href="([^"]*page=2[^"]*)"', first.content.decode())
    assert next_link and "search=" in next_link.group(1) and "mai" not in next_link.group(1)
    url = reverse("cases:case_list", kwargs={"org": staff.organisation.slug})
    second = client.get(url + html.unescape(next_link.group(1)))
    assert len(second.context["page"].object_list) == 2


def test_the_count_stops_at_the_cap_and_is_exact_when_asked(staff, settings):
    settings.CASELOAD_COUNT_CAP = 3
    worker = staff.users[Role.CASE_WORKER]
    client = staff.client(Role.SUPERVISOR)
    for number in range(3):
        make_case(make_person(staff.organisation, worker, full_name=f"Lê Thị Mai {number}"), worker)
    at_cap = _list(client, staff.organisation)
    body = at_cap.content.decode()
    assert (
        at_cap.context["page"].paginator.count == 3 and not at_cap.context["page"].paginator.capped
    )
    assert (
        '<p role="status">3 trường hợp' in body and "Hơn" not in body and "count=exact" not in body
    )
    make_case(make_person(staff.organisation, worker, full_name="Lê Thị Mai 3"), worker)
    over = _list(client, staff.organisation)
    body = over.content.decode()
    assert over.context["page"].paginator.capped
    assert '<p role="status">Hơn 3 trường hợp' in body
    link = re.search(r'<a href="([^"]*count=exact[^"]*)">Đếm chính xác</a>', body)
    assert link
    exact = client.get(
        reverse("cases:case_list", kwargs={"org": staff.organisation.slug})
        + html.unescape(link.group(1))
    )
    assert exact.context["page"].paginator.count == 4
    assert '<p role="status">4 trường hợp' in exact.content.decode()


def test_a_name_search_counts_to_the_cap_as_its_page_is_read(staff, settings):
    """A name search ranking every match (a case worker's: `caseload_name_search_newest` is for
    those who see the whole organisation) reads its page's keys and counts them in one query
    (`caseload_name_ranked`, or keys first past the cap): the cap is shown as for the plain
    list, exact at the cap, "more than" past it, exact when asked."""
    settings.CASELOAD_COUNT_CAP = 3
    worker = staff.users[Role.CASE_WORKER]
    client = staff.client(Role.CASE_WORKER)
    for number in range(3):
        make_case(make_person(staff.organisation, worker, full_name=f"Lê Thị Mai {number}"), worker)
    make_case(make_person(staff.organisation, worker, full_name="Trần Văn Nam"), worker)
    at_cap = _list(client, staff.organisation, q="le thi mai")
    body = at_cap.content.decode()
    assert at_cap.context["page"].paginator.count == 3
    assert not at_cap.context["page"].paginator.capped
    assert '<p role="status">3 trường hợp' in body and "Hơn" not in body
    make_case(make_person(staff.organisation, worker, full_name="Lê Thị Mai 3"), worker)
    over = _list(client, staff.organisation, q="le thi mai")
    body = over.content.decode()
    assert over.context["page"].paginator.keys_first
    assert over.context["page"].paginator.capped and over.context["page"].paginator.count == 4
    assert '<p role="status">Hơn 3 trường hợp' in body
    assert len(over.context["page"].object_list) == 4  # all on the one page, none left out
    link = re.search(r'<a href="([^"]*count=exact[^"]*)">Đếm chính xác</a>', body)
    assert link
    exact = client.get(
        reverse("cases:case_list", kwargs={"org": staff.organisation.slug})
        + html.unescape(link.group(1))
    )
    assert exact.context["page"].paginator.count == 4
    assert '<p role="status">4 trường hợp' in exact.content.decode()


def _row(case):
    workers = [(a.user_id, a.user.display_name) for a in case.assignment_list]
    team = case.team.name if case.team else None
    return (case.pk, case.number, case.person.full_name, case.status, case.opened_on, team, workers)


def test_caseload_rows_read_any_number_of_keys_with_their_workers(staff):
    worker = staff.users[Role.CASE_WORKER]
    helper = staff.users[Role.SUPERVISOR]
    cases = [
        make_case(make_person(staff.organisation, worker, full_name=f"Lê Thị Mai {n}"), worker)
        for n in range(2 * PAGE_SIZE + 3)
    ]
    case_services.case_assign(case=cases[-1], workers=[helper], actor=Actor.for_user(helper))
    membership = Membership.objects.get(user=helper)
    expected = {case.pk: _row(case) for case in caseload(membership)}
    for keys in ([c.pk for c in cases], [cases[-1].pk, cases[0].pk], [cases[3].pk, -1]):
        with CaptureQueriesContext(connection) as context:
            rows = caseload_rows(keys)
        assert sorted(_row(case) for case in rows) == sorted(
            expected[key] for key in keys if key in expected
        )
        batches = (len(keys) + selectors._ROWS_AT_ONCE - 1) // selectors._ROWS_AT_ONCE
        assert len(context.captured_queries) == 2 * batches  # the rows, their workers
    assert caseload_rows([]) == []


@pytest.mark.parametrize("cap", [None, 10_000, PAGE_SIZE + 3])
def test_keys_first_pages_hold_the_same_cases_in_the_same_order(staff, cap):
    worker = staff.users[Role.CASE_WORKER]
    # Exact matches ("mai") and near ones ("mau", "may") mixed, updated at different times.
    for number in range(2 * PAGE_SIZE + 5):
        name = ("Lê Thị Mai", "Lê Thị Mau", "Lê Văn May")[number % 3]
        make_case(make_person(staff.organisation, worker, full_name=f"{name} {number}"), worker)
    membership = Membership.objects.get(user=staff.users[Role.SUPERVISOR])
    for asked in ("1", "2", "3", "4", "x", "0"):
        plain = CappedPaginator(caseload(membership, query="le mai"), PAGE_SIZE, cap=cap)
        keyed = CappedPaginator(
            caseload(membership, query="le mai"), PAGE_SIZE, cap=cap, keys_first=True
        )
        # As the page reads them: by their keys, without the search's filters, with workers.
        by_rows = CappedPaginator(
            caseload(membership, query="le mai").prefetch_related(None),
            PAGE_SIZE,
            cap=cap,
            keys_first=True,
            rows=caseload_rows,
        )
        plain_page, keyed_page = plain.get_page(asked), keyed.get_page(asked)
        rows_page = by_rows.get_page(asked)
        assert keyed_page.number == plain_page.number == rows_page.number
        assert keyed.count == plain.count == by_rows.count
        assert [case.pk for case in keyed_page] == [case.pk for case in plain_page]
        assert [case.pk for case in rows_page] == [case.pk for case in plain_page]
        assert [_row(case) for case in rows_page] == [_row(case) for case in plain_page]
    assert plain.count == min(2 * PAGE_SIZE + 5, (cap or 10**6) + 1)


def test_the_cap_is_written_as_people_write_numbers(staff, settings):
    settings.CASELOAD_COUNT_CAP = 10_000
    client = staff.client(Role.SUPERVISOR)
    page = _list(client, staff.organisation).context["page"]
    assert page.paginator.cap == 10_000 and not page.paginator.capped
    text = Template('{{ cap|floatformat:"g" }}').render(Context({"cap": 10_000}))
    assert text == "10.000"


def _queries_for_list(client, org, **params):
    address = _list(client, org, **params).request  # a search is posted once, then shown
    url = address["PATH_INFO"] + ("?" + address["QUERY_STRING"] if address["QUERY_STRING"] else "")
    client.get(url)  # warm up the session bookkeeping
    with CaptureQueriesContext(connection) as context:
        response = client.get(url)
    assert response.status_code == 200
    return len(context.captured_queries)


# session, user, 2FA device, memberships, the worker filter's members, the team filter's
# teams, count (capped), page, the page's workers, and the audit row of the list read (with its
# savepoint), search or not. The search terms come from the session already read: a search
# adds no query to find them. The provinces are read once per process, and the session is
# written only when it changed (its last activity is noted once a minute).
EXPECTED_CASELOAD_QUERIES = 12


@pytest.mark.parametrize(
    ("role", "params", "extra"),
    [
        (Role.SUPERVISOR, {}, 0),
        (Role.CASE_WORKER, {}, 0),
        (Role.SUPERVISOR, {"q": "le mai", "status": "open"}, 0),
    ],
)
def test_caseload_query_count_is_pinned(staff, role, params, extra):
    worker = staff.users[Role.CASE_WORKER]
    helper = MembershipFactory(organisation=staff.organisation, role=Role.COLLABORATOR).user
    client = staff.client(role)
    for number in range(2):
        make_case(make_person(staff.organisation, worker, full_name=f"Lê Thị Mai {number}"), worker)
    few = _queries_for_list(client, staff.organisation, **params)
    for number in range(PAGE_SIZE):
        case = make_case(
            make_person(staff.organisation, worker, full_name=f"Lê Thị Mai x{number}"), worker
        )
        case_services.case_assign(case=case, workers=[worker, helper], actor=Actor.for_user(None))
    many = _queries_for_list(client, staff.organisation, **params)
    assert few == many == EXPECTED_CASELOAD_QUERIES + extra


def _queries_for(client, url):
    client.get(url)  # warm up the session bookkeeping
    with CaptureQueriesContext(connection) as context:
        response = client.get(url)
    assert response.status_code == 200
    return len(context.captured_queries)


# session, user, 2FA device, memberships, the case, its VIEW audit row (with its savepoint),
# and one statement for everything else the page shows: the case's workers, named users and
# history, the support rules and rates of her law and group, her consents to case management,
# and the reads of the sections other apps add (the duplicates note, referrals, case work,
# livelihood, attachments), whatever the case holds. The session is not written (nothing
# changed).
EXPECTED_CASE_PAGE_QUERIES = 5 + 3 + 1
# A restricted case's named users are read in that same statement.
RESTRICTED_CASE_PAGE_QUERIES = EXPECTED_CASE_PAGE_QUERIES


def test_case_page_query_count_is_pinned(staff, case):
    from donghanh.cases.tests.conftest import identify

    client = staff.client(Role.SUPERVISOR)
    url = reverse("cases:case_detail", kwargs={"org": staff.organisation.slug, "case_id": case.pk})
    case = identify(case, case.intake_date)
    few = _queries_for(client, url)
    helpers = [
        MembershipFactory(organisation=staff.organisation, role=Role.CASE_WORKER).user
        for _ in range(3)
    ]
    supervisor = staff.users[Role.SUPERVISOR]
    case_services.case_assign(
        case=case, workers=[supervisor, *helpers], actor=Actor.for_user(supervisor)
    )
    case_services.case_restrict(
        case=case, named_users=[supervisor, *helpers], actor=Actor.for_user(supervisor)
    )
    for _ in range(2):
        case = case_services.case_closure_request(
            case=case,
            reason="other",
            reintegration_outcome="unknown",
            actor=Actor.for_user(supervisor),
        )
        case = case_services.case_closure_decide(
            case=case, approve=False, note="Chưa", actor=Actor.for_user(supervisor)
        )
    many = _queries_for(client, url)
    assert few == EXPECTED_CASE_PAGE_QUERIES
    assert many == RESTRICTED_CASE_PAGE_QUERIES


def test_caseload_filters_by_province_and_overdue_work(staff):
    import datetime

    from donghanh.casework.services import follow_up_plan
    from donghanh.places.models import Commune

    worker = staff.users[Role.CASE_WORKER]
    ha_tinh = Commune.objects.filter(province_id="42").first()
    hanoi = Commune.objects.filter(province_id="01").first()
    in_ha_tinh = make_case(
        make_person(staff.organisation, worker, full_name="Hồ Thị Vân", current_commune=ha_tinh),
        worker,
    )
    in_hanoi = make_case(
        make_person(staff.organisation, worker, full_name="Lý Văn Tư", current_commune=hanoi),
        worker,
    )
    membership = _membership(staff, Role.SUPERVISOR)
    assert list(caseload(membership, province="42")) == [in_ha_tinh]

    follow_up_plan(
        case=in_hanoi,
        planned_on=datetime.date.today() - datetime.timedelta(days=3),
        method="phone",
        actor=Actor.for_user(worker),
    )
    assert list(caseload(membership, overdue=True)) == [in_hanoi]


def test_caseload_province_matches_where_the_person_lives_or_where_the_journey_began(staff):
    from donghanh.cases.models import Case
    from donghanh.places.models import Commune

    worker = staff.users[Role.CASE_WORKER]
    ha_tinh = Commune.objects.filter(province_id="42").first()
    hanoi = Commune.objects.filter(province_id="01").first()
    ho_chi_minh = Commune.objects.filter(province_id="79").first()

    def case_of(organisation, name, lives_in, left_from):
        case = make_case(
            make_person(organisation, worker, full_name=name, current_commune=lives_in), worker
        )
        Case.objects.filter(pk=case.pk).update(origin_commune=left_from)
        return case

    # Lives in Hà Tĩnh now, left from Hà Nội; and the other way round: each province finds both.
    lives_ha_tinh = case_of(staff.organisation, "Hồ Thị Vân", ha_tinh, hanoi)
    left_ha_tinh = case_of(staff.organisation, "Lý Văn Tư", hanoi, ha_tinh)
    # Neither here nor there, or nowhere known.
    case_of(staff.organisation, "Đặng Thị Hồng", ho_chi_minh, ho_chi_minh)
    case_of(staff.organisation, "Mai Văn Sơn", None, None)
    # Another organisation's case from Hà Tĩnh stays out.
    case_of(staff.other_organisation, "Võ Thị Lan", ha_tinh, ha_tinh)

    membership = _membership(staff, Role.SUPERVISOR)
    both = {lives_ha_tinh.pk, left_ha_tinh.pk}
    assert {case.pk for case in caseload(membership, province="42")} == both
    assert {case.pk for case in caseload(membership, province="01")} == both
    assert caseload(membership, province="42").count() == 2
    assert caseload(membership, province="48").count() == 0


def test_the_caseload_listing_gives_what_the_caseload_gives_whatever_the_filters(
    staff, caseload_setup, monkeypatch
):
    import datetime

    from donghanh.casework.services import follow_up_plan
    from donghanh.places.models import Commune

    worker = staff.users[Role.CASE_WORKER]
    ha_tinh = Commune.objects.filter(province_id="42").first()
    in_ha_tinh = make_case(
        make_person(staff.organisation, worker, full_name="Hồ Thị Vân", current_commune=ha_tinh),
        worker,
    )
    today = datetime.date.today()
    follow_up_plan(
        case=caseload_setup["lan"],
        planned_on=today + datetime.timedelta(days=2),
        method="phone",
        actor=Actor.for_user(worker),
    )
    everyone = {"case_type": "", "status": "", "worker_id": None, "team_id": None}
    for role in (Role.SUPERVISOR, Role.CASE_WORKER, Role.ORG_ADMIN):
        membership = _membership(staff, role)
        for filters in [
            {},
            {"case_type": "sex_worker"},
            {"status": "open"},
            {"status": "closed"},
            {"province": "42"},
            {"worker_id": worker.pk},
            {"team_id": -1},
            {"overdue": True},
            {"status": "open", "province": "42", "worker_id": worker.pk},
        ]:
            expected = list(caseload(membership, **filters).values_list("pk", flat=True))
            listing = caseload_listing(membership, cap=None, **{**everyone, **filters})
            assert listing.count() == len(expected), (role, filters)
            assert [case.pk for case in listing[0:PAGE_SIZE]] == expected, (role, filters)
            assert [case.pk for case in listing[1:2]] == expected[1:2]
            assert caseload_listing(membership, cap=0, **filters).count() == min(len(expected), 1)
    membership = _membership(staff, Role.SUPERVISOR)
    assert [case.pk for case in caseload_listing(membership, cap=None, province="42")[0:5]] == [
        in_ha_tinh.pk
    ]
    # Compiled on one day, the overdue filter is the day's it is read on.
    assert caseload_listing(membership, cap=None, overdue=True).count() == 0
    later = today + datetime.timedelta(days=3)
    monkeypatch.setattr(selectors.timezone, "localdate", lambda: later)
    overdue = caseload_listing(membership, cap=None, overdue=True)
    assert [case.pk for case in overdue[0:5]] == [caseload_setup["lan"].pk]


def test_the_worker_filter_offers_the_workers_of_the_cases_the_member_sees(staff):
    """A case worker is offered the workers of the cases they see, and every worker they are
    not offered would filter their caseload to nothing; a supervisor is offered everyone who
    can work on cases. A restricted case the member is not named on offers none of its own."""
    org = staff.organisation
    worker, supervisor = staff.users[Role.CASE_WORKER], staff.users[Role.SUPERVISOR]
    others: list[Any] = [
        MembershipFactory(organisation=org, role=Role.CASE_WORKER).user for _ in range(3)
    ]
    beside, restricted_only, elsewhere = others
    shared = make_case(make_person(org, worker, full_name="Đào Thị Hạnh"), worker)
    case_services.case_assign(
        case=shared, workers=[worker, beside], actor=Actor.for_user(supervisor)
    )
    hidden = make_case(make_person(org, worker, full_name="Lò Thị Dợ"), worker)
    case_services.case_assign(
        case=hidden, workers=[worker, restricted_only], actor=Actor.for_user(supervisor)
    )
    case_services.case_restrict(
        case=hidden, named_users=[supervisor, restricted_only], actor=Actor.for_user(supervisor)
    )
    make_case(make_person(org, elsewhere, full_name="Sùng Văn Páo", sex="male"), elsewhere)

    member = _membership(staff, Role.CASE_WORKER)
    offered = dict(selectors.caseload_worker_choices(member))
    assert set(offered) == {worker.pk, beside.pk}
    assert offered[beside.pk] == beside.display_name
    everyone = list(selectors.assignable_members(org.pk).values_list("user_id", flat=True))
    assert {restricted_only.pk, elsewhere.pk, supervisor.pk} <= set(everyone)
    for user_id in everyone:
        found = caseload(member, worker_id=user_id).exists()
        assert found == (user_id in offered), user_id

    chief = _membership(staff, Role.SUPERVISOR)
    assert [user_id for user_id, _name in selectors.caseload_worker_choices(chief)] == everyone
    # The page offers the same choices, and refuses none of them.
    client = staff.client(Role.CASE_WORKER)
    form = _list(client, org, worker=str(beside.pk)).context["form"]
    assert [value for value, _label in form.fields["worker"].choices][1:] == list(offered)
    assert form.is_valid() and form.cleaned_data["worker"] == beside.pk


# A name common among many cases, read newest first (`caseload_name_search_newest`).
_COMMON = ("Nguyễn Thị Hoa", "Nguyễn Thị Hao", "Phạm Văn Đức")  # exact, one letter off, other


@pytest.fixture
def common_name_cases(staff):
    """120 cases, one name in three of each of `_COMMON` in turn; the newest ranked by id."""
    worker = staff.users[Role.CASE_WORKER]
    return [
        make_case(make_person(staff.organisation, worker, full_name=_COMMON[n % 3]), worker)
        for n in range(120)
    ]


def _ranked(membership, query, **filters):
    return list(caseload(membership, query=query, **filters).values_list("pk", flat=True))


def test_a_common_name_read_newest_first_gives_the_ranked_pages_and_estimates_the_count(
    staff, common_name_cases, settings, monkeypatch
):
    monkeypatch.setattr(selectors, "_NEWEST_STEPS", (6, 30, 60))
    monkeypatch.setattr(selectors, "_NEWEST_SAMPLE", 0)
    postgresql = connection.vendor == "postgresql"
    if postgresql:  # the planner's estimate of the filtered cases, as after autovacuum
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE cases_case")
    supervisor = _membership(staff, Role.SUPERVISOR)
    ranked = _ranked(supervisor, "nguyen thi hoa")
    assert len(ranked) == 80  # the 40 exact first, then the 40 one letter off
    # The 120 filtered cases counted (50 < 120 < 5 × 50), or on PostgreSQL taken from its
    # estimate when far past the number read whole (120 > 5 × 10).
    for exact_below in (50, 10):
        settings.CASELOAD_NAME_SEARCH_EXACT_BELOW = exact_below
        for number in (1, 2, 3):
            found = selectors.caseload_name_search_newest(
                supervisor, query="nguyen thi hoa", number=number, per_page=4, cap=10_000
            )
            assert found is not None and found.estimated and found.more and not found.at_least
            assert found.keys == ranked[(number - 1) * 4 : number * 4]
            # The share of matches among the cases read (two in three), times the 120.
            assert 70 <= found.count <= 90
    # The share of matches is estimated from at least `_NEWEST_SAMPLE` cases: here all 120.
    monkeypatch.setattr(selectors, "_NEWEST_SAMPLE", 200)
    sampled = selectors.caseload_name_search_newest(
        supervisor, query="nguyen thi hoa", number=1, per_page=4, cap=10_000
    )
    assert sampled is not None and not sampled.estimated and sampled.count == 80
    assert sampled.keys == ranked[:4]
    monkeypatch.setattr(selectors, "_NEWEST_SAMPLE", 0)
    # Counted under a cap of 60: "or more", unless PostgreSQL's estimate says how many more.
    settings.CASELOAD_NAME_SEARCH_EXACT_BELOW = 50
    capped = selectors.caseload_name_search_newest(
        supervisor, query="nguyen thi hoa", number=1, per_page=4, cap=60
    )
    assert capped is not None and capped.keys == ranked[:4]
    if postgresql:
        assert not capped.at_least and 60 <= capped.count <= 100
    else:
        assert capped.at_least and 35 <= capped.count <= 45  # two in three of the 61 counted


def test_a_name_search_read_to_the_end_is_exact_and_ranks_near_matches_after(
    staff, common_name_cases, settings, monkeypatch
):
    supervisor = _membership(staff, Role.SUPERVISOR)
    ranked = _ranked(supervisor, "nguyen thi hoa")
    # Every filtered case read in the first step: exact, near matches after the exact ones.
    monkeypatch.setattr(selectors, "_NEWEST_STEPS", (200,))
    for number in (1, 10, 11, 20, 21):
        found = selectors.caseload_name_search_newest(
            supervisor, query="nguyen thi hoa", number=number, per_page=4, cap=10_000
        )
        assert found is not None and not found.estimated and found.count == 80
        assert found.keys == ranked[(number - 1) * 4 : number * 4]
        assert found.more == (number < 20)
    # The page found early, but the filters keep few cases: read to the end, counted exactly.
    monkeypatch.setattr(selectors, "_NEWEST_STEPS", (6, 30, 60))
    monkeypatch.setattr(selectors, "_NEWEST_SAMPLE", 0)
    settings.CASELOAD_NAME_SEARCH_EXACT_BELOW = 500
    found = selectors.caseload_name_search_newest(
        supervisor, query="nguyen thi hoa", number=2, per_page=4, cap=10_000
    )
    assert found is not None and not found.estimated and found.count == 80
    assert found.keys == ranked[4:8]


def test_a_rare_name_a_case_number_or_a_case_worker_ranks_every_match_instead(
    staff, common_name_cases, settings, monkeypatch
):
    monkeypatch.setattr(selectors, "_NEWEST_STEPS", (6, 30, 60))
    monkeypatch.setattr(selectors, "_NEWEST_SAMPLE", 0)
    settings.CASELOAD_NAME_SEARCH_EXACT_BELOW = 50
    supervisor = _membership(staff, Role.SUPERVISOR)
    rare = make_case(
        make_person(staff.organisation, staff.users[Role.CASE_WORKER], full_name="Lò Văn Páo")
    )

    def newest(membership, query):
        return selectors.caseload_name_search_newest(
            membership, query=query, number=1, per_page=4, cap=10_000
        )

    assert newest(supervisor, "lo van pao") is None  # one match among 121: not found early
    assert _ranked(supervisor, "lo van pao") == [rare.pk]
    assert newest(supervisor, rare.number) is None
    assert newest(_membership(staff, Role.CASE_WORKER), "nguyen thi hoa") is None
    # The filters apply before the name: among the 40 "Phạm Văn Đức", no Hoa.
    assert newest(supervisor, "nguyen thi hoa phạm") is None


def test_a_restricted_case_is_not_read_by_a_newest_first_search(
    staff, common_name_cases, settings, monkeypatch
):
    monkeypatch.setattr(selectors, "_NEWEST_STEPS", (6, 30, 60))
    monkeypatch.setattr(selectors, "_NEWEST_SAMPLE", 0)
    settings.CASELOAD_NAME_SEARCH_EXACT_BELOW = 50
    admin = staff.users[Role.ORG_ADMIN]
    newest_hoa = common_name_cases[-3]  # the newest exact match
    case_services.case_restrict(case=newest_hoa, named_users=[admin], actor=Actor.for_user(admin))
    supervisor = _membership(staff, Role.SUPERVISOR)
    found = selectors.caseload_name_search_newest(
        supervisor, query="nguyen thi hoa", number=1, per_page=4, cap=10_000
    )
    assert found is not None and newest_hoa.pk not in found.keys
    assert found.keys == _ranked(supervisor, "nguyen thi hoa")[:4]
    by_admin = selectors.caseload_name_search_newest(
        _membership(staff, Role.ORG_ADMIN), query="nguyen thi hoa", number=1, per_page=4, cap=10_000
    )
    assert by_admin is not None and by_admin.keys[0] == newest_hoa.pk


# A rarer name, not among the newest cases: from the pairs of its words (`_by_pairs`).
_RARE = (
    ["Sùng Văn Páo"] * 10  # exact
    + ["Sùng Văn Páu"] * 5  # one letter off in one word
    + ["Sunh Vn Páo", "Sunh Văn Páu"]  # off in two words
)


@pytest.fixture
def rare_name_cases(staff):
    """The `_RARE` cases (the newest exact match a migrant's, the others a trafficking
    victim's), then 40 newer cases of other names; oldest first."""
    worker = staff.users[Role.CASE_WORKER]
    rare = [
        make_case(
            make_person(staff.organisation, worker, full_name=name),
            worker,
            case_type=CaseType.MIGRANT_AT_RISK if n == 9 else CaseType.TRAFFICKING_VICTIM,
        )
        for n, name in enumerate(_RARE)
    ]
    for n in range(40):
        make_case(make_person(staff.organisation, worker, full_name=_COMMON[n % 3]), worker)
    return rare


def _newest(membership, query, number, **filters):
    return selectors.caseload_name_search_newest(
        membership, query=query, number=number, per_page=4, cap=10_000, **filters
    )


def test_a_rarer_name_is_paged_from_its_pairs_as_the_ranked_search_pages_it(
    staff, rare_name_cases, settings, monkeypatch
):
    monkeypatch.setattr(selectors, "_NEWEST_STEPS", (6, 30, 60))
    monkeypatch.setattr(selectors, "_NEWEST_SAMPLE", 0)
    settings.CASELOAD_NAME_SEARCH_EXACT_BELOW = 50
    supervisor = _membership(staff, Role.SUPERVISOR)
    ranked = _ranked(supervisor, "sung van pao")
    assert len(ranked) == 17  # 10 exact, then the 7 one letter off in a word or two
    for number in (1, 2):  # the pages within the exact matches
        found = _newest(supervisor, "sung van pao", number)
        assert found is not None and found.estimated and found.more and not found.at_least
        assert found.keys == ranked[(number - 1) * 4 : number * 4]
        assert found.exact_only and found.count == 10  # the exact matches, counted
    # The third page reaches past the exact matches: the ranked search, which finds all 17.
    assert _newest(supervisor, "sung van pao", 3) is None
    # The filters apply before the name: a case of another type is not among them.
    other_type = rare_name_cases[9]  # the newest exact match, a migrant's
    victims = _newest(supervisor, "sung van pao", 1, case_type=CaseType.TRAFFICKING_VICTIM)
    assert victims is not None and other_type.pk not in victims.keys
    assert (
        victims.keys
        == _ranked(supervisor, "sung van pao", case_type=CaseType.TRAFFICKING_VICTIM)[:4]
    )
    assert victims.count == 9
    # Pairs held by more people than `CASELOAD_NAME_PAIR_MOST` save nothing: ranked instead.
    settings.CASELOAD_NAME_PAIR_MOST = 9
    assert _newest(supervisor, "sung van pao", 1) is None


def test_a_restricted_case_is_not_read_by_a_search_from_the_pairs(
    staff, rare_name_cases, settings, monkeypatch
):
    monkeypatch.setattr(selectors, "_NEWEST_STEPS", (6, 30, 60))
    monkeypatch.setattr(selectors, "_NEWEST_SAMPLE", 0)
    admin = staff.users[Role.ORG_ADMIN]
    hidden = rare_name_cases[9]  # the newest exact match
    case_services.case_restrict(case=hidden, named_users=[admin], actor=Actor.for_user(admin))
    supervisor = _membership(staff, Role.SUPERVISOR)
    found = _newest(supervisor, "sung van pao", 1)
    assert found is not None and hidden.pk not in found.keys
    # The 9 exact matches the supervisor may see.
    assert found.keys == _ranked(supervisor, "sung van pao")[:4] and found.count == 9
    by_admin = _newest(_membership(staff, Role.ORG_ADMIN), "sung van pao", 1)
    assert by_admin is not None and by_admin.keys[0] == hidden.pk and by_admin.count == 10


def test_the_caseload_page_says_about_how_many_and_counts_exactly_when_asked(
    staff, common_name_cases, settings, monkeypatch
):
    monkeypatch.setattr(selectors, "_NEWEST_STEPS", (10, 80, 100))
    monkeypatch.setattr(selectors, "_NEWEST_SAMPLE", 0)
    settings.CASELOAD_NAME_SEARCH_EXACT_BELOW = 50
    client = staff.client(Role.SUPERVISOR)
    ranked = _ranked(_membership(staff, Role.SUPERVISOR), "nguyen thi hoa")
    response = _list(client, staff.organisation, q="nguyen thi hoa")
    page = response.context["page"]
    body = response.content.decode()
    assert page.paginator.estimated and [case.pk for case in page] == ranked[:PAGE_SIZE]
    assert "Nguyễn Thị Hoa" in body and "Nguyễn Thị Hao" not in body
    assert re.search(r'<p role="status">Khoảng 80 trường hợp · <a href="[^"]*count=exact', body)
    assert "<span>Trang 1</span>" in body and 'rel="next"' in body
    link = re.search(r'<a href="([^"]*count=exact[^"]*)">Đếm chính xác</a>', body)
    assert link
    exact = client.get(
        reverse("cases:case_list", kwargs={"org": staff.organisation.slug})
        + html.unescape(link.group(1))
    )
    assert not getattr(exact.context["page"].paginator, "estimated", False)
    assert exact.context["page"].paginator.count == 80
    assert '<p role="status">80 trường hợp' in exact.content.decode()
    # The next page continues the ranking; in English, the estimate is said in English.
    nxt = re.search(r'<a href="([^"]*page=2[^"]*)" rel="next"', body)
    assert nxt
    second = client.get(
        reverse("cases:case_list", kwargs={"org": staff.organisation.slug})
        + html.unescape(nxt.group(1)),
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert [case.pk for case in second.context["page"]] == ranked[PAGE_SIZE : 2 * PAGE_SIZE]


def test_with_a_province_among_many_cases_a_rarer_name_comes_from_its_pairs_first(
    staff, rare_name_cases, monkeypatch
):
    """Few of the newest cases are of one province: when PostgreSQL estimates many cases, the
    pairs of the name's words are tried before any case is read newest first; among few (or
    without an estimate) the cases are read, and counted whole when all are read."""
    from donghanh.people.models import Person
    from donghanh.places.models import Commune

    commune = Commune.objects.order_by("code").first()
    assert commune is not None
    there = [case.person_id for case in rare_name_cases[2:8]]  # six exact matches
    Person.objects.filter(pk__in=[*there, rare_name_cases[12].person_id]).update(
        current_commune=commune
    )
    province = commune.province_id
    steps: list[int] = []
    read_more = selectors._NewestScan.read_more

    def reading(scan, step):
        steps.append(step)
        return read_more(scan, step)

    monkeypatch.setattr(selectors._NewestScan, "read_more", reading)
    monkeypatch.setattr(selectors, "_NEWEST_STEPS", (6, 30, 60))
    monkeypatch.setattr(selectors, "_NEWEST_SAMPLE", 0)
    supervisor = _membership(staff, Role.SUPERVISOR)
    ranked = _ranked(supervisor, "sung van pao", province=province)
    assert len(ranked) == 7  # six exact, one a letter off
    monkeypatch.setattr(selectors._NewestScan, "planned_rows", 1_000_000)
    found = _newest(supervisor, "sung van pao", 1, province=province)
    assert found is not None and found.exact_only and found.count == 6
    assert found.keys == ranked[:4] and steps == []
    # Fewer exact matches than a page: every match ranked (None), still without reading.
    fewer = selectors.caseload_name_search_newest(
        supervisor, query="sung van pao", number=1, per_page=10, cap=10_000, province=province
    )
    assert fewer is None and steps == []
    # Without a province the newest cases are read first, as before.
    assert _newest(supervisor, "sung van pao", 1) is not None and steps
    # Among few cases they are read, all of them here: every match, counted whole.
    steps.clear()
    monkeypatch.setattr(selectors._NewestScan, "planned_rows", 50)
    whole = _newest(supervisor, "sung van pao", 1, province=province)
    assert whole is not None and steps and not whole.estimated and not whole.exact_only
    assert whole.keys == ranked[:4] and whole.count == 7


def test_the_caseload_page_counts_the_exact_name_and_every_match_when_asked(
    staff, rare_name_cases, monkeypatch
):
    monkeypatch.setattr(selectors, "_NEWEST_STEPS", (6, 30, 60))
    monkeypatch.setattr(selectors, "_NEWEST_SAMPLE", 0)
    client = staff.client(Role.SUPERVISOR)
    ranked = _ranked(_membership(staff, Role.SUPERVISOR), "sung van pao")
    # 10 exact matches are fewer than a page of 25: ranked and counted whole.
    whole = _list(client, staff.organisation, q="sung van pao")
    assert [case.pk for case in whole.context["page"]] == ranked
    assert '<p role="status">17 trường hợp</p>' in whole.content.decode()
    # With pages of 4, the first is of exact matches, and only they are counted.
    monkeypatch.setattr("donghanh.cases.views.PAGE_SIZE", 4)
    response = _list(client, staff.organisation, q="sung van pao")
    body = response.content.decode()
    assert [case.pk for case in response.context["page"]] == ranked[:4]
    assert re.search(
        r'<p role="status">10 trường hợp đúng tên · <a href="[^"]*count=exact[^"]*">'
        r"Đếm cả tên gần giống</a></p>",
        body,
    )
    assert "<span>Trang 1</span>" in body
    # The list's audit row says how many it showed of how many exact matches.
    listed = AuditEntry.objects.filter(event="case.searched").latest("pk")
    assert (listed.details["shown"], listed.details["count"]) == (4, 10)
    address = response.wsgi_request.get_full_path()
    english = client.get(address, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "10 cases with the exact name · " in english and "Count similar names too</a>" in english
    link = re.search(r'<a href="([^"]*count=exact[^"]*)">Đếm cả tên gần giống</a>', body)
    assert link
    counted = client.get(
        reverse("cases:case_list", kwargs={"org": staff.organisation.slug})
        + html.unescape(link.group(1))
    )
    assert '<p role="status">17 trường hợp</p>' in counted.content.decode()
    assert [case.pk for case in counted.context["page"]] == ranked[:4]


def _pair_queries(queries: list[dict[str, Any]]) -> dict[str, int]:
    """How many of the captured queries count the pairs of a name's words, and read a page of
    exact matches from them."""
    return {
        "counts": sum('"pair_token"' in query["sql"] for query in queries),
        "pages": sum('"name_pair_0"' in query["sql"] for query in queries),
    }


def test_a_rarer_name_asks_its_pair_counts_once_and_reads_no_page_it_cannot_fill(
    staff, rare_name_cases, monkeypatch
):
    """The pairs of a name's words are counted once for every step of a caseload search: the
    newest cases read, the page from the pairs, the ranked search. When no more people hold
    the rarest pair than the pages up to the one asked for show, no page is read from the
    pairs: every match is ranked at once."""
    monkeypatch.setattr(selectors, "_NEWEST_STEPS", (6, 30, 60))
    monkeypatch.setattr(selectors, "_NEWEST_SAMPLE", 0)
    client = staff.client(Role.SUPERVISOR)
    ranked = _ranked(_membership(staff, Role.SUPERVISOR), "sung van pao")
    # 10 people hold "sung van pao" whole, fewer than a page of 25: ranked, counted once.
    with CaptureQueriesContext(connection) as context:
        whole = _list(client, staff.organisation, q="sung van pao")
    assert [case.pk for case in whole.context["page"]] == ranked
    assert _pair_queries(context.captured_queries) == {"counts": 1, "pages": 0}
    # Pages of 4: the first two within the 10 exact matches are read from the pairs.
    monkeypatch.setattr("donghanh.cases.views.PAGE_SIZE", 4)
    with CaptureQueriesContext(connection) as context:
        first = _list(client, staff.organisation, q="sung van pao")
    assert [case.pk for case in first.context["page"]] == ranked[:4]
    assert _pair_queries(context.captured_queries) == {"counts": 1, "pages": 1}
    # The third reaches past them (12 > 10): ranked at once, the pairs counted once.
    with CaptureQueriesContext(connection) as context:
        third = client.get(first.wsgi_request.get_full_path() + "&page=3")
    assert [case.pk for case in third.context["page"]] == ranked[8:12]
    assert _pair_queries(context.captured_queries) == {"counts": 1, "pages": 0}
    # One more person holding it makes 11: still fewer than 12, still no page read.
    worker = staff.users[Role.CASE_WORKER]
    make_case(make_person(staff.organisation, worker, full_name="Sùng Văn Páo"), worker)
    with CaptureQueriesContext(connection) as context:
        assert _newest(_membership(staff, Role.SUPERVISOR), "sung van pao", 3) is None
    assert _pair_queries(context.captured_queries)["pages"] == 0


def test_a_page_from_the_pairs_is_compiled_once_for_every_name(staff, rare_name_cases, monkeypatch):
    """The page read from the pairs is built and compiled once per role, combination of
    filters and number of pairs; another name is the same SQL with other digests."""
    monkeypatch.setattr(selectors, "_NEWEST_STEPS", (6, 30, 60))
    monkeypatch.setattr(selectors, "_NEWEST_SAMPLE", 0)
    monkeypatch.setattr(selectors, "_NAMED_READS", {})
    built: list[tuple[Any, ...]] = []
    listed_cases = selectors._listed_cases

    def building(*args):
        built.append(args)
        return listed_cases(*args)

    monkeypatch.setattr(selectors, "_listed_cases", building)
    supervisor = _membership(staff, Role.SUPERVISOR)
    pao = _newest(supervisor, "sung van pao", 1)
    assert pao is not None and pao.exact_only and pao.count == 10
    assert pao.keys == _ranked(supervisor, "sung van pao")[:4] and built
    # (the caseload's own compiled read, which the newest cases are read with, may be built
    # here too, the first time)
    first = len(built)
    # Another name of three words: nothing built, other digests, its own exact matches.
    pau = _newest(supervisor, "sung van pau", 1)
    assert pau is not None and pau.exact_only and pau.count == 5
    assert pau.keys == _ranked(supervisor, "sung van pau")[:4] and len(built) == first
    # Another filter is another shape, built again.
    victims = _newest(supervisor, "sung van pau", 1, case_type=CaseType.TRAFFICKING_VICTIM)
    assert victims is not None and victims.count == 5 and len(built) > first


def test_every_match_ranked_by_a_compiled_read_as_the_caseload_ranks_them(
    staff, rare_name_cases, monkeypatch
):
    """`caseload_name_ranked`: the page and the number of matches from one compiled statement,
    the same as the caseload's own ranking, for words or pairs, with filters, on any page, for
    a supervisor and a case worker; None where the caseload itself answers."""
    monkeypatch.setattr(selectors, "_NAMED_READS", {})
    supervisor = _membership(staff, Role.SUPERVISOR)

    def ranked(query, number, per_page=4, cap=10_000, **filters):
        return selectors.caseload_name_ranked(
            supervisor, query=query, number=number, per_page=per_page, cap=cap, **filters
        )

    victims = {"case_type": CaseType.TRAFFICKING_VICTIM}
    for query, filters in (
        ("sung van pao", {}),  # pairs: 10 exact, 7 one letter off
        ("Sùng Văn Páo", victims),
        ("sung pao", {}),
        ("pao", {}),  # one word
        ("sunh", victims),
        ("van", {}),
    ):
        every = _ranked(supervisor, query, **filters)
        assert every, query
        for number in range(1, len(every) // 4 + 2):
            found = ranked(query, number, **filters)
            page = every[(number - 1) * 4 : number * 4]
            if not page:
                assert found is None  # past the last page: the caseload's own paginator
                continue
            assert found is not None and not found.estimated and not found.exact_only
            assert found.keys == page and found.count == len(every)
            assert found.more == (len(every) > number * 4)
    # No match: an empty first page, counted, and said so on the page.
    nobody = ranked("xyzzyq pao", 1)
    assert nobody is not None and nobody.keys == [] and nobody.count == 0 and not nobody.more
    assert ranked("xyzzyq pao", 2) is None
    for role in (Role.SUPERVISOR, Role.CASE_WORKER):
        body = _list(staff.client(role), staff.organisation, q="xyzzyq pao").content.decode()
        assert '<p role="status">0 trường hợp</p>' in body
        assert "Không có trường hợp nào khớp với tìm kiếm này." in body
    # More matches than the cap: not counted past it here.
    assert ranked("sung van pao", 1, cap=16) is None
    assert ranked("sung van pao", 1, cap=17) is not None
    # A case worker's search checks her own cases one by one, as the caseload does; those of
    # a colleague she cannot see are not among them.
    worker = _membership(staff, Role.CASE_WORKER)
    colleague = staff.users[Role.SUPERVISOR]
    hidden = make_case(make_person(staff.organisation, colleague, full_name="Sùng Văn Páo"))
    for query in ("sung van pao", "pao", "sunh van"):
        every = _ranked(worker, query)
        assert every and hidden.pk not in every
        found = selectors.caseload_name_ranked(
            worker, query=query, number=1, per_page=4, cap=10_000
        )
        assert found is not None and found.keys == every[:4] and found.count == len(every)
    assert hidden.pk in _ranked(supervisor, "sung van pao")
    # A case number is the caseload's own.
    number = rare_name_cases[0].number
    assert ranked(number, 1) is None
