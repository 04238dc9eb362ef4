"""robots.txt: crawlers may read the public pages, not the staff side, the API or search results."""

from __future__ import annotations

from django.test import Client


def test_robots_txt_keeps_crawlers_to_the_public_pages(db, django_assert_num_queries):
    with django_assert_num_queries(0):
        response = Client().get("/robots.txt")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    lines = response.content.decode().splitlines()
    assert lines[0] == "User-agent: *"
    for path in ("/app/", "/admin/", "/api/", "/search", "/en/search"):
        assert f"Disallow: {path}" in lines
    assert "Disallow: /" not in lines  # the information bank stays open to crawlers
    assert not response.cookies
