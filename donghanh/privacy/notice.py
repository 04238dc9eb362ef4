"""The first page of a person's copy of their data: what the document is, the rights the law
gives the person, and how to use them with the organisation that holds the data.

Written for the person, in plain words, in the language of the copy. The rights are those of
the Law on Personal Data Protection (91/2025/QH15) and Decree 356/2025/NĐ-CP, as summarised
in docs/domain.md §5; the days come from `deadlines`, where the request workflow counts them.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext as _

from donghanh.privacy import deadlines


@dataclass(frozen=True)
class Right:
    key: str  # a stable English identifier, for the JSON copy
    name: str
    text: str


@dataclass(frozen=True)
class Notice:
    title: str
    about: list[str]
    rights_title: str
    rights: list[Right]
    how_title: str
    how: list[str]
    safety: str

    def as_json(self) -> dict[str, Any]:
        return {
            "title": self.title,
            "about": self.about,
            "rights_title": self.rights_title,
            "rights": [
                {"right": right.key, "name": right.name, "text": right.text}
                for right in self.rights
            ],
            "how_title": self.how_title,
            "how": self.how,
            "safety": self.safety,
        }


def export_notice(*, organisation: str, when: str, website: str = "") -> Notice:
    """The notice in the active language, for a copy made by `organisation` at `when`."""
    names = {"organisation": organisation}
    rights = [
        Right(
            "access",
            _("To know and to see your data"),
            _(
                "You may ask what data about you is held, what it is used for and how, and "
                "receive a copy of it, like this one."
            ),
        ),
        Right(
            "correction",
            _("To have your data corrected"),
            _("If something here is wrong or out of date, you may ask for it to be corrected."),
        ),
        Right(
            "deletion",
            _("To have your data deleted"),
            _(
                "You may ask for your data to be deleted. If some records must be kept, you "
                "will be told which ones and why; your data can then be made anonymous instead."
            ),
        ),
        Right(
            "objection",
            _("To object to or restrict the use of your data"),
            _(
                "You may object to a use of your data, or ask that it be used only for some "
                "purposes: for example not for statistics, or not shared with other "
                "organisations."
            ),
        ),
        Right(
            "consent_withdrawal",
            _("To withdraw your consent"),
            _(
                "You may withdraw at any time a consent you gave (to being supported, to "
                "sharing with an organisation, to statistics). What was done before stays "
                "lawful; from then on your data is no longer used for that purpose."
            ),
        ),
        Right(
            "complaint",
            _("To complain"),
            _(
                "If you think your data has been misused, or your request was not handled as "
                "it should be, you may complain to %(organisation)s, to the authority for "
                "personal data protection (under the Ministry of Public Security), or go to "
                "court, and claim compensation for any harm done."
            )
            % names,
        ),
    ]
    how = [
        _(
            "To use any of these rights, tell %(organisation)s: speak to the staff member who "
            "supports you, or contact the organisation in person, by phone, by letter or by "
            "message. A parent, a guardian or a legal representative may ask for you."
        )
        % names,
        _(
            "The organisation must tell you within %(acknowledge)s working days that it has "
            "received your request, and carry it out within %(days)s days (%(processor_days)s "
            "days when another organisation processes the data for it). If it needs longer, it "
            "must tell you why."
        )
        % {
            "acknowledge": deadlines.ACKNOWLEDGE_WORKING_DAYS,
            "days": deadlines.COMPLETE_DAYS,
            "processor_days": deadlines.COMPLETE_DAYS_WITH_PROCESSOR,
        },
    ]
    if website:
        how.append(_("Website of %(organisation)s: %(website)s") % {**names, "website": website})
    return Notice(
        title=_("About this document and your rights"),
        about=[
            _(
                "This document is a copy of all the personal data about you that "
                "%(organisation)s holds on the Đồng Hành platform, as of %(when)s. You receive "
                "it because you, or someone acting for you, asked for it."
            )
            % {**names, "when": when},
            _(
                "The pages after this one give the data part by part: your personal details, "
                "the consents you gave, your cases and the support you received, what was "
                "shared with other organisations with your consent, and the requests you made "
                "about your data."
            ),
            _(
                "The law on personal data protection (Law No. 91/2025/QH15 and Decree No. "
                "356/2025/NĐ-CP) gives you the rights below."
            ),
        ],
        rights_title=_("Your rights"),
        rights=rights,
        how_title=_("How to use them with %(organisation)s") % names,
        how=how,
        safety=_(
            "Keep this document somewhere safe. It holds sensitive information about you and "
            "your case, and anyone who reads it can learn it. You decide who sees it."
        ),
    )
