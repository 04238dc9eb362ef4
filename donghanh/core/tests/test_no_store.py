"""Staff pages and API answers are never stored by a browser or a proxy; public pages may be."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from donghanh.api.tests.conftest import api_client, issue_token
from donghanh.organisations.roles import Role
from donghanh.testing import factories
from donghanh.testing.clients import signed_in_client

pytestmark = pytest.mark.django_db

# factory_boy's stubs type a factory call as the factory; the tests use the model.
MembershipFactory: Any = factories.MembershipFactory


def _no_store(response) -> bool:
    directives = {part.strip() for part in response.get("Cache-Control", "").split(",")}
    return "no-store" in directives


def test_every_staff_page_and_its_redirects_and_errors_say_no_store():
    member = MembershipFactory(role=Role.PROGRAMME_OFFICER)
    client = signed_in_client(member.user)
    org = member.organisation.slug
    for url, status in (
        (reverse("workspace:home"), 200),
        (f"/app/o/{org}/", 200),
        (f"/app/o/{org}/programmes/", 200),
        (f"/app/o/{org}/members/", 403),
        ("/app/o/no-such-organisation/", 404),
        ("/admin/", 302),
    ):
        response = client.get(url)
        assert response.status_code == status, url
        assert _no_store(response), url
    anonymous = Client()
    for url in (reverse("workspace:home"), reverse("accounts:login")):
        assert _no_store(anonymous.get(url)), url


def test_every_api_answer_says_no_store():
    member = MembershipFactory(role=Role.CASE_WORKER)
    client = api_client(issue_token(member.user))
    for url, status in (
        (reverse("api:case_list"), 200),
        (reverse("api:case_detail", kwargs={"case_id": 999_999}), 404),
        ("/api/openapi.json", 200),
    ):
        response = client.get(url)
        assert response.status_code == status, url
        assert _no_store(response), url
    assert _no_store(api_client().get(reverse("api:case_list")))  # 401


def test_public_pages_keep_their_own_caching():
    for url in ("/", "/en/", "/self-check/"):
        response = Client().get(url)
        assert response.status_code == 200
        assert not _no_store(response), url
        assert "max-age=0" not in response.get("Cache-Control", ""), url
