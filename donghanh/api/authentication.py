"""`Authorization: Bearer <token>`: the API's only way in.

Every call checks the token (known, not revoked, not expired) and the account behind it
(`api_token_refusal`: active, member of an organisation, two-factor set up when the role
needs it). What the call may then see is decided by the same access helpers as the pages.
"""

from __future__ import annotations

from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework.authentication import BaseAuthentication, get_authorization_header
from rest_framework.exceptions import AuthenticationFailed
from rest_framework.request import Request

from donghanh.api.models import ApiToken
from donghanh.api.selectors import api_token_for_secret, api_token_refusal
from donghanh.api.services import api_token_mark_used
from donghanh.core.actor import Actor

KEYWORD = b"bearer"


class BearerTokenAuthentication(BaseAuthentication):
    def authenticate(self, request: Request) -> tuple[Any, ApiToken] | None:
        parts = get_authorization_header(request).split()
        if not parts or parts[0].lower() != KEYWORD:
            return None  # no credentials at all: 401 from the permission check
        if len(parts) != 2:
            raise AuthenticationFailed(_("Send the token as: Authorization: Bearer <token>."))
        try:
            secret = parts[1].decode("ascii")
        except UnicodeDecodeError:
            raise AuthenticationFailed(_("Invalid token.")) from None
        token = api_token_for_secret(secret)
        if token is None:
            raise AuthenticationFailed(_("Invalid token."))
        now = timezone.now()
        status = token.status_at(now)
        if status == ApiToken.Status.REVOKED:
            raise AuthenticationFailed(_("This token was revoked."))
        if status == ApiToken.Status.EXPIRED:
            raise AuthenticationFailed(_("This token has expired."))
        refusal = api_token_refusal(token.user)
        if refusal is not None:
            raise AuthenticationFailed(refusal)
        api_token_mark_used(actor=Actor.for_user(token.user), token=token, now=now)
        return token.user, token

    def authenticate_header(self, request: Request) -> str:
        # Makes DRF answer 401 (not 403) to a call without valid credentials.
        return 'Bearer realm="api"'


class BearerTokenScheme(OpenApiAuthenticationExtension):
    """Declares the scheme in the OpenAPI schema (registered on import, from apps.py)."""

    target_class = "donghanh.api.authentication.BearerTokenAuthentication"
    name = "bearerAuth"

    def get_security_definition(self, auto_schema: Any) -> dict[str, str]:
        return {
            "type": "http",
            "scheme": "bearer",
            "description": (
                "A token issued by a system administrator with "
                "`manage.py create_api_token <username>`."
            ),
        }
