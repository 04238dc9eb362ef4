"""Phone numbers and links: what a contact channel becomes on a page, and numbers never shown."""

from __future__ import annotations

import re

# Numbers that must never appear in the directory, as digits, with what replaced them.
# 1800 1567 was the old child line; hotline 111 replaced it (shared/docs/domain.md §3).
OBSOLETE_NUMBERS: dict[str, str] = {"18001567": "111"}

_NUMBER_RUN = re.compile(r"\+?\d[\d\s.\-()/]*\d")
_PHONE = re.compile(r"^\+?[\d\s.\-()]+$")
_ZALO_URL = re.compile(r"^https://zalo\.me/[\w.\-/]+$")


def digits_of(value: str) -> str:
    return re.sub(r"\D", "", value)


def obsolete_numbers_in(text: str) -> list[str]:
    """The obsolete numbers written anywhere in `text`, with any spacing or punctuation."""
    found = []
    for run in _NUMBER_RUN.findall(text):
        digits = digits_of(run)
        found += [number for number in OBSOLETE_NUMBERS if number in digits]
    return found


def looks_like_phone(value: str) -> bool:
    return bool(_PHONE.match(value.strip())) and len(digits_of(value)) >= 3


def tel_href(value: str) -> str:
    """`tel:` link for a phone number as written: "+84 981 84 84 84" → "tel:+84981848484"."""
    value = value.strip()
    if not looks_like_phone(value):
        return ""
    plus = "+" if value.startswith("+") else ""
    return f"tel:{plus}{digits_of(value)}"


def zalo_href(value: str) -> str:
    """Zalo link for a zalo.me address or a Vietnamese phone number; "" when there is none.

    Zalo finds people and official accounts by their phone number in national form
    (0981848484), so "+84 981 84 84 84" becomes https://zalo.me/0981848484. Any other value (the
    name of an official account to search for in the app) has no link.
    """
    value = value.strip()
    if _ZALO_URL.match(value):
        return value
    if not looks_like_phone(value):
        return ""
    digits = digits_of(value)
    if value.startswith("+84"):
        digits = "0" + digits[2:]
    elif value.startswith("+"):
        return ""
    if len(digits) < 9:
        return ""
    return f"https://zalo.me/{digits}"
