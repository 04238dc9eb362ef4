"""Funding and budget of a project: its funding sources, budget lines and spendings.

Money is an integer number of đồng. The rules (sources add up to the total budget, lines fit in
it, overspending a line needs a reason) are in finance.services.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from donghanh.programmes.projects.models import Phase, Project, private_upload


class FundingKind(models.TextChoices):
    DONOR = "donor", _("Donor")
    GOVERNMENT = "government", _("Government budget")
    COUNTERPART = "counterpart", _("Counterpart contribution")


class FundingSource(models.Model):
    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="funding_sources")
    kind = models.CharField(_("kind"), max_length=12, choices=FundingKind.choices)
    donor = models.ForeignKey(
        "organisations.Organisation",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("funder"),
    )
    donor_name = models.CharField(_("funder (other)"), max_length=300, blank=True)
    amount_vnd = models.PositiveBigIntegerField(_("amount (VND)"))
    note = models.CharField(_("note"), max_length=300, blank=True)

    class Meta:
        ordering = ["project", "-amount_vnd", "id"]
        verbose_name = _("funding source")
        verbose_name_plural = _("funding sources")

    def __str__(self) -> str:
        return f"funding source #{self.pk} of project #{self.project_id}"


class BudgetLine(models.Model):
    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="budget_lines")
    code = models.CharField(_("code"), max_length=20)
    name = models.CharField(_("name"), max_length=300)
    amount_vnd = models.PositiveBigIntegerField(_("budget (VND)"))
    phase = models.ForeignKey(
        Phase,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="budget_lines",
        verbose_name=_("phase"),
    )
    period_start = models.DateField(_("period start"), null=True, blank=True)
    period_end = models.DateField(_("period end"), null=True, blank=True)
    version = models.PositiveIntegerField(_("version"), default=1, editable=False)

    class Meta:
        ordering = ["project", "code", "id"]
        verbose_name = _("budget line")
        verbose_name_plural = _("budget lines")
        constraints = [
            models.UniqueConstraint(fields=["project", "code"], name="budget_line_code_once")
        ]

    def __str__(self) -> str:
        return f"budget line #{self.pk}"


class Spending(models.Model):
    budget_line = models.ForeignKey(BudgetLine, on_delete=models.PROTECT, related_name="spendings")
    spent_on = models.DateField(_("date"))
    amount_vnd = models.PositiveBigIntegerField(_("amount (VND)"))
    description = models.CharField(_("description"), max_length=300)
    evidence_text = models.CharField(_("evidence (voucher number, where kept)"), max_length=300)
    evidence_file = models.FileField(
        _("evidence file"), upload_to=private_upload, blank=True, max_length=200
    )
    # Set when the spending took its line over budget, with the reason given (see docs).
    overspend_reason = models.TextField(_("reason for going over the line"), blank=True)
    created_at = models.DateTimeField(_("recorded"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-spent_on", "-id"]
        verbose_name = _("spending")
        verbose_name_plural = _("spendings")
        constraints = [
            models.CheckConstraint(condition=Q(amount_vnd__gt=0), name="spending_positive")
        ]

    def __str__(self) -> str:
        return f"spending #{self.pk}"
