from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest
from django.core.cache import caches

from donghanh.core import page_cache
from donghanh.core.actor import Actor
from donghanh.directory.models import Provider
from donghanh.directory.search import vocabularies
from donghanh.directory.services import ContactInput, ProviderInput, provider_create
from donghanh.places.models import Province

HA_TINH = "42"


@pytest.fixture(autouse=True)
def _empty_cache() -> Iterator[None]:
    # Pages are cached whole, the directory's vocabulary is kept: each test starts from nothing.
    caches["default"].clear()
    page_cache._worker_copies.clear()
    vocabularies.clear()
    yield
    caches["default"].clear()
    page_cache._worker_copies.clear()
    vocabularies.clear()


@pytest.fixture
def make_provider(db: None) -> Callable[..., Provider]:
    """Create a provider through the directory's service (so its search fields are set)."""

    def make(name: str = "Trung tâm Công tác xã hội", **fields: Any) -> Provider:
        fields.setdefault("kind", Provider.Kind.SOCIAL_WORK_CENTRE)
        return provider_create(data=ProviderInput(name=name, **fields), actor=Actor.system("tests"))

    return make


@pytest.fixture
def public_providers(make_provider: Callable[..., Provider]) -> dict[str, Provider]:
    """A public hotline, a public example, and a staff-only shelter."""
    return {
        "hotline": make_provider(
            "Tổng đài quốc gia 111",
            name_en="National hotline 111",
            kind=Provider.Kind.HOTLINE,
            services=["hotline", "safety"],
            serves_nationwide=True,
            open_24_7=True,
            shown_to_public=True,
            contacts=[
                ContactInput(kind="phone", value="111"),
                ContactInput(kind="zalo", value="+84 981 84 84 84"),
            ],
        ),
        "example": make_provider(
            "Ví dụ: Trung tâm hỗ trợ di cư Hà Tĩnh",
            services=["legal"],
            provinces=[Province.objects.get(code=HA_TINH)],
            shown_to_public=True,
            is_example=True,
            contacts=[ContactInput(kind="phone", value="0239 000 0000")],
        ),
        "hidden": make_provider(
            "Nhà tạm lánh kín địa chỉ",
            kind=Provider.Kind.SHELTER,
            services=["shelter"],
            serves_nationwide=True,
            shown_to_public=False,
            contacts=[ContactInput(kind="phone", value="0240 111 2222")],
        ),
    }
