"""The longest values the forms accept, for tests that every export and snapshot holds them.

The length of a value comes from the form field that accepts it (`longest_for`), so a test
follows the form when its limit changes. A free text field without a limit gets `LONG_TEXT`
characters: far more than anyone types, and more than a page of a PDF holds.

The text mixes Vietnamese letters with every tone mark, a name in Chinese characters and in
other scripts a name may hold, line breaks, a run of characters with no space to break at, and
a formula-like start a spreadsheet must not run.
"""

from __future__ import annotations

import unicodedata
from typing import Any

LONG_TEXT = 20_000

_SAMPLE = unicodedata.normalize(
    "NFC",
    "=Chị Nguyễn Thị Hoà (王小红, 김하나, ฮัว, Хоа) kể: đi qua Móng Cái, Lạng Sơn rồi sang "
    "Quảng Tây; ở đó bị giữ giấy tờ, không được ra ngoài, phải làm việc từ 5 giờ sáng tới "
    "khuya, bị đe doạ và nợ tiền môi giới.\n"
    "Ghi chú: ưu tiên hỗ trợ y tế, tâm lý; liên hệ qua Zalo. " + "Mã-hồ-sơ-ĐH-2026-" * 12 + "\n\n",
)


def long_text(length: int = LONG_TEXT) -> str:
    """`length` characters of realistic text, neither starting nor ending with a space (the
    services strip those, which would shorten the stored value)."""
    repeated = _SAMPLE * (length // len(_SAMPLE) + 1)
    text = repeated[:length]
    if text[-1].isspace():
        text = text[:-1] + "ạ"
    return text


def max_length_of(form_class: Any, name: str) -> int | None:
    """The form field's `max_length` (None when it accepts any length)."""
    max_length: int | None = getattr(form_class.base_fields[name], "max_length", None)
    return max_length


def longest_for(form_class: Any, name: str) -> str:
    """The longest text the form accepts in the field, or `LONG_TEXT` characters."""
    return long_text(max_length_of(form_class, name) or LONG_TEXT)


def longest_label(choices: Any) -> str:
    """The code whose label is longest: the widest value a choice field can show."""
    pairs = [(str(code), str(label)) for code, label in choices if code]
    return max(pairs, key=lambda pair: len(pair[1]))[0]
