"""Search terms kept out of addresses.

A name typed into a search of people or cases must not travel in a URL, where proxies, server
logs and the browser's history keep it. The search form is posted instead; the terms are kept,
encrypted, in the user's session under a random key, and the page redirects to an address that
carries only that key (with filters that identify nobody, such as a case type or a page
number). Paging, reloading and the browser's back button work on that address; a key that is
unknown, belongs to another list, or has expired gives the list without the terms.
"""

from __future__ import annotations

import secrets
import time
from typing import Any, NamedTuple

from django.http import HttpRequest, HttpResponseRedirect, QueryDict

from donghanh.core.crypto import DecryptionError, decrypt_text, encrypt_text

SEARCH_PARAM = "search"
SESSION_KEY = "donghanh_search_terms"
MAX_KEPT = 20  # the newest searches of a session; older keys expire
MAX_AGE_SECONDS = 8 * 60 * 60
MAX_LENGTH = 200


def search_terms_keep(request: HttpRequest, *, scope: str, terms: str) -> str:
    """Keep `terms` for the list named by `scope` and return the key that recalls them."""
    key = secrets.token_urlsafe(16)
    kept: dict[str, Any] = dict(request.session.get(SESSION_KEY, {}))
    kept[key] = {"scope": scope, "terms": encrypt_text(terms[:MAX_LENGTH]), "at": time.time()}
    newest = sorted(kept.items(), key=lambda item: item[1]["at"])[-MAX_KEPT:]
    request.session[SESSION_KEY] = dict(newest)
    return key


def search_terms_recall(request: HttpRequest, *, scope: str, key: str) -> str | None:
    """The terms kept under `key` for this list, or None when unknown or expired."""
    entry = request.session.get(SESSION_KEY, {}).get(key)
    if not isinstance(entry, dict) or entry.get("scope") != scope:
        return None
    if time.time() - float(entry.get("at", 0)) > MAX_AGE_SECONDS:
        return None
    try:
        return decrypt_text(str(entry["terms"]))
    except (DecryptionError, KeyError):
        return None


def search_redirect(
    request: HttpRequest,
    *,
    scope: str,
    url: str,
    text_field: str = "q",
    filters: tuple[str, ...] = (),
) -> HttpResponseRedirect:
    """After a posted search: back to `url` with the terms' key and the named filters only."""
    params = QueryDict(mutable=True)
    for name in filters:
        values = [value for value in request.POST.getlist(name) if value]
        if values:
            params.setlist(name, values)
    terms = " ".join(request.POST.get(text_field, "").split())
    if terms:
        params[SEARCH_PARAM] = search_terms_keep(request, scope=scope, terms=terms)
    return HttpResponseRedirect(f"{url}?{params.urlencode()}" if params else url)


class BoundSearch(NamedTuple):
    data: QueryDict  # the query string's filters, with the kept terms under the text field
    expired: bool  # the address named a key that recalls nothing


def search_terms_bound(
    request: HttpRequest,
    *,
    scope: str,
    text_field: str = "q",
    source: QueryDict | None = None,
) -> BoundSearch:
    """The data to bind the list's filter form to (the address's, or `source`, such as a
    posted form's): terms come only from the session."""
    data = (request.GET if source is None else source).copy()
    data.pop(text_field, None)
    key = data.get(SEARCH_PARAM, "")
    data.pop(SEARCH_PARAM, None)
    if not key:
        return BoundSearch(data, expired=False)
    terms = search_terms_recall(request, scope=scope, key=key)
    if terms is None:
        return BoundSearch(data, expired=True)
    data[text_field] = terms
    return BoundSearch(data, expired=False)
