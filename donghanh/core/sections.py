"""Sections that other apps add to a page, without the page's app importing them.

A page of a lower app shows parts that belong to higher apps: the person page (`people`) lists
the person's cases (`cases`) and links to their data requests (`privacy`); the case page
(`cases`) shows the case's referrals, casework and attachments. The lower app keeps a
`PageSections` registry, each app registers its part from its `AppConfig.ready()`, and the page
includes the registered templates in order:

    {% for section in sections %}{% include section.template with data=section.data %}{% endfor %}

A section's template sees the page's context; `data` holds what its function returned for the
record on the page (queries of its own app, so the page's app does not need to know them).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

SectionData = Callable[..., Mapping[str, Any]]


@dataclass(frozen=True)
class PageSection:
    key: str
    template: str
    order: int
    data: SectionData | None = None


@dataclass(frozen=True)
class BoundSection:
    """A section ready for the template: its template and the data for this record."""

    key: str
    template: str
    data: Mapping[str, Any]


class PageSections:
    """The sections registered for one page, in their order."""

    def __init__(self, page: str) -> None:
        self.page = page
        self._sections: dict[str, PageSection] = {}

    def register(
        self, key: str, *, template: str, order: int, data: SectionData | None = None
    ) -> None:
        """Add the section `key`; registering the same section again changes nothing (an app's
        `ready()` may run more than once), a different one under a taken key is an error."""
        section = PageSection(key=key, template=template, order=order, data=data)
        known = self._sections.get(key)
        if known is not None and known != section:
            raise ValueError(f"{self.page}: a section is already registered as {key!r}")
        self._sections[key] = section

    def unregister(self, key: str) -> None:
        self._sections.pop(key, None)

    def sections(self) -> list[PageSection]:
        return sorted(self._sections.values(), key=lambda section: (section.order, section.key))

    def keys(self) -> list[str]:
        return [section.key for section in self.sections()]

    def bound(self, *args: Any) -> list[BoundSection]:
        """Every section with its data for the record the page shows (`args` go to the data
        functions, e.g. the member's membership and the record)."""
        return [
            BoundSection(
                key=section.key,
                template=section.template,
                data=section.data(*args) if section.data is not None else {},
            )
            for section in self.sections()
        ]
