"""The public's pages of the information bank: no sign-in, cached, light, JavaScript optional."""

from __future__ import annotations

from urllib.parse import urlencode

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import get_language
from django.views.decorators.http import require_GET

from donghanh.content.markup import render_markdown
from donghanh.content.search import site_search
from donghanh.content.selectors import (
    published_article,
    published_article_list,
    published_version,
    published_versions,
)
from donghanh.core.page_cache import cached_public_page, not_kept
from donghanh.directory.models import Country
from donghanh.directory.selectors import provider_phones

SEARCH_PAGE_SIZE = 20
# The article list's destination for no country in particular.
ANY_DESTINATION = "any"
# The destination whose guides come first when the reader has not chosen one, by language.
DEFAULT_DESTINATION = {"en": Country.UNITED_KINGDOM.value}
QUERY_MAX_LENGTH = 200


def _language() -> str:
    return get_language() or "vi"


def _share_links(request: HttpRequest, path: str) -> dict[str, str]:
    """Plain links to share a page: no SDK, no script, nothing loaded until the visitor taps."""
    url = request.build_absolute_uri(path)
    return {
        "facebook": "https://www.facebook.com/sharer/sharer.php?" + urlencode({"u": url}),
        "zalo": "https://sp.zalo.me/share_inline?" + urlencode({"url": url}),
    }


@require_GET
@cached_public_page
def article_list(request: HttpRequest) -> HttpResponse:
    """Articles by stage of the journey; the guides for the reader's destination first.

    The destination is a plain query parameter (`?destination=GB`, `any` for none): a form that
    works without JavaScript, nothing kept, no guess from the address or the browser. Without
    one, the English site puts the UK's guides first: its readers are mostly Vietnamese people
    in the UK.
    """
    language = _language()
    asked = request.GET.get("destination")
    destination = DEFAULT_DESTINATION.get(language, "") if asked is None else asked
    if destination not in Country.values:
        destination = ""  # "any", or a country the site does not know
    listing = published_article_list(language, destination)
    if destination and not listing.for_destination:
        listing = published_article_list(language)  # no guide for it yet: the whole list
    return render(
        request,
        "content/public/article_list.html",
        {
            "listing": listing,
            "destination_name": Country(listing.destination).label if listing.destination else "",
            "any_destination": ANY_DESTINATION,
        },
    )


@require_GET
@cached_public_page
def article_detail(request: HttpRequest, slug: str) -> HttpResponse:
    found = published_article(slug, _language())
    return render(
        request,
        "content/public/article_detail.html",
        {
            "found": found,
            "version": found.version,
            "body_html": render_markdown(found.version.body),
            "share": _share_links(request, reverse("articles:detail", args=[slug])),
        },
    )


@require_GET
@cached_public_page
def version_list(request: HttpRequest, slug: str) -> HttpResponse:
    versions = published_versions(slug, _language())
    return render(
        request,
        "content/public/version_list.html",
        {"versions": versions, "article": versions[0].article, "current": versions[0]},
    )


@require_GET
@cached_public_page
def version_detail(request: HttpRequest, slug: str, number: int) -> HttpResponse:
    version = published_version(slug, _language(), number)
    return render(
        request,
        "content/public/version_detail.html",
        {"version": version, "body_html": render_markdown(version.body)},
    )


@require_GET
@cached_public_page
def search(request: HttpRequest) -> HttpResponse:
    query = request.GET.get("q", "")[:QUERY_MAX_LENGTH].strip()
    hits = site_search(query, _language()) if query else []
    page = Paginator(hits, SEARCH_PAGE_SIZE).get_page(request.GET.get("page"))
    provider_ids = [hit.document.key for hit in page if hit.document.kind == "provider"]
    phones = provider_phones(provider_ids) if provider_ids else {}
    results = [(hit.document, phones.get(hit.document.key, [])) for hit in page]
    response = render(
        request,
        "content/public/search.html",
        {
            "query": query,
            "page": page,
            "results": results,
            "preparing": getattr(hits, "preparing", False),
        },
    )
    # Answered by the previous index while the new one is made: not kept past the renewal.
    return response if getattr(hits, "current", True) else not_kept(response)
