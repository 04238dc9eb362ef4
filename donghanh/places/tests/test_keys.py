import pytest

from donghanh.core.text import fold
from donghanh.places.keys import name_key, name_prefix, place_key, split_prefix, split_run_on


def test_place_key_extends_fold_with_punctuation_rules():
    assert place_key("Bà Rịa - Vũng Tàu") == "ba ria vung tau"
    assert place_key("Xã Ea H’Leo") == "xa ea hleo"
    assert place_key("TP.HCM") == "tp hcm"
    assert place_key("ĐẮK LẮK") == fold("Đắk Lắk") == "dak lak"


@pytest.mark.parametrize(
    ("name", "key"),
    [
        ("Tỉnh Hà Tĩnh", "ha tinh"),
        ("Thị xã Hồng Lĩnh", "hong linh"),
        ("Thị trấn Xuân An", "xuan an"),
        ("Đặc khu Côn Đảo", "con dao"),
        ("Phường Văn Miếu - Quốc Tử Giám", "van mieu quoc tu giam"),
        ("Huyện Quan Hóa", "quan hoa"),
        ("Quận 1", "1"),
    ],
)
def test_name_key_drops_the_formal_prefix(name, key):
    assert name_key(name) == key


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("TP HCM", ("thanh pho", "hcm")),
        ("tx Hồng Lĩnh", ("thi xa", "hong linh")),
        ("Q.1", ("quan", "1")),
        ("q1", ("quan", "1")),
        ("p12", ("phuong", "12")),
        ("Nghi Xuân", ("", "nghi xuan")),
    ],
)
def test_split_prefix_understands_abbreviations(text, expected):
    assert split_prefix(place_key(text)) == expected


def test_name_prefix():
    assert name_prefix("Thị trấn Xuân An") == "thi tran"
    assert name_prefix("Xã Xuân Hội") == "xa"


def test_split_run_on_splits_at_inner_prefixes_only():
    assert split_run_on("xa xuan hoi huyen nghi xuan tinh ha tinh") == [
        "xa xuan hoi",
        "huyen nghi xuan",
        "tinh ha tinh",
    ]
    assert split_run_on("huyen quan hoa") == ["huyen quan hoa"]
    assert split_run_on("thi xa hong linh") == ["thi xa hong linh"]
