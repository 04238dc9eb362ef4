"""Places as people write them in a sheet: today's names or those from before the 2025 reform,
read once each per file."""

from __future__ import annotations

from django.utils.translation import gettext as _

from donghanh.core.text import fold
from donghanh.imports import parsing
from donghanh.places.models import AreaType, Province
from donghanh.places.selectors import place_resolve

AREAS = parsing.Choices(AreaType.choices, aliases={"thành thị": "urban", "nông thôn": "rural"})


class ProvinceReader:
    """Province names, old or new, with or without "tỉnh", to today's province."""

    def __init__(self) -> None:
        self._read: dict[str, tuple[Province | None, str]] = {}

    def read(self, written: str) -> tuple[Province | None, str]:
        """(today's province, "") or (None, the problem)."""
        key = fold(written)
        if key not in self._read:
            self._read[key] = self._resolve(written)
        return self._read[key]

    @staticmethod
    def _resolve(written: str) -> tuple[Province | None, str]:
        resolution = place_resolve(written)
        if resolution.province is not None:
            return resolution.province, ""
        if len(resolution.legacy_provinces) > 1:
            names = ", ".join(p.current_province.short_name for p in resolution.legacy_provinces)
            return None, _(
                "“%(value)s” could be several of today's provinces (%(names)s): write one of them."
            ) % {"value": written[:60], "names": names}
        return None, _(
            "“%(value)s” is not a province we know: write its name, today's or from before 2025, "
            "for example Hà Tĩnh or Quảng Bình."
        ) % {"value": written[:60]}
