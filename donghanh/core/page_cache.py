"""Whole-page caching for the public pages, which anyone may read and which change only on publish.

A view opts in with `cached_public_page`, which only marks its answer as shareable.
`PublicPageCacheMiddleware`, placed right after the security middleware, stores that answer as it
finally leaves (with every header the other middleware added: CSP, frame options, referrer
policy) and serves it to the next anonymous visitor before sessions, authentication, two-factor,
CSRF or lockout checks run at all: a hit costs one cache read and no database query. A cached
page is found by its address alone; the address carries the language (/en/… is English).

Publishing bumps a generation number kept in the cache: every page cached under the old
generation stops being found at once, in every process that shares the cache.

When that shared cache lives outside the process (Redis, files), each worker also keeps its own
copy of the pages it serves for PUBLIC_PAGE_LOCAL_SECONDS, so that a popular page costs no round
trip to the shared cache at all. A publication empties the publishing worker's copies at once;
the other workers' copies run out within those few seconds (browsers may keep a page for five
minutes anyway, see `_cached`).
"""

from __future__ import annotations

import secrets
import threading
from collections.abc import Callable
from functools import wraps
from typing import Generic, TypeVar

from django.conf import settings
from django.core.cache import BaseCache, caches
from django.core.cache.backends.locmem import LocMemCache
from django.http import HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.utils.cache import patch_cache_control
from django.utils.translation import get_language_from_path

from donghanh.core.middleware import is_public_path

GENERATION_KEY = "public-pages:generation"
# This worker's own copies: pickled like any cached value, so each hit gets a fresh response.
_worker_copies = LocMemCache("donghanh-public-pages", {"OPTIONS": {"MAX_ENTRIES": 500}})

View = Callable[..., HttpResponse]


def _cache() -> BaseCache:
    return caches[getattr(settings, "PUBLIC_PAGE_CACHE", "default")]


def _first_generation() -> int:
    # Random rather than 1: after the cache is emptied, the numbers start somewhere new, so that
    # what a process built for an old generation (`PerGeneration`) is never taken for current.
    return secrets.randbits(48)


def public_pages_generation() -> int:
    """The number that changes whenever published content changes (search rebuilds on it too)."""
    generation = _cache().get(GENERATION_KEY)
    if generation is None:
        first = _first_generation()
        _cache().add(GENERATION_KEY, first, timeout=None)
        generation = _cache().get(GENERATION_KEY, first)
    return int(generation)


T = TypeVar("T")


class PerGeneration(Generic[T]):
    """Values built from what the public pages show (search indexes), kept by this process until
    the public pages' generation moves on: `get(name)` builds `build(name)` at most once per
    generation, even when several threads ask at once."""

    def __init__(self, build: Callable[[str], T]) -> None:
        self._build = build
        self._lock = threading.Lock()
        # The generation and its values, replaced together.
        self._state: tuple[int | None, dict[str, T]] = (None, {})

    def get(self, name: str) -> T:
        generation = public_pages_generation()
        built, values = self._state
        if built == generation and name in values:
            return values[name]
        with self._lock:
            built, values = self._state
            if built != generation:
                values = {}
                self._state = (generation, values)
            if name not in values:
                values[name] = self._build(name)
            return values[name]

    def clear(self) -> None:
        with self._lock:
            self._state = (None, {})


def _worker_seconds() -> int:
    return int(getattr(settings, "PUBLIC_PAGE_LOCAL_SECONDS", 0))


def _worker_cache() -> BaseCache | None:
    """This worker's copies, or None when they would add nothing (a shared cache in memory)."""
    if _worker_seconds() <= 0 or isinstance(_cache(), LocMemCache):
        return None
    return _worker_copies


def invalidate_public_pages() -> None:
    """Forget every cached public page; called whenever published content changes."""
    _worker_copies.clear()
    cache = _cache()
    try:
        cache.incr(GENERATION_KEY)
    except ValueError:  # the key is missing: nothing was cached under any generation yet
        cache.add(GENERATION_KEY, _first_generation(), timeout=None)


# The attribute by which a view marks its answer as a public page to keep, and for how long.
CACHE_SECONDS_ATTRIBUTE = "public_page_seconds"


def _page_address(request: HttpRequest) -> str:
    # The host is part of the address: a page's canonical and language links name it, so a
    # page kept for one of the platform's names is never served under another.
    language = get_language_from_path(request.path_info) or settings.LANGUAGE_CODE
    return f"{request.get_host()}:{language}:{request.get_full_path()}"


def _page_key(request: HttpRequest) -> str:
    return f"public-pages:{public_pages_generation()}:{_page_address(request)}"


def _cached_page(request: HttpRequest) -> HttpResponseBase | None:
    worker = _worker_cache()
    if worker is None:
        return _cache().get(_page_key(request))
    page: HttpResponseBase | None = worker.get(_page_address(request))
    if page is None:
        page = _cache().get(_page_key(request))
        if page is not None:
            worker.set(_page_address(request), page, timeout=_worker_seconds())
    return page


def _keep(request: HttpRequest, response: HttpResponseBase, timeout: int) -> None:
    _cache().set(_page_key(request), response, timeout=timeout)
    worker = _worker_cache()
    if worker is not None:
        worker.set(_page_address(request), response, timeout=min(timeout, _worker_seconds()))


def _anonymous_get(request: HttpRequest) -> bool:
    """Only a visitor without a session may share a page with everyone else."""
    return request.method == "GET" and not request.COOKIES.get(settings.SESSION_COOKIE_NAME)


def _shareable(response: HttpResponseBase) -> int | None:
    """How long to keep the answer, or None when it must not be kept."""
    seconds = getattr(response, CACHE_SECONDS_ATTRIBUTE, None)
    if seconds is None or response.status_code != 200 or response.cookies or response.streaming:
        return None
    return int(seconds)


class PublicPageCacheMiddleware:
    """Serve and keep the pages that views mark with `cached_public_page`."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        # Staff, API and admin addresses are never looked up: they are never kept.
        if not (_anonymous_get(request) and is_public_path(request)):
            return self.get_response(request)
        # A host the platform does not answer to gets the same 400 as without the cache
        # (`get_host` refuses it), before any kept page is looked up.
        request.get_host()
        cached = _cached_page(request)
        if cached is not None:
            return cached
        response = self.get_response(request)
        timeout = _shareable(response)
        if timeout is not None:
            _keep(request, response, timeout)
        return response


def cached_public_page(view: View) -> View:
    """Mark a public view's answers to anonymous visitors as pages to keep until a publication."""
    return _cached(view, seconds=None)


def cached_public_page_for(seconds: int) -> Callable[[View], View]:
    """`cached_public_page` for pages that go stale with time as well as on publish (for example
    a provider's "open now"): kept at most `seconds`."""

    def decorator(view: View) -> View:
        return _cached(view, seconds=seconds)

    return decorator


def _cached(view: View, *, seconds: int | None) -> View:
    @wraps(view)
    def wrapper(request: HttpRequest, *args: object, **kwargs: object) -> HttpResponse:
        response = view(request, *args, **kwargs)
        if not _anonymous_get(request) or response.status_code != 200:
            return response
        if hasattr(response, "render"):
            response = response.render()
        timeout = getattr(settings, "PUBLIC_PAGE_CACHE_SECONDS", 3600)
        if seconds is not None:
            timeout = min(timeout, seconds)
        # Browsers and proxies may keep a copy a little while; publishing cannot reach them.
        patch_cache_control(response, public=True, max_age=min(300, timeout))
        setattr(response, CACHE_SECONDS_ATTRIBUTE, timeout)
        return response

    return wrapper
