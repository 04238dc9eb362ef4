"""Case work on a case: needs assessments, the case plan (goals and actions, approved by a
supervisor), services delivered, follow-up visits and shelter stays.

Everything hangs on cases.Case and is read only after access to the case is checked
(`donghanh.cases.services.case_access_audited`). Free text that may identify someone is
encrypted at rest; codes, dates and amounts stay in clear for statistics. Domains are the
ServiceDomain values of `donghanh.reference.domains`, so a need, a goal, a service and a
provider speak of the same thing.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from donghanh.cases.models import SupportRegime
from donghanh.core.crypto import EncryptedTextField
from donghanh.core.labels import QuickLabels
from donghanh.reference.domains import ServiceDomain

# The ten domains of a needs assessment (the directory's domains without the hotline, which is
# a way to reach help rather than a need).
ASSESSED_DOMAINS: tuple[ServiceDomain, ...] = tuple(
    domain for domain in ServiceDomain if domain != ServiceDomain.HOTLINE
)
ASSESSED_DOMAIN_CHOICES = [(domain.value, domain.label) for domain in ASSESSED_DOMAINS]


class NeedLevel(models.TextChoices):
    NONE = "none", _("No need")
    SOME = "some", _("Some need")
    URGENT = "urgent", _("Urgent need")


class NeedsAssessment(models.Model):
    """One assessment of the person's needs, on a day; the latest one is the current picture,
    the earlier ones its history. A new assessment starts from the current picture: `version`
    numbers the case's assessments in the order they were recorded (1 for the first), so an
    assessment made on a picture someone has changed since is refused (`selectors.NeedsPicture`).
    """

    case = models.ForeignKey(
        "cases.Case", on_delete=models.CASCADE, related_name="needs_assessments"
    )
    assessed_on = models.DateField(_("assessment date"))
    version = models.PositiveIntegerField(_("version"), default=1, editable=False)
    created_at = models.DateTimeField(_("recorded"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-assessed_on", "-id"]
        verbose_name = _("needs assessment")
        verbose_name_plural = _("needs assessments")
        constraints = [
            models.UniqueConstraint(
                fields=["case", "version"], name="needs_assessment_version_once"
            )
        ]

    def __str__(self) -> str:
        return f"needs assessment #{self.pk}"


class AssessedNeed(QuickLabels, models.Model):
    """The level of need in one domain, with notes."""

    assessment = models.ForeignKey(NeedsAssessment, on_delete=models.CASCADE, related_name="needs")
    domain = models.CharField(_("domain"), max_length=32, choices=ASSESSED_DOMAIN_CHOICES)
    level = models.CharField(_("level"), max_length=8, choices=NeedLevel.choices)
    note = EncryptedTextField(_("notes"), blank=True)

    class Meta:
        ordering = ["assessment", "id"]
        verbose_name = _("assessed need")
        verbose_name_plural = _("assessed needs")
        constraints = [
            models.UniqueConstraint(fields=["assessment", "domain"], name="assessed_need_once")
        ]

    def __str__(self) -> str:
        return f"need {self.domain} of assessment #{self.assessment_id}"


class PlanStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted for approval")
    APPROVED = "approved", _("Approved")
    RETURNED = "returned", _("Returned for changes")


class CasePlan(QuickLabels, models.Model):
    """The case plan: one per case. Its version goes up with every change to it, its goals or
    its actions, so that a stale edit or decision is refused."""

    case = models.OneToOneField("cases.Case", on_delete=models.CASCADE, related_name="plan")
    status = models.CharField(
        _("plan status"), max_length=12, choices=PlanStatus.choices, default=PlanStatus.DRAFT
    )
    version = models.PositiveIntegerField(_("version"), default=1, editable=False)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    submitted_at = models.DateTimeField(_("submitted"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    decision_note = EncryptedTextField(_("supervisor's note"), blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("last changed"), auto_now=True)

    class Meta:
        verbose_name = _("case plan")
        verbose_name_plural = _("case plans")

    def __str__(self) -> str:
        return f"case plan #{self.pk}"


class PlanGoal(QuickLabels, models.Model):
    plan = models.ForeignKey(CasePlan, on_delete=models.CASCADE, related_name="goals")
    domain = models.CharField(_("domain"), max_length=32, choices=ASSESSED_DOMAIN_CHOICES)
    text = EncryptedTextField(_("goal"))
    version = models.PositiveIntegerField(_("version"), default=1, editable=False)

    class Meta:
        ordering = ["plan", "id"]
        verbose_name = _("goal")
        verbose_name_plural = _("goals")

    def __str__(self) -> str:
        return f"goal #{self.pk}"


class ActionStatus(models.TextChoices):
    OPEN = "open", pgettext_lazy("plan action", "Open")
    DONE = "done", _("Done")
    CANCELLED = "cancelled", _("Cancelled")


class PlanAction(QuickLabels, models.Model):
    goal = models.ForeignKey(PlanGoal, on_delete=models.CASCADE, related_name="actions")
    description = EncryptedTextField(pgettext_lazy("plan", "action"))
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="plan_actions",
        verbose_name=_("owner"),
    )
    due_on = models.DateField(_("due date"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=ActionStatus.choices, default=ActionStatus.OPEN
    )
    version = models.PositiveIntegerField(_("version"), default=1, editable=False)

    class Meta:
        ordering = ["goal", "due_on", "id"]
        verbose_name = pgettext_lazy("plan", "action")
        verbose_name_plural = _("actions")
        indexes = [models.Index(fields=["status", "due_on"], name="plan_action_due")]

    def __str__(self) -> str:
        return f"action #{self.pk}"


class ServiceDelivery(QuickLabels, models.Model):
    """A service the person received, and the Art. 37 regime that pays for it, if any."""

    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="services")
    domain = models.CharField(_("domain"), max_length=32, choices=ServiceDomain.choices)
    provider = models.ForeignKey(
        "directory.Provider",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("provider in the directory"),
    )
    provider_name = models.CharField(_("provider (other)"), max_length=200, blank=True)
    delivered_on = models.DateField(_("date"))
    cost_vnd = models.PositiveBigIntegerField(_("cost (VND)"), default=0)
    regime = models.CharField(
        _("support regime (Art. 37)"), max_length=2, choices=SupportRegime.choices, blank=True
    )
    note = EncryptedTextField(_("notes"), blank=True)
    # The programme this service was delivered under: counts the person for its indicators.
    project = models.ForeignKey(
        "programmes.Project",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="service_deliveries",
        verbose_name=_("project"),
    )
    version = models.PositiveIntegerField(_("version"), default=1, editable=False)
    created_at = models.DateTimeField(_("recorded"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-delivered_on", "-id"]
        verbose_name = _("service delivered")
        verbose_name_plural = _("services delivered")
        indexes = [
            # Covers what a project's indicators read (who, when, which domain), so counting
            # the people served reads this index alone, in case order, not the table.
            models.Index(
                fields=["project", "case", "delivered_on", "domain"],
                name="service_project_counted",
                condition=Q(project__isnull=False),
            )
        ]

    def __str__(self) -> str:
        return f"service #{self.pk}"


class FollowUpMethod(models.TextChoices):
    HOME_VISIT = "home_visit", _("Home visit")
    PHONE = "phone", _("Phone")
    OFFICE = "office", _("At the office")
    ONLINE = "online", _("Online")


class FollowUp(QuickLabels, models.Model):
    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="follow_ups")
    planned_on = models.DateField(_("planned date"))
    done_on = models.DateField(_("done on"), null=True, blank=True)
    method = models.CharField(_("method"), max_length=12, choices=FollowUpMethod.choices)
    outcome = EncryptedTextField(_("outcome"), blank=True)
    next_on = models.DateField(_("next follow-up"), null=True, blank=True)
    version = models.PositiveIntegerField(_("version"), default=1, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-planned_on", "-id"]
        verbose_name = _("follow-up")
        verbose_name_plural = _("follow-ups")
        indexes = [models.Index(fields=["done_on", "planned_on"], name="follow_up_due")]

    def __str__(self) -> str:
        return f"follow-up #{self.pk}"


class ShelterCapacity(models.Model):
    """How many beds a shelter has, from a day on (the latest row in force applies)."""

    shelter = models.ForeignKey(
        "organisations.Organisation", on_delete=models.CASCADE, related_name="+"
    )
    beds = models.PositiveIntegerField(_("beds"))
    effective_from = models.DateField(_("beds from"))

    class Meta:
        ordering = ["shelter", "-effective_from"]
        verbose_name = _("shelter capacity")
        verbose_name_plural = _("shelter capacities")
        constraints = [
            models.UniqueConstraint(
                fields=["shelter", "effective_from"], name="shelter_capacity_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.beds} beds at organisation {self.shelter_id} from {self.effective_from}"


class DischargeReason(models.TextChoices):
    REINTEGRATED = "reintegrated", _("Returned to family or community")
    TRANSFERRED = "transferred", _("Transferred to another shelter or service")
    LEFT = "left", _("Left of their own will")
    OTHER = "other", _("Other reason")


class ShelterStay(QuickLabels, models.Model):
    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="shelter_stays")
    shelter = models.ForeignKey(
        "organisations.Organisation",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("shelter"),
    )
    admitted_on = models.DateField(_("admission date"))
    discharged_on = models.DateField(_("discharge date"), null=True, blank=True)
    discharge_reason = models.CharField(
        _("discharge reason"), max_length=16, choices=DischargeReason.choices, blank=True
    )
    # The programme this stay was funded by: counts the person for its indicators.
    project = models.ForeignKey(
        "programmes.Project",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="shelter_stays",
        verbose_name=_("project"),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-admitted_on", "-id"]
        verbose_name = _("shelter stay")
        verbose_name_plural = _("shelter stays")
        constraints = [
            models.CheckConstraint(
                condition=Q(discharged_on__isnull=True)
                | Q(discharged_on__gte=models.F("admitted_on")),
                name="shelter_stay_discharge_after_admission",
            )
        ]
        indexes = [
            models.Index(fields=["shelter", "admitted_on"], name="shelter_stay_shelter"),
            models.Index(
                fields=["project", "case", "admitted_on"],
                name="shelter_stay_project_counted",
                condition=Q(project__isnull=False),
            ),
        ]

    def __str__(self) -> str:
        return f"shelter stay #{self.pk}"
