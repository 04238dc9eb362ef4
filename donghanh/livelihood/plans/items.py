"""The reintegration assessment's items: what she (with her case worker) rates, dimension by
dimension, from 1 (not at all) to 5 (fully), or "does not apply".

Modelled on IOM's Reintegration Sustainability Survey (the MEASURE project's 15 indicators in
economic, social and psychosocial dimensions; IOM Reintegration Handbook, 2019). The items
below follow the RSS indicators named beside each; they are phrased so that a higher answer is
always better, and every item weighs the same within its dimension (the RSS weighs its items;
the weights are not reproduced here). The list is data: change it here, and the scores of past
assessments stay as they were computed.

A dimension's score is the mean of its answered items on a 0–100 scale ((answer − 1) ÷ 4);
the overall score is the mean of the dimensions that have one.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from fractions import Fraction
from typing import TYPE_CHECKING

from django.db import models
from django.utils.translation import gettext_lazy as _

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise


class Dimension(models.TextChoices):
    ECONOMIC = "economic", _("Economic")
    SOCIAL = "social", _("Social")
    PSYCHOSOCIAL = "psychosocial", _("Psychosocial")


@dataclass(frozen=True)
class Item:
    code: str
    dimension: Dimension
    text: StrOrPromise
    rss: str  # the RSS indicator it follows


ITEMS: tuple[Item, ...] = (
    Item(
        "econ_satisfied",
        Dimension.ECONOMIC,
        _("She is satisfied with her economic situation."),
        "satisfaction with current economic situation",
    ),
    Item(
        "econ_food",
        Dimension.ECONOMIC,
        _("Her household eats enough without skipping meals."),
        "frequency of reducing food",
    ),
    Item(
        "econ_borrow",
        Dimension.ECONOMIC,
        _("She could borrow money if she needed to."),
        "ability to borrow money",
    ),
    Item(
        "econ_debt",
        Dimension.ECONOMIC,
        _("Her debts are within what she can repay."),
        "debt-to-spending ratio",
    ),
    Item(
        "econ_work",
        Dimension.ECONOMIC,
        _("She has work or a livelihood that brings a regular income."),
        "employment and productive assets",
    ),
    Item(
        "soc_housing",
        Dimension.SOCIAL,
        _("Her housing is adequate and secure."),
        "access to adequate housing",
    ),
    Item(
        "soc_health",
        Dimension.SOCIAL,
        _("She can get health care when she needs it."),
        "access to health services",
    ),
    Item(
        "soc_services",
        Dimension.SOCIAL,
        _("She gets the public services and social protection she is entitled to."),
        "access to public services and social protection",
    ),
    Item(
        "soc_school",
        Dimension.SOCIAL,
        _("Her school-age children go to school."),
        "access to education for children",
    ),
    Item(
        "soc_documents",
        Dimension.SOCIAL,
        _("She has her identity documents."),
        "possession of identification documents",
    ),
    Item(
        "soc_justice",
        Dimension.SOCIAL,
        _("She could turn to the police or the courts if she were wronged."),
        "access to justice and law enforcement",
    ),
    Item(
        "psy_activities",
        Dimension.PSYCHOSOCIAL,
        _("She takes part in community activities."),
        "participation in social activities",
    ),
    Item(
        "psy_network",
        Dimension.PSYCHOSOCIAL,
        _("She has people she can turn to for help."),
        "support network",
    ),
    Item(
        "psy_belonging",
        Dimension.PSYCHOSOCIAL,
        _("She feels she belongs in her community and is not looked down on."),
        "sense of belonging and discrimination",
    ),
    Item(
        "psy_wellbeing",
        Dimension.PSYCHOSOCIAL,
        _("She seldom feels sad, anxious or afraid."),
        "signs of psychological distress",
    ),
    Item(
        "psy_safe",
        Dimension.PSYCHOSOCIAL,
        _("She feels physically safe where she lives."),
        "feeling of physical safety",
    ),
    Item(
        "psy_stay",
        Dimension.PSYCHOSOCIAL,
        _("She wants to stay and feels able to, rather than leave again."),
        "feeling able to stay (no wish to re-migrate)",
    ),
)
ITEM_CODES = frozenset(item.code for item in ITEMS)

ANSWERS = (
    (1, _("Not at all")),
    (2, _("A little")),
    (3, _("Partly")),
    (4, _("Mostly")),
    (5, _("Fully")),
)


def dimension_scores(answers: Mapping[str, int | None]) -> dict[str, int | None]:
    """Each dimension's score from 0 to 100 (rounded), and the overall score, from the
    answers (1–5, or None for "does not apply")."""
    scores: dict[str, int | None] = {}
    means: list[Fraction] = []
    for dimension in Dimension:
        values = [
            Fraction(answers[item.code] - 1, 4)  # type: ignore[operator]
            for item in ITEMS
            if item.dimension == dimension and answers.get(item.code) is not None
        ]
        if values:
            mean = sum(values, Fraction(0)) / len(values)
            means.append(mean)
            scores[dimension.value] = round(mean * 100)
        else:
            scores[dimension.value] = None
    scores["overall"] = round(sum(means, Fraction(0)) / len(means) * 100) if means else None
    return scores
