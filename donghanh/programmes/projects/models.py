"""Projects, the base of programmes: a project, its phases and the provinces it works in.

A project belongs to one implementing organisation; partner and donor organisations see it too
(see projects.selectors.access_project). Every other programme record (funding and budget,
results framework, trainings, outreach) belongs to a project and is defined in the sub-package of
its sub-domain, which builds on this one.
"""

from __future__ import annotations

import datetime
import secrets
from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from donghanh.core.language import BilingualName
from donghanh.places.models import LegacyDistrict, LegacyProvince, Province


class ProjectStatus(models.TextChoices):
    PLANNED = "planned", _("Planned")
    ACTIVE = "active", _("Under way")
    COMPLETED = "completed", _("Completed")
    SUSPENDED = "suspended", _("Suspended")


def private_upload(instance: Any, filename: str) -> str:
    """The stored name of a file that a programme record holds (evidence of a spending or of a
    value, a publication): random, under the programme folder, it says nothing about the content."""
    suffix = filename.rsplit(".", 1)[-1][:8].lower() if "." in filename else "bin"
    return f"programmes/{secrets.token_hex(16)}.{suffix}"


class Project(BilingualName, models.Model):
    implementing_organisation = models.ForeignKey(
        "organisations.Organisation",
        on_delete=models.PROTECT,
        related_name="implemented_projects",
        verbose_name=_("implementing organisation"),
    )
    code = models.CharField(_("code"), max_length=20)
    name = models.CharField(_("name"), max_length=300)
    name_en = models.CharField(_("English name"), max_length=300, blank=True)
    description = models.TextField(_("description"), blank=True)
    partner_organisations = models.ManyToManyField(
        "organisations.Organisation",
        blank=True,
        related_name="partner_projects",
        verbose_name=_("partner organisations"),
    )
    donors = models.ManyToManyField(
        "organisations.Organisation",
        blank=True,
        related_name="funded_projects",
        verbose_name=_("donors"),
    )
    start_on = models.DateField(_("start date"), null=True, blank=True)
    end_on = models.DateField(_("end date"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=12, choices=ProjectStatus.choices, default=ProjectStatus.ACTIVE
    )
    # The total budget: the funding sources must add up to it (finance.services).
    budget_vnd = models.PositiveBigIntegerField(_("total budget (VND)"), default=0)
    version = models.PositiveIntegerField(_("version"), default=1, editable=False)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("last changed"), auto_now=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["code", "id"]
        verbose_name = _("project")
        verbose_name_plural = _("projects")
        constraints = [
            models.UniqueConstraint(
                fields=["implementing_organisation", "code"], name="project_code_once"
            ),
            models.CheckConstraint(
                condition=Q(end_on__isnull=True)
                | Q(start_on__isnull=True)
                | Q(end_on__gte=models.F("start_on")),
                name="project_ends_after_start",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.local_name}"

    def status_on(self, day: datetime.date) -> str:
        """The project's status on `day`. A project recorded as under way follows its dates:
        planned before its start, completed after its end. A status someone set on purpose
        (planned, completed, suspended) stays as it was set."""
        if self.status != ProjectStatus.ACTIVE:
            return self.status
        if self.start_on is not None and day < self.start_on:
            return ProjectStatus.PLANNED
        if self.end_on is not None and day > self.end_on:
            return ProjectStatus.COMPLETED
        return ProjectStatus.ACTIVE

    @property
    def current_status(self) -> str:
        """The status today (`status_on`): what lists, pages and the API show."""
        return self.status_on(timezone.localdate())

    def get_current_status_display(self) -> str:
        return str(ProjectStatus(self.current_status).label)

    def runs_on(self, day: datetime.date) -> bool:
        """Whether the project's dates (either may be open) cover `day`."""
        return (self.start_on is None or self.start_on <= day) and (
            self.end_on is None or day <= self.end_on
        )


class Phase(BilingualName, models.Model):
    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="phases")
    name = models.CharField(_("name"), max_length=200)
    name_en = models.CharField(_("English name"), max_length=200, blank=True)
    start_on = models.DateField(_("start date"))
    end_on = models.DateField(_("end date"), null=True, blank=True)
    # An organisation that took the project over for this phase (the 000 programme from 5/2024).
    implementing_organisation = models.ForeignKey(
        "organisations.Organisation",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("implemented by"),
    )

    class Meta:
        ordering = ["project", "start_on", "id"]
        verbose_name = _("phase")
        verbose_name_plural = _("phases")
        constraints = [
            models.CheckConstraint(
                condition=Q(end_on__isnull=True) | Q(end_on__gte=models.F("start_on")),
                name="phase_ends_after_start",
            )
        ]

    def __str__(self) -> str:
        return f"phase #{self.pk} of project #{self.project_id}"


class ProjectProvince(models.Model):
    """A province the project works in, as today's unit; the pre-2025 unit the project's own
    documents name is kept beside it (Quảng Bình is part of Quảng Trị today)."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="project_provinces")
    province = models.ForeignKey(
        Province, on_delete=models.PROTECT, related_name="+", verbose_name=_("province today")
    )
    legacy_province = models.ForeignKey(
        LegacyProvince,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("pre-2025 province"),
    )
    legacy_district = models.ForeignKey(
        LegacyDistrict,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("pre-2025 district"),
    )
    original_name = models.CharField(_("name in the project documents"), max_length=200, blank=True)

    class Meta:
        ordering = ["project", "province__short_name", "id"]
        verbose_name = _("project province")
        verbose_name_plural = _("project provinces")

    def __str__(self) -> str:
        return f"province {self.province_id} of project #{self.project_id}"
