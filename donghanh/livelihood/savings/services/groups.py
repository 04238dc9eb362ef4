"""Savings groups: creating and changing them, and the audited reads and downloads of a
group's members, ledger and measures."""

from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from donghanh.core.actor import Actor
from donghanh.core.editing import EditSpec
from donghanh.core.idempotency import once
from donghanh.core.text import plain_name
from donghanh.livelihood.events import LivelihoodEvent

from .. import ledger
from ..models import (
    Cycle,
    SavingsGroup,
)
from ..selectors import (
    facilitator_choices,
    programme_choices,
)
from ._common import (
    _audit,
    _locked_for_edit,
    _save_edit,
    _text,
)

GROUP_EDITS = EditSpec.for_model(
    SavingsGroup,
    fields=("name", "village", "commune", "project", "facilitator", "is_active"),
    purpose="savings-group-edit",
)


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
