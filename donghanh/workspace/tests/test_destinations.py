"""Every role's home leads to every page the role may open, and to nothing that refuses it.

The pages are not listed by hand: every address of the workspace that takes at most an
organisation, and the programme pages of a project the organisation implements and of one it
funds, is opened as each role; whatever answers with a page must be reachable from the home
page by following links, and every link of the home page must answer 200.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from donghanh.organisations.models import Organisation
from donghanh.organisations.roles import Role
from donghanh.programmes.projects.models import Project
from donghanh.testing import factories
from donghanh.testing.clients import signed_in_client

MembershipFactory: Any = factories.MembershipFactory
OrganisationFactory: Any = factories.OrganisationFactory

pytestmark = pytest.mark.django_db

HOME = "/app/"
# Addresses that are not pages to be led to: signing in and out, the second factor's steps
# (led to from the account page once needed), the API and the system administration.
NOT_DESTINATIONS = {
    "accounts:login",
    "accounts:logout",
    "accounts:two_factor_verify",
    "accounts:sessions_end_others",
    "set_language",
    "healthz",
    "robots_txt",
}
HREF = re.compile(r'href="(/app/[^"#?]*)[^"]*"')


def _names(resolver: URLResolver, namespace: str = "") -> Iterator[tuple[str, set[str]]]:
    for pattern in resolver.url_patterns:
        if isinstance(pattern, URLResolver):
            inner = namespace
            if pattern.namespace:
                inner = f"{namespace}:{pattern.namespace}" if namespace else pattern.namespace
            if str(pattern.pattern).startswith(("admin/", "api/")):
                continue
            for name, params in _names(pattern, inner):
                yield name, params | set(pattern.pattern.converters)
        elif isinstance(pattern, URLPattern) and pattern.name:
            name = f"{namespace}:{pattern.name}" if namespace else pattern.name
            yield name, set(pattern.pattern.converters)


def workspace_pages(organisation: Organisation, projects: list[Project]) -> set[str]:
    """Every address of the workspace that needs nothing but the organisation (or nothing),
    and the pages of each project that need nothing but the project."""
    pages = set()
    for name, params in _names(get_resolver()):
        if name in NOT_DESTINATIONS:
            continue
        if not params:
            url = reverse(name)
        elif params == {"org"}:
            url = reverse(name, kwargs={"org": organisation.slug})
        elif params == {"org", "project_id"}:
            for project in projects:
                pages.add(
                    reverse(name, kwargs={"org": organisation.slug, "project_id": project.pk})
                )
            continue
        else:
            continue
        if url.startswith("/app/"):
            pages.add(url)
    return pages


def links_of(client: Client, url: str) -> set[str]:
    response = client.get(url)
    if response.status_code != 200 or "html" not in response.get("Content-Type", ""):
        return set()
    return set(HREF.findall(response.content.decode()))


def reachable(client: Client, start: str) -> set[str]:
    """Every address a member can reach from `start` by following links (a small world: a
    few dozen pages)."""
    seen = {start}
    frontier = {start}
    while frontier and len(seen) < 1000:
        found: set[str] = set()
        for url in frontier:
            found |= links_of(client, url)
        frontier = found - seen
        seen |= found
    return seen


def is_page(response: Any) -> bool:
    """A page, not a file to download (those are reached through their page's form)."""
    return response.status_code == 200 and "text/html" in response.get("Content-Type", "")


@pytest.fixture
def world() -> dict[str, Any]:
    own = OrganisationFactory(kind=Organisation.Kind.SHELTER)
    other = OrganisationFactory()
    implemented = Project.objects.create(implementing_organisation=own, code="P1", name="Dự án 1")
    funded = Project.objects.create(implementing_organisation=other, code="P2", name="Dự án 2")
    funded.donors.add(own)
    return {"own": own, "projects": [implemented, funded]}


@pytest.mark.parametrize("role", list(Role))
def test_every_link_of_a_roles_home_opens_for_that_role(world, role):
    client = signed_in_client(MembershipFactory(organisation=world["own"], role=role).user)
    links = links_of(client, HOME)
    assert links
    refused = {url: client.get(url).status_code for url in links}
    assert {url: status for url, status in refused.items() if status != 200} == {}


@pytest.mark.parametrize("role", list(Role))
def test_every_page_a_role_may_open_is_reachable_from_its_home(world, role):
    client = signed_in_client(MembershipFactory(organisation=world["own"], role=role).user)
    may_open = {
        url for url in workspace_pages(world["own"], world["projects"]) if is_page(client.get(url))
    }
    assert HOME in may_open
    assert may_open - reachable(client, HOME) == set()


def test_a_donor_viewer_is_led_to_the_dashboards_and_not_to_the_directory(world):
    client = signed_in_client(
        MembershipFactory(organisation=world["own"], role=Role.DONOR_VIEWER).user
    )
    links = links_of(client, HOME)
    slug = world["own"].slug
    for project in world["projects"]:
        dashboard = reverse("indicators:dashboard", kwargs={"org": slug, "project_id": project.pk})
        assert dashboard in links
    assert reverse("directory:list") not in links


def test_a_programme_officer_is_led_to_programmes(world):
    client = signed_in_client(
        MembershipFactory(organisation=world["own"], role=Role.PROGRAMME_OFFICER).user
    )
    assert reverse("programmes:list", kwargs={"org": world["own"].slug}) in links_of(client, HOME)


def test_a_supervisor_is_led_to_the_approvals_queue(world):
    client = signed_in_client(
        MembershipFactory(organisation=world["own"], role=Role.SUPERVISOR).user
    )
    queue = reverse("casework:approvals", kwargs={"org": world["own"].slug})
    assert queue in links_of(client, HOME)
    assert client.get(queue).status_code == 200
