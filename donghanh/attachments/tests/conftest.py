from __future__ import annotations

from typing import Any

import pytest

from donghanh.cases.tests.conftest import case, person, staff  # noqa: F401  (fixtures)


@pytest.fixture(autouse=True)
def _private_media(settings: Any, tmp_path: Any) -> Any:
    settings.MEDIA_ROOT = tmp_path / "private"
    return settings.MEDIA_ROOT
