"""Sections that other apps add to a page, without the page's app importing them.

A page of a lower app shows parts that belong to higher apps: the person page (`people`) lists
the person's cases (`cases`) and links to their data requests (`privacy`); the case page
(`cases`) shows the case's referrals, casework and attachments. The lower app keeps a
`PageSections` registry, each app registers its part from its `AppConfig.ready()`, and the page
includes the registered templates in order:

    {% for section in sections %}{% include section.template with data=section.data %}{% endfor %}

A section's template sees the page's context; `data` holds what its function returned for the
record on the page (queries of its own app, so the page's app does not need to know them).

A section may name its reads instead of running them (`reads`: compiled reads by name,
`donghanh.core.queries`): the page then runs every section's reads, and its own, as one
statement (`bound_with_reads`, by the keys the page gives: the record's id...), and the
section's function receives the rows of its reads after the page's arguments. Called without
them (`bound`, or by the section's own page), the function runs its reads itself.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from donghanh.core.queries import CompiledRead, ReadBundle

SectionData = Callable[..., Mapping[str, Any]]
Reads = Mapping[str, CompiledRead[Any]]
Rows = dict[str, list[Any]]


@dataclass(frozen=True)
class PageSection:
    key: str
    template: str
    order: int
    data: SectionData | None = None
    # The section's reads by name, run with the page's others (see `bound_with_reads`).
    reads: tuple[tuple[str, CompiledRead[Any]], ...] = ()


@dataclass(frozen=True)
class BoundSection:
    """A section ready for the template: its template and the data for this record."""

    key: str
    template: str
    data: Mapping[str, Any]


# The name of the page's own reads in a bundle (sections' reads are named "key.read").
_PAGE = "page"


class PageSections:
    """The sections registered for one page, in their order."""

    def __init__(self, page: str) -> None:
        self.page = page
        self._sections: dict[str, PageSection] = {}
        # The page's reads with its sections', as one bundle, by the reads they bundle.
        self._bundles: dict[tuple[tuple[str, CompiledRead[Any]], ...], ReadBundle] = {}

    def register(
        self,
        key: str,
        *,
        template: str,
        order: int,
        data: SectionData | None = None,
        reads: Reads | None = None,
    ) -> None:
        """Add the section `key`; registering the same section again changes nothing (an app's
        `ready()` may run more than once), a different one under a taken key is an error.
        A section with `reads` has a `data` function, which receives their rows."""
        if reads and data is None:
            raise ValueError(f"{self.page}: section {key!r} reads rows but shows no data")
        section = PageSection(
            key=key, template=template, order=order, data=data, reads=tuple((reads or {}).items())
        )
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
        functions, e.g. the member's membership and the record). A section with reads then
        runs them itself: its function, called without rows, reads them one by one."""
        return self._bind(self.sections(), args, None)

    def bound_with_reads(
        self, *args: Any, keys: Mapping[str, Any], reads: Reads | None = None
    ) -> tuple[Rows, list[BoundSection]]:
        """The page's own `reads` and every section's, run as one statement with `keys` (by
        the names their functions give them), then every section with its data: the rows of
        the page's own reads by name, and the bound sections."""
        sections = self.sections()
        named = tuple(
            [(f"{_PAGE}.{name}", read) for name, read in (reads or {}).items()]
            + [
                (f"{section.key}.{name}", read)
                for section in sections
                for name, read in section.reads
            ]
        )
        found: Rows = {}
        if named:
            bundle = self._bundles.get(named)
            if bundle is None:
                bundle = self._bundles[named] = ReadBundle(dict(named))
            found = bundle(**{name: keys[name] for name in bundle.keys})
        by_owner: dict[str, Rows] = {}
        for name, objects in found.items():
            owner, read_name = name.split(".", 1)
            by_owner.setdefault(owner, {})[read_name] = objects
        return by_owner.get(_PAGE, {}), self._bind(sections, args, by_owner)

    def _bind(
        self, sections: list[PageSection], args: tuple[Any, ...], rows: Mapping[str, Rows] | None
    ) -> list[BoundSection]:
        bound = []
        for section in sections:
            if section.data is None:
                data: Mapping[str, Any] = {}
            elif section.reads and rows is not None:
                data = section.data(*args, rows.get(section.key, {}))
            else:
                data = section.data(*args)
            bound.append(BoundSection(key=section.key, template=section.template, data=data))
        return bound
