from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import time
from typing import Any

import pytest
from django.core.cache import cache

from donghanh.core.actor import Actor
from donghanh.directory.models import Provider
from donghanh.directory.search import vocabularies
from donghanh.directory.services import HoursInput, ProviderInput, provider_create

WEEKDAYS = (0, 1, 2, 3, 4)


@pytest.fixture(autouse=True)
def _fresh_vocabulary() -> Iterator[None]:
    # The typo vocabulary is kept per process and shared through the cache, under a generation
    # that a test's uncommitted changes never move on: each test starts from none.
    cache.clear()
    vocabularies.clear()
    yield
    cache.clear()
    vocabularies.clear()


def office_hours(opens: time = time(8), closes: time = time(17)) -> list[HoursInput]:
    """Monday to Friday, 08:00–17:00 unless told otherwise."""
    return [HoursInput(weekday=day, opens=opens, closes=closes) for day in WEEKDAYS]


@pytest.fixture
def make_provider(db: None) -> Callable[..., Provider]:
    """Create a provider through the service (so its search fields are set)."""

    def make(name: str = "Trung tâm Công tác xã hội", **fields: Any) -> Provider:
        fields.setdefault("kind", Provider.Kind.SOCIAL_WORK_CENTRE)
        return provider_create(data=ProviderInput(name=name, **fields), actor=Actor.system("tests"))

    return make
