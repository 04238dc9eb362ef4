"""Writes of savings and credit groups: groups, members, cycles and their constitution, the
committee, meetings with everything handed over at them, members leaving, and the share-out.

Every write is atomic, names the actor and writes one audit row in the same transaction. Money
moves only through `ledger.post`, which keeps each fund's balance equal to its entries. A
refusal the user can act on is a `ValidationError`; on a meeting it names the member's field
(`member_field`), so the meeting page shows it beside her.
"""

from __future__ import annotations

import datetime
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from donghanh.audit.services import audit_record
from donghanh.cases.models import Case
from donghanh.core.actor import Actor
from donghanh.core.editing import EditSpec, StaleEditError
from donghanh.core.idempotency import once
from donghanh.core.templatetags.donghanh import vnd
from donghanh.core.text import nfc, plain_name
from donghanh.livelihood.events import LivelihoodEvent
from donghanh.people.models import Consent
from donghanh.people.selectors import consents_active_filter

from . import ledger, rules
from .ledger import Movement
from .lines import LoanRequest, MeetingLine, member_field
from .models import (
    AT_THE_MEETING,
    COMMITTEE_SEATS,
    Attendance,
    AttendanceStatus,
    CommitteeRole,
    CommitteeSeat,
    Cycle,
    CycleStatus,
    EntryKind,
    FineReason,
    GrantReason,
    GroupMember,
    LeaveReason,
    Loan,
    LoanInstalment,
    LoanPurpose,
    LoanStatus,
    Meeting,
    SavingsGroup,
)
from .selectors import (
    facilitator_choices,
    meeting_members,
    programme_choices,
    share_out_preview,
    shares_in_cycle,
)

GROUP_EDITS = EditSpec.for_model(
    SavingsGroup,
    fields=("name", "village", "commune", "project", "facilitator", "is_active"),
    purpose="savings-group-edit",
)
MEMBER_EDITS = EditSpec.for_model(
    GroupMember, fields=("full_name", "phone", "joined_on"), purpose="savings-member-edit"
)
CONSTITUTION_FIELDS = (
    "started_on",
    "planned_end_on",
    "share_price",
    "min_shares",
    "max_shares",
    "meeting_frequency",
    "interest_bp",
    "loan_multiple",
    "max_loan",
    "max_loan_months",
    "social_contribution",
    "fine_absence",
    "fine_late",
    "fine_late_repayment",
)
CONSTITUTION_EDITS = EditSpec.for_model(
    Cycle, fields=CONSTITUTION_FIELDS, purpose="savings-constitution-edit"
)


def _text(value: str | None) -> str:
    return nfc(value or "").strip()


def _audit(
    event: LivelihoodEvent,
    *,
    actor: Actor,
    group: SavingsGroup,
    target: Any,
    changed: Sequence[str] = (),
    **details: Any,
) -> None:
    audit_record(
        event=event,
        actor=actor,
        target=target,
        organisation=group.organisation,
        changed_fields=changed,
        details=details,
    )


_NAMES = frozenset({"name", "full_name"})


def _apply(record: Any, changes: Mapping[str, Any]) -> list[str]:
    changed = []
    for name, value in changes.items():
        if isinstance(value, str):
            value = plain_name(value) if name in _NAMES else _text(value)
        if getattr(record, name) != value:
            setattr(record, name, value)
            changed.append(name)
    return changed


def _locked_for_edit(
    spec: EditSpec,
    record: Any,
    *,
    expected_version: int,
    baseline: Mapping[str, str],
    changes: Mapping[str, Any],
) -> Any:
    """The record locked, checked against the version the user edited; only its editable
    fields may change."""
    current = spec.model._default_manager.select_for_update().get(pk=record.pk)
    spec.check(current, expected_version=expected_version, baseline=baseline)
    unknown = set(changes) - set(spec.fields)
    if unknown:
        raise TypeError(f"not editable: {sorted(unknown)}")
    return current


def _save_edit(
    current: Any,
    changes: Mapping[str, Any],
    event: LivelihoodEvent,
    *,
    actor: Actor,
    group: SavingsGroup,
    **details: Any,
) -> None:
    """Apply the changes; when something changed, a new version and one audit row."""
    changed = _apply(current, changes)
    if changed:
        current.version += 1
        current.save(update_fields=[*changed, "version"])
        _audit(event, actor=actor, group=group, target=current, changed=changed, **details)


def _refuse_stale_ledger(group: SavingsGroup, expected: int | None) -> None:
    if expected is not None and group.ledger_version != expected:
        raise StaleEditError(
            changed_fields=[],
            current_version=group.ledger_version,
            message=_(
                "Money of this group was recorded by someone else after you opened this page: "
                "nothing was saved. Open the page again to see the current balances and loans."
            ),
        )


# --- Groups -------------------------------------------------------------------------------


def _check_group_links(organisation_id: int, values: Mapping[str, Any]) -> None:
    """The programme is one the organisation works on; the facilitator one of its members
    who may run meetings."""
    errors = {}
    project = values.get("project")
    if (
        project is not None
        and not programme_choices(organisation_id).filter(pk=project.pk).exists()
    ):
        errors["project"] = _("Choose a programme your organisation works on.")
    facilitator = values.get("facilitator")
    if (
        facilitator is not None
        and not facilitator_choices(organisation_id).filter(pk=facilitator.pk).exists()
    ):
        errors["facilitator"] = _("Choose a member of your organisation who runs groups.")
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def group_create(
    *,
    actor: Actor,
    organisation: Any,
    name: str,
    formed_on: datetime.date,
    village: str = "",
    commune: Any = None,
    project: Any = None,
    facilitator: Any = None,
    idempotency_key: str = "",
) -> SavingsGroup:
    """A new savings group of `organisation`; it starts saving when its first cycle opens."""

    def create() -> SavingsGroup:
        _check_group_links(organisation.pk, {"project": project, "facilitator": facilitator})
        name_text = plain_name(name)
        if SavingsGroup.objects.filter(organisation=organisation, name=name_text).exists():
            raise ValidationError(
                {"name": _("Your organisation already has a group of this name.")}
            )
        group = SavingsGroup(
            organisation=organisation,
            name=name_text,
            formed_on=formed_on,
            village=_text(village),
            commune=commune,
            project=project,
            facilitator=facilitator,
            created_by_id=actor.user_id,
        )
        group.save(force_insert=True)
        _audit(LivelihoodEvent.GROUP_CREATED, actor=actor, group=group, target=group)
        return group

    group, _created = once(
        actor=actor, scope=f"savings-group:{organisation.pk}", key=idempotency_key, create=create
    )
    return group


@transaction.atomic
def group_update(
    *,
    actor: Actor,
    group: SavingsGroup,
    expected_version: int,
    baseline: Mapping[str, str],
    **changes: Any,
) -> SavingsGroup:
    current = _locked_for_edit(
        GROUP_EDITS,
        group,
        expected_version=expected_version,
        baseline=baseline,
        changes=changes,
    )
    if (
        "name" in changes
        and SavingsGroup.objects.filter(
            organisation=current.organisation, name=plain_name(changes["name"])
        )
        .exclude(pk=current.pk)
        .exists()
    ):
        raise ValidationError({"name": _("Your organisation already has a group of this name.")})
    _check_group_links(current.organisation_id, changes)
    was_under = current.project_id
    _save_edit(current, changes, LivelihoodEvent.GROUP_UPDATED, actor=actor, group=current)
    if current.project_id != was_under:
        ledger.figures_changed(was_under, current.project_id)
    return current


@transaction.atomic
def group_view_record(*, actor: Actor, group: SavingsGroup, members: int) -> None:
    """Record that the actor read the names of the group's members."""
    _audit(LivelihoodEvent.GROUP_VIEWED, actor=actor, group=group, target=group, members=members)


@transaction.atomic
def ledger_view_record(*, actor: Actor, cycle: Cycle) -> None:
    """Record that the actor read a cycle's ledger, which names the members."""
    _audit(
        LivelihoodEvent.LEDGER_VIEWED,
        actor=actor,
        group=cycle.group,
        target=cycle,
        cycle=cycle.number,
    )


@transaction.atomic
def group_measures_export_record(*, actor: Actor, group: SavingsGroup, cycles: int) -> None:
    """Record that the actor downloaded the group's measures (figures, no member's name)."""
    _audit(LivelihoodEvent.MEASURES_EXPORTED, actor=actor, group=group, target=group, cycles=cycles)


# --- Members ------------------------------------------------------------------------------


@transaction.atomic
def member_add(
    *,
    actor: Actor,
    group: SavingsGroup,
    full_name: str,
    joined_on: datetime.date,
    phone: str = "",
    idempotency_key: str = "",
) -> GroupMember:
    """A woman joins the group: her name (and phone, if she wants) and the next number."""

    def create() -> GroupMember:
        locked = ledger.locked_group(group.pk)
        if not locked.is_active:
            raise ValidationError(_("This group has stopped: it takes no new members."))
        if joined_on < locked.formed_on:
            raise ValidationError({"joined_on": _("She cannot join before the group was formed.")})
        last = GroupMember.objects.filter(group=locked).aggregate(last=Max("number"))["last"]
        member = GroupMember(
            group=locked,
            number=(last or 0) + 1,
            full_name=plain_name(full_name),
            phone=_text(phone),
            joined_on=joined_on,
        )
        member.save(force_insert=True)
        _audit(
            LivelihoodEvent.MEMBER_ADDED,
            actor=actor,
            group=locked,
            target=member,
            number=member.number,
        )
        return member

    member, _created = once(
        actor=actor, scope=f"savings-member:{group.pk}", key=idempotency_key, create=create
    )
    return member


@transaction.atomic
def member_update(
    *,
    actor: Actor,
    member: GroupMember,
    expected_version: int,
    baseline: Mapping[str, str],
    **changes: Any,
) -> GroupMember:
    current = _locked_for_edit(
        MEMBER_EDITS, member, expected_version=expected_version, baseline=baseline, changes=changes
    )
    group = SavingsGroup.objects.select_related("organisation").get(pk=current.group_id)
    if "joined_on" in changes and changes["joined_on"] < group.formed_on:
        raise ValidationError({"joined_on": _("She cannot join before the group was formed.")})
    _save_edit(
        current,
        changes,
        LivelihoodEvent.MEMBER_UPDATED,
        actor=actor,
        group=group,
        number=current.number,
    )
    return current


def _link_consent(case: Case, on: datetime.date) -> Consent | None:
    """Her consent in force to linking her group membership with her case."""
    return (
        Consent.objects.filter(
            consents_active_filter(on),
            person_id=case.person_id,
            purpose=Consent.Purpose.SAVINGS_GROUP,
        )
        .order_by("-given_on", "-pk")
        .first()
    )


@transaction.atomic
def member_link_case(*, actor: Actor, member: GroupMember, case: Case) -> GroupMember:
    """Link the member with her case. The caller has opened the case with the right to edit
    it; the link needs her consent to it, recorded on her person page and in force today."""
    current = GroupMember.objects.select_for_update().select_related("group").get(pk=member.pk)
    if case.organisation_id != current.group.organisation_id:
        raise ValidationError(
            _("Only a case of the group's own organisation can be linked."),
            code="other_organisation",
        )
    consent = _link_consent(case, timezone.localdate())
    if consent is None:
        raise ValidationError(
            _(
                "She has not consented to linking her group membership with her case. Record "
                "her consent (purpose: link with her savings group membership) first."
            ),
            code="no_consent",
        )
    if GroupMember.objects.filter(group=current.group, case=case).exclude(pk=current.pk).exists():
        raise ValidationError(_("Another member of this group is already linked to this case."))
    current.case = case
    current.case_consent = consent
    current.version += 1
    current.save(update_fields=["case", "case_consent", "version"])
    _audit(
        LivelihoodEvent.MEMBER_LINKED,
        actor=actor,
        group=current.group,
        target=current,
        number=current.number,
        case=case.pk,
        consent=consent.pk,
    )
    ledger.figures_changed(current.group.project_id)
    return current


@transaction.atomic
def member_unlink_case(*, actor: Actor, member: GroupMember) -> GroupMember:
    current = GroupMember.objects.select_for_update().select_related("group").get(pk=member.pk)
    if current.case_id is None:
        return current
    current.case = None
    current.case_consent = None
    current.version += 1
    current.save(update_fields=["case", "case_consent", "version"])
    _audit(
        LivelihoodEvent.MEMBER_UNLINKED,
        actor=actor,
        group=current.group,
        target=current,
        number=current.number,
    )
    ledger.figures_changed(current.group.project_id)
    return current


def _open_cycle(group: SavingsGroup) -> Cycle | None:
    return Cycle.objects.filter(group=group, status=CycleStatus.OPEN).first()


@transaction.atomic
def member_leave(
    *, actor: Actor, member: GroupMember, left_on: datetime.date, reason: str
) -> GroupMember:
    """The member leaves. In a running cycle she gets back what she saved in it (her shares
    at the share price; the cycle's profit stays with those who stay to the share-out), once
    she owes nothing."""
    group = ledger.locked_group(member.group_id)
    current = GroupMember.objects.select_for_update().get(pk=member.pk)
    if current.left_on is not None:
        raise ValidationError(_("She has already left the group."))
    if reason not in LeaveReason.values:
        raise ValidationError({"reason": _("Choose why she leaves.")})
    if left_on < current.joined_on or left_on > timezone.localdate():
        raise ValidationError({"left_on": _("The date must be between her joining and today.")})
    loan = Loan.objects.filter(member=current, status=LoanStatus.ACTIVE).first()
    if loan is not None:
        raise ValidationError(
            _("She still owes %(amount)s on a loan: it is repaid before she leaves.")
            % {"amount": vnd(loan.outstanding)},
            code="loan_outstanding",
        )
    returned = 0
    cycle = _open_cycle(group)
    if cycle is not None:
        returned = shares_in_cycle(cycle).get(current.pk, 0) * cycle.share_price
        if returned:
            ledger.post(
                group=group,
                cycle=cycle,
                meeting=None,
                movements=[
                    Movement(kind=EntryKind.SAVINGS_RETURNED, amount=returned, member=current)
                ],
                moved_on=left_on,
            )
    current.left_on = left_on
    current.left_reason = reason
    current.version += 1
    current.save(update_fields=["left_on", "left_reason", "version"])
    _audit(
        LivelihoodEvent.MEMBER_LEFT,
        actor=actor,
        group=group,
        target=current,
        number=current.number,
        reason=reason,
        returned=returned,
    )
    return current


# --- Cycles, constitution, committee ------------------------------------------------------


def _check_constitution(values: Mapping[str, Any]) -> None:
    errors: dict[str, str] = {}
    if values["planned_end_on"] <= values["started_on"]:
        errors["planned_end_on"] = _("The share-out comes after the start of the cycle.")
    if values["share_price"] <= 0:
        errors["share_price"] = _("A share costs something.")
    if values["max_shares"] < 1:
        errors["max_shares"] = _("A member can buy at least one share at a meeting.")
    elif values["min_shares"] > values["max_shares"]:
        errors["min_shares"] = _("The fewest shares cannot be more than the most.")
    if values["max_loan_months"] < 1:
        errors["max_loan_months"] = _("A loan lasts at least a month.")
    if values["loan_multiple"] < 1:
        errors["loan_multiple"] = _("A member can borrow at least what she saved.")
    if values["max_loan"] <= 0:
        errors["max_loan"] = _("Set the largest loan the group makes.")
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def cycle_open(
    *, actor: Actor, group: SavingsGroup, idempotency_key: str = "", **constitution: Any
) -> Cycle:
    """Start a cycle under its constitution; the previous cycle must have been shared out."""
    missing = set(CONSTITUTION_FIELDS) - set(constitution)
    if missing or set(constitution) - set(CONSTITUTION_FIELDS):
        raise TypeError(f"a constitution has exactly {CONSTITUTION_FIELDS}")

    def create() -> Cycle:
        locked = ledger.locked_group(group.pk)
        if not locked.is_active:
            raise ValidationError(_("This group has stopped: it starts no new cycle."))
        if _open_cycle(locked) is not None:
            raise ValidationError(
                _("The group's current cycle has not been shared out yet."), code="cycle_open"
            )
        _check_constitution(constitution)
        previous = Cycle.objects.filter(group=locked).order_by("-number").first()
        started_on = constitution["started_on"]
        if started_on < locked.formed_on or (
            previous is not None and previous.ended_on and started_on < previous.ended_on
        ):
            raise ValidationError(
                {
                    "started_on": _(
                        "A cycle starts after the group was formed and its last share-out."
                    )
                }
            )
        cycle = Cycle(group=locked, number=previous.number + 1 if previous else 1, **constitution)
        cycle.save(force_insert=True)
        _audit(
            LivelihoodEvent.CYCLE_OPENED,
            actor=actor,
            group=locked,
            target=cycle,
            number=cycle.number,
        )
        return cycle

    cycle, _created = once(
        actor=actor, scope=f"savings-cycle:{group.pk}", key=idempotency_key, create=create
    )
    return cycle


@transaction.atomic
def constitution_update(
    *,
    actor: Actor,
    cycle: Cycle,
    expected_version: int,
    baseline: Mapping[str, str],
    **changes: Any,
) -> Cycle:
    """Change the cycle's terms: only until its first meeting, when the members agreed them."""
    current = _locked_for_edit(
        CONSTITUTION_EDITS,
        cycle,
        expected_version=expected_version,
        baseline=baseline,
        changes=changes,
    )
    if current.meetings.exists():
        raise ValidationError(
            _("The cycle has had its first meeting: its constitution holds until the share-out."),
            code="constitution_fixed",
        )
    values = {name: getattr(current, name) for name in CONSTITUTION_FIELDS} | dict(changes)
    _check_constitution(values)
    group = SavingsGroup.objects.select_related("organisation").get(pk=current.group_id)
    _save_edit(
        current,
        changes,
        LivelihoodEvent.CONSTITUTION_CHANGED,
        actor=actor,
        group=group,
        number=current.number,
    )
    return current


@transaction.atomic
def committee_elect(
    *, actor: Actor, cycle: Cycle, seats: Mapping[str, Sequence[GroupMember]]
) -> list[CommitteeSeat]:
    """The committee the members elected for the cycle, replacing any earlier choice."""
    current = Cycle.objects.select_for_update().select_related("group").get(pk=cycle.pk)
    if not current.is_open:
        raise ValidationError(_("This cycle has been shared out."))
    errors: dict[str, str] = {}
    chosen: set[int] = set()
    new_seats = []
    for role, members in seats.items():
        if role not in COMMITTEE_SEATS:
            raise ValueError(f"unknown committee role {role!r}")
        if len(members) > COMMITTEE_SEATS[CommitteeRole(role)]:
            errors[role] = _("Too many members for this role.")
        for member in members:
            if member.group_id != current.group_id or member.left_on is not None:
                errors[role] = _("Choose members of the group who have not left.")
            elif member.pk in chosen:
                errors[role] = _("A member holds one role on the committee.")
            chosen.add(member.pk)
            new_seats.append(CommitteeSeat(cycle=current, member=member, role=role))
    if errors:
        raise ValidationError(errors)
    CommitteeSeat.objects.filter(cycle=current).delete()
    CommitteeSeat.objects.bulk_create(new_seats)
    _audit(
        LivelihoodEvent.COMMITTEE_CHANGED,
        actor=actor,
        group=current.group,
        target=current,
        number=current.number,
        seats=len(new_seats),
    )
    return new_seats


# --- A meeting ----------------------------------------------------------------------------


@dataclass
class _Plan:
    """A meeting's lines checked against the records, ready to post."""

    errors: dict[str, list[str]] = field(default_factory=dict)

    def refuse(self, member_id: int, part: str, message: str) -> None:
        self.errors.setdefault(member_field(member_id, part), []).append(message)


def _check_meeting_day(cycle: Cycle, held_on: datetime.date) -> Meeting | None:
    if not cycle.is_open:
        raise ValidationError(_("This cycle has been shared out: it has no more meetings."))
    if held_on < cycle.started_on:
        raise ValidationError({"held_on": _("The meeting cannot be before the cycle started.")})
    if held_on > timezone.localdate():
        raise ValidationError({"held_on": _("The meeting date cannot be in the future.")})
    last = Meeting.objects.filter(cycle=cycle).order_by("-number").first()
    if last is not None and held_on <= last.held_on:
        raise ValidationError(
            {
                "held_on": _("Meetings are recorded in order: the last one was on %(day)s.")
                % {"day": date_format(last.held_on, "SHORT_DATE_FORMAT")}
            }
        )
    return last


def _check_line(
    plan: _Plan,
    cycle: Cycle,
    line: MeetingLine,
    *,
    saved: int,
    loan: Loan | None,
    held_on: datetime.date,
) -> None:
    member_id = line.member_id
    if line.attendance not in AttendanceStatus.values:
        plan.refuse(member_id, "attendance", _("Say whether she came."))
        return
    if line.attendance not in AT_THE_MEETING:
        if line.hands_over_money:
            plan.refuse(
                member_id,
                "attendance",
                _("She was absent and sent nobody: no money can change hands for her."),
            )
        return
    if line.shares and not cycle.min_shares <= line.shares <= cycle.max_shares:
        plan.refuse(
            member_id,
            "shares",
            _("Between %(low)s and %(high)s shares at a meeting.")
            % {"low": cycle.min_shares, "high": cycle.max_shares},
        )
    if not line.shares and cycle.min_shares:
        plan.refuse(
            member_id,
            "shares",
            _("Every member at the meeting buys at least %(low)s shares.")
            % {"low": cycle.min_shares},
        )
    still_owed = loan.outstanding if loan is not None else 0
    if line.repayment < 0:
        plan.refuse(member_id, "repayment", _("A repayment is an amount above zero."))
    elif line.repayment > still_owed:
        plan.refuse(
            member_id,
            "repayment",
            _("She owes %(owed)s: she cannot repay more.") % {"owed": vnd(still_owed)},
        )
    for fine in line.fines:
        if fine.reason not in FineReason.values or fine.amount <= 0:
            plan.refuse(
                member_id, "fine_reason", _("Choose the reason for the fine and its amount.")
            )
    if line.grant is not None and (
        line.grant.amount <= 0 or line.grant.reason not in GrantReason.values
    ):
        plan.refuse(member_id, "grant_amount", _("Give the amount of the grant and its reason."))
    if line.loan is not None:
        _check_loan_request(
            plan, cycle, line, saved=saved, owed_after=still_owed - line.repayment, held_on=held_on
        )


def _check_loan_request(
    plan: _Plan,
    cycle: Cycle,
    line: MeetingLine,
    *,
    saved: int,
    owed_after: int,
    held_on: datetime.date,
) -> None:
    request = line.loan
    assert request is not None  # noqa: S101 (checked by the caller)
    member_id = line.member_id
    limit = rules.loan_limit(savings=saved, multiple=cycle.loan_multiple, cap=cycle.max_loan)
    if owed_after > 0:
        plan.refuse(
            member_id, "loan_amount", _("She repays her current loan before taking another.")
        )
    if request.amount <= 0:
        plan.refuse(member_id, "loan_amount", _("A loan is an amount above zero."))
    elif request.amount > limit:
        plan.refuse(
            member_id,
            "loan_amount",
            _(
                "At most %(limit)s: %(multiple)s times her savings of %(saved)s, and never "
                "more than %(cap)s."
            )
            % {
                "limit": vnd(limit),
                "multiple": cycle.loan_multiple,
                "saved": vnd(saved),
                "cap": vnd(cycle.max_loan),
            },
        )
    if not 1 <= request.months <= cycle.max_loan_months:
        plan.refuse(
            member_id,
            "loan_months",
            _("A loan lasts from 1 to %(months)s months.") % {"months": cycle.max_loan_months},
        )
    elif rules.add_months(held_on, request.months) > cycle.planned_end_on:
        plan.refuse(
            member_id,
            "loan_months",
            _("Every loan is repaid before the share-out on %(day)s.")
            % {"day": date_format(cycle.planned_end_on, "SHORT_DATE_FORMAT")},
        )
    if request.purpose not in LoanPurpose.values:
        plan.refuse(member_id, "loan_purpose", _("Say what the loan is for."))


def _schedule(loan: Loan) -> list[rules.Instalment]:
    return [
        rules.Instalment(
            number=item.number, due_on=item.due_on, principal=item.principal, interest=item.interest
        )
        for item in loan.instalments.all()
    ]


def _repay(loan: Loan, amount: int, held_on: datetime.date) -> list[Movement]:
    """Apply a repayment to the loan; the entries it makes (interest, then principal)."""
    interest, principal = rules.split_payment(_schedule(loan), paid_before=loan.paid, amount=amount)
    loan.interest_repaid += interest
    loan.principal_repaid += principal
    fields = ["interest_repaid", "principal_repaid"]
    if loan.outstanding == 0:
        loan.status = LoanStatus.REPAID
        loan.repaid_on = held_on
        fields += ["status", "repaid_on"]
    loan.save(update_fields=fields)
    movements = []
    if interest:
        movements.append(
            Movement(kind=EntryKind.REPAID_INTEREST, amount=interest, member=loan.member, loan=loan)
        )
    if principal:
        movements.append(
            Movement(
                kind=EntryKind.REPAID_PRINCIPAL, amount=principal, member=loan.member, loan=loan
            )
        )
    return movements


def _lend(
    *, cycle: Cycle, meeting: Meeting, member: GroupMember, request: LoanRequest
) -> tuple[Loan, Movement]:
    schedule = rules.loan_schedule(
        principal=request.amount,
        monthly_rate_bp=cycle.interest_bp,
        months=request.months,
        disbursed_on=meeting.held_on,
    )
    loan = Loan(
        cycle=cycle,
        member=member,
        meeting=meeting,
        principal=request.amount,
        interest_bp=cycle.interest_bp,
        months=request.months,
        interest=sum(item.interest for item in schedule),
        purpose=request.purpose,
        disbursed_on=meeting.held_on,
        due_on=schedule[-1].due_on,
    )
    loan.save(force_insert=True)
    LoanInstalment.objects.bulk_create(
        LoanInstalment(
            loan=loan,
            number=item.number,
            due_on=item.due_on,
            principal=item.principal,
            interest=item.interest,
        )
        for item in schedule
    )
    return loan, Movement(kind=EntryKind.LOAN_MADE, amount=request.amount, member=member, loan=loan)


def _check_count(group: SavingsGroup, cash_counted: int | None) -> None:
    if cash_counted is not None and cash_counted != group.cash_at_hand:
        raise ValidationError(
            {
                "cash_counted": _(
                    "The records say the box holds %(held)s (loan fund %(loan)s, social fund "
                    "%(social)s), not %(counted)s. Count again, or correct the amounts above."
                )
                % {
                    "held": vnd(group.cash_at_hand),
                    "loan": vnd(group.loan_fund_cash),
                    "social": vnd(group.social_fund_cash),
                    "counted": vnd(cash_counted),
                }
            },
            code="count_differs",
        )


@transaction.atomic
def meeting_record(
    *,
    actor: Actor,
    cycle: Cycle,
    held_on: datetime.date,
    lines: Sequence[MeetingLine],
    cash_counted: int | None = None,
    expected_ledger_version: int | None = None,
    idempotency_key: str = "",
) -> Meeting:
    """Record a whole meeting in one pass, in the order the group holds it: attendance, social
    fund contributions, shares, repayments, fines, grants, then new loans from what the box
    holds by then. Nothing is saved unless all of it is valid and, when the money counters
    counted the box, their count equals the records."""

    def create() -> Meeting:
        group = ledger.locked_group(cycle.group_id)
        current = Cycle.objects.select_for_update().get(pk=cycle.pk)
        _refuse_stale_ledger(group, expected_ledger_version)
        last = _check_meeting_day(current, held_on)
        members = {member.pk: member for member in meeting_members(current, held_on)}
        by_member = {line.member_id: line for line in lines}
        if len(by_member) != len(lines) or set(by_member) != set(members):
            raise ValidationError(
                _("The meeting lists every member of the group once: open the page again."),
                code="members_changed",
            )
        loans = {
            loan.member_id: loan
            for loan in Loan.objects.filter(
                member_id__in=members, status=LoanStatus.ACTIVE
            ).prefetch_related("instalments")
        }
        saved_before = shares_in_cycle(current)
        plan = _Plan()
        for line in lines:
            saved = (saved_before.get(line.member_id, 0) + line.shares) * current.share_price
            _check_line(
                plan, current, line, saved=saved, loan=loans.get(line.member_id), held_on=held_on
            )
        if plan.errors:
            raise ValidationError(plan.errors)

        meeting = Meeting(
            cycle=current,
            number=last.number + 1 if last else 1,
            held_on=held_on,
            cash_counted=cash_counted,
            loan_fund_after=group.loan_fund_cash,
            social_fund_after=group.social_fund_cash,
            recorded_by_id=actor.user_id,
        )
        meeting.save(force_insert=True)
        Attendance.objects.bulk_create(
            Attendance(meeting=meeting, member_id=line.member_id, status=line.attendance)
            for line in lines
        )
        ordered = sorted(lines, key=lambda line: members[line.member_id].number)
        movements: list[Movement] = []
        for line in ordered:
            if line.social and current.social_contribution:
                movements.append(
                    Movement(
                        kind=EntryKind.SOCIAL_CONTRIBUTION,
                        amount=current.social_contribution,
                        member=members[line.member_id],
                    )
                )
        for line in ordered:
            if line.shares:
                movements.append(
                    Movement(
                        kind=EntryKind.SHARES,
                        amount=line.shares * current.share_price,
                        member=members[line.member_id],
                        shares=line.shares,
                    )
                )
        for line in ordered:
            if line.repayment:
                movements += _repay(loans[line.member_id], line.repayment, held_on)
        for line in ordered:
            movements += [
                Movement(
                    kind=EntryKind.FINE,
                    amount=fine.amount,
                    member=members[line.member_id],
                    fine_reason=fine.reason,
                )
                for fine in line.fines
            ]
        for line in ordered:
            if line.grant is not None:
                movements.append(
                    Movement(
                        kind=EntryKind.SOCIAL_GRANT,
                        amount=line.grant.amount,
                        member=members[line.member_id],
                        grant_reason=line.grant.reason,
                    )
                )
        for line in ordered:
            if line.loan is not None:
                _loan, movement = _lend(
                    cycle=current,
                    meeting=meeting,
                    member=members[line.member_id],
                    request=line.loan,
                )
                movements.append(movement)
        if movements:
            ledger.post(group=group, cycle=current, meeting=meeting, movements=movements)
        else:
            group.ledger_version += 1
            group.save(update_fields=["ledger_version"])
        _check_count(group, cash_counted)
        meeting.loan_fund_after = group.loan_fund_cash
        meeting.social_fund_after = group.social_fund_cash
        meeting.save(update_fields=["loan_fund_after", "social_fund_after"])
        money_in = sum(m.amount for m in movements if m.kind not in _OUT)
        _audit(
            LivelihoodEvent.MEETING_RECORDED,
            actor=actor,
            group=group,
            target=meeting,
            number=meeting.number,
            present=sum(1 for line in lines if line.attendance in AT_THE_MEETING),
            members=len(lines),
            money_in=money_in,
            money_out=sum(m.amount for m in movements) - money_in,
        )
        ledger.figures_changed(group.project_id)
        return meeting

    meeting, _created = once(
        actor=actor, scope=f"savings-meeting:{cycle.pk}", key=idempotency_key, create=create
    )
    return meeting


_OUT = frozenset(
    {EntryKind.LOAN_MADE, EntryKind.SOCIAL_GRANT, EntryKind.SAVINGS_RETURNED, EntryKind.SHARE_OUT}
)


# --- The share-out --------------------------------------------------------------------------


@transaction.atomic
def cycle_share_out(
    *,
    actor: Actor,
    cycle: Cycle,
    held_on: datetime.date,
    cash_counted: int | None = None,
    expected_ledger_version: int | None = None,
) -> Cycle:
    """End the cycle: every loan repaid, the loan fund is divided among the members who stayed
    in proportion to their shares (`rules.share_out`), at a share-out meeting. The social fund
    stays in the box for the next cycle, and so do the few đồng rounding leaves."""
    group = ledger.locked_group(cycle.group_id)
    current = Cycle.objects.select_for_update().get(pk=cycle.pk)
    _refuse_stale_ledger(group, expected_ledger_version)
    last = _check_meeting_day(current, held_on)
    owing = Loan.objects.filter(cycle=current, status=LoanStatus.ACTIVE).count()
    if owing:
        raise ValidationError(
            _("%(count)s loans are not repaid yet: every loan is repaid before the share-out.")
            % {"count": owing},
            code="loans_outstanding",
        )
    result = share_out_preview(current)
    meeting = Meeting(
        cycle=current,
        number=last.number + 1 if last else 1,
        held_on=held_on,
        is_share_out=True,
        cash_counted=cash_counted,
        loan_fund_after=group.loan_fund_cash,
        social_fund_after=group.social_fund_cash,
        recorded_by_id=actor.user_id,
    )
    meeting.save(force_insert=True)
    members = GroupMember.objects.in_bulk(list(result.payouts))
    movements = [
        Movement(kind=EntryKind.SHARE_OUT, amount=amount, member=members[member_id])
        for member_id, amount in sorted(
            result.payouts.items(), key=lambda item: members[item[0]].number
        )
        if amount
    ]
    if movements:
        ledger.post(group=group, cycle=current, meeting=meeting, movements=movements)
    _check_count(group, cash_counted)
    meeting.loan_fund_after = group.loan_fund_cash
    meeting.social_fund_after = group.social_fund_cash
    meeting.save(update_fields=["loan_fund_after", "social_fund_after"])
    current.status = CycleStatus.SHARED_OUT
    current.ended_on = held_on
    current.share_out_fund = result.fund
    current.share_out_shares = result.total_shares
    current.share_out_remainder = result.remainder
    current.version += 1
    current.save(
        update_fields=[
            "status",
            "ended_on",
            "share_out_fund",
            "share_out_shares",
            "share_out_remainder",
            "version",
        ]
    )
    _audit(
        LivelihoodEvent.SHARED_OUT,
        actor=actor,
        group=group,
        target=current,
        number=current.number,
        fund=result.fund,
        shares=result.total_shares,
    )
    return current
