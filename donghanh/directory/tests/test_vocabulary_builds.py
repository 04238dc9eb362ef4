"""The directory's search vocabulary (a typo's real words) is never built inside a request: at
deployment, as a worker starts, or in the background after a change. Counted in builds."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.core.management import call_command
from django.urls import reverse

from donghanh.core import page_cache
from donghanh.directory.models import Provider
from donghanh.directory.search import vocabularies, warm_up_directory_search
from donghanh.organisations.roles import Role
from donghanh.testing import factories
from donghanh.testing.clients import signed_in_client

pytestmark = pytest.mark.django_db

Pending = list[tuple[Callable[..., object], tuple[object, ...]]]
LIST = reverse("directory:list")
NAME = "Ngôi nhà Bình yên"
TYPO = "nha bnh yen"  # a letter missing: found only through the vocabulary


@pytest.fixture
def pending(settings: Any, monkeypatch: pytest.MonkeyPatch) -> Pending:
    """Builds run as in production (in a thread, not in the request), kept here to run when the
    test says: the thread could not see the test's transaction."""
    settings.SEARCH_INDEX_REFRESH = "background"
    started: Pending = []
    monkeypatch.setattr(
        page_cache, "start_in_background", lambda function, *args: started.append((function, args))
    )
    monkeypatch.setattr(vocabularies, "FIRST_WAIT_SECONDS", 0)
    return started


def _run(pending: Pending) -> None:
    for function, args in pending:
        function(*args)
    pending.clear()


@pytest.fixture
def staff_client(make_provider: Callable[..., Provider]) -> Any:
    make_provider(NAME)
    member: Any = factories.MembershipFactory(role=Role.CASE_WORKER)
    client = signed_in_client(member.user)
    client.get(LIST)  # the session settles on the first request
    return client


def _names(client: Any, query: str) -> list[str]:
    response = client.get(LIST, {"q": query})
    assert response.status_code == 200
    return [provider.name for provider in response.context["page"].object_list]


def _found(client: Any, query: str) -> bool:
    return NAME in _names(client, query)


def test_a_staff_search_with_a_typo_on_a_new_platform_builds_nothing(
    staff_client: Any, pending: Pending
) -> None:
    assert not _found(staff_client, TYPO)  # the words as typed only, for now
    assert vocabularies.builds == 0, "the request built no vocabulary"
    assert [args[0] for _function, args in pending] == ["everyone"]  # started off the request
    _run(pending)  # the background build
    assert vocabularies.builds == 1
    assert _found(staff_client, TYPO)
    assert _found(staff_client, TYPO)
    assert vocabularies.builds == 1 and not pending


def test_the_deployment_step_builds_the_vocabularies_before_any_search(
    staff_client: Any, pending: Pending
) -> None:
    call_command("build_search_indexes")
    # The public articles' and providers' indexes (3) and both vocabularies (2).
    assert vocabularies.builds == 2 and not pending
    # A web process starting afterwards loads the shared copy, off the request path: its
    # search builds nothing, and loads nothing itself.
    vocabularies.clear()
    _names(staff_client, TYPO)
    assert vocabularies.loads == 0 and vocabularies.pieces_loaded == 0 and len(pending) == 1
    _run(pending)
    assert vocabularies.loads == 1
    assert _found(staff_client, TYPO)
    assert vocabularies.builds == 0 and not pending


def test_a_worker_starting_loads_or_builds_them_in_the_background(
    staff_client: Any, pending: Pending
) -> None:
    warm_up_directory_search()
    assert vocabularies.builds == 0 and len(pending) == 2  # the public one and the staff one
    _run(pending)
    assert vocabularies.builds == 2
    assert _found(staff_client, TYPO) and vocabularies.builds == 2
    # Another worker starting: it loads the copies the first one shared, building nothing.
    vocabularies.clear()
    warm_up_directory_search()
    _run(pending)
    assert vocabularies.builds == 0
    assert _found(staff_client, TYPO) and vocabularies.builds == 0


def test_after_a_change_the_previous_vocabulary_answers_while_the_next_is_built(
    staff_client: Any,
    pending: Pending,
    make_provider: Callable[..., Provider],
    django_capture_on_commit_callbacks: Any,
) -> None:
    warm_up_directory_search()
    _run(pending)
    builds = vocabularies.builds
    with django_capture_on_commit_callbacks(execute=True):  # a change: a new generation
        make_provider("Phòng khám Hướng Dương")
    assert _found(staff_client, TYPO)  # the previous vocabulary answers
    assert _names(staff_client, "phong kham huong duongg") == []  # no "duong" in it yet
    assert vocabularies.builds == builds, "the requests built nothing"
    assert len(pending) == 1  # its renewal, started off the request
    _run(pending)
    assert vocabularies.builds == builds + 1
    assert _names(staff_client, "phong kham huong duongg") == ["Phòng khám Hướng Dương"]
    assert vocabularies.builds == builds + 1 and not pending
