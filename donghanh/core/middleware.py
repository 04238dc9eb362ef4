"""The language of a page: public pages take it from their address, staff pages from the person.

Public pages live in `i18n_patterns(..., prefix_default_language=False)`: `/` is Vietnamese and
`/en/` English, so a visitor switches language by following a link and no cookie is needed. The
staff pages (/app/, /admin/, /api/) keep the language the person chose: their account's language
cookie, else the browser's Accept-Language, else Vietnamese.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import cache

from django.conf import settings
from django.http import HttpRequest, HttpResponseBase
from django.middleware.locale import LocaleMiddleware as DjangoLocaleMiddleware
from django.urls import LocalePrefixPattern, get_resolver
from django.utils import translation
from django.utils.cache import add_never_cache_headers, patch_vary_headers

# Staff pages, Django's admin and the API: case data, never kept by a browser or a proxy.
PRIVATE_PREFIXES = ("/app/", "/admin/", "/api/")


@cache
def _staff_prefixes(urlconf: str) -> tuple[str, ...]:
    """The literal start of every top-level address outside the language-prefixed patterns."""
    prefixes = []
    for entry in get_resolver(urlconf).url_patterns:
        if isinstance(entry.pattern, LocalePrefixPattern):
            continue
        literal = str(entry.pattern).split("<", 1)[0].lstrip("^")
        if literal:  # an empty prefix would claim every address for the staff side
            prefixes.append("/" + literal)
    return tuple(prefixes)


def is_public_path(request: HttpRequest) -> bool:
    urlconf = str(getattr(request, "urlconf", None) or settings.ROOT_URLCONF)
    return not request.path_info.startswith(_staff_prefixes(urlconf))


class LocaleMiddleware(DjangoLocaleMiddleware):
    def process_request(self, request: HttpRequest) -> None:
        # Error pages read this to keep the public frame, which sets no cookie.
        request.is_public_page = is_public_path(request)  # type: ignore[attr-defined]
        if request.is_public_page:  # type: ignore[attr-defined]
            super().process_request(request)  # the address decides: /en/… English, else Vietnamese
            return
        translation.activate(translation.get_language_from_request(request, check_path=False))
        request.LANGUAGE_CODE = translation.get_language()

    def process_response(
        self, request: HttpRequest, response: HttpResponseBase
    ) -> HttpResponseBase:
        if not is_public_path(request):
            patch_vary_headers(response, ("Accept-Language",))
        # A public page depends on its address alone, so it does not vary by Accept-Language:
        # shared caches keep one copy per address.
        response.headers.setdefault("Content-Language", translation.get_language())
        return response


class PrivateNoStoreMiddleware:
    """Every answer under /app/, /admin/ and /api/ says `Cache-Control: no-store`.

    Pages and API answers there hold case data: the back button or a shared computer must not
    show them from a cache after signing out, and no proxy may keep them. Redirects, refusals and
    error pages included. The public pages are not touched: they are cached on purpose
    (donghanh/public/caching.py).
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        response = self.get_response(request)
        if request.path_info.startswith(PRIVATE_PREFIXES):
            add_never_cache_headers(response)
        return response
