from __future__ import annotations

import pytest
from django.test import Client

from donghanh.content.search import Corpus, Document, site_search
from donghanh.content.tests.helpers import Editors, draft, published
from donghanh.directory.models import Provider

pytestmark = pytest.mark.django_db


def _titles(query: str, language: str = "vi") -> list[str]:
    return [hit.document.title for hit in site_search(query, language)]


def _provider(name: str, *, public: bool = True, text: str = "") -> Provider:
    from donghanh.core.text import search_text, search_words

    return Provider.objects.create(
        name=name,
        kind=Provider.Kind.HOTLINE,
        shown_to_public=public,
        folded_name=" ".join(search_words(name)),
        folded_text=search_text(name, text),
    )


@pytest.fixture
def bank(editors: Editors) -> Editors:
    published(editors)  # "Nhận biết lừa đảo việc làm"
    published(
        editors,
        slug="quyen-o-anh",
        title="Quyền của người lao động ở Anh",
        summary="Bạn có quyền được trả lương đầy đủ.",
        body="Không ai được giữ hộ chiếu của bạn. Gọi đường dây hỗ trợ.",
    )
    published(
        editors,
        slug="ve-nuoc",
        title="Trở về nhà",
        summary="Hỗ trợ khi về nước.",
        body="Nếu bạn từng bị lừa đảo khi đi làm việc, hãy gọi 111.",
    )
    return editors


def test_the_brief_example_ignores_diacritics(bank: Editors) -> None:
    assert _titles("lua dao viec lam")[0] == "Nhận biết lừa đảo việc làm"
    assert _titles("LỪA ĐẢO việc làm")[0] == "Nhận biết lừa đảo việc làm"


def test_a_one_letter_typo_still_matches(bank: Editors) -> None:
    assert _titles("lua dao vieec lam")[0] == "Nhận biết lừa đảo việc làm"  # a letter too many
    assert _titles("lua dao vec lam")[0] == "Nhận biết lừa đảo việc làm"  # a letter missing
    assert "Quyền của người lao động ở Anh" in _titles("ho chieu")
    assert "Quyền của người lao động ở Anh" in _titles("ho chiue")  # two letters swapped
    assert "Quyền của người lao động ở Anh" in _titles("ho chieo")  # one letter wrong


def test_title_beats_summary_beats_body(bank: Editors) -> None:
    # "lua dao": in the first article's title, in the third's body only.
    titles = _titles("lua dao")
    assert titles.index("Nhận biết lừa đảo việc làm") < titles.index("Trở về nhà")
    # "quyen": in a title; "tra luong": in a summary; "ho chieu": in a body.
    assert _titles("quyen")[0] == "Quyền của người lao động ở Anh"


def test_an_exact_word_beats_a_near_one() -> None:
    corpus = Corpus()
    corpus.add(Document("article", 1, "near", ""), (["lao"], [], []))
    corpus.add(Document("article", 2, "exact", ""), (["lam"], [], []))
    corpus.finish()
    buckets = corpus.search(["lam"])  # best first: document 1 (exact), then document 0 (near)
    assert [mask for _score, mask in buckets] == [0b10, 0b01]


def test_an_article_having_every_word_ranks_above_services_having_some(bank: Editors) -> None:
    # No service has all four words, and "daoo" is one letter off: the article still comes first,
    # and services matching only "viec lam" are not listed beneath it as if they answered.
    _provider("Tổng đài tư vấn", text="tư vấn việc làm và học nghề")
    _provider("Đường dây nóng", text="lừa đảo qua điện thoại")
    assert _titles("lua daoo viec lam") == ["Nhận biết lừa đảo việc làm", "Trở về nhà"]
    assert _titles("lua dao viec lam")[0] == "Nhận biết lừa đảo việc làm"


def test_a_word_the_answer_lacks_does_not_hide_it(bank: Editors) -> None:
    # Another text has every word, the answer all but one: it is still listed.
    published(
        bank,
        slug="tin-tuc",
        title="Tin tức",
        body="Cảnh báo lừa đảo việc làm online: hãy gọi 111.",
    )
    assert "Nhận biết lừa đảo việc làm" in _titles("lua dao viec lam online")
    # The same with a word misspelt beyond one letter, spelt that way in some other text.
    published(bank, language="en", title="Spotting job scams", summary="Fake job offers.")
    published(bank, slug="ve-nuoc", language="en", title="Coming home", body="Job scams on Facbok.")
    assert _titles("job scams facbok", "en") == ["Coming home", "Spotting job scams"]


def test_words_too_short_are_matched_exactly_only(bank: Editors) -> None:
    # "o" (ở) must not match every one-letter word.
    assert len(site_search("xy")) == 0


def test_drafts_are_not_found(editors: Editors) -> None:
    draft(editors, slug="nhap", title="Bài nháp về hộ chiếu")
    assert _titles("ho chieu") == []


def test_public_providers_are_found_and_hidden_ones_are_not(bank: Editors) -> None:
    _provider("Tổng đài 111", text="bảo vệ trẻ em chống mua bán người")
    _provider("Đường dây nội bộ", public=False, text="mua bán người")
    titles = _titles("mua ban nguoi")
    assert "Tổng đài 111" in titles and "Đường dây nội bộ" not in titles


def test_english_visitors_search_the_english_texts(bank: Editors) -> None:
    published(bank, language="en", title="Spotting job scams", body="Never give your passport.")
    assert _titles("passport", "en") == ["Spotting job scams"]
    # Articles not yet translated are found in Vietnamese, as their page shows them.
    assert "Trở về nhà" in _titles("tro ve nha", "en")


def test_the_index_follows_a_publication(
    editors: Editors, django_capture_on_commit_callbacks
) -> None:
    assert _titles("lua dao") == []
    with django_capture_on_commit_callbacks(execute=True):
        published(editors)
    assert _titles("lua dao") == ["Nhận biết lừa đảo việc làm"]


def test_the_search_page_works_without_javascript_and_paginates(bank: Editors) -> None:
    for number in range(25):
        _provider(f"Dịch vụ hỗ trợ số {number}")
    client = Client()
    page = client.get("/search?q=ho+tro").content.decode()
    assert 'name="q"' in page and 'value="ho tro"' in page
    assert "Page 1 of 2" in page or "Trang 1" in page
    assert client.get("/search?q=ho+tro&page=2").status_code == 200
    empty = client.get("/search?q=zzzzqqq").content.decode()
    assert "tel:111" in empty
    assert client.get("/search").status_code == 200
