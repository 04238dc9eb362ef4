"""A read compiled once gives what its queryset gives, for any key, without compiling again;
`OneOf` matches what `__in` matches, with one parameter on PostgreSQL."""

from __future__ import annotations

from typing import cast

import pytest
from django.db import connection
from django.db.models import F
from django.test.utils import CaptureQueriesContext

from donghanh.core.queries import CompiledRead, CompiledRows, OneOf
from donghanh.organisations.models import Membership
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

    def counted(self, arity):
        compiled.append(arity)
        return compile_once(self, arity)

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
