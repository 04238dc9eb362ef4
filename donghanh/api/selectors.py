"""Reads for API tokens: finding a token by its secret, and who may hold one."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from donghanh.accounts.selectors import user_has_confirmed_device
from donghanh.api.models import TOKEN_PREFIX, ApiToken, token_hash
from donghanh.organisations.selectors import memberships_for

# Tokens are 46 characters; anything much longer is not one of ours and is not hashed.
_MAX_SECRET_LENGTH = 100


def api_token_for_secret(secret: str) -> ApiToken | None:
    """The token whose secret this is, with its user; None when there is none."""
    if not secret.startswith(TOKEN_PREFIX) or len(secret) > _MAX_SECRET_LENGTH:
        return None
    return ApiToken.objects.select_related("user").filter(key_hash=token_hash(secret)).first()


def api_token_refusal(user: Any) -> str | None:
    """Why the user may not hold (or use) an API token now; None when they may.

    A token stands in for the password and the second factor, so it is only for accounts
    in proper standing: active, past their first password change, a member of at least one
    organisation, and with two-factor sign-in set up (every account needs it). An
    administrator's password or two-factor reset therefore suspends the user's tokens too.
    """
    if not user.is_active:
        return _("This account is disabled.")
    if user.must_change_password:
        return _(
            "This account must choose a new password: sign in on the website first, then use "
            "the API."
        )
    if not memberships_for(user):
        return _("This account is not an active member of any organisation.")
    if not user_has_confirmed_device(user):
        return _(
            "This account must sign in with two-factor authentication, which is not set up: "
            "set it up on the website first, then use the API."
        )
    return None


def api_tokens_listed(username: str = "") -> QuerySet[ApiToken]:
    """Every token (of one user, when given), newest first, for the administrators' listing."""
    tokens = ApiToken.objects.select_related("user").order_by("-created_at", "-id")
    if username:
        tokens = tokens.filter(user__username=username)
    return tokens
