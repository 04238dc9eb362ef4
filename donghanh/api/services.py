"""Issuing and revoking API tokens.

Tokens are issued by a system administrator with `manage.py create_api_token`: nobody can
make one for themselves, so the second factor that guards the web pages cannot be sidestepped
by a user alone. The secret is shown once and only its hash is kept.
"""

from __future__ import annotations

import datetime
import secrets
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from donghanh.api.events import ApiEvent
from donghanh.api.models import DISPLAY_PREFIX_LENGTH, TOKEN_PREFIX, ApiToken, token_hash
from donghanh.api.selectors import api_token_refusal
from donghanh.audit.services import audit_record
from donghanh.core.actor import Actor
from donghanh.organisations.models import Organisation
from donghanh.organisations.selectors import memberships_for

# last_used_at is written at most this often per token, not on every call.
LAST_USED_PRECISION = datetime.timedelta(minutes=1)


@dataclass(frozen=True)
class IssuedToken:
    token: ApiToken
    secret: str  # shown once to whoever issued it, never stored


def _new_secret() -> str:
    return TOKEN_PREFIX + secrets.token_urlsafe(32)


@transaction.atomic
def api_token_create(
    *,
    actor: Actor,
    user: Any,
    name: str = "",
    expires_at: datetime.datetime | None,
) -> IssuedToken:
    """Issue a token to `user`; refused (ValidationError) when the account may not hold one.

    The audit row goes to each organisation the user is a member of, so that their
    administrators see that a program can now act as this member.
    """
    refusal = api_token_refusal(user)
    if refusal is not None:
        raise ValidationError(refusal, code="token_refused")
    if expires_at is not None and expires_at <= timezone.now():
        raise ValidationError(_("The expiry must be in the future."), code="expired")
    secret = _new_secret()
    token = ApiToken.objects.create(
        user=user,
        name=name.strip()[:100],
        key_hash=token_hash(secret),
        prefix=secret[:DISPLAY_PREFIX_LENGTH],
        expires_at=expires_at,
    )
    for membership in memberships_for(user):
        audit_record(
            event=ApiEvent.TOKEN_ISSUED if expires_at else ApiEvent.TOKEN_ISSUED_NO_EXPIRY,
            actor=actor,
            organisation=membership.organisation,
            target=token,
            details={
                "user": user.pk,
                **({"expires": f"{expires_at:%Y-%m-%d}"} if expires_at else {}),
            },
        )
    return IssuedToken(token=token, secret=secret)


@transaction.atomic
def api_token_revoke(*, actor: Actor, token: ApiToken) -> bool:
    """Revoke the token now; whether it was still unrevoked."""
    token = ApiToken.objects.select_for_update().select_related("user").get(pk=token.pk)
    if token.revoked_at is not None:
        return False
    token.revoked_at = timezone.now()
    token.save(update_fields=["revoked_at"])
    # A user who has left every organisation still gets the row, outside any organisation.
    organisations: list[Organisation | None] = [m.organisation for m in memberships_for(token.user)]
    for organisation in organisations or [None]:
        audit_record(
            event=ApiEvent.TOKEN_REVOKED,
            actor=actor,
            organisation=organisation,
            target=token,
            changed_fields=["revoked_at"],
            details={"user": token.user_id},
        )
    return True


@transaction.atomic(savepoint=False)  # one statement: nothing to roll back on its own
def api_token_mark_used(*, actor: Actor, token: ApiToken, now: datetime.datetime) -> None:
    """Note that the actor used the token (bookkeeping, not audited: the calls audit themselves)."""
    if token.last_used_at is not None and now - token.last_used_at < LAST_USED_PRECISION:
        return
    ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    token.last_used_at = now
