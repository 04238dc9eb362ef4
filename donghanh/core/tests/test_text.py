from typing import Any

import pytest

from donghanh.core.text import (
    Vocabulary,
    fold,
    fold_name,
    plain_name,
    search_words,
    within_one_edit,
)


def test_fold_removes_diacritics_and_case():
    assert fold("Nguyễn Thị Hoa") == "nguyen thi hoa"


def test_fold_maps_d_with_stroke():
    assert fold("Đặng Văn Đức") == "dang van duc"


def test_fold_collapses_whitespace_and_handles_decomposed_input():
    decomposed = "Nguye\u0302\u0303n   Thi\u0323"
    assert fold(decomposed) == "nguyen thi"


def test_fold_name_treats_regional_surnames_as_equal():
    assert fold_name("Huỳnh Văn An") == fold_name("Hoàng Văn An")
    assert fold_name("Võ Thị Lan") == fold_name("Vũ Thị Lan")


def test_search_words_are_folded_without_punctuation():
    assert search_words("Ngôi nhà Bình-yên!") == ["ngoi", "nha", "binh", "yen"]


def test_near_words_are_one_edit_away():
    assert within_one_edit("viec", "vieec")
    assert within_one_edit("chieu", "chiue")
    assert within_one_edit("dao", "dau")
    assert within_one_edit("lam", "lm")
    assert not within_one_edit("dao", "dua")
    assert not within_one_edit("lam", "lmaa")
    assert not within_one_edit("viec", "vick")


def test_a_vocabulary_finds_the_words_one_letter_off():
    vocabulary = Vocabulary(["binh", "yen", "london", "nha", "la"])
    assert vocabulary.near("bnh") == {"binh"}  # a letter missing
    assert vocabulary.near("binhh") == {"binh"}  # a letter too many
    assert vocabulary.near("lodnon") == {"london"}  # two letters swapped
    assert vocabulary.near("yem") == {"yen"}  # one letter wrong
    assert vocabulary.near("binh") == set()  # the word itself is not near
    assert vocabulary.near("la") == set()  # too short to guess
    assert "nha" in vocabulary and "nga" not in vocabulary


def test_a_word_with_a_digit_is_matched_as_written_only():
    vocabulary = Vocabulary(["2024", "24h", "nha", "binh"])
    assert vocabulary.near("2025") == set()  # another year, not a typo
    assert vocabulary.near("24hh") == set()
    assert vocabulary.near("bnh") == {"binh"}
    assert "2024" in vocabulary and "24h" in vocabulary
    # Numbers fill no table of deletions.
    assert not any(char.isdigit() for word in vocabulary._deletions for char in word)


def test_a_vocabulary_taken_apart_in_pieces_is_put_back_the_same(monkeypatch):
    monkeypatch.setattr(Vocabulary, "PIECE_SIZE", 3)
    vocabulary = Vocabulary(["binh", "yen", "london", "nha", "la", "lam", "lua", "dao"])
    pieces: list[tuple[str, Any]] = list(vocabulary.pieces())
    assert len(pieces) > 4
    assert {kind for kind, _content in pieces} == {"min_length", "words", "deletions"}
    assert all(len(content) <= 3 for kind, content in pieces if kind == "words")
    assert all(len(content[0]) <= 3 for kind, content in pieces if kind == "deletions")
    again = Vocabulary.from_pieces(iter(pieces))
    assert again.words == vocabulary.words and again.min_length == vocabulary.min_length
    for word in ("bnh", "lodnon", "yem", "daoo", "lma", "xyz"):
        assert again.near(word) == vocabulary.near(word)


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("Nguyễn Thị Hoa", "Nguyễn Thị Hoa"),
        ("  Trần\tVăn\nAn  ", "Trần Văn An"),
        ("Lê \u202eaoH\u202c Thị", "Lê aoH Thị"),
        ("\u2067Phạm\u2069 Minh", "Phạm Minh"),
        ("Hoàng\u200b\u200dLan\ufeff", "HoàngLan"),
        ("Đỗ\x00 Văn\x07 Bình\x7f", "Đỗ Văn Bình"),
        ("Nguye\u0302\u0303n", "Nguyễn"),
        ("王小红", "王小红"),
        ("\u202e\u200f", ""),
    ],
)
def test_a_name_keeps_what_shows_and_drops_what_hides(typed: str, stored: str) -> None:
    assert plain_name(typed) == stored


def test_one_edit_variants_are_every_word_one_letter_off():
    from donghanh.core.text import one_edit_variants, within_one_edit

    variants = one_edit_variants("hoa")
    assert {"ho", "oa", "hao", "hoq", "hoaa", "ahoa", "xoa"} <= variants
    assert "hoa" not in variants
    assert all(within_one_edit("hoa", variant) for variant in variants)
    assert "hxyz" not in variants
