"""A page already read, with its count exact or estimated (`ReadPaginator`)."""

from __future__ import annotations

import pytest

from donghanh.core.pagination import ReadPaginator


@pytest.mark.parametrize(
    ("counted", "said"),
    [(0, 0), (7, 7), (99, 99), (152, 150), (935, 940), (9_339, 9_300), (11_524, 12_000)],
)
def test_an_estimate_is_said_to_two_figures_and_an_exact_count_as_it_is(counted, said):
    estimated = ReadPaginator([], 1, 25, count=counted, more=False, estimated=True)
    exact = ReadPaginator([], 1, 25, count=counted, more=False)
    assert estimated.count == said
    assert exact.count == counted


def test_the_pages_of_an_estimate_reach_at_least_the_next_one_when_more_follow():
    # An estimate under the page read (matches found beyond what the share suggested).
    low = ReadPaginator(["a"] * 25, 3, 25, count=40, more=True, estimated=True)
    page = low.get_page("3")
    assert page.number == 3 and page.has_next() and page.has_previous()
    assert low.num_pages == 4
    # The last page of an exact count has no next page.
    last = ReadPaginator(["a"] * 5, 2, 25, count=30, more=False)
    assert last.num_pages == 2 and not last.get_page(2).has_next()
    assert not last.capped and last.cap is None


def test_only_the_page_read_can_be_shown():
    paginator = ReadPaginator(["a"], 2, 25, count=30, more=False)
    assert list(paginator.page(2)) == ["a"]
    with pytest.raises(ValueError, match="only the page read"):
        paginator.page(1)
