"""The typed actor: built once per request, narrowed to an organisation, named when a system
process acts."""

from __future__ import annotations

from typing import cast

import pytest
from django.contrib.auth.models import AnonymousUser
from django.test import RequestFactory

from donghanh.accounts.models import User
from donghanh.core.actor import Actor, request_actor
from donghanh.organisations.models import Organisation
from donghanh.testing.factories import OrganisationFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_a_request_actor_is_built_once_and_carries_address_and_browser():
    user = cast(User, UserFactory())
    request = RequestFactory().get("/", REMOTE_ADDR="198.51.100.4", HTTP_USER_AGENT="Zalo")
    request.user = user
    actor = request_actor(request)
    assert actor.user is user
    assert actor.ip_address == "198.51.100.4"
    assert actor.user_agent == "Zalo"
    assert request_actor(request) is actor
    organisation = cast(Organisation, OrganisationFactory())
    within = request_actor(request, organisation)
    assert within.organisation is organisation and within.user is user
    assert request_actor(request) is actor  # narrowing makes a copy, the request keeps its own


def test_an_anonymous_request_acts_as_nobody():
    request = RequestFactory().get("/")
    request.user = AnonymousUser()
    actor = request_actor(request)
    assert actor.user is None and not actor.is_authenticated and actor.username == ""


def test_the_actor_follows_a_sign_in_within_the_request():
    request = RequestFactory().get("/")
    request.user = AnonymousUser()
    assert request_actor(request).user is None
    user = cast(User, UserFactory())
    request.user = user
    assert request_actor(request).user is user


def test_system_and_script_actors():
    loader = Actor.system("demo loader")
    assert loader.username == "demo loader" and loader.user is None
    user = cast(User, UserFactory())
    assert Actor.for_user(user).username == user.username
    assert Actor.for_user(AnonymousUser()).user is None
