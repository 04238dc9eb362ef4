"""Cases: one person's case at one organisation, from intake to closure, and the support-regime
configuration that says what a person is entitled to.

Free-text details (how the person was recruited, the journey, notes) are encrypted at rest.
Codes (case type, exploitation, ILO answers, dates) stay in clear so that de-identified
statistics can be made without decrypting anything. Amounts, caps, responsible agencies and
which group is entitled to which regime are rows edited by administrators, never code.
"""

from __future__ import annotations

import datetime

from django.conf import settings
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from donghanh.core.crypto import EncryptedTextField
from donghanh.core.labels import QuickLabels
from donghanh.core.person_export import excluded_from_person_export
from donghanh.places.models import Commune

# Law 53/2024/QH15 replaced Law 66/2011/QH12 on this day; Art. 63 keeps the 2011 regime for
# victims identified before it.
LAW_53_2024_IN_FORCE = datetime.date(2025, 7, 1)

_COUNTRY_CODE = RegexValidator(r"^[A-Z]{2}$", _("Use a two-letter ISO 3166 country code."))


class CaseType(models.TextChoices):
    TRAFFICKING_VICTIM = "trafficking_victim", _("Trafficking victim")
    UNDERGOING_IDENTIFICATION = (
        "undergoing_identification",
        _("Person undergoing identification"),
    )
    ACCOMPANYING_MINOR = "accompanying_minor", _("Accompanying minor")
    MIGRANT_AT_RISK = "migrant_at_risk", _("At-risk or returned migrant")
    SEX_WORKER = "sex_worker", _("Sex worker seeking services")
    CHILD_AT_RISK = "child_at_risk", _("Child at risk")
    GBV_SURVIVOR = "gbv_survivor", _("Gender-based or domestic-violence survivor")


class CaseStatus(models.TextChoices):
    OPEN = "open", _("Open")
    CLOSURE_REQUESTED = "closure_requested", _("Closure requested")
    CLOSED = "closed", _("Closed")
    REOPENED = "reopened", _("Reopened")


# Cases that are still being worked on.
ACTIVE_STATUSES = (CaseStatus.OPEN, CaseStatus.REOPENED, CaseStatus.CLOSURE_REQUESTED)


class IntakeChannel(models.TextChoices):
    HOTLINE_111 = "hotline_111", _("Hotline 111")
    POLICE = "police", _("Police")
    BORDER_GUARD = "border_guard", _("Border guard")
    COMMUNE_COMMITTEE = "commune_committee", _("Commune People's Committee")
    SELF_REFERRAL = "self_referral", _("Self-referral")
    NGO_OUTREACH = "ngo_outreach", _("NGO outreach")
    EMBASSY_ABROAD = "embassy_abroad", _("Embassy or consulate abroad")
    OTHER = "other", _("Other")


class IdentificationStatus(models.TextChoices):
    NOT_IDENTIFIED = "not_identified", _("Not identified")
    UNDERGOING = "undergoing", _("Undergoing identification")
    IDENTIFIED_VICTIM = "identified_victim", _("Identified as a victim")
    NOT_A_VICTIM = "not_a_victim", _("Not a victim")


class LegalRegime(models.TextChoices):
    LAW_66_2011 = "law_66_2011", _("Law 66/2011/QH12 (identified before 1 July 2025)")
    LAW_53_2024 = "law_53_2024", _("Law 53/2024/QH15 (from 1 July 2025)")


class SupportGroup(models.TextChoices):
    """The groups of Art. 37 of Law 53/2024, each entitled to its own set of regimes."""

    VICTIM_CITIZEN = "victim_citizen", _("Victim who is a Vietnamese citizen or stateless resident")
    ACCOMPANYING_MINOR = "accompanying_minor", _("Minor accompanying a victim")
    UNDERGOING_ABROAD = "undergoing_abroad", _("Person undergoing identification, abroad")
    UNDERGOING_IN_VIETNAM = (
        "undergoing_in_vietnam",
        _("Person undergoing identification, in Vietnam"),
    )
    FOREIGN_VICTIM = "foreign_victim", _("Foreigner trafficked in Vietnam")


class SupportRegime(models.TextChoices):
    """The support regimes of Art. 37 of Law 53/2024, by their letter (đ is stored as "dd")."""

    A = "a", _("a) Essential needs")
    B = "b", _("b) Medical support")
    C = "c", _("c) Interpretation")
    D = "d", _("d) Legal information")
    DD = "dd", _("đ) Legal aid")
    E = "e", _("e) Travel costs")
    G = "g", _("g) Psychological support")
    H = "h", _("h) General schooling")
    I = "i", _("i) Vocational training, counselling and job placement")  # noqa: E741
    K = "k", _("k) Initial hardship allowance and loans")


class ClosureReason(models.TextChoices):
    GOALS_ACHIEVED = "goals_achieved", _("Goals of the case plan achieved")
    TRANSFERRED = "transferred", _("Transferred to another organisation")
    DECLINED_SUPPORT = "declined_support", _("The person declined further support")
    LOST_CONTACT = "lost_contact", _("Contact lost")
    MOVED_AWAY = "moved_away", _("The person moved away")
    NOT_ELIGIBLE = "not_eligible", _("Not eligible (for example, not a victim)")
    DECEASED = "deceased", _("The person died")
    OTHER = "other", _("Other reason")


class ReintegrationOutcome(models.TextChoices):
    WITH_FAMILY = "with_family", _("Reintegrated with family")
    IN_COMMUNITY = "in_community", _("Living independently in the community")
    IN_INSTITUTION = "in_institution", _("In a shelter or care institution")
    MIGRATED_AGAIN = "migrated_again", _("Migrated again")
    UNKNOWN = "unknown", _("Not known")
    NOT_APPLICABLE = "not_applicable", _("Not applicable")


class CaseNumberSequence(models.Model):
    """The last case number given by an organisation in a year: BY-2026-0001, BY-2026-0002…"""

    organisation = models.ForeignKey(
        "organisations.Organisation", on_delete=models.CASCADE, related_name="+"
    )
    year = models.PositiveSmallIntegerField()
    last_value = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["organisation", "year"], name="case_sequence_once")
        ]

    def __str__(self) -> str:
        return f"case numbers of organisation {self.organisation_id} in {self.year}"


class Case(QuickLabels, models.Model):
    """One person's case at the organisation that owns it."""

    organisation = models.ForeignKey(
        "organisations.Organisation",
        on_delete=models.PROTECT,
        related_name="cases",
        verbose_name=_("organisation"),
    )
    person = models.ForeignKey(
        "people.Person", on_delete=models.PROTECT, related_name="cases", verbose_name=_("person")
    )
    number = models.CharField(_("case number"), max_length=30, editable=False)
    case_type = models.CharField(_("case type"), max_length=32, choices=CaseType.choices)
    status = models.CharField(
        _("status"), max_length=20, choices=CaseStatus.choices, default=CaseStatus.OPEN
    )

    # Intake.
    intake_channel = models.CharField(
        _("how the case came in"), max_length=24, choices=IntakeChannel.choices
    )
    intake_date = models.DateField(_("intake date"))
    is_abroad = models.BooleanField(
        _("the person is abroad"),
        default=False,
        help_text=_("Where the person is now: abroad, for example at an embassy, or in Vietnam."),
    )
    intake_note = EncryptedTextField(_("intake notes"), blank=True)

    # Migration journey.
    origin_commune = models.ForeignKey(
        Commune,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("commune of origin"),
    )
    transit_countries = models.JSONField(_("transit countries"), default=list, blank=True)
    destination_country = models.CharField(
        _("destination country"), max_length=2, blank=True, validators=[_COUNTRY_CODE]
    )
    departure_date = models.DateField(_("departure date"), null=True, blank=True)
    return_date = models.DateField(_("return date"), null=True, blank=True)
    recruiter_relation = models.CharField(
        _("relation to the recruiter or broker"), max_length=24, blank=True
    )
    recruiter_details = EncryptedTextField(_("recruiter or broker"), blank=True)
    journey_details = EncryptedTextField(_("journey details"), blank=True)

    # Screening: HTCDS codes (see codelists) and the ILO indicators, code → yes/no/unknown.
    exploitation_types = models.JSONField(_("type of exploitation"), default=list, blank=True)
    control_means = models.JSONField(_("means of control"), default=list, blank=True)
    ilo_indicators = models.JSONField(_("forced-labour indicators"), default=dict, blank=True)
    screened_on = models.DateField(_("screening date"), null=True, blank=True)
    screening_note = EncryptedTextField(_("screening notes"), blank=True)

    # Identification, and the law that follows from its date.
    identification_status = models.CharField(
        _("identification status"),
        max_length=20,
        choices=IdentificationStatus.choices,
        default=IdentificationStatus.NOT_IDENTIFIED,
    )
    identified_on = models.DateField(_("identification date"), null=True, blank=True)
    identifying_organisation = models.ForeignKey(
        "organisations.Organisation",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("deciding agency"),
    )
    identifying_agency = models.CharField(_("deciding agency (other)"), max_length=200, blank=True)
    legal_regime = models.CharField(
        _("legal regime"), max_length=16, choices=LegalRegime.choices, editable=False
    )

    # Closure and reopening (the history is in CaseStatusChange).
    closure_reason = models.CharField(
        _("closure reason"), max_length=20, choices=ClosureReason.choices, blank=True
    )
    reintegration_outcome = models.CharField(
        _("reintegration outcome"),
        max_length=20,
        choices=ReintegrationOutcome.choices,
        blank=True,
    )
    closed_on = models.DateField(_("closed on"), null=True, blank=True)
    reopen_count = models.PositiveSmallIntegerField(default=0, editable=False)

    # Only the named users (CaseRestriction) see a restricted case, supervisors included.
    is_restricted = models.BooleanField(_("restricted to named users"), default=False)
    # The earliest due date of the case's open plan actions and pending follow-ups, refreshed
    # by the casework services (`donghanh.casework.duedates`): the caseload's "overdue" filter
    # reads this column instead of every organisation's actions and follow-ups.
    next_due_on = models.DateField(null=True, blank=True, editable=False)
    # Case workers and collaborators in the team see the case as if assigned to it (a
    # restricted case excepted); set by those who assign the case's workers.
    team = models.ForeignKey(
        "organisations.Team",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="cases",
        verbose_name=_("team"),
    )
    workers = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        through="cases.CaseAssignment",
        through_fields=("case", "user"),
        related_name="assigned_cases",
        verbose_name=_("case workers"),
    )

    version = models.PositiveIntegerField(_("version"), default=1, editable=False)
    opened_on = models.DateField(_("opened on"))
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("last changed"), auto_now=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("opened by"),
    )

    class Meta:
        ordering = ["-updated_at", "-id"]
        verbose_name = _("case")
        verbose_name_plural = _("cases")
        constraints = [
            models.UniqueConstraint(fields=["organisation", "number"], name="case_number_once"),
            models.CheckConstraint(
                condition=Q(return_date__isnull=True)
                | Q(departure_date__isnull=True)
                | Q(return_date__gte=models.F("departure_date")),
                name="case_return_after_departure",
            ),
        ]
        indexes = [
            # The caseload's order; with what its filters and a search read newest first
            # (`caseload_name_search_newest`) check of each case, read from the index alone.
            models.Index(
                fields=["organisation", "-updated_at"],
                include=["id", "person", "is_restricted", "next_due_on"],
                name="case_org_newest",
            ),
            # A status and a case type together (a search for a common name among the closed
            # cases of one type): PostgreSQL starts from the few cases of both, reading this
            # index only, then checks their names, instead of reading every closed case; the
            # search's order (its last-updated date) is here too, so the cases shown are chosen
            # from the index before their rows are read (`CappedPaginator(keys_first=True)`),
            # and a search read newest first (`caseload_name_search_newest`) reads them in
            # that order from here, stopping at its page's end. A status alone uses its first
            # two columns.
            models.Index(
                fields=["organisation", "status", "case_type", "-updated_at"],
                include=["id", "person", "is_restricted"],
                name="case_org_status_type_newest",
            ),
            # Counting what a member sees (every caseload page does) reads only this index
            # on PostgreSQL instead of every case row of the organisation.
            models.Index(
                fields=["organisation", "is_restricted"],
                include=["id", "person", "status", "case_type"],
                name="case_org_visible",
            ),
            models.Index(
                fields=["organisation", "next_due_on"],
                name="case_org_next_due",
                condition=Q(next_due_on__isnull=False),
            ),
            # The province filter looks the journey's origin up among the organisation's cases.
            models.Index(
                fields=["organisation", "origin_commune"], include=["id"], name="case_org_origin"
            ),
            # A name search from the pairs of its words (`selectors._by_pairs`) reads the cases
            # of a few thousand people: each person's cases, with what the filters and the
            # visibility rule check and the order, from the index alone.
            models.Index(
                fields=["person"],
                include=[
                    "id",
                    "organisation",
                    "status",
                    "case_type",
                    "is_restricted",
                    "updated_at",
                    "next_due_on",
                ],
                name="case_person_listed",
            ),
        ]

    def __str__(self) -> str:
        return f"case #{self.pk}"

    @property
    def is_active(self) -> bool:
        return self.status in ACTIVE_STATUSES

    @property
    def is_closed(self) -> bool:
        return self.status == CaseStatus.CLOSED


@excluded_from_person_export(
    "which staff members work on the case: access control, not data about the person"
)
class CaseAssignment(models.Model):
    """A case worker (or collaborator, or supervisor) working on the case."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="assignments")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="case_assignments"
    )
    assigned_at = models.DateTimeField(_("assigned"), auto_now_add=True)
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        ordering = ["assigned_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["case", "user"], name="case_assignment_once")
        ]
        indexes = [models.Index(fields=["user", "case"], name="case_assignment_user")]

    def __str__(self) -> str:
        return f"assignment of user {self.user_id} to case #{self.case_id}"


@excluded_from_person_export(
    "which staff members alone may open the case: access control, not data about the person"
)
class CaseRestriction(models.Model):
    """One of the named users who alone may see a restricted case."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="restrictions")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    added_at = models.DateTimeField(auto_now_add=True)
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        ordering = ["added_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["case", "user"], name="case_restriction_once")
        ]
        indexes = [models.Index(fields=["user", "case"], name="case_restriction_user")]

    def __str__(self) -> str:
        return f"user {self.user_id} named on case #{self.case_id}"


class CaseStatusChange(QuickLabels, models.Model):
    """One step of the case's life: opened, closure requested, approved or declined, reopened."""

    class Kind(models.TextChoices):
        OPENED = "opened", _("Case opened")
        CLOSURE_REQUESTED = "closure_requested", _("Closure requested")
        CLOSURE_APPROVED = "closure_approved", _("Closure approved")
        CLOSURE_DECLINED = "closure_declined", _("Closure declined")
        REOPENED = "reopened", _("Case reopened")

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="status_changes")
    kind = models.CharField(_("step"), max_length=20, choices=Kind.choices)
    from_status = models.CharField(max_length=20, choices=CaseStatus.choices, blank=True)
    to_status = models.CharField(max_length=20, choices=CaseStatus.choices)
    closure_reason = models.CharField(
        _("closure reason"), max_length=20, choices=ClosureReason.choices, blank=True
    )
    reintegration_outcome = models.CharField(
        _("reintegration outcome"),
        max_length=20,
        choices=ReintegrationOutcome.choices,
        blank=True,
    )
    note = EncryptedTextField(_("note"), blank=True)
    at = models.DateTimeField(_("when"), auto_now_add=True)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("by"),
    )

    class Meta:
        ordering = ["at", "id"]
        verbose_name = _("case status change")
        verbose_name_plural = _("case status changes")

    def __str__(self) -> str:
        return f"{self.kind} of case #{self.case_id}"


class SupportRegimeRule(models.Model):
    """Configuration: a group is entitled to a regime under a law, for a period.

    The table of Art. 37 of Law 53/2024 is loaded as rows; so are the rules of Law 66/2011 that
    Art. 63 keeps for earlier identifications. A rule applies on a day between `valid_from` and
    `valid_to` (both included; no `valid_to` means still in force).
    """

    legal_regime = models.CharField(_("legal regime"), max_length=16, choices=LegalRegime.choices)
    group = models.CharField(_("group"), max_length=24, choices=SupportGroup.choices)
    regime = models.CharField(_("support regime"), max_length=2, choices=SupportRegime.choices)
    case_by_case = models.BooleanField(
        _("case by case"),
        default=False,
        help_text=_("Granted after an assessment of the person's situation, not automatically."),
    )
    valid_from = models.DateField(_("valid from"))
    valid_to = models.DateField(_("valid to"), null=True, blank=True)
    legal_basis = models.CharField(_("legal basis"), max_length=200, blank=True)
    note = models.TextField(_("note"), blank=True)

    class Meta:
        ordering = ["legal_regime", "group", "regime", "valid_from"]
        verbose_name = _("support regime rule")
        verbose_name_plural = _("support regime rules")
        constraints = [
            models.UniqueConstraint(
                fields=["legal_regime", "group", "regime", "valid_from"],
                name="support_rule_once",
            ),
            models.CheckConstraint(
                condition=Q(valid_to__isnull=True) | Q(valid_to__gte=models.F("valid_from")),
                name="support_rule_valid_to_after_from",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.legal_regime} {self.group} {self.regime} from {self.valid_from}"


class SupportRegimeTerm(QuickLabels, models.Model):
    """Configuration: the rate, cap and responsible agency of one regime, for a period."""

    class Unit(models.TextChoices):
        PER_DAY = "per_day", _("per day")
        PER_MONTH = "per_month", _("per month")
        PER_PERSON = "per_person", _("per person, once")
        PER_TRIP = "per_trip", _("per trip")
        ACTUAL_COST = "actual_cost", _("actual cost")

    legal_regime = models.CharField(_("legal regime"), max_length=16, choices=LegalRegime.choices)
    regime = models.CharField(_("support regime"), max_length=2, choices=SupportRegime.choices)
    rate_vnd = models.PositiveBigIntegerField(_("rate (VND)"), null=True, blank=True)
    unit = models.CharField(_("unit"), max_length=16, choices=Unit.choices, blank=True)
    cap_vnd = models.PositiveBigIntegerField(_("cap (VND)"), null=True, blank=True)
    max_days = models.PositiveSmallIntegerField(_("at most (days)"), null=True, blank=True)
    responsible_agency = models.CharField(_("responsible agency"), max_length=300, blank=True)
    valid_from = models.DateField(_("valid from"))
    valid_to = models.DateField(_("valid to"), null=True, blank=True)
    legal_basis = models.CharField(_("legal basis"), max_length=200, blank=True)
    note = models.TextField(_("note"), blank=True)

    class Meta:
        ordering = ["legal_regime", "regime", "valid_from"]
        verbose_name = _("support regime rate and agency")
        verbose_name_plural = _("support regime rates and agencies")
        constraints = [
            models.UniqueConstraint(
                fields=["legal_regime", "regime", "valid_from"], name="support_term_once"
            ),
            models.CheckConstraint(
                condition=Q(valid_to__isnull=True) | Q(valid_to__gte=models.F("valid_from")),
                name="support_term_valid_to_after_from",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.legal_regime} {self.regime} from {self.valid_from}"
