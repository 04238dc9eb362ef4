"""Public pages come from the cache on a second visit, without a database query."""

from __future__ import annotations

from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

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
            acting_user=None,
        )
    assert "Tổng đài 111 (tên mới)" in client.get("/help/").content.decode()


def test_a_signed_in_visitor_is_not_served_a_cached_page(public_providers):
    client = Client()
    client.get("/")
    client.cookies["donghanh_session"] = "not-a-real-session"
    with CaptureQueriesContext(connection) as queries:
        assert client.get("/").status_code == 200
    assert len(queries) > 0  # the page was made afresh (looking up the session, at least)
