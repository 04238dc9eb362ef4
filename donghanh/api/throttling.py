"""A limit on reading lists of identities through the API: so many list pages a minute per token.

A token that reads every page of `/api/v1/persons/` or `/api/v1/cases/` pulls every name an
organisation holds; each page read is audited, and beyond `API_LIST_PAGES_PER_MINUTE` pages in
the last minute (a sliding window, per token, counted in the shared cache) the call answers 429
with a `Retry-After` header, until the oldest page read in the window is a minute old.
"""

from __future__ import annotations

import math
from typing import Any

from django.conf import settings
from django.utils.translation import ngettext
from rest_framework.exceptions import APIException, Throttled
from rest_framework.request import Request
from rest_framework.throttling import SimpleRateThrottle

from donghanh.api.models import ApiToken


class ListPagesThrottled(Throttled):
    """429 in the reader's language (DRF's own message cannot be translated with its number)."""

    def __init__(self, wait: float | None) -> None:
        seconds = max(1, math.ceil(wait or 0))
        APIException.__init__(
            self,
            ngettext(
                "Too many list pages read with this token: wait %(seconds)s second and try again.",
                "Too many list pages read with this token: wait %(seconds)s seconds and try again.",
                seconds,
            )
            % {"seconds": seconds},
            "throttled",
        )
        self.wait = seconds


class IdentityListThrottle(SimpleRateThrottle):
    """At most `API_LIST_PAGES_PER_MINUTE` list reads (GET) a minute for one token.

    A view whose other methods read identities too names them in `identity_read_methods`: a
    registration (POST /api/v1/persons/) runs the duplicate check, a search of the
    organisation's records by name, ID number or phone, and counts in the same window."""

    scope = "identity_list"
    cache_format = "api-identity-list:%(ident)s"

    def get_rate(self) -> str:
        return f"{settings.API_LIST_PAGES_PER_MINUTE}/min"

    def allow_request(self, request: Request, view: Any) -> bool:
        if request.method not in getattr(view, "identity_read_methods", {"GET"}):
            return True
        return super().allow_request(request, view)

    def get_cache_key(self, request: Request, view: Any) -> str | None:
        token = request.auth
        if not isinstance(token, ApiToken):
            return None  # not signed in with a token: refused before any list is read
        # The token's hash, not its id: an id may be given again to a later token.
        return self.cache_format % {"ident": token.key_hash}


class IdentityListLimited:
    """Mixin for the list endpoints of identities: the throttle and its translated answer."""

    throttle_classes = [IdentityListThrottle]

    def throttled(self, request: Request, wait: float | None) -> None:
        raise ListPagesThrottled(wait)
