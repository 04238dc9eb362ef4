"""The public pages: no login, no cookie, served from the cache when they can be.

Nothing a visitor types is stored or logged: the self-check's answers live only in the request
that shows its result, and a directory search is a plain GET whose results are public.
"""

from __future__ import annotations

from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods

from donghanh.content.models import Stage
from donghanh.core.page_cache import cached_public_page, cached_public_page_for
from donghanh.directory.hours import hours_table
from donghanh.directory.models import Provider
from donghanh.directory.selectors import (
    is_open_at,
    provider_get,
    providers_search,
    with_open_status,
)
from donghanh.public import hotlines
from donghanh.public.forms import HelpSearchForm, SelfCheckForm
from donghanh.public.self_check import assess

PAGE_SIZE = 20
# Directory pages say whether each provider is open now: keep them only briefly.
OPEN_NOW_SECONDS = 120


# Crawlers may read the public pages; the staff side, the API and search results are not for them.
ROBOTS_TXT = """User-agent: *
Disallow: /app/
Disallow: /admin/
Disallow: /api/
Disallow: /search
Disallow: /en/search
"""


@require_GET
def robots_txt(request: HttpRequest) -> HttpResponse:
    response = HttpResponse(ROBOTS_TXT, content_type="text/plain; charset=utf-8")
    response["Cache-Control"] = "public, max-age=86400"
    return response


@cached_public_page
@require_GET
def home(request: HttpRequest) -> HttpResponse:
    context = {"hotlines": hotlines, "journey_stages": Stage.choices}
    return render(request, "public/home.html", context)


# The form changes nothing and stores nothing, so it needs no CSRF token, and without a token
# the page sets no cookie. Its result is never cached: see `_self_check_result`.
@csrf_exempt
@cached_public_page
@require_http_methods(["GET", "POST"])
def self_check(request: HttpRequest) -> HttpResponse:
    if request.method == "POST":
        return _self_check_result(request)
    return render(request, "public/self_check.html", {"form": SelfCheckForm()})


@never_cache  # the answers are on this page: no browser or proxy may keep a copy
def _self_check_result(request: HttpRequest) -> HttpResponse:
    form = SelfCheckForm(request.POST)
    if not form.is_valid():
        return render(request, "public/self_check.html", {"form": form}, status=400)
    context = {"assessment": assess(form.answers()), "hotlines": hotlines}
    return render(request, "public/self_check_result.html", context)


@cached_public_page_for(OPEN_NOW_SECONDS)
@require_GET
def find_help(request: HttpRequest) -> HttpResponse:
    form = HelpSearchForm(request.GET or None)
    if not form.is_bound:
        providers = providers_search(public_only=True)
    elif form.is_valid():
        providers = providers_search(**form.search_filters(), public_only=True)
    else:
        providers = providers_search(public_only=True).none()  # nothing found for a wrong form
    page = Paginator(providers, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "form": form,
        "page": page,
        "providers": with_open_status(page.object_list, timezone.now()),
        "resolution": form.resolution if form.is_bound and form.is_valid() else None,
        "place_abroad": form.place_abroad if form.is_bound and form.is_valid() else None,
    }
    return render(request, "public/find_help.html", context)


@cached_public_page_for(OPEN_NOW_SECONDS)
@require_GET
def provider(request: HttpRequest, provider_id: int) -> HttpResponse:
    try:
        found = provider_get(provider_id, public_only=True)
    except Provider.DoesNotExist:
        raise Http404 from None  # hidden and missing providers look the same
    context = {
        "provider": found,
        "open_now": is_open_at(found, timezone.now()),
        "hours": hours_table(found.opening_hours.all()),
    }
    return render(request, "public/provider.html", context)
