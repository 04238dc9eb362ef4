"""Forms of the savings group pages. The meeting form holds one set of fields per member, named
by `member_field`, so a service's refusal lands beside the member it is about."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from donghanh.core.dates import DateField
from donghanh.core.editing import VersionedFormMixin
from donghanh.core.idempotency import IdempotencyField
from donghanh.core.money import MoneyField
from donghanh.places.forms import CommuneField

from .lines import FinePaid, GrantGiven, LoanRequest, MeetingLine, member_field
from .models import (
    COMMITTEE_SEATS,
    AttendanceStatus,
    CommitteeRole,
    Cycle,
    FineReason,
    GrantReason,
    GroupMember,
    LeaveReason,
    Loan,
    LoanPurpose,
    MeetingFrequency,
)


def _date(label: Any, **kwargs: Any) -> forms.DateField:
    return DateField(label=label, **kwargs)


def _count(
    label: Any, *, minimum: int = 0, maximum: int = 1000, **kwargs: Any
) -> forms.IntegerField:
    return forms.IntegerField(
        label=label,
        min_value=minimum,
        max_value=maximum,
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
        **kwargs,
    )


def _money(label: Any, **kwargs: Any) -> MoneyField:
    return MoneyField(label=label, **kwargs)


def _choices(blank: Any, choices: Sequence[tuple[str, Any]]) -> list[tuple[str, Any]]:
    return [("", blank), *choices]


# --- Groups and members -------------------------------------------------------------------


class GroupForm(forms.Form):
    name = forms.CharField(label=_("Group name"), max_length=200)
    formed_on = _date(_("Formed on"))
    village = forms.CharField(label=_("Village or hamlet"), max_length=120, required=False)
    commune = CommuneField(required=False)
    project: forms.ModelChoiceField[Any] = forms.ModelChoiceField(
        label=_("Programme"), queryset=None, required=False, empty_label=_("None")
    )
    facilitator: forms.ModelChoiceField[Any] = forms.ModelChoiceField(
        label=_("Women's Union officer who runs it"),
        queryset=None,
        required=False,
        empty_label=_("The group's own committee"),
    )

    def __init__(self, *args: Any, projects: Any, facilitators: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        project_field: Any = self.fields["project"]
        project_field.queryset = projects
        facilitator_field: Any = self.fields["facilitator"]
        facilitator_field.queryset = facilitators
        facilitator_field.label_from_instance = lambda user: user.display_name


class GroupCreateForm(GroupForm):
    idempotency_key = IdempotencyField()


class GroupEditForm(VersionedFormMixin, GroupForm):
    is_active = forms.BooleanField(label=_("The group still meets"), required=False)

    field_order = [*GroupForm.base_fields, "is_active"]


class MemberForm(forms.Form):
    full_name = forms.CharField(label=_("Full name"), max_length=200)
    phone = forms.CharField(
        label=_("Phone"),
        max_length=30,
        required=False,
        help_text=_("Only if she wants the group to have it."),
        widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "off"}),
    )
    joined_on = _date(_("Joined on"))


class MemberAddForm(MemberForm):
    idempotency_key = IdempotencyField()


class MemberEditForm(VersionedFormMixin, MemberForm):
    pass


class MemberLeaveForm(forms.Form):
    left_on = _date(_("Left on"))
    reason = forms.ChoiceField(label=_("Why she leaves"), choices=LeaveReason.choices)


class CaseLinkForm(forms.Form):
    case: forms.ModelChoiceField[Any] = forms.ModelChoiceField(
        label=_("Her case"), queryset=None, empty_label=None
    )

    def __init__(self, *args: Any, cases: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field: Any = self.fields["case"]
        field.queryset = cases
        # By number only: the list never shows a name.
        field.label_from_instance = lambda case: case.number


# --- Cycles ---------------------------------------------------------------------------------


class ConstitutionForm(forms.Form):
    started_on = _date(_("Start date"))
    planned_end_on = _date(_("Planned share-out date"))
    meeting_frequency = forms.ChoiceField(label=_("Meetings"), choices=MeetingFrequency.choices)
    share_price = _money(_("Share price (đồng)"), min_value=1)
    min_shares = _count(_("Fewest shares a member buys at a meeting"), maximum=50)
    max_shares = _count(_("Most shares a member buys at a meeting"), minimum=1, maximum=50)
    interest_bp = _count(
        _("Monthly interest, in hundredths of a percent"),
        maximum=10_000,
        help_text=_("Flat, on the amount lent: 150 is 1.5 % a month."),
    )
    loan_multiple = _count(_("A member borrows at most this many times her savings"), minimum=1)
    max_loan = _money(_("Largest loan (đồng)"), min_value=1)
    max_loan_months = _count(_("Longest loan, in months"), minimum=1, maximum=24)
    social_contribution = _money(_("Social fund contribution at each meeting (đồng)"))
    fine_absence = _money(_("Fine for missing a meeting (đồng)"))
    fine_late = _money(_("Fine for coming late (đồng)"))
    fine_late_repayment = _money(_("Fine for a late repayment (đồng)"))


class CycleOpenForm(ConstitutionForm):
    idempotency_key = IdempotencyField()


class ConstitutionEditForm(VersionedFormMixin, ConstitutionForm):
    pass


class CommitteeForm(forms.Form):
    """One field per role: a single choice for the roles one member holds, several boxes for
    the money counters and key holders."""

    def __init__(self, *args: Any, members: Sequence[GroupMember], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choices = [(str(member.pk), f"{member.number}. {member.full_name}") for member in members]
        self.members = {str(member.pk): member for member in members}
        for role in CommitteeRole:
            if COMMITTEE_SEATS[role] == 1:
                self.fields[role.value] = forms.ChoiceField(
                    label=role.label, choices=_choices(_("Nobody yet"), choices), required=False
                )
            else:
                self.fields[role.value] = forms.MultipleChoiceField(
                    label=role.label,
                    choices=choices,
                    required=False,
                    widget=forms.CheckboxSelectMultiple,
                )

    def seats(self) -> dict[str, list[GroupMember]]:
        seats: dict[str, list[GroupMember]] = {}
        for role in CommitteeRole:
            value = self.cleaned_data.get(role.value)
            keys = value if isinstance(value, list) else ([value] if value else [])
            seats[role.value] = [self.members[key] for key in keys]
        return seats


# --- The meeting ----------------------------------------------------------------------------

PARTS = (
    "attendance",
    "shares",
    "social",
    "repayment",
    "fine_reason",
    "fine_amount",
    "loan_amount",
    "loan_months",
    "loan_purpose",
    "grant_amount",
    "grant_reason",
)


@dataclass
class MemberRow:
    """A member's card on the meeting page: her fields, her loan and what to show open."""

    member: GroupMember
    loan: Loan | None
    due_now: int
    fields: dict[str, forms.BoundField]
    errors: list[str]

    @property
    def anchor(self) -> str:
        return f"member-{self.member.number}"

    @property
    def loan_open(self) -> bool:
        return any(self.fields[name].errors or self.fields[name].value() for name in _LOAN_PARTS)

    @property
    def grant_open(self) -> bool:
        return any(self.fields[name].errors or self.fields[name].value() for name in _GRANT_PARTS)


_LOAN_PARTS = ("loan_amount", "loan_months", "loan_purpose")
_GRANT_PARTS = ("grant_amount", "grant_reason")


class MeetingForm(forms.Form):
    held_on = _date(_("Meeting date"))
    cash_counted = _money(
        _("Cash the money counters counted in the box at the end (đồng)"),
        required=False,
        help_text=_("Leave empty if the box was not counted. A count that differs is refused."),
    )
    ledger_version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)
    idempotency_key = IdempotencyField()

    def __init__(
        self,
        *args: Any,
        cycle: Cycle,
        members: Sequence[GroupMember],
        loans: Mapping[int, Loan],
        due: Mapping[int, int],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.cycle = cycle
        self.members = list(members)
        self.loans = loans
        self.due = due
        for member in self.members:
            self._add_member_fields(member)

    def _add_member_fields(self, member: GroupMember) -> None:
        cycle = self.cycle

        def add(part: str, field: forms.Field) -> None:
            self.fields[member_field(member.pk, part)] = field

        add(
            "attendance",
            forms.ChoiceField(
                label=_("Attendance"),
                choices=AttendanceStatus.choices,
                initial=AttendanceStatus.PRESENT,
                widget=forms.RadioSelect,
            ),
        )
        add(
            "shares",
            _count(_("Shares"), maximum=cycle.max_shares, required=False),
        )
        add(
            "social",
            forms.BooleanField(label=_("Paid the social fund"), required=False),
        )
        add("repayment", _money(_("Repayment"), required=False))
        add(
            "fine_reason",
            forms.ChoiceField(
                label=_("Fine"),
                choices=_choices(_("No fine"), FineReason.choices),
                required=False,
            ),
        )
        add(
            "fine_amount",
            _money(
                _("Fine amount"),
                required=False,
                help_text=_("Empty: the amount in the constitution."),
            ),
        )
        add("loan_amount", _money(_("New loan"), required=False))
        add("loan_months", _count(_("Months"), minimum=1, maximum=24, required=False))
        add(
            "loan_purpose",
            forms.ChoiceField(
                label=_("For"), choices=_choices("—", LoanPurpose.choices), required=False
            ),
        )
        add("grant_amount", _money(_("Grant from the social fund"), required=False))
        add(
            "grant_reason",
            forms.ChoiceField(
                label=_("Because of"), choices=_choices("—", GrantReason.choices), required=False
            ),
        )

    def _value(self, member: GroupMember, part: str) -> Any:
        return self.cleaned_data.get(member_field(member.pk, part))

    def _fine_amount(self, reason: str, typed: int | None) -> int | None:
        if typed:
            return typed
        return {
            FineReason.ABSENCE: self.cycle.fine_absence,
            FineReason.LATE: self.cycle.fine_late,
            FineReason.LATE_REPAYMENT: self.cycle.fine_late_repayment,
        }.get(FineReason(reason))

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        for member in self.members:
            reason = self._value(member, "fine_reason")
            if reason and not self._fine_amount(reason, self._value(member, "fine_amount")):
                self.add_error(
                    member_field(member.pk, "fine_amount"), _("Give the amount of the fine.")
                )
            if self._value(member, "loan_amount"):
                for part in ("loan_months", "loan_purpose"):
                    if not self._value(member, part):
                        self.add_error(member_field(member.pk, part), _("Needed for a loan."))
            if self._value(member, "grant_amount") and not self._value(member, "grant_reason"):
                self.add_error(
                    member_field(member.pk, "grant_reason"), _("Say why the grant is given.")
                )
        return cleaned

    def lines(self) -> list[MeetingLine]:
        lines = []
        for member in self.members:
            reason = self._value(member, "fine_reason")
            fine = self._fine_amount(reason, self._value(member, "fine_amount")) if reason else 0
            loan_amount = self._value(member, "loan_amount")
            grant_amount = self._value(member, "grant_amount")
            lines.append(
                MeetingLine(
                    member_id=member.pk,
                    attendance=self._value(member, "attendance"),
                    shares=self._value(member, "shares") or 0,
                    social=bool(self._value(member, "social")),
                    repayment=self._value(member, "repayment") or 0,
                    fines=(FinePaid(reason=reason, amount=fine or 0),) if reason else (),
                    loan=LoanRequest(
                        amount=loan_amount,
                        months=self._value(member, "loan_months") or 0,
                        purpose=self._value(member, "loan_purpose") or "",
                    )
                    if loan_amount
                    else None,
                    grant=GrantGiven(
                        amount=grant_amount, reason=self._value(member, "grant_reason") or ""
                    )
                    if grant_amount
                    else None,
                )
            )
        return lines

    def member_rows(self) -> list[MemberRow]:
        rows = []
        for member in self.members:
            fields = {part: self[member_field(member.pk, part)] for part in PARTS}
            errors = [str(error) for field in fields.values() for error in field.errors]
            rows.append(
                MemberRow(
                    member=member,
                    loan=self.loans.get(member.pk),
                    due_now=self.due.get(member.pk, 0),
                    fields=fields,
                    errors=errors,
                )
            )
        return rows


class ShareOutForm(forms.Form):
    held_on = _date(_("Share-out date"))
    cash_counted = _money(
        _("Cash left in the box after the share-out (đồng)"),
        required=False,
        help_text=_("Leave empty if the box was not counted. A count that differs is refused."),
    )
    ledger_version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)
