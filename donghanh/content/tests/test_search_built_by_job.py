"""After a publication the new search index is built by a job of the background workers, and a
web process only loads its copy, piece by piece, off the request path: a search right after a
publication builds nothing, loads nothing (not one piece), runs no query, and is answered by the
previous index until the new one takes its place. Counted in builds, loads, pieces and queries."""

from __future__ import annotations

import pickle
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from django.core.cache import cache
from django.test import Client

from donghanh.content.search import CORPORA, RENEWAL_JOB_KIND, Corpus, indexes, warm_up_search
from donghanh.content.tests.helpers import Editors, published
from donghanh.core import page_cache
from donghanh.core.text import Vocabulary
from donghanh.directory.search import vocabularies
from donghanh.jobs.models import Job
from donghanh.testing.jobs import run_queued_jobs

pytestmark = pytest.mark.django_db

Pending = list[tuple[Callable[..., object], tuple[object, ...]]]


@pytest.fixture
def pending(settings: Any, monkeypatch: pytest.MonkeyPatch) -> Iterator[Pending]:
    """Production's arrangement: the jobs worker builds, each web process renews in a thread,
    kept here to run when the test says (a thread could not see the test's transaction)."""
    settings.SEARCH_INDEX_REFRESH = "background"
    settings.SEARCH_INDEX_BUILDER = "jobs"
    started: Pending = []
    monkeypatch.setattr(
        page_cache, "start_in_background", lambda function, *args: started.append((function, args))
    )
    monkeypatch.setattr(indexes, "FIRST_WAIT_SECONDS", 0)
    # Small pieces, so that even the test's few documents make several of them.
    monkeypatch.setattr(Corpus, "PIECE_SIZE", 2)
    monkeypatch.setattr(Vocabulary, "PIECE_SIZE", 2)
    vocabularies.clear()
    yield started
    vocabularies.clear()


def _run(pending: Pending) -> None:
    for function, args in pending:
        function(*args)
    pending.clear()


def _page(query: str) -> str:
    response = Client().get(f"/search?q={query}")
    assert response.status_code == 200
    return response.content.decode()


def _entries(kind: str, content: Any) -> int:
    """How many documents, words or deletions a piece holds."""
    if kind == "min_length":
        return 0
    return len(content) if kind == "words" else len(content[0])


def _waiting_renewals() -> int:
    return Job.objects.filter(kind=RENEWAL_JOB_KIND, status=Job.Status.QUEUED).count()


def _counts() -> tuple[int, int, int]:
    return indexes.builds, indexes.loads, indexes.pieces_loaded


def test_a_publication_then_searches_wait_for_no_build_and_no_load(
    editors: Editors,
    pending: Pending,
    django_capture_on_commit_callbacks: Any,
    django_assert_max_num_queries: Any,
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        published(editors)
    assert _waiting_renewals() == 1, "the publication queued the index's renewal"
    # The jobs worker builds every corpus into the shared cache and keeps none itself.
    assert run_queued_jobs() == 1
    assert indexes.builds == len(CORPORA) and vocabularies.builds == 2
    assert not any(indexes.holds(name) for name in CORPORA)
    # A web process starting loads the copies, piece by piece, off the request path.
    warm_up_search()
    _run(pending)
    assert indexes.builds == len(CORPORA) and indexes.loads == len(CORPORA)
    assert indexes.pieces_loaded > 2 * len(CORPORA), "each copy came in several pieces"
    assert "Nhận biết lừa đảo việc làm" in _page("lua+dao")

    # Two publications, one after the other: one renewal waits, for both.
    with django_capture_on_commit_callbacks(execute=True):
        published(editors, slug="ho-chieu", title="Giữ hộ chiếu của mình", body="Hộ chiếu.")
    with django_capture_on_commit_callbacks(execute=True):
        published(editors, slug="tien-luong", title="Tiền lương của bạn", body="Lương.")
    assert _waiting_renewals() == 1

    # Searches right after: each answered by the previous index, with no build, no load of a
    # copy or of one piece of it, and no query.
    before = _counts()
    for query in ("ho+chieu", "tien+luong", "giu+ho+chieu", "lua+dao"):
        with django_assert_max_num_queries(0):
            page = _page(query)
        assert _counts() == before, "the search built and loaded nothing"
    assert "Giữ hộ chiếu của mình" not in page
    assert "Nhận biết lừa đảo việc làm" in _page("lua+dao")
    # This process's renewals were started once each, off the request path.
    assert sorted(str(args[0]) for _function, args in pending) == ["articles:vi", "providers"]

    # The job builds the new generation; the web process's renewal loads it, building nothing.
    assert run_queued_jobs() == 1
    builds = indexes.builds
    assert builds == 2 * len(CORPORA)
    _run(pending)
    assert indexes.builds == builds, "the web process built nothing"
    assert indexes.loads == len(CORPORA) + 2
    before = _counts()
    with django_assert_max_num_queries(0):
        page = _page("ho+chieu")
    assert "Giữ hộ chiếu của mình" in page
    with django_assert_max_num_queries(0):
        assert "Tiền lương của bạn" in _page("tien+luong")
    assert _counts() == before and not pending


def test_the_shared_copy_is_kept_in_small_pieces(
    editors: Editors, pending: Pending, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        published(editors)
    run_queued_jobs()
    generation = page_cache.public_pages_generation()
    key = f"shared:search-index-pieces:{generation}:articles:vi"
    count = cache.get(key)
    assert count > 3
    pieces = [cache.get(f"{key}:{number}") for number in range(count)]
    # Never the whole index in one entry: at most PIECE_SIZE documents or words in each.
    kinds = {kind for kind, _content in pieces}
    assert {"documents", "postings:0", "words", "deletions"} <= kinds
    assert all(_entries(kind, content) <= 2 for kind, content in pieces)
    assert max(len(pickle.dumps(piece)) for piece in pieces) < 2000
    # Put back together, the pieces search like the index they came from.
    corpus = Corpus.from_pieces(pieces)
    assert [document.title for document in corpus.documents] == ["Nhận biết lừa đảo việc làm"]
    assert corpus.vocabulary.near("daoo") == {"dao"}


def test_a_piece_gone_from_the_cache_means_no_copy_and_the_web_waits_then_builds(
    editors: Editors,
    pending: Pending,
    monkeypatch: pytest.MonkeyPatch,
    django_capture_on_commit_callbacks: Any,
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        published(editors)
    run_queued_jobs()
    warm_up_search()
    _run(pending)
    assert "Nhận biết lừa đảo việc làm" in _page("lua+dao")
    with django_capture_on_commit_callbacks(execute=True):
        published(editors, slug="ho-chieu", title="Giữ hộ chiếu của mình", body="Hộ chiếu.")
    run_queued_jobs()
    generation = page_cache.public_pages_generation()
    cache.delete(f"shared:search-index-pieces:{generation}:articles:vi:1")  # evicted
    # The web process waits for a complete copy (none comes here: no wait at all), then
    # builds the one it misses itself, still off the request path.
    monkeypatch.setattr(indexes, "BUILDER_WAIT_SECONDS", 0)
    monkeypatch.setattr(indexes, "WAIT_SECONDS", 0)
    builds = indexes.builds
    assert "Giữ hộ chiếu của mình" not in _page("ho+chieu")
    assert indexes.builds == builds
    _run(pending)
    assert indexes.builds == builds + 1  # the Vietnamese articles; the providers were loaded
    assert "Giữ hộ chiếu của mình" in _page("ho+chieu")


def test_without_a_worker_the_web_process_builds_after_waiting_for_one(
    editors: Editors, pending: Pending, settings: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A platform whose first index exists (built at deployment), then a change with no job run.
    published(editors)
    warm_up_search()
    _run(pending)
    builds = indexes.builds
    page_cache.invalidate_public_pages()  # outside the test's transaction: a publication
    monkeypatch.setattr(indexes, "BUILDER_WAIT_SECONDS", 0)
    _page("lua+dao")
    assert indexes.builds == builds
    _run(pending)
    assert indexes.builds == builds + 2
    assert indexes.is_current("articles:vi") and indexes.is_current("providers")
