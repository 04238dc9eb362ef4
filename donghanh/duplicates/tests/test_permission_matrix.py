"""Every role × the review queue, the scan button, a pair, the decisions, the merge, a merge's
page and its undo × own organisation and another organisation.

Written out by hand, as in donghanh/organisations/tests/test_permission_matrix.py: reviewing
(the queue, a pair, a merge's page, the scan) is `review_duplicates` (supervisors and
organisation administrators); deciding, merging and undoing also need `edit_cases`
(supervisors). Every action also checks its effect: done when allowed, nothing changed when
refused.

    200, 302  allowed (302: an action that redirects after success)
    403       a member whose role lacks the permission
    404       another organisation, or someone with no membership there
    LOGIN     anonymous: sent to the sign-in page
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from donghanh.core.actor import Actor
from donghanh.duplicates import services
from donghanh.duplicates.models import CandidatePair, Decision, PersonMerge
from donghanh.duplicates.selectors import SCAN_JOB_KIND
from donghanh.jobs.models import Job
from donghanh.organisations.models import Organisation
from donghanh.organisations.roles import Role
from donghanh.people.models import Person
from donghanh.people.tests.conftest import make_person
from donghanh.testing import factories
from donghanh.testing.clients import signed_in_client

MembershipFactory: Any = factories.MembershipFactory
OrganisationFactory: Any = factories.OrganisationFactory
UserFactory: Any = factories.UserFactory

LOGIN = "LOGIN"
ACTORS = (
    "org_admin",
    "supervisor",
    "case_worker",
    "collaborator",
    "programme_officer",
    "content_editor",
    "donor_viewer",
    "system_administrator",
    "no_membership",
    "anonymous",
)
ENDPOINTS = ("queue", "scan", "pair", "decide", "merge", "merge_page", "undo")

V, W, F, N = 200, 302, 403, 404
OWN = {
    "org_admin": (V, W, V, F, F, V, F),
    "supervisor": (V, W, V, W, W, V, W),
    "case_worker": (F,) * 7,
    "collaborator": (F,) * 7,
    "programme_officer": (F,) * 7,
    "content_editor": (F,) * 7,
    "donor_viewer": (F,) * 7,
    "system_administrator": (N,) * 7,
    "no_membership": (N,) * 7,
    "anonymous": (LOGIN,) * 7,
}
# A member of another organisation (any role) is an outsider here: 404 everywhere.
OTHER = {actor: (N,) * 7 if actor not in ("anonymous",) else (LOGIN,) * 7 for actor in ACTORS}


@dataclass
class World:
    own: Organisation
    other: Organisation
    supervisor: Any

    def actor(self) -> Actor:
        return Actor.for_user(self.supervisor, organisation=self.own)

    def pair(self) -> CandidatePair:
        a = make_person(self.own, full_name="Nguyễn Thị Hoa", phone="0912345678")
        b = make_person(self.own, full_name="Nguyen Thi Hoa", phone="0912345678")
        return CandidatePair.objects.create(
            organisation=self.own,
            person_a=a,
            person_b=b,
            weight=30.0,
            probability=0.999,
            comparisons=[{"field": "phone", "level": "exact", "weight": 19.0}],
            found_at=timezone.now(),
        )

    def merge(self) -> PersonMerge:
        pair = self.pair()
        return services.person_merge(
            pair=pair, survivor_id=pair.person_a_id, choices={}, actor=self.actor()
        )


@pytest.fixture
def world(db: None) -> World:
    own = OrganisationFactory()
    supervisor = MembershipFactory(organisation=own, role=Role.SUPERVISOR).user
    return World(own=own, other=OrganisationFactory(), supervisor=supervisor)


def client_for(actor: str, organisation: Organisation) -> Client:
    if actor == "anonymous":
        return Client()
    if actor == "system_administrator":
        return signed_in_client(UserFactory(is_superuser=True, is_staff=True))
    if actor == "no_membership":
        return signed_in_client(UserFactory())
    return signed_in_client(MembershipFactory(organisation=organisation, role=Role(actor)).user)


def _status(response: Any) -> Any:
    if response.status_code == 302 and "/login" in response["Location"]:
        return LOGIN
    return response.status_code


@dataclass
class Outcome:
    status: Any
    done: bool


def _queue(world: World, client: Client) -> Outcome:
    url = reverse("duplicates:queue", kwargs={"org": world.own.slug})
    return Outcome(_status(client.get(url)), True)


def _scan(world: World, client: Client) -> Outcome:
    url = reverse("duplicates:scan", kwargs={"org": world.own.slug})
    status = _status(client.post(url, {"idempotency_key": ""}))
    return Outcome(status, Job.objects.filter(kind=SCAN_JOB_KIND).exists())


def _pair(world: World, client: Client) -> Outcome:
    pair = world.pair()
    url = reverse("duplicates:pair_detail", kwargs={"org": world.own.slug, "pair_id": pair.pk})
    return Outcome(_status(client.get(url)), True)


def _decide(world: World, client: Client) -> Outcome:
    pair = world.pair()
    url = reverse("duplicates:pair_decide", kwargs={"org": world.own.slug, "pair_id": pair.pk})
    status = _status(client.post(url, {"decision": Decision.NOT_SAME, "version": pair.version}))
    pair.refresh_from_db()
    return Outcome(status, pair.decision == Decision.NOT_SAME)


def _merge(world: World, client: Client) -> Outcome:
    pair = world.pair()
    url = reverse("duplicates:pair_detail", kwargs={"org": world.own.slug, "pair_id": pair.pk})
    data = {
        "keep": "a",
        "version_a": pair.person_a.version,
        "version_b": pair.person_b.version,
        "field_full_name": "a",
    }
    status = _status(client.post(url, data))
    return Outcome(status, Person.objects.get(pk=pair.person_b_id).merged_into_id is not None)


def _merge_page(world: World, client: Client) -> Outcome:
    merge = world.merge()
    url = reverse("duplicates:merge_detail", kwargs={"org": world.own.slug, "merge_id": merge.pk})
    return Outcome(_status(client.get(url)), True)


def _undo(world: World, client: Client) -> Outcome:
    merge = world.merge()
    url = reverse("duplicates:merge_undo", kwargs={"org": world.own.slug, "merge_id": merge.pk})
    status = _status(client.post(url))
    merge.refresh_from_db()
    return Outcome(status, merge.undone_at is not None)


CALLS: dict[str, Callable[[World, Client], Outcome]] = {
    "queue": _queue,
    "scan": _scan,
    "pair": _pair,
    "decide": _decide,
    "merge": _merge,
    "merge_page": _merge_page,
    "undo": _undo,
}


@pytest.mark.parametrize("where", ["own", "other"])
@pytest.mark.parametrize("actor", ACTORS)
def test_permission_matrix(world: World, actor: str, where: str) -> None:
    expected = (OWN if where == "own" else OTHER)[actor]
    client = client_for(actor, world.own if where == "own" else world.other)
    found = {}
    for endpoint, call in CALLS.items():
        outcome = call(world, client)
        allowed = outcome.status in (V, W)
        found[endpoint] = outcome.status
        assert outcome.done if allowed else (not outcome.done or endpoint in _READS), endpoint
        Job.objects.all().delete()
    assert found == dict(zip(ENDPOINTS, expected, strict=True))


_READS = frozenset({"queue", "pair", "merge_page"})


def test_wrong_methods_are_refused(world: World) -> None:
    client = signed_in_client(world.supervisor)
    slug = world.own.slug
    assert client.post(reverse("duplicates:queue", kwargs={"org": slug})).status_code == 405
    assert client.get(reverse("duplicates:scan", kwargs={"org": slug})).status_code == 405
    pair = world.pair()
    decide = reverse("duplicates:pair_decide", kwargs={"org": slug, "pair_id": pair.pk})
    assert client.get(decide).status_code == 405


def test_another_organisations_pair_is_not_found_through_ones_own(world: World) -> None:
    theirs = World(own=world.other, other=world.own, supervisor=world.supervisor).pair()
    client = signed_in_client(world.supervisor)
    url = reverse("duplicates:pair_detail", kwargs={"org": world.own.slug, "pair_id": theirs.pk})
    assert client.get(url).status_code == 404
    assert client.post(url, {"keep": "a"}).status_code == 404
    assert Person.objects.filter(merged_into__isnull=False).count() == 0


def test_a_merge_form_sent_twice_merges_once(world: World) -> None:
    pair = world.pair()
    client = signed_in_client(world.supervisor)
    url = reverse("duplicates:pair_detail", kwargs={"org": world.own.slug, "pair_id": pair.pk})
    data = {
        "keep": "b",
        "version_a": pair.person_a.version,
        "version_b": pair.person_b.version,
        "field_full_name": "a",
    }
    first = client.post(url, data)
    again = client.post(url, data)
    merge = PersonMerge.objects.get()
    assert first.status_code == again.status_code == 302
    assert (
        first["Location"]
        == again["Location"]
        == reverse("duplicates:merge_detail", kwargs={"org": world.own.slug, "merge_id": merge.pk})
    )
    assert merge.survivor_id == pair.person_b_id
    # The name of the left record was chosen: the survivor (the right one) took it.
    assert Person.objects.get(pk=pair.person_b_id).full_name == "Nguyễn Thị Hoa"


def test_the_queue_reads_in_a_fixed_number_of_queries(
    world: World, django_assert_max_num_queries: Any
) -> None:
    for _ in range(5):
        world.pair()
    client = signed_in_client(world.supervisor)
    url = reverse("duplicates:queue", kwargs={"org": world.own.slug})
    client.get(url)
    with django_assert_max_num_queries(25):
        assert client.get(url).status_code == 200
