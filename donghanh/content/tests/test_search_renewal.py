"""No search waits for the index: after a publication the previous index answers until the new
one, made off the request path, takes its place; other processes load the one built copy."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client

from donghanh.content.search import indexes, warm_up_search
from donghanh.content.tests.helpers import Editors, published
from donghanh.core import page_cache

pytestmark = pytest.mark.django_db

Pending = list[tuple[Callable[..., object], tuple[object, ...]]]


@pytest.fixture
def pending(settings: Any, monkeypatch: pytest.MonkeyPatch) -> Pending:
    """Renewals run as in production (not inside the search), kept here to run when the test
    says: the thread that would run them could not see the test's transaction."""
    settings.SEARCH_INDEX_REFRESH = "background"
    started: Pending = []
    monkeypatch.setattr(
        page_cache, "start_in_background", lambda function, *args: started.append((function, args))
    )
    # A first search does not wait for builds that run only when the test says.
    monkeypatch.setattr(indexes, "FIRST_WAIT_SECONDS", 0)
    return started


def _run(pending: Pending) -> None:
    """What the background threads would do."""
    for function, args in pending:
        function(*args)
    pending.clear()


def _titles(client: Client, query: str) -> str:
    response = client.get(f"/search?q={query}")
    assert response.status_code == 200
    return response.content.decode()


def test_a_search_after_a_publication_builds_nothing_and_the_new_index_follows(
    editors: Editors,
    pending: Pending,
    django_capture_on_commit_callbacks: Any,
    django_assert_max_num_queries: Any,
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        published(editors)
    _titles(Client(), "lua+dao")  # a new platform: its first index is built off the request
    _run(pending)
    assert "Nhận biết lừa đảo việc làm" in _titles(Client(), "lua+dao")  # the first index
    with django_capture_on_commit_callbacks(execute=True):  # a publication: a new generation
        published(editors, slug="ho-chieu", title="Giữ hộ chiếu của mình", body="Hộ chiếu.")
    builds = indexes.builds
    # Anonymous searches go through sessions-free middleware and read the index only.
    with django_assert_max_num_queries(0):
        page = _titles(Client(), "ho+chieu")
    assert indexes.builds == builds, "the search built nothing"
    assert "Giữ hộ chiếu của mình" not in page  # the previous index answered
    # Their renewal (the articles and the providers) was started, once, off the request.
    assert len(pending) == 2
    with django_assert_max_num_queries(0):
        _titles(Client(), "giu+ho+chieu")
    assert len(pending) == 2, "a renewal under way is not started twice"
    for function, args in pending:
        function(*args)  # the background thread's work
    pending.clear()
    assert indexes.builds == builds + 2
    with django_assert_max_num_queries(0):
        page = _titles(Client(), "ho+chieu")
    assert "Giữ hộ chiếu của mình" in page and indexes.builds == builds + 2 and not pending


def test_another_process_loads_the_copy_one_process_built(
    editors: Editors, pending: Pending, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        published(editors)
    _titles(Client(), "lua+dao")
    _run(pending)
    assert "Nhận biết lừa đảo việc làm" in _titles(Client(), "lua+dao")
    assert indexes.builds == 2  # the articles in Vietnamese and the providers
    # A new worker process: nothing in its memory, the shared cache already has the corpora.
    # Its first search loads nothing itself: the load runs off the request path, piece by piece.
    indexes.clear()
    _titles(Client(), "nhan+biet")  # other words: no page kept by the page cache answers
    assert indexes.loads == 0 and indexes.pieces_loaded == 0 and len(pending) == 2
    _run(pending)
    assert indexes.loads == 2 and indexes.pieces_loaded > 2
    assert "Nhận biết lừa đảo việc làm" in _titles(Client(), "nhan+biet+lua")
    assert indexes.builds == 0 and not pending
    # A worker starting up loads them in the background before its first search.
    indexes.clear()
    page_cache.PerGeneration.warm_up(indexes, ["articles:vi", "articles:en", "providers"])
    assert len(pending) == 3
    for function, args in pending:
        function(*args)
    assert indexes.builds == 1  # only the English articles were never built before


def test_a_new_platform_first_search_builds_nothing_in_the_request(
    editors: Editors,
    pending: Pending,
    monkeypatch: pytest.MonkeyPatch,
    django_capture_on_commit_callbacks: Any,
    django_assert_max_num_queries: Any,
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        published(editors)
    pending.clear()
    # A new platform: nothing built in this process nor in the shared cache, and the builds
    # started off the request path not finished yet (they run when the test says).
    with django_assert_max_num_queries(0):
        page = _titles(Client(), "lua+dao")
    assert indexes.builds == 0, "the search built nothing"
    assert "Nhận biết lừa đảo việc làm" not in page
    assert "Search is being prepared" in page or "đang được chuẩn bị" in page
    assert len(pending) == 2  # the Vietnamese articles and the providers, off the request
    with django_assert_max_num_queries(0):
        _titles(Client(), "lua+dao")
    assert len(pending) == 2, "a build under way is not started twice"
    _run(pending)
    assert indexes.builds == 2
    with django_assert_max_num_queries(0):
        page = _titles(Client(), "lua+dao")
    assert "Nhận biết lừa đảo việc làm" in page and "đang được chuẩn bị" not in page
    assert indexes.builds == 2 and not pending


def test_the_deployment_step_builds_every_index_before_any_search(
    editors: Editors, pending: Pending, django_capture_on_commit_callbacks: Any
) -> None:
    from django.core.management import call_command

    with django_capture_on_commit_callbacks(execute=True):
        published(editors)
    call_command("build_search_indexes")
    assert indexes.builds == 3 and not pending
    # A web process starting afterwards loads the shared copies as it starts (off the request
    # path): its first search builds nothing.
    indexes.clear()
    warm_up_search()
    _run(pending)
    assert "Nhận biết lừa đảo việc làm" in _titles(Client(), "lua+dao")
    assert indexes.builds == 0 and indexes.loads == 3 and not pending


def test_the_first_search_waits_for_the_build_started_at_start_up(
    editors: Editors,
    settings: Any,
    monkeypatch: pytest.MonkeyPatch,
    django_capture_on_commit_callbacks: Any,
) -> None:
    """A search arriving while the start-up build runs waits for it instead of building too."""
    with django_capture_on_commit_callbacks(execute=True):
        published(editors)
    settings.SEARCH_INDEX_REFRESH = "background"
    started: Pending = []
    monkeypatch.setattr(
        page_cache, "start_in_background", lambda function, *args: started.append((function, args))
    )
    warm_up_search()
    assert len(started) == 3
    # The build finishes while the first search waits (here: as it starts to wait).
    arrival = indexes._arrival("articles:vi")
    waited = arrival.wait

    def finish_then_wait(timeout: float | None = None) -> bool:
        for function, args in started:
            function(*args)
        started.clear()
        return waited(timeout)

    monkeypatch.setattr(arrival, "wait", finish_then_wait)
    page = _titles(Client(), "lua+dao")
    assert "Nhận biết lừa đảo việc làm" in page
    assert indexes.builds == 3  # each once, by the start-up builds: none by the search
