from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

import donghanh.jobs.tests.kinds  # noqa: F401 - registers the tests' job kinds


@pytest.fixture(autouse=True)
def media_root(settings: Any, tmp_path: Path) -> Path:
    """Result files go to a folder of the test's own."""
    root = tmp_path / "private"
    settings.MEDIA_ROOT = root
    return root
