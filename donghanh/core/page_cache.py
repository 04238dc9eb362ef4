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
import time
from collections.abc import Callable, Iterable, Iterator
from functools import wraps
from typing import Generic, TypeVar

from django.conf import settings
from django.core.cache import BaseCache, caches
from django.core.cache.backends.locmem import LocMemCache
from django.db import connections
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
    """Values built from what the public pages show (search indexes), kept by this process and
    renewed when the public pages' generation moves on, never inside the request that notices.

    `get(name)` answers at once with the value this process holds, even one of an older
    generation: the newer one is made beside it, off the request path (a thread of this process,
    see `SEARCH_INDEX_REFRESH`), and replaces it in one assignment when it is ready. Made means
    taken from the shared cache when another process already built it for that generation (one
    process builds, the others load), else built here and left in the shared cache for them.

    Who builds after a publication: with `SEARCH_INDEX_BUILDER = "jobs"` a job of the
    background workers (queued by the publication, `share_now`), and the web processes only
    load its copy (they build it themselves only when no copy came for
    `BUILDER_WAIT_SECONDS`: no worker running); with "web" the first web process that notices.

    With `pieces` and `join`, the shared copy is kept as many small cache entries rather than
    one: a process loads them one at a time, each unpickled in a few milliseconds, so that the
    requests it serves meanwhile get the interpreter between two pieces instead of waiting
    seconds for one large copy to be unpickled.

    A process that holds nothing yet (it just started) loads the newest value in the shared
    cache (of any generation, renewed right after), off the request path too: started by
    `warm_up` as the worker starts, or by its first request, which waits for it up to
    `FIRST_WAIT_SECONDS` and past that answers with `empty()`, which `is_current` does not call
    current, so a page made from it is not kept. A new platform with nothing in the shared
    cache builds its first value the same way (or at deployment, `build_now`).
    """

    # How long one process keeps the right to build a generation before another may take it.
    BUILD_LOCK_SECONDS = 300
    # How long a process waits for the one that builds before building itself.
    WAIT_SECONDS = 60.0
    # How long a web process waits for the jobs worker's copy before building itself.
    BUILDER_WAIT_SECONDS = 120.0
    POLL_SECONDS = 0.5
    # The longest pause between two pieces of a shared copy being loaded.
    MAX_PAUSE_SECONDS = 0.02
    # How long a shared copy is kept (it is replaced at the next publication anyway).
    SHARED_SECONDS = 30 * 24 * 3600
    # How long the first request of a process that holds no value waits for the one loaded or
    # built off the request path before it answers with the empty value.
    FIRST_WAIT_SECONDS = 5.0

    def __init__(
        self,
        build: Callable[[str], T],
        *,
        empty: Callable[[str], T],
        shared_key: str = "",
        pieces: Callable[[T], Iterable[object]] | None = None,
        join: Callable[[Iterator[object]], T] | None = None,
    ) -> None:
        self._build = build
        self._shared_key = shared_key
        self._empty = empty
        self._pieces = pieces
        self._join = join
        # Set when a value of the name is first kept: what a first request waits for.
        self._arrived: dict[str, threading.Event] = {}
        self._lock = threading.RLock()
        # name → (generation, value), each entry replaced whole.
        self._values: dict[str, tuple[int, T]] = {}
        # The names being renewed in the background, and for which generation.
        self._renewing: dict[str, int] = {}
        # What this process did (tests count them around a request): values built, shared
        # copies loaded whole, and pieces of shared copies loaded.
        self.builds = 0
        self.loads = 0
        self.pieces_loaded = 0

    # The shared copies: the value of each generation (with `pieces`: how many pieces it has,
    # each piece under its own key), and which generation is the newest.
    def _key(self, name: str, generation: int | str, piece: int | None = None) -> str:
        key = f"shared:{self._shared_key}:{generation}:{name}"
        return key if piece is None else f"{key}:{piece}"

    def _shared(self) -> BaseCache | None:
        return _cache() if self._shared_key else None

    def _read_pieces(
        self, shared: BaseCache, name: str, generation: int, count: int
    ) -> Iterator[object]:
        started = time.perf_counter()
        for number in range(count):
            piece = shared.get(self._key(name, generation, number))
            if piece is None:  # evicted, or deleted with its generation: the copy is gone
                raise _PieceMissingError
            with self._lock:
                self.pieces_loaded += 1
            yield piece
            # Between two pieces the requests of this process have the interpreter, for as
            # long as the last piece took to load and put in place: a load never has more
            # than half of it, and never holds it longer than one piece at a time.
            time.sleep(min(time.perf_counter() - started, self.MAX_PAUSE_SECONDS))
            started = time.perf_counter()

    def _load(self, name: str, generation: int) -> T | None:
        shared = self._shared()
        stored = None if shared is None else shared.get(self._key(name, generation))
        if stored is None or shared is None:
            return None
        if self._join is not None:
            try:
                stored = self._join(self._read_pieces(shared, name, generation, int(stored)))
            except _PieceMissingError:
                return None
        with self._lock:
            self.loads += 1
        return stored

    def _load_newest(self, name: str) -> tuple[int, T] | None:
        shared = self._shared()
        if shared is None:
            return None
        newest = shared.get(self._key(name, "newest"))
        value = None if newest is None else self._load(name, int(newest))
        return None if value is None else (int(newest), value)

    def _store(self, shared: BaseCache, name: str, generation: int, value: T) -> None:
        if self._pieces is None:
            shared.set(self._key(name, generation), value, timeout=self.SHARED_SECONDS)
            return
        count = 0
        for count, piece in enumerate(self._pieces(value), start=1):
            shared.set(self._key(name, generation, count - 1), piece, timeout=self.SHARED_SECONDS)
        # Written last: a copy is found only once every piece of it is there.
        shared.set(self._key(name, generation), count, timeout=self.SHARED_SECONDS)

    def _forget(self, shared: BaseCache, name: str, generation: int) -> None:
        stored = shared.get(self._key(name, generation))
        keys = [self._key(name, generation)]
        if self._pieces is not None and stored is not None:
            keys += [self._key(name, generation, number) for number in range(int(stored))]
        shared.delete_many(keys)

    def _build_and_share(self, name: str, generation: int) -> T:
        with self._lock:
            self.builds += 1
        value = self._build(name)
        shared = self._shared()
        if shared is not None:
            # One generation kept beside the one being made: a copy may be large.
            previous = shared.get(self._key(name, "newest"))
            self._store(shared, name, generation, value)
            shared.set(self._key(name, "newest"), generation, timeout=self.SHARED_SECONDS)
            if previous is not None and previous != generation:
                self._forget(shared, name, int(previous))
        return value

    def _builds_elsewhere(self) -> bool:
        return getattr(settings, "SEARCH_INDEX_BUILDER", "web") == "jobs"

    def _wait_for_copy(self, name: str, generation: int, seconds: float) -> T | None:
        """The copy of `generation` once another process shared it, or None after `seconds`
        or once the generation moved on (a copy of the newer one is what to wait for then)."""
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            time.sleep(self.POLL_SECONDS)
            if public_pages_generation() != generation:
                return None
            value = self._load(name, generation)
            if value is not None:
                return value
        return None

    def _make(self, name: str, generation: int, *, wait: bool, defer: bool = False) -> T | None:
        """The value of `generation`: loaded when shared, else built (by one process at a time
        when `wait`, the others waiting for its copy a while). With `defer`, a process that
        holds an older value waits for the copy the jobs worker builds, and builds only when
        none came; None when the generation moved on meanwhile."""
        value = self._load(name, generation)
        if value is not None:
            return value
        shared = self._shared()
        if shared is not None and not self.holds(name):
            newest = self._load_newest(name)  # something to answer with while it is renewed
            if newest is not None:
                self._keep(name, *newest)
                value = self._load(name, generation)  # shared meanwhile
                if value is not None:
                    return value
        if defer and shared is not None and self.holds(name):
            value = self._wait_for_copy(name, generation, self.BUILDER_WAIT_SECONDS)
            if value is not None or public_pages_generation() != generation:
                return value
        if wait and shared is not None:
            lock = self._key(name, f"{generation}:building")
            if not shared.add(lock, True, timeout=self.BUILD_LOCK_SECONDS):
                value = self._wait_for_copy(name, generation, self.WAIT_SECONDS)
                if value is not None or public_pages_generation() != generation:
                    return value
        return self._build_and_share(name, generation)

    def _keep(self, name: str, generation: int, value: T) -> None:
        with self._lock:
            held = self._values.get(name)
            if held is None or held[0] != public_pages_generation() or generation == held[0]:
                self._values[name] = (generation, value)
            self._arrival(name).set()

    def _arrival(self, name: str) -> threading.Event:
        with self._lock:
            return self._arrived.setdefault(name, threading.Event())

    def _renew(self, name: str, generation: int) -> None:
        try:
            value = self._make(name, generation, wait=True, defer=self._builds_elsewhere())
            if value is not None:
                self._keep(name, generation, value)
        finally:
            with self._lock:
                if self._renewing.get(name) == generation:
                    del self._renewing[name]
            if threading.current_thread() is not threading.main_thread():
                connections.close_all()  # this thread's own connections

    def _start_renewal(self, name: str, generation: int) -> None:
        with self._lock:
            if self._renewing.get(name) == generation:
                return
            self._renewing[name] = generation
        if getattr(settings, "SEARCH_INDEX_REFRESH", "background") == "inline":
            self._renew(name, generation)
        else:
            start_in_background(self._renew, name, generation)

    def get(self, name: str) -> T:
        """The value this process holds for `name`, at once; never built nor loaded here."""
        generation = public_pages_generation()
        held = self._values.get(name)
        if held is None:
            return self._first(name, generation)
        if held[0] != generation:
            self._start_renewal(name, generation)
            held = self._values[name]  # renewed already when renewals run inline
        return held[1]

    def _first(self, name: str, generation: int) -> T:
        """The value for a process that holds none: loaded or built off the request path (at
        start-up or now), waited for a while, else the empty value."""
        self._start_renewal(name, generation)
        self._arrival(name).wait(self.FIRST_WAIT_SECONDS)
        held = self._values.get(name)
        if held is not None:
            if held[0] != generation:
                self._start_renewal(name, generation)
            return held[1]
        return self._empty(name)

    def is_current(self, name: str) -> bool:
        """Whether the value held for `name` is that of the public pages' current generation
        (not when none is held yet: a request then had the empty value)."""
        held = self._values.get(name)
        return held is not None and held[0] == public_pages_generation()

    def holds(self, name: str) -> bool:
        """Whether this process holds a value for `name` (of any generation)."""
        return name in self._values

    def build_now(self, names: Iterable[str]) -> None:
        """Load or build `names` for the current generation here and now, in this process (a
        deployment step, never a request), leaving them in the shared cache."""
        generation = public_pages_generation()
        for name in names:
            value = self._make(name, generation, wait=True)
            if value is not None:
                self._keep(name, generation, value)

    def share_now(self, names: Iterable[str]) -> int:
        """Build `names` for the current generation and leave them in the shared cache, unless
        a copy is there already or another process is building it (a job of the background
        workers, after a publication); nothing is kept in this process. How many were built."""
        shared = self._shared()
        if shared is None:
            return 0
        generation = public_pages_generation()
        built = 0
        for name in names:
            if shared.get(self._key(name, generation)) is not None:
                continue
            lock = self._key(name, f"{generation}:building")
            if shared.add(lock, True, timeout=self.BUILD_LOCK_SECONDS):
                self._build_and_share(name, generation)
                built += 1
        return built

    def warm_up(self, names: Iterable[str]) -> None:
        """Load or build `names` in the background, for a worker that just started."""
        generation = public_pages_generation()
        for name in names:
            if name not in self._values:
                self._start_renewal(name, generation)

    def clear(self) -> None:
        with self._lock:
            self._values = {}
            self._renewing = {}
            self._arrived = {}
            self.builds = 0
            self.loads = 0
            self.pieces_loaded = 0


class _PieceMissingError(LookupError):
    """A piece of a shared copy is no longer in the cache."""


def start_in_background(function: Callable[..., object], *args: object) -> None:
    """Run `function(*args)` in a thread of this process (tests replace it to run it later)."""
    threading.Thread(target=function, args=args, daemon=True).start()


def _worker_seconds() -> int:
    return int(getattr(settings, "PUBLIC_PAGE_LOCAL_SECONDS", 0))


def _worker_cache() -> BaseCache | None:
    """This worker's copies, or None when they would add nothing (a shared cache in memory)."""
    if _worker_seconds() <= 0 or isinstance(_cache(), LocMemCache):
        return None
    return _worker_copies


# Called after each publication, once the generation moved on (the content app queues the job
# that builds the new search indexes): registered from an app's `ready()`.
_publication_listeners: list[Callable[[], None]] = []


def on_publication(listener: Callable[[], None]) -> None:
    """Have `listener()` called after every `invalidate_public_pages` (once per listener)."""
    if listener not in _publication_listeners:
        _publication_listeners.append(listener)


def invalidate_public_pages() -> None:
    """Forget every cached public page; called whenever published content changes."""
    _worker_copies.clear()
    cache = _cache()
    try:
        cache.incr(GENERATION_KEY)
    except ValueError:  # the key is missing: nothing was cached under any generation yet
        cache.add(GENERATION_KEY, _first_generation(), timeout=None)
    for listener in _publication_listeners:
        listener()


# The attribute by which a view marks its answer as a public page to keep, and for how long.
CACHE_SECONDS_ATTRIBUTE = "public_page_seconds"
# The attribute by which a view marks an answer made from an older generation (a search while
# its index is renewed): served, never kept, or it would outlive the renewal.
NOT_KEPT_ATTRIBUTE = "public_page_not_kept"


def not_kept(response: HttpResponse) -> HttpResponse:
    """Mark a public view's answer as one `cached_public_page` must not keep."""
    setattr(response, NOT_KEPT_ATTRIBUTE, True)
    return response


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
        if (
            not _anonymous_get(request)
            or response.status_code != 200
            or getattr(response, NOT_KEPT_ATTRIBUTE, False)
        ):
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
