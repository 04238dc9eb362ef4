"""/api/v1/persons/: the people pages' access rules, search, audit and edits, over the API."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from donghanh.api.tests.conftest import api_client, issue_token, make_person
from donghanh.audit.models import AuditAction, AuditEntry
from donghanh.core.actor import Actor
from donghanh.core.idempotency import new_key
from donghanh.organisations.models import Membership
from donghanh.organisations.roles import Role
from donghanh.people import services as person_services
from donghanh.people.models import Person
from donghanh.people.selectors import persons_visible_to
from donghanh.places.models import Commune
from donghanh.testing.factories import MembershipFactory

LIST = reverse("api:person_list")


def detail(person_or_id):
    pk = getattr(person_or_id, "pk", person_or_id)
    return reverse("api:person_detail", kwargs={"person_id": pk})


def _view_rows(person):
    return AuditEntry.objects.filter(
        action=AuditAction.VIEW, target_type="people.person", target_id=str(person.pk)
    )


# The trio: owner (organisation administrator) 200, read-only colleague (donor viewer) 403,
# outsider 404, as on every page.


def _trio_clients(trio):
    return {
        "owner": api_client(issue_token(trio.owner)),
        "colleague": api_client(issue_token(trio.colleague)),
        "outsider": api_client(issue_token(trio.outsider)),
    }


def test_trio_on_the_detail(trio):
    person = make_person(trio.organisation)
    clients = _trio_clients(trio)
    response = clients["owner"].get(detail(person))
    assert response.status_code == 200
    assert response.json()["full_name"] == "Nguyễn Thị Hoa"
    assert clients["colleague"].get(detail(person)).status_code == 403
    assert clients["outsider"].get(detail(person)).status_code == 404


def test_trio_on_the_list(trio):
    make_person(trio.organisation)
    clients = _trio_clients(trio)
    params = {"organisation": trio.organisation.slug}
    assert clients["owner"].get(LIST, params).json()["count"] == 1
    assert clients["colleague"].get(LIST, params).status_code == 403
    assert clients["outsider"].get(LIST, params).status_code == 404
    # Without naming the organisation, the outsider sees only their own people.
    assert clients["outsider"].get(LIST).json()["count"] == 0


# Every role.

CAN_VIEW = [Role.ORG_ADMIN, Role.SUPERVISOR, Role.CASE_WORKER, Role.COLLABORATOR]
CANNOT_VIEW = [Role.PROGRAMME_OFFICER, Role.CONTENT_EDITOR, Role.DONOR_VIEWER]
CAN_EDIT = [Role.SUPERVISOR, Role.CASE_WORKER, Role.COLLABORATOR]
CANNOT_EDIT = [Role.ORG_ADMIN, *CANNOT_VIEW]


@pytest.mark.parametrize("role", CAN_VIEW)
def test_roles_that_see_case_data_read_the_record(staff, role):
    person = make_person(
        staff.organisation, by=staff.users[role], id_number="079203001234", phone="0912 345 678"
    )
    response = staff.client(role).get(detail(person))
    assert response.status_code == 200
    body = response.json()
    assert body["id_number"] == "079203001234"
    assert body["phone"] == "0912 345 678"
    assert body["organisation"] == staff.organisation.slug


@pytest.mark.parametrize("role", CANNOT_VIEW)
def test_roles_that_never_see_identities_get_403(staff, person, role):
    client = staff.client(role)
    for response in (
        client.get(detail(person)),
        client.get(detail(999_999)),  # 403 before any record is looked up
        client.get(LIST),
        client.get(LIST, {"organisation": staff.organisation.slug}),
    ):
        assert response.status_code == 403
        assert "Nguyễn" not in response.content.decode()
    assert not _view_rows(person).exists()


def test_outsider_gets_404_and_no_audit_row(staff, person):
    client = staff.client("outsider")
    assert client.get(detail(person)).status_code == 404
    assert client.get(LIST, {"organisation": staff.organisation.slug}).status_code == 404
    assert client.patch(detail(person), {}, format="json").status_code == 404
    assert not _view_rows(person).exists()


def test_an_unknown_person_or_organisation_is_404(staff):
    client = staff.client(Role.CASE_WORKER)
    assert client.get(detail(999_999)).status_code == 404
    assert client.get(LIST, {"organisation": "no-such-organisation"}).status_code == 404


def test_unauthenticated_gets_401(staff, person):
    for response in (api_client().get(detail(person)), api_client().get(LIST)):
        assert response.status_code == 401
        assert response["WWW-Authenticate"].startswith("Bearer")


# Audit.


@pytest.mark.parametrize("role", [Role.CASE_WORKER, Role.SUPERVISOR])
def test_every_read_of_a_record_is_audited(staff, person, role):
    client = staff.client(role)
    client.get(detail(person))
    client.get(detail(person))
    rows = list(_view_rows(person))
    assert len(rows) == 2
    assert {row.actor_id for row in rows} == {staff.users[role].pk}
    assert {row.organisation_id for row in rows} == {staff.organisation.pk}
    assert all("Nguyễn" not in row.summary for row in rows)


def test_search_is_audited_without_the_query(staff, person):
    staff.client(Role.CASE_WORKER).get(LIST, {"q": "nguyen thi hoa"})
    entry = AuditEntry.objects.get(action=AuditAction.VIEW, summary__startswith="person search")
    assert entry.summary == "person search: 1 found"
    assert entry.organisation_id == staff.organisation.pk


def test_a_list_read_is_audited_with_its_counts_and_opens_no_record(staff, person):
    staff.client(Role.CASE_WORKER).get(LIST)
    entry = AuditEntry.objects.get(action=AuditAction.VIEW)
    assert entry.event == "person.listed"
    assert entry.summary == "person list read: 1 of 1 shown"
    assert entry.details == {"count": 1, "shown": 1, "page": 1, "filters": []}
    assert entry.actor == staff.users[Role.CASE_WORKER]
    assert entry.organisation_id == staff.organisation.pk
    assert entry.target_id == ""


# Lists and search.


@pytest.fixture
def people(staff):
    org, by = staff.organisation, staff.users[Role.CASE_WORKER]
    return {
        "hoa": make_person(org, by, full_name="Nguyễn Thị Hoa", phone="0912 345 678"),
        "hoa2": make_person(org, by, full_name="Trần Thị Hoà"),
        "duc": make_person(org, by, full_name="Huỳnh Văn Đức", id_number="001 099 000 111"),
        "other_org": make_person(staff.other_organisation, full_name="Nguyễn Thị Hoa"),
    }


def _names(response):
    assert response.status_code == 200
    return sorted(row["full_name"] for row in response.json()["results"])


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("nguyen thi hoa", ["Nguyễn Thị Hoa"]),
        ("hoa", ["Nguyễn Thị Hoa", "Trần Thị Hoà"]),
        ("hoang van duc", ["Huỳnh Văn Đức"]),
        ("001099000111", ["Huỳnh Văn Đức"]),
        ("nguyen duc", []),
        ("", ["Huỳnh Văn Đức", "Nguyễn Thị Hoa", "Trần Thị Hoà"]),
    ],
)
def test_search_without_diacritics(staff, people, query, expected):
    assert _names(staff.client(Role.CASE_WORKER).get(LIST, {"q": query})) == expected


def test_the_list_leaves_out_what_only_the_record_shows(staff, people):
    response = staff.client(Role.CASE_WORKER).get(LIST)
    row = next(r for r in response.json()["results"] if r["id"] == people["duc"].pk)
    for name in ("id_number", "phone", "other_names", "current_address", "pre_2025_address"):
        assert name not in row
    body = response.content.decode()
    assert "001 099 000 111" not in body and "345 678" not in body
    assert row["url"].endswith(detail(people["duc"]))
    assert row["sex"] == "female"


def test_a_member_of_two_organisations_sees_both_or_the_one_named(staff, people):
    supervisor = staff.users[Role.SUPERVISOR]
    MembershipFactory(user=supervisor, organisation=staff.other_organisation, role=Role.SUPERVISOR)
    client = api_client(issue_token(supervisor))
    response = client.get(LIST, {"q": "nguyen thi hoa"})
    assert sorted(r["organisation"] for r in response.json()["results"]) == sorted(
        [staff.organisation.slug, staff.other_organisation.slug]
    )
    # One search audit row per organisation, each with its own count.
    counts = dict(
        AuditEntry.objects.filter(summary__startswith="person search").values_list(
            "organisation_id", "summary"
        )
    )
    assert counts == {
        staff.organisation.pk: "person search: 1 found",
        staff.other_organisation.pk: "person search: 1 found",
    }
    only_other = client.get(LIST, {"organisation": staff.other_organisation.slug})
    assert [r["id"] for r in only_other.json()["results"]] == [people["other_org"].pk]
    # And the record of the other organisation opens too.
    assert client.get(detail(people["other_org"])).status_code == 200


def test_a_member_whose_role_differs_by_organisation(staff, people):
    donor = staff.users[Role.DONOR_VIEWER]
    MembershipFactory(user=donor, organisation=staff.other_organisation, role=Role.SUPERVISOR)
    client = api_client(issue_token(donor))
    # The list covers only where the role allows it; the record of the first is refused.
    assert [r["id"] for r in client.get(LIST).json()["results"]] == [people["other_org"].pk]
    assert client.get(detail(people["hoa"])).status_code == 403


@pytest.mark.parametrize("role", [Role.CASE_WORKER, Role.SUPERVISOR])
def test_the_api_shows_exactly_whom_the_pages_show(staff, people, role):
    """Visibility is decided by persons_visible_to alone, whatever its rules are."""
    others = [
        make_person(staff.organisation, staff.users[Role.SUPERVISOR], full_name="Đỗ Thị Thu"),
        make_person(staff.organisation, None, full_name="Đỗ Văn Minh"),
    ]
    membership = Membership.objects.get(user=staff.users[role])
    visible = set(persons_visible_to(membership).values_list("pk", flat=True))
    client = staff.client(role)
    listed = {row["id"] for row in client.get(LIST).json()["results"]}
    assert listed == visible
    for candidate in [*people.values(), *others]:
        expected = 200 if candidate.pk in visible else 404
        assert client.get(detail(candidate)).status_code == expected


def test_pagination(staff):
    for number in range(27):
        make_person(
            staff.organisation, staff.users[Role.CASE_WORKER], full_name=f"Lê Thị Mai {number}"
        )
    client = staff.client(Role.CASE_WORKER)
    first = client.get(LIST, {"q": "le mai"}).json()
    assert first["count"] == 27
    assert len(first["results"]) == 25
    assert first["previous"] is None
    assert "q=le+mai" in first["next"] and "page=2" in first["next"]
    second = client.get(first["next"]).json()
    assert len(second["results"]) == 2
    assert second["next"] is None
    ids = [r["id"] for r in first["results"] + second["results"]]
    assert len(set(ids)) == 27
    assert len(client.get(LIST, {"page_size": 10}).json()["results"]) == 10
    # The schema says 1 to 100: anything else is refused, never quietly replaced.
    for wrong in ("500", "0", "-1", "null", "1.5", "１０"):
        answer = client.get(LIST, {"page_size": wrong})
        assert answer.status_code == 400 and list(answer.json()) == ["page_size"]
    assert client.get(LIST, {"page": 9}).status_code == 404


def test_a_too_long_query_is_400(staff):
    assert staff.client(Role.CASE_WORKER).get(LIST, {"q": "a" * 201}).status_code == 400


def _list_queries(client, **params):
    client.get(LIST, params)  # warm up: last_used_at is written once a minute at most
    with CaptureQueriesContext(connection) as context:
        response = client.get(LIST, params)
    assert response.status_code == 200
    return len(context.captured_queries)


# Token with its user, memberships, 2FA device, count, page, and the audit row of the list read,
# search or not (an insert, inside the savepoint of its service's transaction).
LIST_QUERIES = 8
SEARCH_QUERIES = LIST_QUERIES


def test_the_list_makes_a_fixed_number_of_queries(staff):
    client = staff.client(Role.CASE_WORKER)
    by = staff.users[Role.CASE_WORKER]
    make_person(staff.organisation, by)
    assert _list_queries(client) == LIST_QUERIES
    assert _list_queries(client, q="nguyen") == SEARCH_QUERIES
    for number, commune in enumerate(Commune.objects.order_by("code")[:20]):
        make_person(
            staff.organisation, by, full_name=f"Nguyễn Văn An {number}", current_commune=commune
        )
    assert _list_queries(client) == LIST_QUERIES
    assert _list_queries(client, q="nguyen") == SEARCH_QUERIES


# Registering.


def _new_person(staff, **extra):
    return {
        "organisation": staff.organisation.slug,
        "full_name": "Phạm Thị Lan",
        "sex": "female",
        "date_of_birth": "2001-09-02",
        "phone": "0988 111 222",
        **extra,
    }


@pytest.mark.parametrize("role", CAN_EDIT)
def test_register(staff, role):
    response = staff.client(role).post(LIST, _new_person(staff), format="json")
    assert response.status_code == 201
    body = response.json()
    person = Person.objects.get(pk=body["id"])
    assert person.full_name == "Phạm Thị Lan"
    assert person.organisation == staff.organisation
    assert body["version"] == 1
    assert response["Location"].endswith(detail(person))
    entry = AuditEntry.objects.get(
        action=AuditAction.CREATE, target_type="people.person", target_id=str(person.pk)
    )
    assert entry.actor == staff.users[role]


@pytest.mark.parametrize("role", CANNOT_EDIT)
def test_register_refused_by_role(staff, role):
    response = staff.client(role).post(LIST, _new_person(staff, phone="x"), format="json")
    assert response.status_code == 403  # the permission before the form, as on the page
    assert not Person.objects.exists()


def test_register_in_another_organisation_is_404(staff):
    response = staff.client("outsider").post(LIST, _new_person(staff), format="json")
    assert response.status_code == 404
    assert not Person.objects.exists()


def test_register_uses_the_pages_rules(staff):
    client = staff.client(Role.CASE_WORKER)
    response = client.post(
        LIST, _new_person(staff, phone="call me", estimated_age=20), format="json"
    )
    assert response.status_code == 400
    errors = response.json()
    assert set(errors) == {"phone", "estimated_age"}  # bad phone; age and birth date both given
    response = client.post(LIST, _new_person(staff, current_commune="00000"), format="json")
    assert response.status_code == 400
    assert "current_commune" in response.json()
    assert client.post(LIST, {"full_name": "x"}, format="json").status_code == 400
    assert not Person.objects.exists()


def test_register_reports_possible_duplicates_first(staff, people):
    client = staff.client(Role.CASE_WORKER)
    payload = _new_person(staff, full_name="Nguyen Van A", phone="0912 345 678")
    response = client.post(LIST, payload, format="json")
    assert response.status_code == 409
    body = response.json()
    assert body["code"] == "possible_duplicates"
    assert [d["id"] for d in body["possible_duplicates"]] == [people["hoa"].pk]
    assert body["possible_duplicates"][0]["reasons"] == ["phone"]
    assert "duplicates_elsewhere" not in body
    assert Person.objects.count() == 4
    confirmed = client.post(LIST, {**payload, "confirm_different_person": True}, format="json")
    assert confirmed.status_code == 201


def test_a_registration_sent_twice_with_its_key_registers_one_person(staff):
    client = staff.client(Role.CASE_WORKER)
    key = new_key()
    first = client.post(LIST, _new_person(staff), format="json", HTTP_IDEMPOTENCY_KEY=key)
    again = client.post(LIST, _new_person(staff), format="json", HTTP_IDEMPOTENCY_KEY=key)
    assert first.status_code == again.status_code == 201
    assert again.json()["id"] == first.json()["id"]
    assert again["Location"] == first["Location"]
    assert Person.objects.count() == 1
    assert AuditEntry.objects.filter(event="person.registered").count() == 1


def test_a_retry_is_answered_with_the_person_even_when_it_looks_like_a_duplicate(staff):
    """A client that lost the first answer sends the same call again: it gets the person it
    registered, not a warning about them."""
    client = staff.client(Role.CASE_WORKER)
    key = new_key()
    payload = _new_person(staff, id_number="079203001234")
    first = client.post(LIST, payload, format="json", HTTP_IDEMPOTENCY_KEY=key)
    again = client.post(LIST, payload, format="json", HTTP_IDEMPOTENCY_KEY=key)
    assert (first.status_code, again.status_code) == (201, 201)
    assert again.json()["id"] == first.json()["id"]
    # Without the key the same call is a new registration, checked for duplicates.
    assert client.post(LIST, payload, format="json").status_code == 409
    assert Person.objects.count() == 1


def test_without_a_key_each_confirmed_registration_registers_someone(staff):
    client = staff.client(Role.CASE_WORKER)
    payload = _new_person(staff, confirm_different_person=True)
    assert client.post(LIST, payload, format="json").status_code == 201
    assert client.post(LIST, payload, format="json").status_code == 201
    assert Person.objects.count() == 2


# Editing, with optimistic locking.


def _read(client, person):
    return client.get(detail(person)).json()


@pytest.mark.parametrize("role", CAN_EDIT)
def test_edit(staff, role):
    person = make_person(staff.organisation, staff.users[role], id_number="079203001234")
    client = staff.client(role)
    record = _read(client, person)
    response = client.patch(
        detail(person),
        {"version": record["version"], "baseline": record["baseline"], "phone": "0977 000 111"},
        format="json",
    )
    assert response.status_code == 200
    assert response.json()["phone"] == "0977 000 111"
    assert response.json()["version"] == record["version"] + 1
    person.refresh_from_db()
    assert person.phone == "0977 000 111"
    assert person.id_number == "079203001234"  # fields not sent are kept
    entry = AuditEntry.objects.get(
        action=AuditAction.UPDATE, target_type="people.person", target_id=str(person.pk)
    )
    assert entry.changed_fields == ["phone"]
    assert _view_rows(person).count() == 2  # the read, and the opening for the edit


@pytest.mark.parametrize("role", CANNOT_EDIT)
def test_edit_refused_by_role(staff, person, role):
    response = staff.client(role).patch(
        detail(person), {"version": 1, "baseline": "x", "phone": "0977 000 111"}, format="json"
    )
    assert response.status_code == 403
    person.refresh_from_db()
    assert person.phone == "0912 345 678"


def test_a_stale_edit_is_409_with_what_changed(staff, person):
    client = staff.client(Role.CASE_WORKER)
    record = _read(client, person)
    # A colleague saves first.
    person_services.person_update(
        person=person,
        expected_version=record["version"],
        baseline={},
        actor=Actor.for_user(staff.users[Role.SUPERVISOR]),
        phone="0900 000 000",
        current_address="Thôn 3, xã Bảo Ninh",
    )
    response = client.patch(
        detail(person),
        {"version": record["version"], "baseline": record["baseline"], "full_name": "Nguyễn Hoa"},
        format="json",
    )
    assert response.status_code == 409
    body = response.json()
    assert body["code"] == "edit_conflict"
    assert body["changed_fields"] == ["phone", "current_address"]
    assert body["current_version"] == record["version"] + 1
    person.refresh_from_db()
    assert person.full_name == "Nguyễn Thị Hoa"
    # Read again, then the same edit goes through.
    fresh = _read(client, person)
    again = client.patch(
        detail(person),
        {"version": fresh["version"], "baseline": fresh["baseline"], "full_name": "Nguyễn Hoa"},
        format="json",
    )
    assert again.status_code == 200


def test_an_edit_needs_version_and_an_untouched_baseline(staff, person):
    client = staff.client(Role.CASE_WORKER)
    record = _read(client, person)
    missing = client.patch(detail(person), {"phone": "0977 000 111"}, format="json")
    assert missing.status_code == 400
    assert set(missing.json()) == {"version", "baseline"}
    forged = client.patch(
        detail(person),
        {"version": record["version"], "baseline": record["baseline"] + "x", "phone": "0"},
        format="json",
    )
    assert forged.status_code == 400
    assert "baseline" in forged.json()


def test_an_edit_follows_the_pages_rules(staff, person):
    client = staff.client(Role.CASE_WORKER)
    record = _read(client, person)
    response = client.patch(
        detail(person),
        {"version": record["version"], "baseline": record["baseline"], "estimated_age": 30},
        format="json",
    )
    assert response.status_code == 400  # the birth date is known
    assert "estimated_age" in response.json()


def test_names_through_the_api_are_stripped_of_overrides_and_control_characters(staff):
    client = staff.client(Role.CASE_WORKER)
    response = client.post(
        LIST,
        _new_person(
            staff, full_name="\u202ePhạm\u200b Thị\u2066 Lan\u0007", other_names="Lan\u202e"
        ),
        format="json",
    )
    assert response.status_code == 201, response.content
    assert response.json()["full_name"] == "Phạm Thị Lan"
    person = Person.objects.get(pk=response.json()["id"])
    assert (person.full_name, person.other_names) == ("Phạm Thị Lan", "Lan")
    record = _read(client, person)
    response = client.patch(
        detail(person),
        {
            "version": record["version"],
            "baseline": record["baseline"],
            "full_name": "Phạm\u202e Thị\u001b Lành",
        },
        format="json",
    )
    assert response.status_code == 200, response.content
    person.refresh_from_db()
    assert person.full_name == "Phạm Thị Lành"


def _held_elsewhere(staff, **details):
    """A person of the other organisation, with the ID number and phone the tests register."""
    values = {"full_name": "Hoàng Văn Sáu", "id_number": "038090001122", "phone": "0912 345 678"}
    return make_person(staff.other_organisation, **{**values, **details})


def test_register_answers_alike_whether_or_not_another_organisation_holds_a_match(staff):
    """Before: `409 {"duplicates_elsewhere": true}` told a case role that someone was on record
    at another organisation. Now the registration goes through as if nobody matched, and the
    holder gets a notice without the new record's details."""
    client = staff.client(Role.CASE_WORKER)
    alone = client.post(LIST, _new_person(staff, phone="", id_number="001"), format="json")
    held = _held_elsewhere(staff)
    matched = client.post(
        LIST,
        _new_person(staff, full_name="Lê Văn Bảy", phone="", id_number="038 090 001 122"),
        format="json",
    )
    assert alone.status_code == matched.status_code == 201
    assert sorted(alone.json()) == sorted(matched.json())
    assert sorted(alone.headers) == sorted(matched.headers)
    notice = held.duplicate_notices.get()
    assert notice.organisation == staff.other_organisation
    assert notice.bases == ["id_number"]


def test_the_409_is_the_same_whether_or_not_another_organisation_holds_a_match(staff, people):
    client = staff.client(Role.CASE_WORKER)
    payload = _new_person(staff, full_name="Nguyen Van A", phone="0912 345 678")

    def register():
        with CaptureQueriesContext(connection) as queries:
            response = client.post(LIST, payload, format="json")
        assert response.status_code == 409
        return response.content, len(queries)

    register()
    without = register()
    _held_elsewhere(staff, full_name="Nguyen Van A", date_of_birth=None)
    assert register() == without
    assert not staff.other_organisation.duplicate_notices.exists()
    shown = AuditEntry.objects.filter(event="person.duplicates_shown")
    assert shown.count() == 3
    assert {e.details["shown"] for e in shown} == {1}


def test_registrations_count_against_the_identity_reads_limit(staff, people, settings):
    """Each registration runs the duplicate check, a search of the organisation's records by
    name, ID number or phone: a token may not use it to look names up beyond the list limit."""
    from django.core.cache import cache

    cache.clear()
    settings.API_LIST_PAGES_PER_MINUTE = 3
    client = staff.client(Role.CASE_WORKER)
    probe = _new_person(staff, full_name="Nguyen Van A", phone="0912 345 678")
    assert client.get(LIST).status_code == 200
    for _ in range(2):
        assert client.post(LIST, probe, format="json").status_code == 409
    refused = client.post(LIST, probe, format="json", HTTP_ACCEPT_LANGUAGE="vi")
    assert refused.status_code == 429
    assert "Quá nhiều" in refused.json()["detail"]
    assert 1 <= int(refused["Retry-After"]) <= 60
    # Two checks shown and audited; the refused one neither ran nor was audited.
    assert AuditEntry.objects.filter(event="person.duplicates_shown").count() == 2
    cache.clear()
