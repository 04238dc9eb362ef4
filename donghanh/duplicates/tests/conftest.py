from __future__ import annotations

from donghanh.cases.tests.conftest import staff  # noqa: F401  (fixtures)
