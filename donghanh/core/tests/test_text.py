from donghanh.core.text import fold, fold_name


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
