from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from django.utils import translation

from donghanh.demo.data import ORGANISATIONS
from donghanh.demo.services import demo_load
from donghanh.places.models import Province


@pytest.fixture(autouse=True)
def _english() -> Iterator[None]:
    # Commands speak the active language; the tests read their English messages.
    with translation.override("en"):
        yield


@pytest.fixture
def provinces(db: None) -> None:
    """The provinces the demo data names. The places data migration loads them; should a test
    database lack them, create the few rows demo data needs."""
    for code in sorted({code for spec in ORGANISATIONS for code in spec.provinces}):
        Province.objects.get_or_create(
            code=code,
            defaults={"name": f"Tỉnh {code}", "short_name": code, "kind": "province"},
        )


@pytest.fixture
def loaded(provinces: None) -> Any:
    return demo_load()
