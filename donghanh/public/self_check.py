"""“Is this job offer safe?”: the questions and how the answers become a risk level.

Pure: no database, no cache, no logging. The answers live only in the request that asks for the
result, so nothing about the visitor is kept anywhere.

Each question asks about one sign, worded so that "yes" means the sign is there. The signs are
the ILO indicators of forced labour (2012; see `donghanh.reference.codelists.ILO_INDICATORS`) as
they show up before departure, and common recruitment-fraud signs. A *serious* sign is one the ILO
counts as an indicator of forced labour in itself (a kept passport, a debt to the recruiter,
threats...); a *warning* sign is common in fraudulent offers but also happens in honest ones.

The rules:
- high risk: any serious sign, or three or more warning signs;
- caution: one or two warning signs, or not knowing about a serious sign, or three or more
  "don't know" answers in all;
- low risk otherwise (which is still not a promise that the offer is safe).
A question left unanswered counts as "don't know".
"""

from __future__ import annotations

import enum
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.utils.translation import gettext_lazy as _

from donghanh.reference.codelists import IloAnswer

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise  # a development-only package

YES, NO, UNKNOWN = IloAnswer.YES, IloAnswer.NO, IloAnswer.UNKNOWN
WARNING_SIGNS_FOR_HIGH = 3
UNKNOWNS_FOR_CAUTION = 3


class Sign(enum.Enum):
    SERIOUS = "serious"
    WARNING = "warning"


class RiskLevel(enum.Enum):
    LOW = "low"
    CAUTION = "caution"
    HIGH = "high"


@dataclass(frozen=True)
class Question:
    key: str
    text: StrOrPromise
    why: StrOrPromise  # what a "yes" means, shown in the result
    sign: Sign
    # The ILO indicator the question looks for, or "" for a recruitment-fraud sign.
    ilo_indicator: str = ""


QUESTIONS: tuple[Question, ...] = (
    Question(
        "fee",
        _(
            "Do they ask you to pay money (a fee, a deposit or a “guarantee”) before you have "
            "a written contract?"
        ),
        _("Money asked for before a contract is the most common sign of recruitment fraud."),
        Sign.WARNING,
    ),
    Question(
        "debt",
        _(
            "Would you have to borrow money, or owe money to the recruiter or the employer, "
            "to pay for the job or the journey?"
        ),
        _("A debt to the recruiter or employer can be used to force you to keep working."),
        Sign.SERIOUS,
        "debt_bondage",
    ),
    Question(
        "passport",
        _(
            "Did they say someone else will keep your passport or identity card, to “look "
            "after it” or until you pay?"
        ),
        _("Nobody may keep your passport or identity papers: without them you cannot leave."),
        Sign.SERIOUS,
        "retention_of_identity_documents",
    ),
    Question(
        "salary",
        _("Is the pay much higher than for similar work, or the work very easy for the money?"),
        _("A salary that seems too good to be true is often used to deceive."),
        Sign.WARNING,
        "deception",
    ),
    Question(
        "contract",
        _(
            "Is there no written contract you can read, naming the employer, the pay, the hours "
            "and the place of work?"
        ),
        _("Without a written contract you cannot check or prove what was promised."),
        Sign.WARNING,
        "deception",
    ),
    Question(
        "social_media",
        _(
            "Do you know the recruiter only through Facebook, Zalo, TikTok or a phone number, "
            "with no office you can visit?"
        ),
        _("A recruiter you can only reach online is hard to check and easy to lose."),
        Sign.WARNING,
    ),
    Question(
        "tourist_visa",
        _(
            "Are you told to travel on a tourist or visitor visa, or on someone else’s papers, "
            "to go and work?"
        ),
        _(
            "Working without the right visa leaves you without protection and afraid of the "
            "police: traffickers use that fear."
        ),
        Sign.SERIOUS,
        "abuse_of_vulnerability",
    ),
    Question(
        "secrecy",
        _(
            "Have they told you to keep the job secret, or to lie to officials or your family "
            "about it?"
        ),
        _("Secrecy cuts you off from the people who could help you."),
        Sign.SERIOUS,
        "isolation",
    ),
    Question(
        "movement",
        _(
            "Have they said you may not leave the workplace or the housing freely, or must "
            "hand in your phone?"
        ),
        _("Being kept in, or without a phone, is a sign of forced labour."),
        Sign.SERIOUS,
        "restriction_of_movement",
    ),
    Question(
        "threats",
        _("Have you or your family been threatened, or pushed to decide quickly and not back out?"),
        _("Threats and pressure are signs of forced labour and of trafficking."),
        Sign.SERIOUS,
        "intimidation_and_threats",
    ),
    Question(
        "wages_held",
        _(
            "Will part of your pay be held back until the end of the contract, or paid to "
            "someone else?"
        ),
        _("Pay that is held back or goes to someone else can be used to keep you working."),
        Sign.SERIOUS,
        "withholding_of_wages",
    ),
    Question(
        "hours",
        _("Are you expected to work very long hours, or without days off?"),
        _("Very long hours without rest are a sign of exploitation."),
        Sign.WARNING,
        "excessive_overtime",
    ),
)
QUESTIONS_BY_KEY = {question.key: question for question in QUESTIONS}


@dataclass(frozen=True)
class Assessment:
    level: RiskLevel
    signs: tuple[Question, ...]  # answered "yes", serious ones first
    unknowns: tuple[Question, ...]  # answered "don't know" or left blank

    @property
    def serious_signs(self) -> tuple[Question, ...]:
        return tuple(q for q in self.signs if q.sign is Sign.SERIOUS)


def assess(answers: Mapping[str, str]) -> Assessment:
    """The risk level of the offer described by `answers` (question key → yes/no/unknown)."""
    signs = [q for q in QUESTIONS if answers.get(q.key) == YES]
    unknowns = [q for q in QUESTIONS if answers.get(q.key) not in (YES, NO)]
    serious = [q for q in signs if q.sign is Sign.SERIOUS]
    warnings = [q for q in signs if q.sign is Sign.WARNING]
    serious_unknown = any(q.sign is Sign.SERIOUS for q in unknowns)
    if serious or len(warnings) >= WARNING_SIGNS_FOR_HIGH:
        level = RiskLevel.HIGH
    elif warnings or serious_unknown or len(unknowns) >= UNKNOWNS_FOR_CAUTION:
        level = RiskLevel.CAUTION
    else:
        level = RiskLevel.LOW
    return Assessment(level=level, signs=(*serious, *warnings), unknowns=tuple(unknowns))
