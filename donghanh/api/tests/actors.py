"""The ten actors of the API permission matrices, each with the client it calls the API with.

Members had two-factor sign-in set up, as a token requires; the system administrator and the
user with no membership hold a token issued before they lost their standing (a row written
directly), which the API refuses like no token at all.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.utils import timezone

from donghanh.api.models import ApiToken, token_hash
from donghanh.api.tests.conftest import api_client, issue_token
from donghanh.organisations.models import Organisation
from donghanh.organisations.roles import Role
from donghanh.testing import factories

MembershipFactory: Any = factories.MembershipFactory
UserFactory: Any = factories.UserFactory

ACTORS = (
    "org_admin",
    "supervisor",
    "case_worker",
    "collaborator",
    "programme_officer",
    "content_editor",
    "donor_viewer",
    "system_administrator",  # a superuser without any membership
    "no_membership",  # an account that belongs to no organisation
    "anonymous",  # no token
)


def stale_token(user: Any) -> str:
    """A token row for an account that could not be issued one now (no membership)."""
    secret = f"dh_matrix{user.pk:08d}0123456789abcdefghijklmnopqrstuv"
    ApiToken.objects.create(
        user=user,
        key_hash=token_hash(secret),
        prefix=secret[:11],
        expires_at=timezone.now() + datetime.timedelta(days=30),
    )
    return secret


def actor_client(actor: str, own: Organisation) -> tuple[Any, Any]:
    """The actor's user (None when anonymous) and an API client carrying its token."""
    if actor == "anonymous":
        return None, api_client()
    if actor == "system_administrator":
        user = UserFactory(is_superuser=True, is_staff=True)
        return user, api_client(stale_token(user))
    if actor == "no_membership":
        user = UserFactory()
        return user, api_client(stale_token(user))
    user = MembershipFactory(organisation=own, role=Role(actor)).user
    return user, api_client(issue_token(user))
