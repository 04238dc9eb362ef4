"""The public search over the demo articles and providers: one ranked list, counted and paged.

The count shown is the number of results a visitor can page through, every result appears on
exactly one page, and a question the information bank answers puts its article above the
general hotlines.
"""

from __future__ import annotations

import math
import re
from io import StringIO
from urllib.parse import urlencode

import pytest
from django.core.management import call_command
from django.core.paginator import Paginator
from django.test import Client
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from donghanh.content import public_views
from donghanh.content.search import indexes, site_search
from donghanh.directory.models import Provider

pytestmark = pytest.mark.django_db

SCAM_ARTICLE = "Lừa đảo việc làm trên Facebook, Zalo, TikTok"
UK_ARTICLE = "Working in the United Kingdom"

_STATUS = re.compile(r'<p role="status">(\d+) ')
_ITEM = re.compile(r"<li>\s*(?:<a href=\"[^\"]*\">)?<strong>([^<]*)</strong>")


@pytest.fixture
def demo(db: None) -> set[str]:
    """The demo articles (both languages) and directory; returns the hotlines' names."""
    call_command("load_articles", stdout=StringIO())
    call_command("load_directory_demo", stdout=StringIO())
    hotlines = set(
        Provider.objects.filter(kind=Provider.Kind.HOTLINE, shown_to_public=True).values_list(
            "name", flat=True
        )
    )
    assert len(hotlines) >= 4
    return hotlines


def _all_pages(client: Client, path: str, query: str) -> tuple[int, list[str]]:
    """The count the first page shows and the titles on every page, in order."""
    first = client.get(f"{path}?{urlencode({'q': query})}").content.decode()
    found = _STATUS.search(first)
    assert found, "the page says how many results there are"
    count = int(found.group(1))
    titles = _ITEM.findall(first)
    for number in range(2, math.ceil(count / public_views.SEARCH_PAGE_SIZE) + 1):
        html = client.get(f"{path}?{urlencode({'q': query, 'page': number})}").content.decode()
        assert f'<p role="status">{count} ' in html
        titles += _ITEM.findall(html)
    return count, titles


@pytest.mark.parametrize("page_size", [20, 3])
@pytest.mark.parametrize(
    ("path", "query", "answer"),
    [
        ("/search", "lua daoo viec lam", SCAM_ARTICLE),  # one word misspelt
        ("/search", "lua dao viec lam", SCAM_ARTICLE),
        ("/en/search", "working in the uk", UK_ARTICLE),
    ],
)
def test_the_reported_queries_list_what_they_count_with_the_answer_above_the_hotlines(
    demo: set[str],
    monkeypatch: pytest.MonkeyPatch,
    page_size: int,
    path: str,
    query: str,
    answer: str,
) -> None:
    monkeypatch.setattr(public_views, "SEARCH_PAGE_SIZE", page_size)
    count, titles = _all_pages(Client(), path, query)
    assert count == len(titles)
    assert len(set(titles)) == len(titles), "no result on two pages"
    assert answer in titles
    hotlines_listed = [titles.index(name) for name in demo if name in titles]
    assert all(titles.index(answer) < position for position in hotlines_listed)


@pytest.mark.parametrize(
    ("query", "language", "answer"),
    [
        ("lua daoo viec lam", "vi", SCAM_ARTICLE),
        ("lua dao viec lam tiktok", "vi", SCAM_ARTICLE),
        ("working in the uk", "en", UK_ARTICLE),
        ("job scams on facebok", "en", "Job scams on Facebook, Zalo and TikTok"),
    ],
)
def test_a_question_the_bank_answers_puts_its_article_first(
    demo: set[str], query: str, language: str, answer: str
) -> None:
    results = site_search(query, language)
    assert results[0].document.title == answer


def _typo(word: str, position: int, kind: int) -> str:
    """`word` with one letter dropped, doubled, swapped with the next, or replaced."""
    if len(word) < 2:
        return word
    i = position % (len(word) - 1)
    return (
        word[:i] + word[i + 1 :],
        word[: i + 1] + word[i:],
        word[:i] + word[i + 1] + word[i] + word[i + 2 :],
        word[:i] + "x" + word[i + 1 :],
    )[kind % 4]


@settings(
    max_examples=120,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(data=st.data())
def test_the_count_is_the_length_of_the_pages_put_together(demo: set[str], data) -> None:
    language = data.draw(st.sampled_from(["vi", "en"]), label="language")
    vocabulary = sorted(
        indexes.get(f"articles:{language}").vocabulary.words
        | indexes.get("providers").vocabulary.words
    )
    word = st.one_of(
        st.sampled_from(vocabulary),
        st.builds(_typo, st.sampled_from(vocabulary), st.integers(0, 20), st.integers(0, 3)),
        st.text("abcdeghilmnoprstuvy", min_size=1, max_size=6),
    )
    words = data.draw(st.lists(word, min_size=1, max_size=6), label="words")
    page_size = data.draw(st.integers(1, 25), label="page size")
    results = site_search(" ".join(words), language)

    paginator = Paginator(results, page_size)
    pages = [paginator.page(number).object_list for number in paginator.page_range]
    listed = [(hit.document.kind, hit.document.key) for page in pages for hit in page]
    assert paginator.count == len(listed) == len(list(results))
    assert len(set(listed)) == len(listed), "no result on two pages"
    scores = [hit.score for page in pages for hit in page]
    assert scores == sorted(scores, reverse=True), "pages follow the ranking"
    if results:
        assert results[-1] == pages[-1][-1]
