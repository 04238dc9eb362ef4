"""Whole-page caching for the public pages, which anyone may read and which change only on publish.

A cached page is found by its path and language alone, so a hit costs one cache read and no
database query. Publishing bumps a generation number kept in the cache: every page cached under
the old generation stops being found at once, in every process that shares the cache.

When that shared cache lives outside the process (Redis, files), each worker also keeps its own
copy of the pages it serves for PUBLIC_PAGE_LOCAL_SECONDS, so that a popular page costs no round
trip to the shared cache at all. A publication empties the publishing worker's copies at once;
the other workers' copies run out within those few seconds (browsers may keep a page for five
minutes anyway, see `_cached`).
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps

from django.conf import settings
from django.core.cache import BaseCache, caches
from django.core.cache.backends.locmem import LocMemCache
from django.http import HttpRequest, HttpResponse
from django.utils.cache import patch_cache_control
from django.utils.translation import get_language

GENERATION_KEY = "public-pages:generation"
# This worker's own copies: pickled like any cached value, so each hit gets a fresh response.
_worker_copies = LocMemCache("donghanh-public-pages", {"OPTIONS": {"MAX_ENTRIES": 500}})

View = Callable[..., HttpResponse]


def _cache() -> BaseCache:
    return caches[getattr(settings, "PUBLIC_PAGE_CACHE", "default")]


def public_pages_generation() -> int:
    """The number that changes whenever published content changes (search rebuilds on it too)."""
    generation = _cache().get(GENERATION_KEY)
    if generation is None:
        _cache().add(GENERATION_KEY, 1, timeout=None)
        generation = _cache().get(GENERATION_KEY, 1)
    return int(generation)


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
        cache.add(GENERATION_KEY, 1, timeout=None)


def _page_address(request: HttpRequest) -> str:
    return f"{get_language()}:{request.get_full_path()}"


def _page_key(request: HttpRequest) -> str:
    return f"public-pages:{public_pages_generation()}:{_page_address(request)}"


def _cached_page(request: HttpRequest) -> HttpResponse | None:
    worker = _worker_cache()
    if worker is None:
        return _cache().get(_page_key(request))
    page: HttpResponse | None = worker.get(_page_address(request))
    if page is None:
        page = _cache().get(_page_key(request))
        if page is not None:
            worker.set(_page_address(request), page, timeout=_worker_seconds())
    return page


def cached_public_page(view: View) -> View:
    """Serve GET requests of an anonymous visitor from the cache; everything else goes through."""
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
        if request.method != "GET" or request.COOKIES.get(settings.SESSION_COOKIE_NAME):
            return view(request, *args, **kwargs)
        cached = _cached_page(request)
        if cached is not None:
            return cached
        response = view(request, *args, **kwargs)
        if response.status_code == 200 and not response.cookies and not response.streaming:
            response = response.render() if hasattr(response, "render") else response
            timeout = getattr(settings, "PUBLIC_PAGE_CACHE_SECONDS", 3600)
            if seconds is not None:
                timeout = min(timeout, seconds)
            # Browsers and proxies may keep a copy a little while; publishing cannot reach them.
            patch_cache_control(response, public=True, max_age=min(300, timeout))
            _cache().set(_page_key(request), response, timeout=timeout)
            worker = _worker_cache()
            if worker is not None:
                worker.set(
                    _page_address(request), response, timeout=min(timeout, _worker_seconds())
                )
        return response

    return wrapper
