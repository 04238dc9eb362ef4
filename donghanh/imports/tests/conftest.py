from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from donghanh.imports.kinds.base import register, unregister
from donghanh.imports.tests.kinds import TeamsKind


@pytest.fixture(autouse=True)
def media_root(settings: Any, tmp_path: Path) -> Path:
    """Uploaded files and result files go to a folder of the test's own."""
    root = tmp_path / "private"
    settings.MEDIA_ROOT = root
    return root


@pytest.fixture
def teams_kind() -> Iterator[TeamsKind]:
    kind = TeamsKind()
    register(kind)
    yield kind
    unregister(kind.code)
