"""Writes of a project's results framework: goals, outcomes, outputs, indicators, their targets
and the values entered by hand. Each one checks its rule, saves, and writes its audit row in the
same transaction; a write that changes what an indicator counts tells donghanh.indicators.
"""

from __future__ import annotations

import datetime
from collections.abc import Mapping, Sequence
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils.translation import gettext as _

from donghanh.core.actor import Actor
from donghanh.core.records import indicator_changed, records_changed
from donghanh.programmes.projects.models import Project
from donghanh.programmes.projects.records import record_create, record_update
from donghanh.programmes.results.models import (
    ComputedDefinition,
    Disaggregation,
    Goal,
    Indicator,
    IndicatorSource,
    IndicatorTarget,
    ManualValue,
    Outcome,
    Output,
)


@transaction.atomic
def goal_add(
    *,
    project: Project,
    code: str,
    name: str,
    actor: Actor,
    name_en: str = "",
) -> Goal:
    goal = Goal(project=project, code=code.strip(), name=name, name_en=name_en)
    record_create(goal, project=project, actor=actor)
    return goal


@transaction.atomic
def outcome_add(
    *,
    goal: Goal,
    code: str,
    name: str,
    actor: Actor,
    name_en: str = "",
) -> Outcome:
    outcome = Outcome(goal=goal, code=code.strip(), name=name, name_en=name_en)
    record_create(outcome, project=goal.project, actor=actor)
    return outcome


@transaction.atomic
def output_add(
    *,
    outcome: Outcome,
    code: str,
    name: str,
    actor: Actor,
    name_en: str = "",
) -> Output:
    output = Output(outcome=outcome, code=code.strip(), name=name, name_en=name_en)
    record_create(output, project=outcome.goal.project, actor=actor)
    return output


def _check_indicator(
    *, source: str, computed_definition: str, disaggregations: Sequence[str], aggregation: str
) -> None:
    unknown = set(disaggregations) - set(Disaggregation.values)
    if unknown:
        raise ValidationError(_("Choose disaggregations from the list."))
    if source == IndicatorSource.COMPUTED and computed_definition not in ComputedDefinition.values:
        raise ValidationError(
            _("A computed indicator needs a definition: say what the platform should count.")
        )
    if source == IndicatorSource.MANUAL and computed_definition:
        raise ValidationError(_("An indicator entered by hand has no computed definition."))
    if aggregation == "unique_people" and source == IndicatorSource.MANUAL:
        raise ValidationError(
            _(
                "Unique people can only be counted from records: make the indicator computed, "
                "or add it up as a sum."
            )
        )


@transaction.atomic
def indicator_add(
    *,
    project: Project,
    code: str,
    name: str,
    actor: Actor,
    output: Output | None = None,
    name_en: str = "",
    unit: str = "người",
    baseline: Decimal = Decimal(0),
    direction: str = "increase",
    aggregation: str = "sum",
    disaggregations: Sequence[str] = (),
    source: str = "manual",
    computed_definition: str = "",
    definition_params: Mapping[str, Any] | None = None,
) -> Indicator:
    if output is not None and output.outcome.goal.project_id != project.pk:
        raise ValidationError(_("Choose an output of this project."))
    if project.indicators.filter(code=code.strip()).exists():
        raise ValidationError(_("This project already has an indicator %(code)s.") % {"code": code})
    _check_indicator(
        source=source,
        computed_definition=computed_definition,
        disaggregations=disaggregations,
        aggregation=aggregation,
    )
    indicator = Indicator(
        project=project,
        output=output,
        code=code.strip(),
        name=name,
        name_en=name_en,
        unit=unit,
        baseline=baseline,
        direction=direction,
        aggregation=aggregation,
        disaggregations=list(dict.fromkeys(disaggregations)),
        source=source,
        computed_definition=computed_definition,
        definition_params=dict(definition_params or {}),
    )
    record_create(indicator, project=project, actor=actor)
    indicator_changed(indicator_id=indicator.pk)
    return indicator


@transaction.atomic
def indicator_update(
    *,
    indicator: Indicator,
    expected_version: int,
    actor: Actor,
    **changes: Any,
) -> Indicator:
    merged = {
        name: changes.get(name, getattr(indicator, name))
        for name in ("source", "computed_definition", "disaggregations", "aggregation")
    }
    _check_indicator(**merged)
    result: Indicator = record_update(
        indicator,
        expected_version=expected_version,
        changes=changes,
        project=indicator.project,
        actor=actor,
    )
    indicator_changed(indicator_id=result.pk)
    return result


@transaction.atomic
def indicator_target_set(
    *,
    indicator: Indicator,
    period_start: datetime.date,
    period_end: datetime.date,
    target_value: Decimal,
    actor: Actor,
) -> IndicatorTarget:
    """A target for a period; a period overlapping another target's is refused."""
    if period_end < period_start:
        raise ValidationError(_("The period ends before it starts."))
    if target_value < 0:
        raise ValidationError(_("A target cannot be negative."))
    overlapping = indicator.targets.filter(
        period_start__lte=period_end, period_end__gte=period_start
    )
    if overlapping.exists():
        raise ValidationError(_("This indicator already has a target for part of that period."))
    target = IndicatorTarget(
        indicator=indicator,
        period_start=period_start,
        period_end=period_end,
        target_value=target_value,
    )
    record_create(target, project=indicator.project, actor=actor)
    indicator_changed(indicator_id=indicator.pk)  # a new reporting period
    return target


@transaction.atomic
def manual_value_record(
    *,
    indicator: Indicator,
    period_start: datetime.date,
    period_end: datetime.date,
    value: Decimal,
    evidence_text: str,
    actor: Actor,
    disaggregation: Mapping[str, str] | None = None,
    evidence_file: UploadedFile | None = None,
) -> ManualValue:
    if indicator.source != IndicatorSource.MANUAL:
        raise ValidationError(
            _("This indicator is computed from the platform's records: it takes no values by hand.")
        )
    if period_end < period_start:
        raise ValidationError(_("The period ends before it starts."))
    if not evidence_text.strip():
        raise ValidationError(_("Describe the evidence for this value."))
    cell = dict(disaggregation or {})
    if set(cell) - set(indicator.disaggregations):
        raise ValidationError(
            _("The value is broken down by something the indicator does not ask for.")
        )
    manual = ManualValue(
        indicator=indicator,
        period_start=period_start,
        period_end=period_end,
        value=value,
        disaggregation=cell,
        evidence_text=evidence_text.strip(),
        entered_by_id=actor.user_id,
    )
    if evidence_file is not None:
        manual.evidence_file.save(evidence_file.name or "evidence", evidence_file, save=False)
    record_create(
        manual,
        project=indicator.project,
        actor=actor,
        exclude=["entered_by", "evidence_file"],
    )
    records_changed(project_ids=[indicator.project_id])
    return manual
