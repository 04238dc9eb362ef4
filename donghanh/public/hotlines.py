"""The hotlines the public pages put first, with the numbers exactly as confirmed.

Source: shared domain notes §3 (confirmed numbers only). 1800 1567, the old child line, is
obsolete and must never be shown (the directory refuses it too). The directory holds the same
lines as providers, with their "last verified" date, for staff to keep up to date.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.utils.translation import gettext_lazy as _

from donghanh.directory.contacts import tel_href

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise  # a development-only package


@dataclass(frozen=True)
class Hotline:
    number: str
    what: StrOrPromise
    when: StrOrPromise = ""
    # The number to dial when it differs from the one shown (a UK freephone number dialled in
    # international form also works from a phone that roams).
    dial: str = ""
    # The line's official Zalo channel, as a plain zalo.me link (no Zalo script is ever loaded),
    # and its website.
    zalo: str = ""
    website: str = ""

    @property
    def tel(self) -> str:
        return tel_href(self.dial or self.number)


NATIONAL_111 = Hotline(
    "111",
    _("National hotline for child protection and against human trafficking"),
    _("Free, 24 hours a day, 7 days a week"),
    # The official account of the 111 hotline, as its own website links it: from abroad, where
    # dialling 111 reaches another country's service, this is how to write to it.
    zalo="https://zalo.me/1249273939821550616",
    website="https://tongdai111.vn",
)
POLICE_113 = Hotline("113", _("Police: when someone is in danger now"), _("24 hours a day"))
CITIZENS_ABROAD = Hotline(
    "+84 981 84 84 84",
    _("Citizen protection for Vietnamese abroad (Ministry of Foreign Affairs)"),
    _("24 hours a day, 7 days a week"),
)
UK_MODERN_SLAVERY = Hotline(
    "08000 121 700",
    _("UK Modern Slavery & Exploitation Helpline (Unseen)"),
    _("Free in the UK, 24/7, in more than 200 languages"),
    dial="+44 8000 121 700",
)
WOMEN_SUPPORT_LINE = Hotline(
    "1900 969 680",
    _("Support line of the Centre for Women and Development (Peace House shelters)"),
    _("The caller pays for the call"),
)
UK_EMBASSY = Hotline(
    "+44 7713 181 501",
    _("Citizen protection hotline of the Vietnamese Embassy in the UK"),
)

# The four lines the home page shows first, in this order.
FIRST_LINES = (NATIONAL_111, POLICE_113, CITIZENS_ABROAD, UK_MODERN_SLAVERY)
OTHER_LINES = (WOMEN_SUPPORT_LINE, UK_EMBASSY)
