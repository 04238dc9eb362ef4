from __future__ import annotations

from typing import Any

import pytest
from django.core.cache import cache

from donghanh.content.search import indexes
from donghanh.content.tests.helpers import Editors
from donghanh.organisations.roles import Role
from donghanh.testing.clients import signed_in_client
from donghanh.testing.factories import MembershipFactory


@pytest.fixture(autouse=True)
def _fresh_caches() -> Any:
    # Cached public pages and the search index live in the process: each test starts empty.
    cache.clear()
    indexes.clear()
    yield
    cache.clear()
    indexes.clear()


@pytest.fixture
def editors(db: None) -> Editors:
    author: Any = MembershipFactory(role=Role.CONTENT_EDITOR)
    # Content is platform-wide: the reviewer works for another organisation.
    reviewer: Any = MembershipFactory(role=Role.CONTENT_EDITOR)
    case_worker: Any = MembershipFactory(role=Role.CASE_WORKER)
    return Editors(
        author=author,
        reviewer=reviewer,
        author_client=signed_in_client(author.user),
        reviewer_client=signed_in_client(reviewer.user),
        case_worker_client=signed_in_client(case_worker.user),
    )
