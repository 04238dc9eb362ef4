"""Reads of the sync: the cases a member may take offline, what goes into a device's package, and
the conflicts kept for them.

Only the cases assigned to the user (among those their role lets them open, not closed) are ever
listed or packed; a case asked for that is not one of them is left out without a word.
"""

from __future__ import annotations

import datetime
import json
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Prefetch, Q, QuerySet
from django.http import Http404, QueryDict
from django.utils import timezone

from donghanh.cases.models import ACTIVE_STATUSES, Case, CaseAssignment
from donghanh.cases.selectors import CASE_EDITS, cases_visible_to
from donghanh.casework.models import FollowUp
from donghanh.livelihood.savings.models import Cycle, CycleStatus, GroupMember, SavingsGroup
from donghanh.organisations.models import Membership
from donghanh.organisations.roles import Perm, role_allows
from donghanh.organisations.selectors import access_membership
from donghanh.programmes.trainings.models import TrainingParticipation, TrainingSession

from .forms import ScreeningForm
from .models import ConflictStatus, SyncConflict

# How many follow-ups of a case travel with it: the latest, enough to see what was done last.
FOLLOW_UPS_PACKED = 5


def access_field(user: Any, org_slug: str) -> Membership:
    """The user's membership, if it lets them work offline: outsiders 404, others 403."""
    return access_membership(user, org_slug, Perm.WORK_OFFLINE)


def assigned_cases(membership: Membership) -> QuerySet[Case]:
    """The cases the member may take offline: assigned to them, visible to their role, active."""
    assigned = CaseAssignment.objects.filter(user_id=membership.user_id).values("case_id")
    return (
        cases_visible_to(membership)
        .filter(pk__in=assigned, status__in=ACTIVE_STATUSES)
        .select_related("person")
        .order_by("number", "pk")
    )


def case_row(case: Case) -> dict[str, Any]:
    return {
        "id": case.pk,
        "number": case.number,
        "label": case.person.full_name,
        "status": case.status,
    }


def _form_value(value: Any) -> Any:
    """A stored value as the form field on the device holds it."""
    if value is None:
        return ""
    if isinstance(value, datetime.date):
        return value.strftime("%d/%m/%Y")
    if isinstance(value, list | tuple):
        return [str(item) for item in value]
    return value


def screening_values(case: Case) -> dict[str, Any]:
    """The case's screening as the shell page's screening form names its fields."""
    return {name: _form_value(value) for name, value in ScreeningForm.initial_for(case).items()}


@dataclass
class Package:
    """What a device takes offline."""

    cases: list[dict[str, Any]] = field(default_factory=list)
    trainings: list[dict[str, Any]] = field(default_factory=list)
    savings_groups: list[dict[str, Any]] = field(default_factory=list)

    @property
    def names(self) -> int:
        return (
            len(self.cases)
            + sum(len(item["participants"]) for item in self.trainings)
            + sum(len(item["members"]) for item in self.savings_groups)
        )


def _packed_cases(membership: Membership, case_ids: list[int]) -> list[dict[str, Any]]:
    if not case_ids or not role_allows(membership.role, Perm.EDIT_CASES):
        return []
    cases = (
        assigned_cases(membership)
        .filter(pk__in=case_ids)
        .prefetch_related(
            Prefetch(
                "follow_ups",
                queryset=FollowUp.objects.order_by("-planned_on", "-id"),
                to_attr="packed_follow_ups",
            )
        )
    )
    rows = []
    for case in cases:
        # The version and signed baseline travel with the screening values too: filled into
        # the screening form's hidden fields of the same names, they go back with the change.
        edit = CASE_EDITS.baseline_initial(case)
        rows.append(
            {
                **case_row(case),
                "version": case.version,
                "baseline": edit["baseline"],
                "screening": {**screening_values(case), **edit},
                "follow_ups": [
                    {
                        "id": follow_up.pk,
                        "planned_on": _form_value(follow_up.planned_on),
                        "done_on": _form_value(follow_up.done_on),
                        "method": follow_up.method,
                    }
                    for follow_up in case.packed_follow_ups[:FOLLOW_UPS_PACKED]
                ],
            }
        )
    return rows


def field_sessions(membership: Membership, *, days: int | None = None) -> QuerySet[TrainingSession]:
    """The training sessions the member may take attendance of offline: sessions (from `days`
    ago to `days` ahead, any day without `days`) of the trainings they recorded, in projects
    their organisation implements."""
    if not (
        role_allows(membership.role, Perm.EDIT_PROGRAMMES)
        and role_allows(membership.role, Perm.VIEW_TRAINEES)
    ):
        return TrainingSession.objects.none()
    organisation_id = membership.organisation_id
    sessions = TrainingSession.objects.filter(training__created_by_id=membership.user_id)
    if days is not None:
        today = timezone.localdate()
        sessions = sessions.filter(
            held_on__gte=today - datetime.timedelta(days=days),
            held_on__lte=today + datetime.timedelta(days=days),
        )
    return (
        sessions.filter(
            Q(training__project__implementing_organisation_id=organisation_id)
            | Q(training__project__partner_organisations=organisation_id)
        )
        .select_related("training")
        .distinct()
        .order_by("held_on", "pk")
    )


def _packed_trainings(membership: Membership, *, days: int) -> list[dict[str, Any]]:
    sessions = list(field_sessions(membership, days=days))
    if not sessions:
        return []
    training_ids = {session.training_id for session in sessions}
    participations: dict[int, list[dict[str, Any]]] = {}
    for participation in (
        TrainingParticipation.objects.filter(training_id__in=training_ids)
        .select_related("participant")
        .order_by("pk")
    ):
        participations.setdefault(participation.training_id, []).append(
            {"id": participation.pk, "name": participation.participant.full_name}
        )
    return [
        {
            "session": session.pk,
            "label": f"{session.held_on.strftime('%d/%m/%Y')} · {session.training.title}"
            + (f" · {session.title}" if session.title else ""),
            "participants": participations.get(session.training_id, []),
        }
        for session in sessions
    ]


def field_groups(membership: Membership) -> QuerySet[SavingsGroup]:
    """The savings groups the member may record a meeting of offline: active groups of their
    organisation they facilitate, with a running cycle."""
    if not role_allows(membership.role, Perm.RECORD_SAVINGS_GROUPS):
        return SavingsGroup.objects.none()
    return (
        SavingsGroup.objects.filter(
            organisation_id=membership.organisation_id,
            facilitator_id=membership.user_id,
            is_active=True,
            cycles__status=CycleStatus.OPEN,
        )
        .distinct()
        .order_by("name", "pk")
    )


def _packed_groups(membership: Membership) -> list[dict[str, Any]]:
    today = timezone.localdate()
    groups = list(
        field_groups(membership).prefetch_related(
            Prefetch(
                "cycles",
                queryset=Cycle.objects.filter(status=CycleStatus.OPEN),
                to_attr="open_cycles",
            ),
            Prefetch(
                "members",
                queryset=GroupMember.objects.filter(
                    joined_on__lte=today, left_on__isnull=True
                ).order_by("number"),
                to_attr="present_members",
            ),
        )
    )
    return [
        {
            "id": group.pk,
            "name": group.name,
            "cycle": group.open_cycles[0].number,
            "ledger_version": group.ledger_version,
            "members": [
                {"id": member.pk, "number": member.number, "name": member.full_name}
                for member in group.present_members
            ],
        }
        for group in groups
        if group.open_cycles
    ]


def field_package(membership: Membership, *, case_ids: list[int], days: int) -> Package:
    return Package(
        cases=_packed_cases(membership, case_ids),
        trainings=_packed_trainings(membership, days=days),
        savings_groups=_packed_groups(membership),
    )


# --- Conflicts ---------------------------------------------------------------------------------


def open_conflicts(membership: Membership) -> QuerySet[SyncConflict]:
    """The member's own conflicts still to resolve, newest first, with their case's number."""
    return SyncConflict.objects.filter(
        user_id=membership.user_id,
        organisation_id=membership.organisation_id,
        status=ConflictStatus.OPEN,
    ).select_related("case")


def access_conflict(user: Any, org_slug: str, conflict_id: int) -> tuple[Membership, SyncConflict]:
    """One of the user's own conflicts: anyone else's (or none) is 404."""
    membership = access_field(user, org_slug)
    conflict = (
        SyncConflict.objects.filter(
            pk=conflict_id,
            user_id=membership.user_id,
            organisation_id=membership.organisation_id,
        )
        .select_related("case")
        .first()
    )
    if conflict is None:
        raise Http404
    return membership, conflict


def conflict_submitted(conflict: SyncConflict) -> QueryDict:
    """What the device sent, as form data."""
    data = QueryDict(mutable=True)
    try:
        values = json.loads(conflict.submitted or "{}")
    except ValueError:
        values = {}
    for name, items in values.items():
        data.setlist(name, [str(item) for item in items])
    return data
