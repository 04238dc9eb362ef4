"""Savings and credit groups (tổ tiết kiệm và tín dụng tự quản): self-managed groups of women
who save together in shares, lend to each other from what they saved, help each other from a
social fund and share everything out at the end of each cycle.

The money is in `LedgerEntry` rows: one row per movement of cash into or out of the group's
box, in whole đồng. The group keeps the running balance of each of its two funds (loan fund,
social fund); the services write entries and balances together and check, at every write, that
each balance equals what came into its fund less what went out (`ledger.py`). Loans, their
schedules, attendance and the cycle's constitution are the records the entries are about.

A member is a woman of the community with minimal details (name, phone). A member may be linked
to a case of the organisation only with her recorded consent to that link: the link is seen
only by those who may open the case, and nothing else on the group's pages tells the members
apart.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from donghanh.core.crypto import EncryptedCharField


class MeetingFrequency(models.TextChoices):
    WEEKLY = "weekly", _("Every week")
    FORTNIGHTLY = "fortnightly", _("Every two weeks")
    MONTHLY = "monthly", _("Every month")


class SavingsGroup(models.Model):
    organisation = models.ForeignKey(
        "organisations.Organisation",
        on_delete=models.PROTECT,
        related_name="savings_groups",
        verbose_name=_("organisation"),
    )
    # The programme the group belongs to, for the programme's figures.
    project = models.ForeignKey(
        "programmes.Project",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="savings_groups",
        verbose_name=_("programme"),
    )
    name = models.CharField(_("group name"), max_length=200)
    commune = models.ForeignKey(
        "places.Commune",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("commune"),
    )
    village = models.CharField(_("village or hamlet"), max_length=120, blank=True)
    formed_on = models.DateField(_("formed on"))
    # The Women's Union officer who runs the group with its committee, if any.
    facilitator = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("facilitator"),
    )
    is_active = models.BooleanField(_("active"), default=True)
    # What the box holds, by fund: written only by the ledger, with the entries that explain it.
    loan_fund_cash = models.PositiveBigIntegerField(_("loan fund cash"), default=0, editable=False)
    social_fund_cash = models.PositiveBigIntegerField(
        _("social fund cash"), default=0, editable=False
    )
    # Goes up with every movement of money: a meeting form drawn before another meeting was
    # recorded is refused (its loans and balances are out of date).
    ledger_version = models.PositiveIntegerField(default=1, editable=False)
    version = models.PositiveIntegerField(_("version"), default=1, editable=False)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["name", "id"]
        verbose_name = _("savings group")
        verbose_name_plural = _("savings groups")
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "name"], name="savings_group_name_once_per_org"
            )
        ]

    def __str__(self) -> str:
        return f"savings group #{self.pk}"

    @property
    def cash_at_hand(self) -> int:
        return self.loan_fund_cash + self.social_fund_cash


class LeaveReason(models.TextChoices):
    WITHDREW = "withdrew", _("Chose to leave")
    MOVED = "moved", _("Moved away")
    MIGRATED = "migrated", _("Went to work elsewhere")
    EXCLUDED = "excluded", _("Excluded by the group")
    DIED = "died", _("Died")
    OTHER = "other", _("Other reason")


class GroupMember(models.Model):
    group = models.ForeignKey(
        SavingsGroup, on_delete=models.PROTECT, related_name="members", verbose_name=_("group")
    )
    number = models.PositiveSmallIntegerField(_("member number"))
    full_name = EncryptedCharField(_("full name"), max_length=200)
    phone = EncryptedCharField(_("phone"), max_length=30, blank=True)
    joined_on = models.DateField(_("joined on"))
    left_on = models.DateField(_("left on"), null=True, blank=True)
    left_reason = models.CharField(
        _("reason for leaving"), max_length=12, choices=LeaveReason.choices, blank=True
    )
    # Her case, linked only with her consent to the link (purpose "savings group"), which must
    # be in force when the link is made; withdrawing it removes the link.
    case = models.ForeignKey(
        "cases.Case",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="savings_memberships",
        verbose_name=_("case"),
    )
    case_consent = models.ForeignKey(
        "people.Consent",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("consent to the link"),
    )
    version = models.PositiveIntegerField(_("version"), default=1, editable=False)
    created_at = models.DateTimeField(_("added"), auto_now_add=True)

    class Meta:
        ordering = ["group", "number"]
        verbose_name = _("group member")
        verbose_name_plural = _("group members")
        constraints = [
            models.UniqueConstraint(fields=["group", "number"], name="group_member_number_once"),
            models.UniqueConstraint(
                fields=["group", "case"],
                condition=Q(case__isnull=False),
                name="group_member_case_once",
            ),
            models.CheckConstraint(
                condition=Q(case__isnull=True, case_consent__isnull=True)
                | Q(case__isnull=False, case_consent__isnull=False),
                name="group_member_case_needs_consent",
            ),
            models.CheckConstraint(
                condition=Q(left_on__isnull=True, left_reason="")
                | (Q(left_on__isnull=False) & ~Q(left_reason="")),
                name="group_member_left_with_reason",
            ),
        ]

    def __str__(self) -> str:
        return f"group member #{self.pk}"

    @property
    def is_active(self) -> bool:
        return self.left_on is None


class CycleStatus(models.TextChoices):
    OPEN = "open", _("Running")
    SHARED_OUT = "shared_out", _("Shared out")


class Cycle(models.Model):
    """A cycle of saving and lending (usually 9 to 12 months), under one constitution, ended
    by the share-out. The constitution's terms hold for the whole cycle: they can be changed
    only until its first meeting."""

    group = models.ForeignKey(
        SavingsGroup, on_delete=models.PROTECT, related_name="cycles", verbose_name=_("group")
    )
    number = models.PositiveSmallIntegerField(_("cycle number"))
    started_on = models.DateField(_("start date"))
    planned_end_on = models.DateField(_("planned share-out date"))
    ended_on = models.DateField(_("shared out on"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=12, choices=CycleStatus.choices, default=CycleStatus.OPEN
    )
    # The constitution.
    share_price = models.PositiveBigIntegerField(_("share price"))
    min_shares = models.PositiveSmallIntegerField(_("fewest shares at a meeting"), default=1)
    max_shares = models.PositiveSmallIntegerField(_("most shares at a meeting"), default=5)
    meeting_frequency = models.CharField(
        _("meetings"), max_length=12, choices=MeetingFrequency.choices
    )
    interest_bp = models.PositiveIntegerField(
        _("monthly interest (hundredths of a percent)"),
        help_text=_("Flat, on the amount lent: 200 is 2 % a month."),
    )
    loan_multiple = models.PositiveSmallIntegerField(
        _("loan limit, as a multiple of her savings"), default=3
    )
    max_loan = models.PositiveBigIntegerField(_("largest loan"))
    max_loan_months = models.PositiveSmallIntegerField(_("longest loan, in months"), default=3)
    social_contribution = models.PositiveBigIntegerField(
        _("social fund contribution at each meeting")
    )
    fine_absence = models.PositiveBigIntegerField(_("fine for missing a meeting"), default=0)
    fine_late = models.PositiveBigIntegerField(_("fine for coming late"), default=0)
    fine_late_repayment = models.PositiveBigIntegerField(_("fine for a late repayment"), default=0)
    # Set at the share-out.
    share_out_fund = models.PositiveBigIntegerField(_("loan fund shared out"), null=True)
    share_out_shares = models.PositiveIntegerField(_("shares at the share-out"), null=True)
    share_out_remainder = models.PositiveBigIntegerField(
        _("left in the box after rounding"), null=True
    )
    version = models.PositiveIntegerField(_("version"), default=1, editable=False)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        ordering = ["group", "-number"]
        verbose_name = _("cycle")
        verbose_name_plural = _("cycles")
        constraints = [
            models.UniqueConstraint(fields=["group", "number"], name="cycle_number_once"),
            models.UniqueConstraint(
                fields=["group"], condition=Q(status="open"), name="cycle_one_open_per_group"
            ),
            models.CheckConstraint(condition=Q(share_price__gt=0), name="cycle_share_price"),
            models.CheckConstraint(
                condition=Q(min_shares__lte=models.F("max_shares")) & Q(max_shares__gt=0),
                name="cycle_share_bounds",
            ),
            models.CheckConstraint(
                condition=Q(planned_end_on__gt=models.F("started_on")), name="cycle_dates"
            ),
        ]

    def __str__(self) -> str:
        return f"cycle #{self.pk}"

    @property
    def is_open(self) -> bool:
        return self.status == CycleStatus.OPEN


# How the cycle page shows the constitution: each term and how to show its value.
CONSTITUTION_FIELDS_DISPLAY = (
    ("started_on", "date"),
    ("planned_end_on", "date"),
    ("meeting_frequency", "choice"),
    ("share_price", "money"),
    ("min_shares", "count"),
    ("max_shares", "count"),
    ("interest_bp", "rate"),
    ("loan_multiple", "count"),
    ("max_loan", "money"),
    ("max_loan_months", "count"),
    ("social_contribution", "money"),
    ("fine_absence", "money"),
    ("fine_late", "money"),
    ("fine_late_repayment", "money"),
)


class CommitteeRole(models.TextChoices):
    CHAIR = "chair", _("Chair")
    SECRETARY = "secretary", _("Secretary")
    TREASURER = "treasurer", _("Treasurer (box keeper)")
    MONEY_COUNTER = "money_counter", _("Money counter")
    KEY_HOLDER = "key_holder", _("Key holder")


# How many members may hold each role in a cycle.
COMMITTEE_SEATS = {
    CommitteeRole.CHAIR: 1,
    CommitteeRole.SECRETARY: 1,
    CommitteeRole.TREASURER: 1,
    CommitteeRole.MONEY_COUNTER: 2,
    CommitteeRole.KEY_HOLDER: 3,
}


class CommitteeSeat(models.Model):
    """A member's role on the committee the group elected for a cycle."""

    cycle = models.ForeignKey(Cycle, on_delete=models.CASCADE, related_name="committee")
    member = models.ForeignKey(GroupMember, on_delete=models.PROTECT, related_name="+")
    role = models.CharField(_("role"), max_length=16, choices=CommitteeRole.choices)

    class Meta:
        ordering = ["cycle", "role", "member__number"]
        verbose_name = _("committee seat")
        verbose_name_plural = _("committee seats")
        constraints = [
            models.UniqueConstraint(fields=["cycle", "member"], name="committee_one_role_each")
        ]

    def __str__(self) -> str:
        return f"committee seat #{self.pk}"


class Meeting(models.Model):
    cycle = models.ForeignKey(
        Cycle, on_delete=models.PROTECT, related_name="meetings", verbose_name=_("cycle")
    )
    number = models.PositiveSmallIntegerField(_("meeting number"))
    held_on = models.DateField(_("meeting date"))
    is_share_out = models.BooleanField(_("share-out meeting"), default=False)
    # What the money counters counted in the box at the close, when they said; the service
    # refuses a count that differs from the records.
    cash_counted = models.PositiveBigIntegerField(_("cash counted"), null=True, blank=True)
    loan_fund_after = models.PositiveBigIntegerField(_("loan fund at the close"))
    social_fund_after = models.PositiveBigIntegerField(_("social fund at the close"))
    recorded_at = models.DateTimeField(_("recorded"), auto_now_add=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["cycle", "number"]
        verbose_name = _("meeting")
        verbose_name_plural = _("meetings")
        constraints = [
            models.UniqueConstraint(fields=["cycle", "number"], name="meeting_number_once"),
            models.UniqueConstraint(fields=["cycle", "held_on"], name="meeting_once_a_day"),
        ]

    def __str__(self) -> str:
        return f"meeting #{self.pk}"

    @property
    def cash_after(self) -> int:
        return self.loan_fund_after + self.social_fund_after


class AttendanceStatus(models.TextChoices):
    PRESENT = "present", _("Present")
    LATE = "late", pgettext_lazy("attendance", "Late")
    REPRESENTED = "represented", _("Sent someone")
    ABSENT = "absent", _("Absent")


# Who can hand over or receive money at a meeting.
AT_THE_MEETING = frozenset(
    {AttendanceStatus.PRESENT, AttendanceStatus.LATE, AttendanceStatus.REPRESENTED}
)


class Attendance(models.Model):
    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="attendance")
    member = models.ForeignKey(GroupMember, on_delete=models.PROTECT, related_name="attendance")
    status = models.CharField(_("attendance"), max_length=12, choices=AttendanceStatus.choices)

    class Meta:
        ordering = ["meeting", "member__number"]
        verbose_name = _("attendance")
        verbose_name_plural = _("attendance")
        constraints = [
            models.UniqueConstraint(fields=["meeting", "member"], name="attendance_once")
        ]

    def __str__(self) -> str:
        return f"attendance #{self.pk}"


class LoanPurpose(models.TextChoices):
    FARMING = "farming", _("Farming")
    LIVESTOCK = "livestock", _("Livestock")
    SMALL_TRADE = "small_trade", _("Small trade")
    TRADE_SKILL = "trade_skill", _("A trade she learned")
    SCHOOLING = "schooling", _("Children's schooling")
    HEALTH = "health", _("Health")
    HOUSEHOLD = "household", _("Household needs")
    OTHER = "other", _("Other")


class LoanStatus(models.TextChoices):
    ACTIVE = "active", _("Being repaid")
    REPAID = "repaid", _("Repaid")


class Loan(models.Model):
    cycle = models.ForeignKey(Cycle, on_delete=models.PROTECT, related_name="loans")
    member = models.ForeignKey(
        GroupMember, on_delete=models.PROTECT, related_name="loans", verbose_name=_("member")
    )
    meeting = models.ForeignKey(
        Meeting, on_delete=models.PROTECT, related_name="loans_made", verbose_name=_("made at")
    )
    principal = models.PositiveBigIntegerField(_("amount lent"))
    interest_bp = models.PositiveIntegerField(_("monthly interest (hundredths of a percent)"))
    months = models.PositiveSmallIntegerField(_("months"))
    interest = models.PositiveBigIntegerField(_("interest over the term"))
    purpose = models.CharField(_("purpose"), max_length=16, choices=LoanPurpose.choices)
    disbursed_on = models.DateField(_("lent on"))
    due_on = models.DateField(_("due by"))
    # Running totals of what the ledger's repayment entries hold for this loan.
    principal_repaid = models.PositiveBigIntegerField(default=0, editable=False)
    interest_repaid = models.PositiveBigIntegerField(default=0, editable=False)
    status = models.CharField(
        _("status"), max_length=8, choices=LoanStatus.choices, default=LoanStatus.ACTIVE
    )
    repaid_on = models.DateField(_("repaid on"), null=True, blank=True)

    class Meta:
        ordering = ["cycle", "disbursed_on", "id"]
        verbose_name = _("loan")
        verbose_name_plural = _("loans")
        constraints = [
            models.CheckConstraint(
                condition=Q(principal__gt=0) & Q(months__gt=0), name="loan_amount_and_term"
            ),
            models.CheckConstraint(
                condition=Q(principal_repaid__lte=models.F("principal"))
                & Q(interest_repaid__lte=models.F("interest")),
                name="loan_not_overpaid",
            ),
            models.UniqueConstraint(
                fields=["member"], condition=Q(status="active"), name="loan_one_at_a_time"
            ),
        ]

    def __str__(self) -> str:
        return f"loan #{self.pk}"

    @property
    def total_due(self) -> int:
        return self.principal + self.interest

    @property
    def paid(self) -> int:
        return self.principal_repaid + self.interest_repaid

    @property
    def outstanding(self) -> int:
        return self.total_due - self.paid

    @property
    def principal_outstanding(self) -> int:
        return self.principal - self.principal_repaid


class LoanInstalment(models.Model):
    loan = models.ForeignKey(Loan, on_delete=models.CASCADE, related_name="instalments")
    number = models.PositiveSmallIntegerField(_("instalment"))
    due_on = models.DateField(_("due on"))
    principal = models.PositiveBigIntegerField(_("principal"))
    interest = models.PositiveBigIntegerField(_("interest"))

    class Meta:
        ordering = ["loan", "number"]
        verbose_name = _("instalment")
        verbose_name_plural = _("instalments")
        constraints = [
            models.UniqueConstraint(fields=["loan", "number"], name="instalment_number_once")
        ]

    def __str__(self) -> str:
        return f"instalment #{self.pk}"

    @property
    def amount(self) -> int:
        return self.principal + self.interest


class Fund(models.TextChoices):
    LOAN = "loan", _("Loan fund")
    SOCIAL = "social", _("Social fund")


class EntryKind(models.TextChoices):
    SHARES = "shares", _("Shares bought")
    SOCIAL_CONTRIBUTION = "social_in", _("Social fund contribution")
    SOCIAL_GRANT = "social_out", _("Social fund grant")
    LOAN_MADE = "loan_out", _("Loan made")
    REPAID_PRINCIPAL = "repaid", pgettext_lazy("ledger", "Loan repaid")
    REPAID_INTEREST = "interest", _("Interest paid")
    FINE = "fine", _("Fine paid")
    SAVINGS_RETURNED = "returned", _("Savings returned to a member who left")
    SHARE_OUT = "share_out", _("Share-out")


# Each kind of entry moves money into or out of one fund.
ENTRY_FUND: dict[str, str] = {
    EntryKind.SHARES: Fund.LOAN,
    EntryKind.SOCIAL_CONTRIBUTION: Fund.SOCIAL,
    EntryKind.SOCIAL_GRANT: Fund.SOCIAL,
    EntryKind.LOAN_MADE: Fund.LOAN,
    EntryKind.REPAID_PRINCIPAL: Fund.LOAN,
    EntryKind.REPAID_INTEREST: Fund.LOAN,
    EntryKind.FINE: Fund.LOAN,
    EntryKind.SAVINGS_RETURNED: Fund.LOAN,
    EntryKind.SHARE_OUT: Fund.LOAN,
}
MONEY_IN = frozenset(
    {
        EntryKind.SHARES,
        EntryKind.SOCIAL_CONTRIBUTION,
        EntryKind.REPAID_PRINCIPAL,
        EntryKind.REPAID_INTEREST,
        EntryKind.FINE,
    }
)
MONEY_OUT = frozenset(EntryKind) - MONEY_IN
LOAN_KINDS = frozenset({EntryKind.LOAN_MADE, EntryKind.REPAID_PRINCIPAL, EntryKind.REPAID_INTEREST})


class FineReason(models.TextChoices):
    ABSENCE = "absence", _("Missed a meeting")
    LATE = "late", _("Came late")
    LATE_REPAYMENT = "late_repayment", _("Late repayment")
    RULES = "rules", _("Broke another rule")


class GrantReason(models.TextChoices):
    ILLNESS = "illness", _("Illness")
    BEREAVEMENT = "bereavement", _("A death in the family")
    DISASTER = "disaster", _("Flood, storm or fire")
    CHILDBIRTH = "childbirth", _("Childbirth")
    OTHER = "other", _("Other hardship")


def _fund_of_kind() -> Q:
    condition = Q()
    for fund in Fund.values:
        kinds = [kind for kind, of in ENTRY_FUND.items() if of == fund]
        condition |= Q(fund=fund, kind__in=kinds)
    return condition


class LedgerEntry(models.Model):
    """One movement of cash into or out of the group's box. Entries are only ever added; the
    `sequence` orders them within the group and `balance_after` is the fund's balance once the
    entry is counted, so the ledger page shows every step of the reconciliation."""

    group = models.ForeignKey(SavingsGroup, on_delete=models.PROTECT, related_name="entries")
    cycle = models.ForeignKey(Cycle, on_delete=models.PROTECT, related_name="entries")
    meeting = models.ForeignKey(
        Meeting, on_delete=models.PROTECT, null=True, blank=True, related_name="entries"
    )
    sequence = models.PositiveIntegerField()
    # The day the money changed hands: the meeting's, or the day a member left.
    moved_on = models.DateField(_("date"))
    kind = models.CharField(_("kind"), max_length=12, choices=EntryKind.choices)
    fund = models.CharField(_("fund"), max_length=8, choices=Fund.choices)
    amount = models.PositiveBigIntegerField(_("amount"))
    balance_after = models.PositiveBigIntegerField(_("fund balance after"))
    member = models.ForeignKey(
        GroupMember, on_delete=models.PROTECT, null=True, blank=True, related_name="entries"
    )
    loan = models.ForeignKey(
        Loan, on_delete=models.PROTECT, null=True, blank=True, related_name="entries"
    )
    shares = models.PositiveSmallIntegerField(_("shares"), default=0)
    fine_reason = models.CharField(
        _("reason for the fine"), max_length=16, choices=FineReason.choices, blank=True
    )
    grant_reason = models.CharField(
        _("reason for the grant"), max_length=12, choices=GrantReason.choices, blank=True
    )
    recorded_at = models.DateTimeField(_("recorded"), auto_now_add=True)

    class Meta:
        ordering = ["group", "sequence"]
        verbose_name = _("ledger entry")
        verbose_name_plural = _("ledger entries")
        constraints = [
            models.UniqueConstraint(fields=["group", "sequence"], name="ledger_sequence_once"),
            models.CheckConstraint(condition=Q(amount__gt=0), name="ledger_amount_positive"),
            models.CheckConstraint(condition=_fund_of_kind(), name="ledger_fund_of_kind"),
            models.CheckConstraint(
                condition=Q(kind="shares", shares__gt=0) | (~Q(kind="shares") & Q(shares=0)),
                name="ledger_shares_only_for_shares",
            ),
            models.CheckConstraint(
                condition=Q(kind__in=sorted(LOAN_KINDS), loan__isnull=False)
                | (~Q(kind__in=sorted(LOAN_KINDS)) & Q(loan__isnull=True)),
                name="ledger_loan_only_for_loans",
            ),
            models.CheckConstraint(
                condition=Q(kind="fine") & ~Q(fine_reason="") | ~Q(kind="fine") & Q(fine_reason=""),
                name="ledger_fine_reason",
            ),
            models.CheckConstraint(
                condition=Q(kind="social_out") & ~Q(grant_reason="")
                | ~Q(kind="social_out") & Q(grant_reason=""),
                name="ledger_grant_reason",
            ),
        ]
        indexes = [
            models.Index(fields=["cycle", "kind"], name="ledger_cycle_kind"),
            models.Index(fields=["loan", "moved_on"], name="ledger_loan_day"),
        ]

    def __str__(self) -> str:
        return f"ledger entry #{self.pk}"

    @property
    def is_in(self) -> bool:
        return self.kind in MONEY_IN

    @property
    def signed_amount(self) -> int:
        return self.amount if self.is_in else -self.amount
