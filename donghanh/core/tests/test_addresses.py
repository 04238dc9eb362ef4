"""Every address users and integrations know keeps answering: the routes recorded in
`data/addresses.txt` (written from the URL list before the apps were rearranged) must all still
exist, each served by a view of the same name. New routes may be added; none may disappear.

Regenerate the list only when an address is retired on purpose:
    python -c "from donghanh.core.tests.test_addresses import write; write()"
"""

from __future__ import annotations

from pathlib import Path

import django
from django.urls import URLPattern, URLResolver, get_resolver
from django.urls.resolvers import LocalePrefixPattern

RECORDED = Path(__file__).parent / "data" / "addresses.txt"


def _walk(patterns: list, prefix: str = "") -> list[tuple[str, str]]:
    routes: list[tuple[str, str]] = []
    for entry in patterns:
        locale = isinstance(entry.pattern, LocalePrefixPattern)
        part = "[lang/]" if locale else str(entry.pattern)
        if isinstance(entry, URLResolver):
            if part.startswith("admin/") and prefix == "":
                continue  # Django's admin: its addresses are Django's, not ours
            routes.extend(_walk(entry.url_patterns, prefix + part))
        elif isinstance(entry, URLPattern):
            callback = entry.callback
            name = getattr(callback, "view_class", callback).__name__
            routes.append((prefix + part, name))
    return routes


def current_routes() -> list[tuple[str, str]]:
    return sorted(set(_walk(get_resolver().url_patterns)))


def write() -> None:  # pragma: no cover - a maintenance helper
    django.setup()
    lines = [f"{route}\t{view}" for route, view in current_routes()]
    RECORDED.write_text("\n".join(lines) + "\n", encoding="utf-8")


def test_every_recorded_address_still_answers_with_the_same_view() -> None:
    recorded = {
        tuple(line.split("\t"))
        for line in RECORDED.read_text(encoding="utf-8").splitlines()
        if line.strip()
    }
    missing = sorted(recorded - set(current_routes()))
    assert not missing, f"addresses that no longer answer as before: {missing}"


def test_the_record_is_not_empty_and_covers_people_and_cases() -> None:
    routes = {route for route, _view in current_routes()}
    assert "app/o/<slug:org>/people/<int:person_id>/" in routes
    assert "app/o/<slug:org>/cases/<int:case_id>/" in routes
    assert len(RECORDED.read_text(encoding="utf-8").splitlines()) > 100
