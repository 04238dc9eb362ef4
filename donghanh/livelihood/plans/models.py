"""Livelihood and reintegration plans on a case, and the reintegration assessment.

The plan is one per case: her goals, skills and assets, the livelihood she chose, her income and
household at the start; then the support given (in đồng, with who gave it) and reviews of her
income and household. The assessment scores her reintegration across economic, social and
psychosocial dimensions (`items.py`) at intake and at 6 and 12 months, so the scores show a
trend. Free text that may identify her is encrypted; codes, dates, amounts and scores are not.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from donghanh.core.crypto import EncryptedTextField
from donghanh.core.labels import QuickLabels


class Livelihood(models.TextChoices):
    FARMING = "farming", _("Farming")
    LIVESTOCK = "livestock", _("Livestock")
    SMALL_TRADE = "small_trade", _("Small trade")
    TRADE = "trade", _("A trade she learned")
    JOB = "job", _("A job")
    OTHER = "other", _("Other")


class LivelihoodPlan(QuickLabels, models.Model):
    case = models.OneToOneField(
        "cases.Case", on_delete=models.CASCADE, related_name="livelihood_plan"
    )
    goals = EncryptedTextField(_("her goals"), blank=True)
    skills = EncryptedTextField(_("her skills"), blank=True)
    assets = EncryptedTextField(_("her assets"), blank=True)
    livelihood = models.CharField(
        _("chosen livelihood"), max_length=12, choices=Livelihood.choices, blank=True
    )
    livelihood_detail = EncryptedTextField(_("about the livelihood"), blank=True)
    income_at_start = models.PositiveBigIntegerField(
        _("monthly income at the start (đồng)"), null=True, blank=True
    )
    household_at_start = EncryptedTextField(_("household at the start"), blank=True)
    # The programme the plan belongs to, for the programme's figures.
    project = models.ForeignKey(
        "programmes.Project",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="livelihood_plans",
        verbose_name=_("programme"),
    )
    version = models.PositiveIntegerField(_("version"), default=1, editable=False)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("last changed"), auto_now=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("livelihood plan")
        verbose_name_plural = _("livelihood plans")

    def __str__(self) -> str:
        return f"livelihood plan #{self.pk}"


class SupportKind(models.TextChoices):
    CASH_GRANT = "cash_grant", _("Cash grant")
    EQUIPMENT = "equipment", _("Equipment, animals or seed")
    TRAINING = "training", _("Vocational training")
    GROUP_LOAN = "group_loan", _("A loan through a savings group")
    MARKET = "market", _("Market linkage")
    OTHER = "other", _("Other support")


class LivelihoodSupport(models.Model):
    plan = models.ForeignKey(LivelihoodPlan, on_delete=models.CASCADE, related_name="support")
    kind = models.CharField(_("support"), max_length=12, choices=SupportKind.choices)
    amount = models.PositiveBigIntegerField(_("value (đồng)"), default=0)
    given_on = models.DateField(_("given on"))
    # Who gave it: an organisation on the platform, or one named here.
    given_by = models.ForeignKey(
        "organisations.Organisation",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("given by"),
    )
    given_by_other = models.CharField(_("given by (another)"), max_length=200, blank=True)
    note = EncryptedTextField(_("note"), blank=True)
    created_at = models.DateTimeField(_("recorded"), auto_now_add=True)

    class Meta:
        ordering = ["plan", "given_on", "id"]
        verbose_name = _("livelihood support")
        verbose_name_plural = _("livelihood support")
        constraints = [
            models.CheckConstraint(
                condition=Q(given_by__isnull=False) | ~Q(given_by_other=""),
                name="livelihood_support_given_by",
            )
        ]

    def __str__(self) -> str:
        return f"livelihood support #{self.pk}"


class LivelihoodReview(models.Model):
    plan = models.ForeignKey(LivelihoodPlan, on_delete=models.CASCADE, related_name="reviews")
    reviewed_on = models.DateField(_("reviewed on"))
    income = models.PositiveBigIntegerField(_("monthly income (đồng)"), null=True, blank=True)
    household = EncryptedTextField(_("household now"), blank=True)
    progress = EncryptedTextField(_("progress"), blank=True)
    created_at = models.DateTimeField(_("recorded"), auto_now_add=True)

    class Meta:
        ordering = ["plan", "reviewed_on", "id"]
        verbose_name = _("livelihood review")
        verbose_name_plural = _("livelihood reviews")

    def __str__(self) -> str:
        return f"livelihood review #{self.pk}"


class AssessmentPoint(models.TextChoices):
    INTAKE = "intake", _("At intake")
    MONTH_6 = "month_6", _("After 6 months")
    MONTH_12 = "month_12", _("After 12 months")
    REVIEW = "review", _("Another review")


# When each point falls due, in months after the intake assessment.
POINT_MONTHS = {AssessmentPoint.MONTH_6: 6, AssessmentPoint.MONTH_12: 12}


class ReintegrationAssessment(QuickLabels, models.Model):
    case = models.ForeignKey(
        "cases.Case", on_delete=models.CASCADE, related_name="reintegration_assessments"
    )
    point = models.CharField(_("when"), max_length=10, choices=AssessmentPoint.choices)
    assessed_on = models.DateField(_("assessed on"))
    # Item code -> 1..5, or null for "does not apply" (codes and numbers: nothing identifying).
    answers = models.JSONField(_("answers"), default=dict)
    economic = models.PositiveSmallIntegerField(_("economic"), null=True)
    social = models.PositiveSmallIntegerField(_("social"), null=True)
    psychosocial = models.PositiveSmallIntegerField(_("psychosocial"), null=True)
    overall = models.PositiveSmallIntegerField(_("overall"), null=True)
    note = EncryptedTextField(_("notes"), blank=True)
    # On the intake assessment: when the next of her 6- and 12-month reviews not yet recorded
    # falls due (none: both are recorded), for the case's next due date on the caseload.
    next_review_on = models.DateField(null=True, blank=True, editable=False)
    created_at = models.DateTimeField(_("recorded"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["case", "assessed_on", "id"]
        verbose_name = _("reintegration assessment")
        verbose_name_plural = _("reintegration assessments")
        constraints = [
            models.UniqueConstraint(
                fields=["case", "point"],
                condition=~Q(point="review"),
                name="reintegration_point_once",
            )
        ]

    def __str__(self) -> str:
        return f"reintegration assessment #{self.pk}"
