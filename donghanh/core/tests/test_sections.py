"""The page-section registry: order, data per record, and no silent replacement."""

from __future__ import annotations

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
