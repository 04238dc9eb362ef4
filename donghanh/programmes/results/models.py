"""The results framework of a project: goal → outcomes → outputs → indicators, with targets and
the values entered by hand.

Indicator values are decimals so that averages and percentages fit; people are counted from
records, never typed, when an indicator is computed (`Indicator.source`; the counting is in
donghanh.indicators).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from donghanh.core.language import BilingualName, in_english
from donghanh.programmes.projects.models import Project, private_upload

# Units are typed in Vietnamese (the form offers "người"); the usual ones are read in English by
# English readers. A unit not listed here is shown as it was typed.
UNITS_IN_ENGLISH = {
    "người": pgettext_lazy("indicator unit", "people"),
    "người/lượt": pgettext_lazy("indicator unit", "person-visits"),
    "lượt": pgettext_lazy("indicator unit", "visits"),
    "lượt người": pgettext_lazy("indicator unit", "person-visits"),
    "tài liệu": pgettext_lazy("indicator unit", "documents"),
    "tổ chức": pgettext_lazy("indicator unit", "organisations"),
    "tỉnh, thành phố": pgettext_lazy("indicator unit", "provinces and cities"),
    "ngân hàng thông tin": pgettext_lazy("indicator unit", "information banks"),
    "buổi": pgettext_lazy("indicator unit", "sessions"),
    "lớp": pgettext_lazy("indicator unit", "classes"),
    "hộ": pgettext_lazy("indicator unit", "households"),
    "nhóm": pgettext_lazy("indicator unit", "groups"),
    "tổ": pgettext_lazy("indicator unit", "groups"),
    "đồng": pgettext_lazy("indicator unit", "dong"),
    "sự kiện": pgettext_lazy("indicator unit", "events"),
    "%": pgettext_lazy("indicator unit", "%"),
}


class Direction(models.TextChoices):
    INCREASE = "increase", _("Higher is better")
    DECREASE = "decrease", _("Lower is better")
    MAINTAIN = "maintain", _("Keep at the level")


class Aggregation(models.TextChoices):
    """How values add up across periods and places."""

    SUM = "sum", _("Sum")
    UNIQUE_PEOPLE = "unique_people", _("Count of unique people")
    LATEST = "latest", _("Latest value")
    AVERAGE = "average", _("Average")


class Disaggregation(models.TextChoices):
    SEX = "sex", _("Sex")
    AGE_GROUP = "age_group", _("Age group")
    PROVINCE = "province", _("Province")
    AREA_TYPE = "area_type", _("Urban, peri-urban or rural")
    TARGET_GROUP = "target_group", _("Target group")
    SERVICE_DOMAIN = "service_domain", _("Service domain")
    OFFICER_ROLE = "officer_role", _("Officer role")
    SECTOR = "sector", _("Sector")


class IndicatorSource(models.TextChoices):
    MANUAL = "manual", _("Entered by hand, with evidence")
    COMPUTED = "computed", _("Computed from the platform's records")


class ComputedDefinition(models.TextChoices):
    """What a computed indicator counts. The code is stored: never rename one."""

    TRAINED_PARTICIPANTS = "trained_participants", _("Unique participants of the trainings")
    PERSONS_SERVED = "persons_served", _("Unique people with a service linked to the project")
    PERSONS_SERVED_BY_DOMAIN = (
        "persons_served_by_domain",
        _("Unique people served, in the chosen service domains"),
    )
    ORGANISATIONS_SUPPORTED = "organisations_supported", _("Unique organisations supported")
    PEOPLE_REACHED = "people_reached", _("Audience reached by communication activities")
    SHELTERED_PERSONS = "sheltered_persons", _("Unique people sheltered under the project")
    LIVELIHOOD_PLANS = "livelihood_plans", _("Unique women with a livelihood plan")
    REINTEGRATION_IMPROVED = (
        "reintegration_improved",
        _("Unique women whose reintegration score improved since intake"),
    )
    SAVINGS_GROUPS_ACTIVE = "savings_groups_active", _("Savings groups that met")
    SAVINGS_GROUP_MEMBERS = "savings_group_members", _("Unique members of the savings groups")
    SAVINGS_MOBILISED = "savings_mobilised", _("Savings mobilised by the groups (đồng)")
    LOANS_OUTSTANDING = "loans_outstanding", _("Group loans outstanding (đồng)")


class Goal(BilingualName, models.Model):
    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="goals")
    code = models.CharField(_("code"), max_length=20)
    name = models.TextField(_("goal"))
    name_en = models.TextField(_("goal in English"), blank=True)

    class Meta:
        ordering = ["project", "code", "id"]
        verbose_name = _("goal")
        verbose_name_plural = _("goals")

    def __str__(self) -> str:
        return f"goal {self.code}"


class Outcome(BilingualName, models.Model):
    goal = models.ForeignKey(Goal, on_delete=models.CASCADE, related_name="outcomes")
    code = models.CharField(_("code"), max_length=20)
    name = models.TextField(_("outcome"))
    name_en = models.TextField(_("outcome in English"), blank=True)

    class Meta:
        ordering = ["goal", "code", "id"]
        verbose_name = _("outcome")
        verbose_name_plural = _("outcomes")

    def __str__(self) -> str:
        return f"outcome {self.code}"


class Output(BilingualName, models.Model):
    outcome = models.ForeignKey(Outcome, on_delete=models.CASCADE, related_name="outputs")
    code = models.CharField(_("code"), max_length=20)
    name = models.TextField(_("output"))
    name_en = models.TextField(_("output in English"), blank=True)

    class Meta:
        ordering = ["outcome", "code", "id"]
        verbose_name = _("output")
        verbose_name_plural = _("outputs")

    def __str__(self) -> str:
        return f"output {self.code}"


class Indicator(BilingualName, models.Model):
    # The project is stored on the indicator too, so indicators are listed without joins.
    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="indicators")
    output = models.ForeignKey(
        Output,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="indicators",
        verbose_name=_("output"),
    )
    code = models.CharField(_("code"), max_length=20)
    name = models.CharField(_("name"), max_length=300)
    name_en = models.CharField(_("English name"), max_length=300, blank=True)
    unit = models.CharField(_("unit"), max_length=50, default="người")
    baseline = models.DecimalField(_("baseline"), max_digits=16, decimal_places=2, default=0)
    direction = models.CharField(
        _("direction"), max_length=10, choices=Direction.choices, default=Direction.INCREASE
    )
    aggregation = models.CharField(
        _("adds up as"), max_length=16, choices=Aggregation.choices, default=Aggregation.SUM
    )
    # A list of Disaggregation values.
    disaggregations = models.JSONField(_("required disaggregations"), default=list, blank=True)
    source = models.CharField(
        _("source"), max_length=10, choices=IndicatorSource.choices, default=IndicatorSource.MANUAL
    )
    computed_definition = models.CharField(
        _("computed as"), max_length=40, choices=ComputedDefinition.choices, blank=True
    )
    # Options of the definition, e.g. {"domains": ["health", "legal"]}.
    definition_params = models.JSONField(_("definition options"), default=dict, blank=True)
    version = models.PositiveIntegerField(_("version"), default=1, editable=False)

    class Meta:
        ordering = ["project", "code", "id"]
        verbose_name = _("indicator")
        verbose_name_plural = _("indicators")
        constraints = [
            models.UniqueConstraint(fields=["project", "code"], name="indicator_code_once"),
            models.CheckConstraint(
                condition=(Q(source="manual", computed_definition="") | ~Q(computed_definition="")),
                name="indicator_computed_has_definition",
            ),
        ]

    def __str__(self) -> str:
        return f"indicator {self.code}"

    @property
    def disaggregation_labels(self) -> list[str]:
        labels = dict(Disaggregation.choices)
        return [str(labels.get(code, code)) for code in self.disaggregations]

    @property
    def local_unit(self) -> str:
        """The unit as its reader reads it: the usual units in English for English readers."""
        english = UNITS_IN_ENGLISH.get(self.unit.strip().lower())
        return str(english) if english is not None and in_english() else self.unit


class IndicatorTarget(models.Model):
    indicator = models.ForeignKey(Indicator, on_delete=models.CASCADE, related_name="targets")
    period_start = models.DateField(_("period start"))
    period_end = models.DateField(_("period end"))
    target_value = models.DecimalField(_("target"), max_digits=16, decimal_places=2)

    class Meta:
        ordering = ["indicator", "period_start", "id"]
        verbose_name = _("indicator target")
        verbose_name_plural = _("indicator targets")
        constraints = [
            models.CheckConstraint(
                condition=Q(period_end__gte=models.F("period_start")),
                name="indicator_target_period_order",
            )
        ]

    def __str__(self) -> str:
        return f"target #{self.pk} of indicator #{self.indicator_id}"


class ManualValue(models.Model):
    indicator = models.ForeignKey(Indicator, on_delete=models.CASCADE, related_name="manual_values")
    period_start = models.DateField(_("period start"))
    period_end = models.DateField(_("period end"))
    value = models.DecimalField(_("value"), max_digits=16, decimal_places=2)
    # {"sex": "female", "province": "40"}: the cell this value is for; {} is the total.
    disaggregation = models.JSONField(_("disaggregation"), default=dict, blank=True)
    evidence_text = models.TextField(_("evidence"))
    evidence_file = models.FileField(
        _("evidence file"), upload_to=private_upload, blank=True, max_length=200
    )
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("entered by"),
    )
    entered_at = models.DateTimeField(_("entered"), auto_now_add=True)

    class Meta:
        ordering = ["indicator", "-period_start", "id"]
        verbose_name = _("manual value")
        verbose_name_plural = _("manual values")
        constraints = [
            models.CheckConstraint(
                condition=Q(period_end__gte=models.F("period_start")),
                name="manual_value_period_order",
            )
        ]

    def __str__(self) -> str:
        return f"manual value #{self.pk} of indicator #{self.indicator_id}"
