"""Public pages come from the cache on a second visit, without a database query."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from django.core.cache import caches
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from donghanh.core.actor import Actor
from donghanh.core.page_cache import GENERATION_KEY
from donghanh.directory.models import Provider
from donghanh.directory.services import ProviderInput, provider_update


def test_a_cache_hit_runs_no_database_query(public_providers, django_assert_num_queries):
    client = Client()
    for url in ("/", "/en/", "/self-check/", "/help/", f"/help/{public_providers['hotline'].pk}/"):
        first = client.get(url)
        with django_assert_num_queries(0):
            second = client.get(url)
        assert second.status_code == 200
        assert second.content == first.content


def test_the_directory_page_runs_few_queries_when_not_cached(
    public_providers, django_assert_max_num_queries
):
    with django_assert_max_num_queries(12):
        assert Client().get("/help/?q=trung+tam").status_code == 200


def test_a_provider_edit_shows_on_the_public_page_at_once(
    public_providers, django_capture_on_commit_callbacks
):
    client = Client()
    hotline = public_providers["hotline"]
    assert "Tổng đài quốc gia 111" in client.get("/help/").content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        provider_update(
            provider=hotline,
            data=ProviderInput(
                name="Tổng đài 111 (tên mới)",
                kind=hotline.kind,
                serves_nationwide=True,
                shown_to_public=True,
            ),
            expected_version=hotline.version,
            actor=Actor.system("tests"),
        )
    assert "Tổng đài 111 (tên mới)" in client.get("/help/").content.decode()


def test_a_signed_in_visitor_is_not_served_a_cached_page(public_providers):
    client = Client()
    client.get("/")
    client.cookies["donghanh_session"] = "not-a-real-session"
    with CaptureQueriesContext(connection) as queries:
        assert client.get("/").status_code == 200
    assert len(queries) > 0  # the page was made afresh (looking up the session, at least)


def rename(provider: Provider, name: str) -> None:
    provider_update(
        provider=provider,
        data=ProviderInput(
            name=name, kind=provider.kind, serves_nationwide=True, shown_to_public=True
        ),
        expected_version=provider.version,
        actor=Actor.system("tests"),
    )


@pytest.fixture
def shared_file_cache(settings, tmp_path: Path) -> None:
    """A cache shared by worker processes, as in production (files here, Redis there)."""
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": str(tmp_path / "cache"),
        }
    }
    settings.PUBLIC_PAGE_LOCAL_SECONDS = 30


def test_a_worker_serves_its_own_copy_without_asking_the_shared_cache(
    shared_file_cache, public_providers, django_assert_num_queries
):
    client = Client()
    first = client.get("/help/")
    caches["default"].clear()  # the shared copy is gone: only the worker's own copy is left
    with django_assert_num_queries(0):
        second = client.get("/help/")
    assert second.content == first.content


def test_a_publication_empties_the_publishing_workers_copies_at_once(
    shared_file_cache, public_providers, django_capture_on_commit_callbacks
):
    client = Client()
    client.get("/help/")
    with django_capture_on_commit_callbacks(execute=True):
        rename(public_providers["hotline"], "Tổng đài 111 (tên mới)")
    assert "Tổng đài 111 (tên mới)" in client.get("/help/").content.decode()


def test_another_workers_publication_shows_when_this_workers_copy_runs_out(
    shared_file_cache, public_providers, monkeypatch
):
    client = Client()
    client.get("/help/")
    rename(public_providers["hotline"], "Tổng đài 111 (tên mới)")
    caches["default"].incr(GENERATION_KEY)  # published by another worker: only the shared cache
    assert "Tổng đài 111 (tên mới)" not in client.get("/help/").content.decode()
    later = time.time() + 31
    monkeypatch.setattr(time, "time", lambda: later)
    assert "Tổng đài 111 (tên mới)" in client.get("/help/").content.decode()


def test_without_worker_copies_another_workers_publication_shows_at_once(
    shared_file_cache, settings, public_providers
):
    settings.PUBLIC_PAGE_LOCAL_SECONDS = 0
    client = Client()
    client.get("/help/")
    rename(public_providers["hotline"], "Tổng đài 111 (tên mới)")
    caches["default"].incr(GENERATION_KEY)
    assert "Tổng đài 111 (tên mới)" in client.get("/help/").content.decode()


def test_a_cached_page_keeps_every_security_header_of_the_first_answer(public_providers):
    client = Client()
    first = client.get("/self-check/")
    second = client.get("/self-check/")
    for header in ("Content-Security-Policy", "X-Frame-Options", "Referrer-Policy"):
        assert first.headers.get(header), header
        assert second.headers.get(header) == first.headers[header], header
    assert not second.cookies


def test_a_page_that_sets_a_cookie_is_never_kept(rf):
    from django.http import HttpResponse

    from donghanh.core.page_cache import PublicPageCacheMiddleware, cached_public_page

    calls: list[int] = []

    @cached_public_page
    def view(request):
        calls.append(1)
        response = HttpResponse("page")
        response.set_cookie("tracker", "1")
        return response

    middleware = PublicPageCacheMiddleware(view)
    middleware(rf.get("/cookie-page/"))
    middleware(rf.get("/cookie-page/"))
    assert len(calls) == 2


def test_a_kept_page_is_never_served_for_a_host_the_platform_does_not_answer_to(
    public_providers, settings
):
    settings.ALLOWED_HOSTS = ["donghanh.example.org", "www.donghanh.example.org"]
    client = Client()
    assert client.get("/", HTTP_HOST="donghanh.example.org").status_code == 200
    assert client.get("/", HTTP_HOST="donghanh.example.org").status_code == 200  # now kept
    assert client.get("/", HTTP_HOST="attacker.example.net").status_code == 400


def test_a_page_kept_under_one_name_of_the_platform_is_not_served_under_another(
    public_providers, settings
):
    settings.ALLOWED_HOSTS = ["donghanh.example.org", "www.donghanh.example.org"]
    client = Client()
    first = client.get("/", HTTP_HOST="donghanh.example.org").content.decode()
    second = client.get("/", HTTP_HOST="www.donghanh.example.org").content.decode()
    assert "//donghanh.example.org/" in first
    assert "//www.donghanh.example.org/" in second
    assert "//donghanh.example.org/" not in second
