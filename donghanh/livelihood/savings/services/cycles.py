"""Cycles: opening one with its constitution, changing the constitution before the first
meeting, and electing the committee."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from donghanh.core.actor import Actor
from donghanh.core.editing import EditSpec
from donghanh.core.idempotency import once
from donghanh.livelihood.events import LivelihoodEvent

from .. import ledger
from ..models import (
    COMMITTEE_SEATS,
    CommitteeRole,
    CommitteeSeat,
    Cycle,
    GroupMember,
    SavingsGroup,
)
from ._common import (
    _audit,
    _locked_for_edit,
    _open_cycle,
    _save_edit,
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
