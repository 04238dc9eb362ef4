"""Countries abroad and their cities, by the names a visitor or a social worker types.

Each country the directory knows (`Country`) has its names in Vietnamese and English, with the
usual Vietnamese spellings of its best-known cities, where Vietnamese migrants live and work:
"London", "Luân Đôn", "Anh", "Vương quốc Anh", "UK" all mean the United Kingdom. A search that
names one of them looks for the providers serving that country (or every country).

Some Vietnamese names are also everyday words or given names ("Anh", "Đức", "Nga", "Mỹ"; "Lào"
folds to the "lao" of "lao động"): they name the country only when they are the whole search or
the whole place, never as one word among others.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from donghanh.core.text import FUZZY_MIN_LENGTH, search_words, within_one_edit
from donghanh.directory.models import Country

# Shortest word of a one-word name matched one letter off: "nga" (Russia) is one letter from
# "nha" (house). In a name of several words ("Luân Đôn"), a word of three letters may be.
TYPO_MIN_LENGTH = 4


@dataclass(frozen=True)
class NamesAbroad:
    names: tuple[str, ...]  # the country, and its cities
    # Names that are also everyday Vietnamese words: the country only when written alone.
    alone: tuple[str, ...] = ()


PLACES_ABROAD: dict[str, NamesAbroad] = {
    Country.UNITED_KINGDOM: NamesAbroad(
        (
            "Vương quốc Anh", "Anh Quốc", "nước Anh", "Liên hiệp Anh", "United Kingdom", "UK",
            "Great Britain", "Britain", "England", "Scotland", "Xcốt-len", "Wales", "xứ Wales",
            "Northern Ireland", "Bắc Ireland", "Bắc Ai-len",
            "London", "Luân Đôn", "Birmingham", "Manchester", "Liverpool", "Leeds", "Sheffield",
            "Bristol", "Newcastle", "Nottingham", "Leicester", "Coventry", "Bradford", "Glasgow",
            "Edinburgh", "Cardiff", "Belfast",
        ),
        alone=("Anh",),
    ),
    Country.IRELAND: NamesAbroad(
        ("Ireland", "Ai-len", "Cộng hòa Ireland", "Cộng hòa Ai-len", "Dublin", "Cork"),
    ),
    Country.FRANCE: NamesAbroad(
        ("nước Pháp", "France", "Paris", "Pa-ri", "Marseille", "Lyon", "Lille"),
        alone=("Pháp",),
    ),
    Country.GERMANY: NamesAbroad(
        (
            "nước Đức", "CHLB Đức", "Cộng hòa Liên bang Đức", "Germany", "Deutschland",
            "Berlin", "Béc-lin", "Hamburg", "Munich", "München", "Frankfurt", "Leipzig",
            "Dresden", "Cologne", "Köln",
        ),
        alone=("Đức",),
    ),
    Country.NETHERLANDS: NamesAbroad(
        ("Hà Lan", "Netherlands", "Holland", "Amsterdam", "Rotterdam"),
    ),
    Country.BELGIUM: NamesAbroad(
        ("nước Bỉ", "Belgium", "Brussels", "Bruxelles", "Antwerp"),
        alone=("Bỉ",),
    ),
    Country.POLAND: NamesAbroad(
        ("Ba Lan", "Poland", "Warsaw", "Warszawa", "Vác-sa-va", "Krakow", "Kraków"),
    ),
    Country.CZECHIA: NamesAbroad(
        (
            "Cộng hòa Séc", "nước Séc", "Czechia", "Czech Republic", "Czech", "Praha", "Prague",
            "Brno",
        ),
        alone=("Séc",),
    ),
    Country.RUSSIA: NamesAbroad(
        (
            "Liên bang Nga", "nước Nga", "Russia", "Moscow", "Mát-xcơ-va", "Matxcơva",
            "Saint Petersburg", "St Petersburg", "Xanh Pê-téc-bua",
        ),
        alone=("Nga",),
    ),
    Country.CHINA: NamesAbroad(
        (
            "Trung Quốc", "China", "Bắc Kinh", "Beijing", "Thượng Hải", "Shanghai",
            "Quảng Châu", "Guangzhou", "Quảng Tây", "Guangxi", "Vân Nam", "Yunnan",
            "Thâm Quyến", "Shenzhen",
        ),
    ),
    Country.TAIWAN: NamesAbroad(
        (
            "Đài Loan", "Taiwan", "Đài Bắc", "Taipei", "Tân Bắc", "New Taipei", "Đài Trung",
            "Taichung", "Cao Hùng", "Kaohsiung", "Đào Viên", "Taoyuan",
        ),
    ),
    Country.JAPAN: NamesAbroad(
        (
            "Nhật Bản", "nước Nhật", "Japan", "Tokyo", "Tô-ky-ô", "Osaka", "Ô-sa-ca", "Nagoya",
            "Yokohama", "Fukuoka", "Saitama", "Aichi",
        ),
        alone=("Nhật",),
    ),
    Country.SOUTH_KOREA: NamesAbroad(
        ("Hàn Quốc", "South Korea", "Korea", "Seoul", "Xơ-un", "Busan", "Incheon"),
    ),
    Country.LAOS: NamesAbroad(
        ("nước Lào", "Laos", "Viêng Chăn", "Vientiane"),
        alone=("Lào",),
    ),
    Country.CAMBODIA: NamesAbroad(
        ("Campuchia", "Cam-pu-chia", "Cambodia", "Phnôm Pênh", "Phnom Penh", "Siem Reap"),
    ),
    Country.THAILAND: NamesAbroad(("Thái Lan", "Thailand", "Băng Cốc", "Bangkok")),
    Country.MALAYSIA: NamesAbroad(
        ("Malaysia", "Ma-lai-xi-a", "Mã Lai", "Kuala Lumpur", "Penang", "Johor"),
    ),
    Country.SAUDI_ARABIA: NamesAbroad(
        ("Ả Rập Xê Út", "Ả-rập Xê-út", "Saudi Arabia", "Saudi", "Riyadh", "Jeddah"),
    ),
    Country.UNITED_ARAB_EMIRATES: NamesAbroad(
        (
            "Các Tiểu vương quốc Ả Rập Thống nhất", "UAE", "United Arab Emirates", "Emirates",
            "Dubai", "Abu Dhabi",
        ),
    ),
    Country.UNITED_STATES: NamesAbroad(
        (
            "Hoa Kỳ", "nước Mỹ", "United States", "USA", "America", "New York", "California",
            "Texas", "Washington", "Los Angeles", "Houston", "San Jose",
        ),
        alone=("Mỹ",),
    ),
    Country.AUSTRALIA: NamesAbroad(
        (
            "nước Úc", "Australia", "Ô-xtrây-li-a", "Sydney", "Melbourne", "Brisbane", "Perth",
            "Adelaide",
        ),
        alone=("Úc",),
    ),
}  # fmt: skip


@dataclass(frozen=True)
class PlaceAbroad:
    """Words of a search that name a country abroad or one of its cities."""

    country: str
    start: int  # position of the first word
    words: tuple[str, ...]  # as typed (folded)

    @property
    def end(self) -> int:
        return self.start + len(self.words)

    @property
    def label(self) -> str:
        return str(Country(self.country).label)


@cache
def _names() -> tuple[tuple[tuple[str, ...], str, bool], ...]:
    """Every name as folded words, with its country and whether it counts only alone; the
    longest names first, so that "Northern Ireland" is the UK before "Ireland" is Ireland."""
    names = []
    for country, places in PLACES_ABROAD.items():
        names += [(tuple(search_words(name)), str(country), False) for name in places.names]
        names += [(tuple(search_words(name)), str(country), True) for name in places.alone]
    return tuple(sorted(names, key=lambda name: -len(name[0])))


def _same_words(typed: list[str], name: tuple[str, ...], *, tolerant: bool) -> bool:
    shortest = FUZZY_MIN_LENGTH if len(name) > 1 else TYPO_MIN_LENGTH
    return all(
        t == n or (tolerant and len(n) >= shortest and within_one_edit(t, n))
        for t, n in zip(typed, name, strict=True)
    )


def places_abroad_in(words: list[str], *, tolerant: bool = False) -> list[PlaceAbroad]:
    """The names of places abroad among a search's folded words, left to right.

    `tolerant`: each word of a name may also be one letter off ("Lodnon" is London), if it is
    long enough (`TYPO_MIN_LENGTH`). A name that is also an everyday word counts only as the
    whole search.
    """
    found: list[PlaceAbroad] = []
    start = 0
    while start < len(words):
        for name, country, alone in _names():
            end = start + len(name)
            if end > len(words) or (alone and len(name) != len(words)):
                continue
            typed = words[start:end]
            if _same_words(typed, name, tolerant=tolerant):
                found.append(PlaceAbroad(country, start, tuple(typed)))
                start = end
                break
        else:
            start += 1
    return found


def place_abroad_named(text: str) -> PlaceAbroad | None:
    """The country abroad `text` names as a whole ("London", "Vương quốc Anh", "Lodnon"), if any."""
    words = search_words(text)
    for tolerant in (False, True):
        found = places_abroad_in(words, tolerant=tolerant)
        if len(found) == 1 and found[0].words == tuple(words):
            return found[0]
    return None


def names_of_country(code: str) -> list[str]:
    """Every name of the country and its cities, as folded words (for a search index)."""
    places = PLACES_ABROAD.get(code)
    if places is None:
        return []
    return search_words(" ".join((*places.names, *places.alone)))
