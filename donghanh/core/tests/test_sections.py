"""The page-section registry: order, data per record, and no silent replacement."""

from __future__ import annotations

from typing import Any, cast

import pytest

from donghanh.core.sections import PageSections


def _numbers(record: int) -> dict[str, int]:
    return {"double": record * 2}


def test_sections_come_in_their_order_with_their_data() -> None:
    page = PageSections("test page")
    page.register("late", template="late.html", order=90)
    page.register("early", template="early.html", order=10, data=_numbers)
    page.register("middle", template="middle.html", order=50)

    assert page.keys() == ["early", "middle", "late"]
    bound = page.bound(21)
    assert [section.template for section in bound] == ["early.html", "middle.html", "late.html"]
    assert bound[0].data == {"double": 42}
    assert bound[1].data == {}


def test_registering_the_same_section_twice_changes_nothing() -> None:
    page = PageSections("test page")
    page.register("one", template="one.html", order=10, data=_numbers)
    page.register("one", template="one.html", order=10, data=_numbers)
    assert page.keys() == ["one"]


def test_another_section_under_a_taken_key_is_refused() -> None:
    page = PageSections("test page")
    page.register("one", template="one.html", order=10)
    with pytest.raises(ValueError, match="already registered"):
        page.register("one", template="other.html", order=10)
    page.unregister("one")
    page.register("one", template="other.html", order=10)
    assert [section.template for section in page.sections()] == ["other.html"]


def test_sections_with_reads_get_their_rows_from_one_bundle(monkeypatch) -> None:
    from donghanh.core import sections as module

    bundles = []

    class FakeBundle:
        def __init__(self, reads):
            self.reads = reads
            self.keys = ("record_id",)
            bundles.append(self)

        def __call__(self, **keys):
            return {name: [name, keys["record_id"]] for name in self.reads}

    monkeypatch.setattr(module, "ReadBundle", FakeBundle)
    # Stand-ins for compiled reads: the fake bundle only names them.
    own_read: Any = object()
    section_read: Any = object()

    def with_rows(record, rows=None):
        return {"rows": rows, "record": record}

    page = PageSections("test page")
    page.register("plain", template="plain.html", order=10, data=_numbers)
    page.register("reading", template="reading.html", order=20, data=with_rows,
                  reads={"items": section_read})  # fmt: skip
    for _ in range(2):
        own, bound = page.bound_with_reads(21, keys={"record_id": 7, "unused": 1},
                                           reads={"facts": own_read})  # fmt: skip
        assert own == {"facts": ["page.facts", 7]}
        assert bound[0].data == {"double": 42}
        assert bound[1].data == {"rows": {"items": ["reading.items", 7]}, "record": 21}
    assert len(bundles) == 1, "the bundle is made once"
    assert set(bundles[0].reads) == {"page.facts", "reading.items"}
    # Without the page's reads, the section's function reads alone (no rows given).
    assert page.bound(21)[1].data == {"rows": None, "record": 21}


def test_a_section_that_reads_shows_its_data() -> None:
    page = PageSections("test page")
    with pytest.raises(ValueError, match="shows no data"):
        page.register("reading", template="reading.html", order=20, reads={"items": cast(Any, 1)})
