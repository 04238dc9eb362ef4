"""Code lists that several programme sub-domains and the indicators share: the sex and age group
by which trainees and audiences are counted. Imports nothing from programmes."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class AgeGroup(models.TextChoices):
    CHILD_0_11 = "0_11", _("0–11 years")
    CHILD_12_17 = "12_17", _("12–17 years")
    YOUTH_18_24 = "18_24", _("18–24 years")
    ADULT_25_59 = "25_59", _("25–59 years")
    OLDER_60 = "60_plus", _("60 years and over")
    UNKNOWN = "unknown", _("Age not known")


def age_group_of(age: int | None) -> AgeGroup:
    if age is None:
        return AgeGroup.UNKNOWN
    if age < 12:
        return AgeGroup.CHILD_0_11
    if age < 18:
        return AgeGroup.CHILD_12_17
    if age < 25:
        return AgeGroup.YOUTH_18_24
    if age < 60:
        return AgeGroup.ADULT_25_59
    return AgeGroup.OLDER_60


class AudienceSex(models.TextChoices):
    FEMALE = "female", _("Female")
    MALE = "male", _("Male")
    OTHER = "other", _("Other or not known")
