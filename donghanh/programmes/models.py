"""Programmes: projects, their funding and budget, their results framework and activities.

A project belongs to one implementing organisation; partner and donor organisations see it too
(see selectors.access_project). Money is an integer number of đồng. Indicator values are
decimals so that averages and percentages fit; people are counted from records, never typed,
when an indicator is computed (`Indicator.source`).

Trainees (Participant) are officers and collaborators, not the people a case is about; their
names are still personal data, encrypted like a person's, and shown only to roles that hold
Perm.VIEW_TRAINEES. Case people are counted through ServiceDelivery.project and
ShelterStay.project and never named here.
"""

from __future__ import annotations

import secrets
from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from donghanh.core.crypto import BLIND_INDEX_LENGTH, EncryptedCharField
from donghanh.places.models import AreaType, Commune, LegacyDistrict, LegacyProvince, Province

# --- code lists shared with indicators and reports ---------------------------------------------


class ProjectStatus(models.TextChoices):
    PLANNED = "planned", _("Planned")
    ACTIVE = "active", _("Under way")
    COMPLETED = "completed", _("Completed")
    SUSPENDED = "suspended", _("Suspended")


class FundingKind(models.TextChoices):
    DONOR = "donor", _("Donor")
    GOVERNMENT = "government", _("Government budget")
    COUNTERPART = "counterpart", _("Counterpart contribution")


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


class OfficerRole(models.TextChoices):
    """The roles of the support officers a project trains (the 001 programme's list)."""

    SOCIAL_WORKER = "social_worker", _("Social worker")
    LOCAL_COORDINATOR = "local_coordinator", _("Local coordinating officer")
    LOCAL_LEADER = "local_leader", _("Local leader")
    YOUTH_UNION_OFFICER = "youth_union_officer", _("Youth Union officer")
    WOMENS_UNION_MEMBER = "womens_union_member", _("Women's Union member")
    VILLAGE_HEAD = "village_head", _("Village or residential group head")
    COMMUNITY_INFLUENCER = "community_influencer", _("Respected community member")
    COLLABORATOR = "collaborator", _("Collaborator")
    CSO_STAFF = "cso_staff", _("Civil society organisation staff")
    OTHER = "other", _("Other role")


class Sector(models.TextChoices):
    LABOUR = "labour", _("Labour and social affairs")
    JUSTICE = "justice", _("Justice")
    WOMEN = "women", _("Women's Union")
    POLICE = "police", _("Police")
    YOUTH = "youth", _("Youth Union")
    HEALTH = "health", _("Health")
    EDUCATION = "education", _("Education")
    LOCAL_GOVERNMENT = "local_government", _("Local government")
    CIVIL_SOCIETY = "civil_society", _("Civil society")
    OTHER = "other", _("Other sector")


class TrainingLevel(models.TextChoices):
    NATIONAL = "national", _("National")
    PROVINCE = "province", _("Province")
    COMMUNE = "commune", _("Commune")
    VILLAGE = "village", _("Village")


class TrainingKind(models.TextChoices):
    TRAINING = "training", _("Training")
    WORKSHOP = "workshop", _("Workshop")


class CommunicationKind(models.TextChoices):
    FORUM_THEATRE = "forum_theatre", _("Forum theatre")
    VIRAL_VIDEO = "viral_video", _("Viral video")
    ONLINE_DRAMA = "online_drama", _("Online drama")
    TV_TALK_SHOW = "tv_talk_show", _("TV talk show")
    SOCIAL_MEDIA_POST = "social_media_post", _("Social-media post")
    SOCIAL_MEDIA_CAMPAIGN = "social_media_campaign", _("Social-media campaign")
    APP = "app", _("App")
    LIVE_ART_EVENT = "live_art_event", _("Live art event")
    ONLINE_ART_EVENT = "online_art_event", _("Online art event")
    COMMUNITY_DIALOGUE = "community_dialogue", _("Community dialogue")
    CHALLENGE_CAMPAIGN = "challenge_campaign", _("Challenge campaign (e.g. 21 days)")


ONLINE_KINDS = frozenset(
    {
        CommunicationKind.VIRAL_VIDEO,
        CommunicationKind.ONLINE_DRAMA,
        CommunicationKind.SOCIAL_MEDIA_POST,
        CommunicationKind.SOCIAL_MEDIA_CAMPAIGN,
        CommunicationKind.APP,
        CommunicationKind.ONLINE_ART_EVENT,
        CommunicationKind.CHALLENGE_CAMPAIGN,
    }
)


class SupportKind(models.TextChoices):
    TRAINING = "training", _("Training and capacity building")
    GRANT = "grant", _("Small grant")
    MENTORING = "mentoring", _("Mentoring and coaching")
    TECHNICAL = "technical", _("Technical assistance")
    NETWORKING = "networking", _("Networking and dialogue")


class PublicationKind(models.TextChoices):
    HANDBOOK = "handbook", _("Handbook")
    REPORT = "report", _("Report")
    GUIDELINE = "guideline", _("Guideline")
    LEAFLET = "leaflet", _("Leaflet or poster")
    VIDEO = "video", _("Video")
    OTHER = "other", _("Other")


def _private_upload(instance: Any, filename: str) -> str:
    """A random stored name under the programme folder: it says nothing about the content."""
    suffix = filename.rsplit(".", 1)[-1][:8].lower() if "." in filename else "bin"
    return f"programmes/{secrets.token_hex(16)}.{suffix}"


# --- projects ---------------------------------------------------------------------------------


class Project(models.Model):
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
    # The total budget: the funding sources must add up to it (services.funding_check).
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
        return f"{self.code} {self.name}"


class Phase(models.Model):
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
        _("evidence file"), upload_to=_private_upload, blank=True, max_length=200
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


# --- results framework ------------------------------------------------------------------------


class Goal(models.Model):
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


class Outcome(models.Model):
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


class Output(models.Model):
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


class Indicator(models.Model):
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
        _("evidence file"), upload_to=_private_upload, blank=True, max_length=200
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


# --- trainings --------------------------------------------------------------------------------


class Training(models.Model):
    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="trainings")
    kind = models.CharField(
        _("kind"), max_length=10, choices=TrainingKind.choices, default=TrainingKind.TRAINING
    )
    title = models.CharField(_("title"), max_length=300)
    topic = models.CharField(_("topic"), max_length=300, blank=True)
    level = models.CharField(_("level"), max_length=10, choices=TrainingLevel.choices)
    province = models.ForeignKey(
        Province,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("province"),
    )
    commune = models.ForeignKey(
        Commune,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("commune"),
    )
    place = models.CharField(_("venue"), max_length=300, blank=True)
    start_on = models.DateField(_("start date"))
    end_on = models.DateField(_("end date"))
    version = models.PositiveIntegerField(_("version"), default=1, editable=False)
    created_at = models.DateTimeField(_("recorded"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-start_on", "-id"]
        verbose_name = _("training")
        verbose_name_plural = _("trainings")
        indexes = [models.Index(fields=["project", "start_on"], name="training_project_start")]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_on__gte=models.F("start_on")), name="training_ends_after_start"
            )
        ]

    def __str__(self) -> str:
        return f"training #{self.pk}"


class TrainingSession(models.Model):
    training = models.ForeignKey(Training, on_delete=models.CASCADE, related_name="sessions")
    held_on = models.DateField(_("date"))
    title = models.CharField(_("title"), max_length=300)
    hours = models.DecimalField(_("hours"), max_digits=4, decimal_places=1, null=True, blank=True)

    class Meta:
        ordering = ["training", "held_on", "id"]
        verbose_name = _("session")
        verbose_name_plural = _("sessions")

    def __str__(self) -> str:
        return f"session #{self.pk} of training #{self.training_id}"


class Participant(models.Model):
    """A trainee: an officer, collaborator or community member, held by one organisation.

    Kept apart from people.Person (people an organisation supports); a trainee who is also a
    supported person can be linked to that record through `person`.
    """

    holder = models.ForeignKey(
        "organisations.Organisation",
        on_delete=models.PROTECT,
        related_name="trainees",
        verbose_name=_("recorded by"),
    )
    full_name = EncryptedCharField(_("full name"), max_length=200)
    # Blind index of the folded name and birth year: finds the same trainee again.
    name_index = models.CharField(max_length=BLIND_INDEX_LENGTH, blank=True, editable=False)
    sex = models.CharField(_("sex"), max_length=16, choices=AudienceSex.choices)
    birth_year = models.PositiveSmallIntegerField(_("year of birth"), null=True, blank=True)
    organisation = models.ForeignKey(
        "organisations.Organisation",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("organisation"),
    )
    organisation_name = models.CharField(_("organisation (other)"), max_length=300, blank=True)
    role = models.CharField(_("role"), max_length=24, choices=OfficerRole.choices)
    sector = models.CharField(_("sector"), max_length=20, choices=Sector.choices)
    province = models.ForeignKey(
        Province,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("province"),
    )
    area_type = models.CharField(
        _("area type"), max_length=16, choices=AreaType.choices, blank=True
    )
    person = models.ForeignKey(
        "people.Person",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("supported person record"),
    )
    version = models.PositiveIntegerField(_("version"), default=1, editable=False)
    created_at = models.DateTimeField(_("recorded"), auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("trainee")
        verbose_name_plural = _("trainees")
        indexes = [
            models.Index(
                fields=["holder", "name_index"], name="trainee_name", condition=~Q(name_index="")
            )
        ]

    def __str__(self) -> str:
        # Never the name: this string can end up in logs.
        return f"trainee #{self.pk}"


class TrainingParticipation(models.Model):
    training = models.ForeignKey(Training, on_delete=models.CASCADE, related_name="participations")
    participant = models.ForeignKey(
        Participant, on_delete=models.PROTECT, related_name="participations"
    )
    sessions_attended = models.ManyToManyField(
        TrainingSession, blank=True, related_name="attendees", verbose_name=_("sessions attended")
    )
    pre_score = models.DecimalField(
        _("pre-test score"), max_digits=5, decimal_places=1, null=True, blank=True
    )
    post_score = models.DecimalField(
        _("post-test score"), max_digits=5, decimal_places=1, null=True, blank=True
    )
    certificate_issued = models.BooleanField(_("certificate issued"), default=False)
    certificate_number = models.CharField(
        _("certificate number"), max_length=40, blank=True, editable=False
    )
    certificate_issued_on = models.DateField(_("certificate date"), null=True, blank=True)
    version = models.PositiveIntegerField(_("version"), default=1, editable=False)

    class Meta:
        ordering = ["training", "id"]
        verbose_name = _("participation")
        verbose_name_plural = _("participations")
        constraints = [
            models.UniqueConstraint(
                fields=["training", "participant"], name="participation_once_per_training"
            ),
            models.CheckConstraint(
                condition=(Q(pre_score__isnull=True) | Q(pre_score__gte=0, pre_score__lte=100))
                & (Q(post_score__isnull=True) | Q(post_score__gte=0, post_score__lte=100)),
                name="participation_scores_0_100",
            ),
        ]
        indexes = [models.Index(fields=["participant", "training"], name="participation_person")]

    def __str__(self) -> str:
        return f"participation #{self.pk}"


# --- communication, supported organisations, publications ------------------------------------


class CommunicationActivity(models.Model):
    project = models.ForeignKey(
        Project, on_delete=models.CASCADE, related_name="communication_activities"
    )
    kind = models.CharField(_("kind"), max_length=24, choices=CommunicationKind.choices)
    title = models.CharField(_("title"), max_length=300)
    held_on = models.DateField(_("date"))
    end_on = models.DateField(_("until"), null=True, blank=True)
    province = models.ForeignKey(
        Province,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("province"),
    )
    place = models.CharField(_("place or channel"), max_length=300, blank=True)
    url = models.URLField(_("link"), blank=True)
    # The audience reached; when audience rows exist, their counts add up to it (services).
    audience_total = models.PositiveIntegerField(_("audience reached"), default=0)
    views = models.PositiveBigIntegerField(_("views"), null=True, blank=True)
    engagement = models.PositiveBigIntegerField(
        _("engagement (reactions, comments, shares)"), null=True, blank=True
    )
    created_at = models.DateTimeField(_("recorded"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-held_on", "-id"]
        verbose_name = _("communication activity")
        verbose_name_plural = _("communication activities")

    def __str__(self) -> str:
        return f"communication activity #{self.pk}"


class AudienceCount(models.Model):
    """How many of the audience were of one sex and age group."""

    activity = models.ForeignKey(
        CommunicationActivity, on_delete=models.CASCADE, related_name="audience"
    )
    sex = models.CharField(_("sex"), max_length=8, choices=AudienceSex.choices)
    age_group = models.CharField(_("age group"), max_length=10, choices=AgeGroup.choices)
    count = models.PositiveIntegerField(_("people"))

    class Meta:
        ordering = ["activity", "sex", "age_group"]
        verbose_name = _("audience count")
        verbose_name_plural = _("audience counts")
        constraints = [
            models.UniqueConstraint(
                fields=["activity", "sex", "age_group"], name="audience_cell_once"
            )
        ]

    def __str__(self) -> str:
        return f"audience of activity #{self.activity_id}"


class SupportedOrganisation(models.Model):
    project = models.ForeignKey(
        Project, on_delete=models.CASCADE, related_name="supported_organisations"
    )
    organisation = models.ForeignKey(
        "organisations.Organisation",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("organisation"),
    )
    organisation_name = models.CharField(_("organisation (other)"), max_length=300, blank=True)
    # Folded name of an organisation not on the platform: counts it once whatever the spelling.
    name_key = models.CharField(max_length=300, blank=True, editable=False)
    support_kind = models.CharField(_("support"), max_length=12, choices=SupportKind.choices)
    supported_on = models.DateField(_("date"))
    province = models.ForeignKey(
        Province,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("province"),
    )
    training = models.ForeignKey(
        Training,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="supported_organisations",
        verbose_name=_("training or workshop"),
    )
    note = models.CharField(_("note"), max_length=300, blank=True)

    class Meta:
        ordering = ["-supported_on", "-id"]
        verbose_name = _("supported organisation")
        verbose_name_plural = _("supported organisations")
        constraints = [
            models.CheckConstraint(
                condition=Q(organisation__isnull=False) | ~Q(organisation_name=""),
                name="supported_organisation_named",
            )
        ]

    def __str__(self) -> str:
        return f"supported organisation #{self.pk}"


class Publication(models.Model):
    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="publications")
    title = models.CharField(_("title"), max_length=300)
    kind = models.CharField(_("kind"), max_length=12, choices=PublicationKind.choices)
    published_on = models.DateField(_("date"))
    url = models.URLField(_("link"), blank=True)
    file = models.FileField(_("file"), upload_to=_private_upload, blank=True, max_length=200)
    created_at = models.DateTimeField(_("recorded"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-published_on", "-id"]
        verbose_name = _("publication")
        verbose_name_plural = _("publications")

    def __str__(self) -> str:
        return f"publication #{self.pk}"
