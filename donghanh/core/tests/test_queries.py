"""A read compiled once gives what its queryset gives, for any key, without compiling again;
`OneOf` matches what `__in` matches, with one parameter on PostgreSQL."""

from __future__ import annotations

import datetime
from typing import cast

import pytest
from django.db import connection
from django.db.models import F
from django.test.utils import CaptureQueriesContext

from donghanh.core.queries import CompiledRead, CompiledRows, OneOf, ReadBundle
from donghanh.organisations.models import Membership, Organisation, Team
from donghanh.testing.factories import MembershipFactory

pytestmark = pytest.mark.django_db


def _members(organisation_id):
    return (
        Membership.objects.filter(organisation_id=organisation_id)
        .select_related("user", "organisation")
        .order_by("id")
    )


def _fields(membership):
    return (
        membership.pk,
        membership.role,
        membership.user.username,
        membership.user.full_name,
        membership.organisation.slug,
    )


def test_a_compiled_read_gives_what_the_queryset_gives_for_every_key(monkeypatch):
    first = cast(Membership, MembershipFactory())
    MembershipFactory(organisation=first.organisation)
    other = cast(Membership, MembershipFactory())
    read = CompiledRead(_members)
    compiled = []
    compile_once = CompiledRead._compile

    def counted(self, stand_ins):
        compiled.append(len(stand_ins))
        return compile_once(self, stand_ins)

    monkeypatch.setattr(CompiledRead, "_compile", counted)
    for organisation_id in (first.organisation_id, other.organisation_id, -1):
        with CaptureQueriesContext(connection) as queries:
            found = read(organisation_id)
        assert len(queries) == 1
        # The related rows come with them (select_related): no query to read them.
        with CaptureQueriesContext(connection) as queries:
            got = [_fields(membership) for membership in found]
        assert len(queries) == 0
        assert got == [_fields(membership) for membership in _members(organisation_id)]
    assert [len(read(first.organisation_id)), len(read(other.organisation_id))] == [2, 1]
    assert compiled == [1], "compiled once, run five times"


def test_an_argument_the_sql_does_not_carry_unchanged_is_refused():
    read = CompiledRead(lambda name: Membership.objects.filter(user__username__contains=name))
    with pytest.raises(ValueError, match="unchanged"):
        read("mai")


def test_a_compiled_read_prefetches_nothing():
    read = CompiledRead(
        lambda organisation_id: Membership.objects.filter(
            organisation_id=organisation_id
        ).prefetch_related("teams")
    )
    with pytest.raises(ValueError, match="prefetch"):
        read(1)


def test_one_of_matches_what_in_matches_with_one_parameter_on_postgresql():
    members = [cast(Membership, MembershipFactory()) for _ in range(3)]
    roles = {member.role for member in members}
    for values in ([members[0].role], [*roles, "no-such-role", None], []):
        with CaptureQueriesContext(connection) as context:
            found = set(
                Membership.objects.filter(OneOf(F("role"), values)).values_list("pk", flat=True)
            )
        expected = set(
            Membership.objects.filter(role__in=[v for v in values if v is not None]).values_list(
                "pk", flat=True
            )
        )
        assert found == expected
        if values:
            assert found
        sql = context.captured_queries[0]["sql"]
        if connection.vendor == "postgresql" and values:
            assert " = ANY(string_to_array(" in sql and " IN (" not in sql


def test_one_of_takes_values_that_cannot_travel_as_one_text():
    member = cast(Membership, MembershipFactory())
    for values in ([member.pk, -1], [f"{member.role},x", member.role]):
        field = "pk" if isinstance(values[0], int) else "role"
        found = Membership.objects.filter(OneOf(F(field), values)).values_list("pk", flat=True)
        assert list(found) == [member.pk]


def _member_rows(organisation_id):
    return (
        Membership.objects.filter(organisation_id=organisation_id, is_active=True)
        .order_by("id")
        .values_list("pk", "user__username", "role")
    )


def test_compiled_rows_give_what_values_list_gives_for_every_key():
    first = cast(Membership, MembershipFactory())
    MembershipFactory(organisation=first.organisation)
    other = cast(Membership, MembershipFactory())
    rows = CompiledRows(_member_rows)
    for organisation_id in (first.organisation_id, other.organisation_id, -5):
        with CaptureQueriesContext(connection) as context:
            found = rows(organisation_id)
        assert found == list(_member_rows(organisation_id))
        assert len(context.captured_queries) == 1
    assert len(rows(first.organisation_id)) == 2


def test_compiled_rows_come_from_values_list_only():
    with pytest.raises(ValueError, match="values_list"):
        CompiledRows(lambda key: Membership.objects.filter(pk=key))(1)
    with pytest.raises(ValueError, match="values_list"):
        CompiledRows(lambda key: Membership.objects.filter(pk=key).values("pk"))(1)


def _teams(organisation_id):
    return Team.objects.filter(organisation_id=organisation_id).order_by("-name", "id")


def _organisation(slug):
    return Organisation.objects.filter(slug=slug)


def _members_of_role(organisation_id, role):
    return _members(organisation_id).filter(role=role).order_by("-id")


def test_a_bundle_gives_each_read_what_it_gives_alone_in_one_query(monkeypatch):
    first = cast(Membership, MembershipFactory(role="case_worker"))
    for role in ("supervisor", "case_worker", "case_worker"):
        MembershipFactory(organisation=first.organisation, role=role)
    other = cast(Membership, MembershipFactory(role="case_worker"))
    for name in ("An", "Bình", "Châu"):
        Team.objects.create(organisation=first.organisation, name=name)
    Team.objects.create(organisation=other.organisation, name="Đông")
    bundle = ReadBundle(
        {
            "members": CompiledRead(_members),
            "teams": CompiledRead(lambda organisation_id: _teams(organisation_id)),
            "organisation": CompiledRead(lambda slug: _organisation(slug)),
            "workers": CompiledRead(_members_of_role),
        }
    )
    assert bundle.keys == ("organisation_id", "role", "slug")
    compiled = []
    compile_once = ReadBundle._compile

    def counted(self, keys):
        compiled.append(sorted(keys))
        return compile_once(self, keys)

    monkeypatch.setattr(ReadBundle, "_compile", counted)
    for membership in (first, other, first):
        organisation = membership.organisation
        with CaptureQueriesContext(connection) as queries:
            found = bundle(organisation_id=organisation.pk, slug=organisation.slug,
                           role="case_worker")  # fmt: skip
        assert len(queries) == 1
        with CaptureQueriesContext(connection) as queries:
            members = [_fields(member) for member in found["members"]]
        assert len(queries) == 0
        assert members == [_fields(member) for member in _members(organisation.pk)]
        assert found["teams"] == list(_teams(organisation.pk))
        assert [team.name for team in found["teams"]] == [
            team.name for team in _teams(organisation.pk)
        ]
        assert found["organisation"] == [organisation]
        assert [_fields(member) for member in found["workers"]] == [
            _fields(member) for member in _members_of_role(organisation.pk, "case_worker")
        ]
    assert [len(found["members"]), len(found["teams"]), len(found["workers"])] == [4, 3, 3]
    nothing = bundle(organisation_id=-1, slug="none", role="case_worker")
    assert nothing == {"members": [], "teams": [], "organisation": [], "workers": []}
    assert len(compiled) == 1, "compiled once, run four times"


def test_a_bundle_needs_every_key_of_its_reads():
    bundle = ReadBundle({"teams": CompiledRead(lambda organisation_id: _teams(organisation_id))})
    with pytest.raises(TypeError, match="organisation_id"):
        bundle(slug="x")


def _listed(organisation_id, role, joined_before, with_user):
    """Members of an organisation, of one role or any (None), who joined before a day."""
    members = Membership.objects.filter(
        organisation_id=organisation_id, user__date_joined__date__lt=joined_before
    )
    if role is not None:
        members = members.filter(role=role)
    if with_user:
        members = members.select_related("user")
    return members.order_by("-id")


def test_a_listing_counts_and_pages_as_the_queryset_does_compiled_once_per_shape(monkeypatch):
    organisation = cast(Membership, MembershipFactory(role="supervisor")).organisation
    for role in ("case_worker", "case_worker", "supervisor", "case_worker", "supervisor"):
        MembershipFactory(organisation=organisation, role=role)
    MembershipFactory(role="case_worker")  # another organisation's
    tomorrow = datetime.date.today() + datetime.timedelta(days=1)
    read = CompiledRead(_listed)
    compiled = []
    compile_once = CompiledRead._cached

    def counted(self, name, keys, compile):
        def counting(stand_ins):
            compiled.append((name, *(k for k in stand_ins if k is None or isinstance(k, bool))))
            return compile(stand_ins)

        return compile_once(self, name, keys, counting)

    monkeypatch.setattr(CompiledRead, "_cached", counted)
    shapes: list[tuple[str | None, datetime.date]] = [
        ("case_worker", tomorrow),
        ("supervisor", tomorrow),
        (None, tomorrow),
        (None, datetime.date(2000, 1, 1)),
    ]
    for only_role, joined_before in shapes:
        keys = (organisation.pk, only_role, joined_before, True)
        queryset = _listed(*keys)
        for cap, expected in [(None, queryset.count()), (2, min(queryset.count(), 3))]:
            listing = read.listing(*keys, cap=cap)
            with CaptureQueriesContext(connection) as queries:
                assert listing.count() == expected
            assert len(queries) == 1
        listing = read.listing(*keys, cap=None)
        for start, stop in [(0, 2), (2, 4), (4, 6), (5, 9)]:
            with CaptureQueriesContext(connection) as queries:
                page = listing[start:stop]
                got = [_fields_of_listed(member) for member in page]
            assert len(queries) == 1, "the page's rows with their users, in one query"
            # The page's keys are chosen before any row is joined to its user.
            assert "LIMIT" in queries[0]["sql"].split("IN (SELECT page.pk FROM (")[1]
            assert got == [_fields_of_listed(member) for member in queryset[start:stop]]
    assert read.listing(organisation.pk, "case_worker", tomorrow, True, cap=None).count() == 3
    # Once for the pages and once for the count of each shape: a role given or not.
    assert sorted(compiled, key=repr) == sorted(
        [("page", True), ("count", True), ("page", None, True), ("count", None, True)], key=repr
    )


def _fields_of_listed(membership):
    return membership.pk, membership.role, membership.user.username


def test_a_listing_is_read_a_page_at_a_time():
    listing = CompiledRead(_listed).listing(1, None, datetime.date.today(), False)
    with pytest.raises(TypeError):
        listing[0]  # type: ignore[index]
    with pytest.raises(ValueError):
        listing[3:]


def test_a_read_of_no_such_argument_type_is_refused():
    read = CompiledRead(lambda at: Membership.objects.filter(user__date_joined__lt=at))
    with pytest.raises(TypeError, match="integers, strings, dates"):
        read(datetime.datetime(2026, 1, 1, tzinfo=datetime.UTC))


def test_a_read_gives_its_own_columns_in_its_order_a_step_at_a_time_and_its_estimate():
    organisation = cast(Membership, MembershipFactory(role="supervisor")).organisation
    for role in ("case_worker", "case_worker", "supervisor", "case_worker"):
        MembershipFactory(organisation=organisation, role=role)
    MembershipFactory(role="case_worker")  # another organisation's
    tomorrow = datetime.date.today() + datetime.timedelta(days=1)
    read = CompiledRead(_listed)
    for only_role in ("case_worker", None):
        keys = (organisation.pk, only_role, tomorrow, False)
        expected = list(_listed(*keys).values_list("pk", "role"))
        steps = []
        for offset in range(0, len(expected) + 2, 2):
            sql, params = read.ordered_sql(keys, ("pk", "role"))
            params[-2:] = [2, offset]
            with connection.cursor() as cursor:
                cursor.execute(sql, params)
                steps += [tuple(row) for row in cursor.fetchall()]
        assert steps == expected
        estimate = read.estimate(keys)
        if connection.vendor == "postgresql":
            assert isinstance(estimate, int) and estimate >= 1
        else:
            assert estimate is None
