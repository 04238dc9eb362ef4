"""Writes of programmes. Each one checks its rule, saves, and writes its audit row in the same
transaction, so a refused write leaves nothing behind.

Money rules (docs/programmes.md):
- Funding: the sources of a project are replaced as a whole, and must add up to the total
  budget, to the đồng. Anything else is refused.
- Budget lines: together they may not exceed the total budget.
- Spending: a spending that would take its line over the line's budget is refused unless a
  reason is given; with a reason it is recorded, marked as an overspend and audited as such.
  A spending that would take the project over its total budget is always refused.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import models, transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from donghanh.audit.models import AuditAction
from donghanh.audit.services import audit_record
from donghanh.core.crypto import blind_index
from donghanh.core.records import indicator_changed, project_created, records_changed
from donghanh.core.text import fold, fold_name, nfc
from donghanh.organisations.models import Organisation
from donghanh.places.models import LegacyDistrict, LegacyProvince, Province
from donghanh.programmes.models import (
    AudienceCount,
    BudgetLine,
    CommunicationActivity,
    ComputedDefinition,
    Disaggregation,
    FundingKind,
    FundingSource,
    Goal,
    Indicator,
    IndicatorSource,
    IndicatorTarget,
    ManualValue,
    Outcome,
    Output,
    Participant,
    Phase,
    Project,
    ProjectProvince,
    Publication,
    Spending,
    SupportedOrganisation,
    Training,
    TrainingParticipation,
    TrainingSession,
)
from donghanh.programmes.selectors import line_spent_vnd, project_spent_vnd

TRAINEE_INDEX_PURPOSE = "trainee-name-birth-year"


class StaleEditError(ValidationError):
    """The record was saved by someone else after the editor opened it; nothing was saved."""

    def __init__(self) -> None:
        super().__init__(
            _(
                "Someone else saved this record after you opened it. Your changes were not "
                "saved: check the current values below and save again."
            ),
            code="edit_conflict",
        )


def vnd_text(amount: int) -> str:
    """1.000.000 ₫, for error messages (the template filter is for pages)."""
    return f"{amount:,}".replace(",", ".") + " ₫"


def _audit(
    *,
    action: AuditAction,
    target: models.Model,
    acting_user: Any,
    organisation: Organisation | None,
    request: HttpRequest | None,
    summary: str = "",
    changed_fields: Iterable[str] = (),
) -> None:
    audit_record(
        action=action,
        actor=acting_user,
        request=request,
        organisation=organisation,
        target=target,
        summary=summary,
        changed_fields=changed_fields,
        actor_username="load_demo" if acting_user is None else "",
    )


def _clean(instance: models.Model, exclude: Sequence[str] = ()) -> None:
    try:
        instance.full_clean(exclude=list(exclude))
    except ValidationError as error:
        raise ValidationError(error.messages) from None


def _create(
    instance: models.Model,
    *,
    project: Project,
    acting_user: Any,
    request: HttpRequest | None,
    exclude: Sequence[str] = (),
) -> None:
    _clean(instance, exclude)
    instance.save()
    _audit(
        action=AuditAction.CREATE,
        target=instance,
        acting_user=acting_user,
        organisation=project.implementing_organisation,
        request=request,
        summary=f"project #{project.pk}",
    )


def _check_version(instance: Any, expected_version: int) -> None:
    model = type(instance)
    current = model.objects.select_for_update().filter(pk=instance.pk).values("version").first()
    if current is None or current["version"] != expected_version:
        raise StaleEditError


def _update(
    instance: Any,
    *,
    expected_version: int | None,
    changes: Mapping[str, Any],
    project: Project,
    acting_user: Any,
    request: HttpRequest | None,
    exclude: Sequence[str] = (),
) -> Any:
    if expected_version is not None:
        _check_version(instance, expected_version)
    changed = [name for name, value in changes.items() if getattr(instance, name) != value]
    for name, value in changes.items():
        setattr(instance, name, value)
    if not changed:
        return instance
    _clean(instance, exclude)
    if hasattr(instance, "version"):
        instance.version += 1
    instance.save()
    _audit(
        action=AuditAction.UPDATE,
        target=instance,
        acting_user=acting_user,
        organisation=project.implementing_organisation,
        request=request,
        summary=f"project #{project.pk}",
        changed_fields=changed,
    )
    return instance


# --- projects ---------------------------------------------------------------------------------


@transaction.atomic
def project_create(
    *,
    organisation: Organisation,
    code: str,
    name: str,
    acting_user: Any,
    name_en: str = "",
    description: str = "",
    start_on: datetime.date | None = None,
    end_on: datetime.date | None = None,
    status: str = "active",
    budget_vnd: int = 0,
    partner_organisations: Iterable[Organisation] = (),
    donors: Iterable[Organisation] = (),
    request: HttpRequest | None = None,
) -> Project:
    if Project.objects.filter(implementing_organisation=organisation, code=code.strip()).exists():
        raise ValidationError(
            _("Your organisation already has a project with the code %(code)s.") % {"code": code}
        )
    project = Project(
        implementing_organisation=organisation,
        code=code.strip(),
        name=nfc(name).strip(),
        name_en=name_en.strip(),
        description=description,
        start_on=start_on,
        end_on=end_on,
        status=status,
        budget_vnd=budget_vnd,
        created_by=acting_user,
    )
    _check_dates(start_on, end_on)
    _create(project, project=project, acting_user=acting_user, request=request,
            exclude=["created_by"])  # fmt: skip
    _set_links(project, partner_organisations, donors)
    project_created(project_id=project.pk)
    return project


def _set_links(
    project: Project, partners: Iterable[Organisation], donors: Iterable[Organisation]
) -> None:
    partners = [o for o in partners if o.pk != project.implementing_organisation_id]
    project.partner_organisations.set(partners)
    project.donors.set(list(donors))


def _check_dates(start: datetime.date | None, end: datetime.date | None) -> None:
    if start and end and end < start:
        raise ValidationError(_("The end date cannot be before the start date."))


@transaction.atomic
def project_update(
    *,
    project: Project,
    expected_version: int,
    acting_user: Any,
    partner_organisations: Iterable[Organisation],
    donors: Iterable[Organisation],
    request: HttpRequest | None = None,
    **changes: Any,
) -> Project:
    _check_dates(changes.get("start_on", project.start_on), changes.get("end_on", project.end_on))
    if "budget_vnd" in changes and changes["budget_vnd"] != project.budget_vnd:
        planned = sum(project.budget_lines.values_list("amount_vnd", flat=True))
        if changes["budget_vnd"] < planned:
            raise ValidationError(
                _(
                    "The total budget (%(budget)s) cannot be less than the budget lines already "
                    "planned (%(planned)s)."
                )
                % {"budget": vnd_text(changes["budget_vnd"]), "planned": vnd_text(planned)}
            )
    project = _update(
        project,
        expected_version=expected_version,
        changes=changes,
        project=project,
        acting_user=acting_user,
        request=request,
        exclude=["created_by"],
    )
    _set_links(project, partner_organisations, donors)
    return project


@transaction.atomic
def phase_add(
    *,
    project: Project,
    name: str,
    start_on: datetime.date,
    end_on: datetime.date | None,
    acting_user: Any,
    name_en: str = "",
    implementing_organisation: Organisation | None = None,
    request: HttpRequest | None = None,
) -> Phase:
    _check_dates(start_on, end_on)
    phase = Phase(
        project=project,
        name=name,
        name_en=name_en,
        start_on=start_on,
        end_on=end_on,
        implementing_organisation=implementing_organisation,
    )
    _create(phase, project=project, acting_user=acting_user, request=request)
    return phase


@transaction.atomic
def project_province_add(
    *,
    project: Project,
    acting_user: Any,
    province: Province | None = None,
    legacy_province: LegacyProvince | None = None,
    legacy_district: LegacyDistrict | None = None,
    original_name: str = "",
    request: HttpRequest | None = None,
) -> ProjectProvince:
    """Add a province by today's unit, or by a pre-2025 province or district, which is kept
    beside the province it is part of today."""
    if legacy_district is not None:
        legacy_province = legacy_district.province
    if legacy_province is not None:
        province = legacy_province.current_province
        original_name = original_name or (
            f"{legacy_district.name}, {legacy_province.name}"
            if legacy_district
            else legacy_province.name
        )
    if province is None:
        raise ValidationError(_("Choose a province, today's or one from before July 2025."))
    duplicate = ProjectProvince.objects.filter(
        project=project,
        province=province,
        legacy_province=legacy_province,
        legacy_district=legacy_district,
    )
    if duplicate.exists():
        raise ValidationError(_("This province is already in the project."))
    row = ProjectProvince(
        project=project,
        province=province,
        legacy_province=legacy_province,
        legacy_district=legacy_district,
        original_name=original_name,
    )
    _create(row, project=project, acting_user=acting_user, request=request)
    records_changed(project_ids=[project.pk])
    return row


# --- funding and budget -----------------------------------------------------------------------


@dataclass(frozen=True)
class FundingSourceData:
    kind: str
    amount_vnd: int
    donor: Organisation | None = None
    donor_name: str = ""
    note: str = ""


@transaction.atomic
def funding_split_set(
    *,
    project: Project,
    expected_version: int,
    budget_vnd: int,
    sources: Sequence[FundingSourceData],
    acting_user: Any,
    request: HttpRequest | None = None,
) -> list[FundingSource]:
    """Replace the project's total budget and its funding sources; they must add up exactly."""
    _check_version(project, expected_version)
    for source in sources:
        if source.kind not in FundingKind.values:
            raise ValidationError(_("Choose the kind of every funding source."))
        if source.amount_vnd <= 0:
            raise ValidationError(_("Every funding source needs an amount above zero."))
        if source.donor is None and not source.donor_name.strip():
            raise ValidationError(_("Name the funder of every funding source."))
    funded = sum(source.amount_vnd for source in sources)
    if funded != budget_vnd:
        raise ValidationError(
            _(
                "The funding sources add up to %(funded)s but the total budget is %(budget)s: "
                "a difference of %(gap)s. Correct the amounts so that they add up exactly."
            )
            % {
                "funded": vnd_text(funded),
                "budget": vnd_text(budget_vnd),
                "gap": vnd_text(abs(budget_vnd - funded)),
            },
            code="funding_mismatch",
        )
    planned = sum(project.budget_lines.values_list("amount_vnd", flat=True))
    if budget_vnd < planned:
        raise ValidationError(
            _(
                "The total budget (%(budget)s) cannot be less than the budget lines already "
                "planned (%(planned)s)."
            )
            % {"budget": vnd_text(budget_vnd), "planned": vnd_text(planned)}
        )
    project.funding_sources.all().delete()
    created = FundingSource.objects.bulk_create(
        [
            FundingSource(
                project=project,
                kind=source.kind,
                donor=source.donor,
                donor_name=source.donor_name.strip(),
                amount_vnd=source.amount_vnd,
                note=source.note,
            )
            for source in sources
        ]
    )
    project.budget_vnd = budget_vnd
    project.version += 1
    project.save(update_fields=["budget_vnd", "version", "updated_at"])
    _audit(
        action=AuditAction.UPDATE,
        target=project,
        acting_user=acting_user,
        organisation=project.implementing_organisation,
        request=request,
        summary=f"funding split: {len(created)} sources",
        changed_fields=["budget_vnd", "funding_sources"],
    )
    return created


def _check_lines_fit(project: Project, amount: int, *, excluding: int | None = None) -> None:
    others = project.budget_lines.exclude(pk=excluding) if excluding else project.budget_lines
    planned = sum(others.values_list("amount_vnd", flat=True)) + amount
    if planned > project.budget_vnd:
        raise ValidationError(
            _(
                "The budget lines would add up to %(planned)s, more than the project's total "
                "budget of %(budget)s."
            )
            % {"planned": vnd_text(planned), "budget": vnd_text(project.budget_vnd)},
            code="lines_over_budget",
        )


@transaction.atomic
def budget_line_add(
    *,
    project: Project,
    code: str,
    name: str,
    amount_vnd: int,
    acting_user: Any,
    phase: Phase | None = None,
    period_start: datetime.date | None = None,
    period_end: datetime.date | None = None,
    request: HttpRequest | None = None,
) -> BudgetLine:
    Project.objects.select_for_update().filter(pk=project.pk).first()
    if project.budget_lines.filter(code=code.strip()).exists():
        raise ValidationError(
            _("This project already has a budget line %(code)s.") % {"code": code}
        )
    _check_lines_fit(project, amount_vnd)
    _check_dates(period_start, period_end)
    line = BudgetLine(
        project=project,
        code=code.strip(),
        name=name,
        amount_vnd=amount_vnd,
        phase=phase,
        period_start=period_start,
        period_end=period_end,
    )
    _create(line, project=project, acting_user=acting_user, request=request)
    return line


@transaction.atomic
def budget_line_update(
    *,
    line: BudgetLine,
    expected_version: int,
    acting_user: Any,
    request: HttpRequest | None = None,
    **changes: Any,
) -> BudgetLine:
    project = line.project
    if "amount_vnd" in changes:
        _check_lines_fit(project, changes["amount_vnd"], excluding=line.pk)
        spent = line_spent_vnd(line)
        if changes["amount_vnd"] < spent:
            raise ValidationError(
                _("The line has already spent %(spent)s: its budget cannot be less.")
                % {"spent": vnd_text(spent)}
            )
    result: BudgetLine = _update(
        line,
        expected_version=expected_version,
        changes=changes,
        project=project,
        acting_user=acting_user,
        request=request,
    )
    return result


@transaction.atomic
def spending_record(
    *,
    line: BudgetLine,
    spent_on: datetime.date,
    amount_vnd: int,
    description: str,
    evidence_text: str,
    acting_user: Any,
    overspend_reason: str = "",
    evidence_file: UploadedFile | None = None,
    request: HttpRequest | None = None,
) -> Spending:
    project = line.project
    # Lock the line so that two spendings recorded at once are checked one after the other.
    BudgetLine.objects.select_for_update().filter(pk=line.pk).first()
    if amount_vnd <= 0:
        raise ValidationError(_("Enter an amount above zero."))
    if spent_on > timezone.localdate():
        raise ValidationError(_("The date of a spending cannot be in the future."))
    if not evidence_text.strip():
        raise ValidationError(_("Say where the evidence is: a voucher number or where it is kept."))
    project_total = project_spent_vnd(project) + amount_vnd
    if project_total > project.budget_vnd:
        raise ValidationError(
            _(
                "This spending would bring the project's spending to %(total)s, more than its "
                "total budget of %(budget)s. It was not recorded."
            )
            % {"total": vnd_text(project_total), "budget": vnd_text(project.budget_vnd)},
            code="project_overspent",
        )
    line_total = line_spent_vnd(line) + amount_vnd
    overspent = line_total > line.amount_vnd
    if overspent and not overspend_reason.strip():
        raise ValidationError(
            _(
                "This spending would bring line %(code)s to %(total)s, over its budget of "
                "%(budget)s by %(over)s. Give the reason for going over the line to record it."
            )
            % {
                "code": line.code,
                "total": vnd_text(line_total),
                "budget": vnd_text(line.amount_vnd),
                "over": vnd_text(line_total - line.amount_vnd),
            },
            code="line_overspent",
        )
    spending = Spending(
        budget_line=line,
        spent_on=spent_on,
        amount_vnd=amount_vnd,
        description=description,
        evidence_text=evidence_text.strip(),
        overspend_reason=overspend_reason.strip() if overspent else "",
        created_by=acting_user,
    )
    if evidence_file is not None:
        spending.evidence_file.save(evidence_file.name or "evidence", evidence_file, save=False)
    _clean(spending, exclude=["created_by", "evidence_file"])
    spending.save()
    _audit(
        action=AuditAction.CREATE,
        target=spending,
        acting_user=acting_user,
        organisation=project.implementing_organisation,
        request=request,
        summary=f"project #{project.pk}" + (" overspend of the line" if overspent else ""),
    )
    return spending


# --- results framework ------------------------------------------------------------------------


@transaction.atomic
def goal_add(
    *,
    project: Project,
    code: str,
    name: str,
    acting_user: Any,
    name_en: str = "",
    request: HttpRequest | None = None,
) -> Goal:
    goal = Goal(project=project, code=code.strip(), name=name, name_en=name_en)
    _create(goal, project=project, acting_user=acting_user, request=request)
    return goal


@transaction.atomic
def outcome_add(
    *,
    goal: Goal,
    code: str,
    name: str,
    acting_user: Any,
    name_en: str = "",
    request: HttpRequest | None = None,
) -> Outcome:
    outcome = Outcome(goal=goal, code=code.strip(), name=name, name_en=name_en)
    _create(outcome, project=goal.project, acting_user=acting_user, request=request)
    return outcome


@transaction.atomic
def output_add(
    *,
    outcome: Outcome,
    code: str,
    name: str,
    acting_user: Any,
    name_en: str = "",
    request: HttpRequest | None = None,
) -> Output:
    output = Output(outcome=outcome, code=code.strip(), name=name, name_en=name_en)
    _create(output, project=outcome.goal.project, acting_user=acting_user, request=request)
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
    acting_user: Any,
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
    request: HttpRequest | None = None,
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
    _create(indicator, project=project, acting_user=acting_user, request=request)
    indicator_changed(indicator_id=indicator.pk)
    return indicator


@transaction.atomic
def indicator_update(
    *,
    indicator: Indicator,
    expected_version: int,
    acting_user: Any,
    request: HttpRequest | None = None,
    **changes: Any,
) -> Indicator:
    merged = {
        name: changes.get(name, getattr(indicator, name))
        for name in ("source", "computed_definition", "disaggregations", "aggregation")
    }
    _check_indicator(**merged)
    result: Indicator = _update(
        indicator,
        expected_version=expected_version,
        changes=changes,
        project=indicator.project,
        acting_user=acting_user,
        request=request,
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
    acting_user: Any,
    request: HttpRequest | None = None,
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
    _create(target, project=indicator.project, acting_user=acting_user, request=request)
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
    acting_user: Any,
    disaggregation: Mapping[str, str] | None = None,
    evidence_file: UploadedFile | None = None,
    request: HttpRequest | None = None,
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
        entered_by=acting_user,
    )
    if evidence_file is not None:
        manual.evidence_file.save(evidence_file.name or "evidence", evidence_file, save=False)
    _create(
        manual,
        project=indicator.project,
        acting_user=acting_user,
        request=request,
        exclude=["entered_by", "evidence_file"],
    )
    records_changed(project_ids=[indicator.project_id])
    return manual


# --- trainings --------------------------------------------------------------------------------


@transaction.atomic
def training_add(
    *,
    project: Project,
    title: str,
    level: str,
    start_on: datetime.date,
    end_on: datetime.date,
    acting_user: Any,
    kind: str = "training",
    topic: str = "",
    province: Province | None = None,
    commune: Any = None,
    place: str = "",
    request: HttpRequest | None = None,
) -> Training:
    _check_dates(start_on, end_on)
    if commune is not None:
        province = commune.province
    training = Training(
        project=project,
        kind=kind,
        title=title,
        topic=topic,
        level=level,
        province=province,
        commune=commune,
        place=place,
        start_on=start_on,
        end_on=end_on,
        created_by=acting_user,
    )
    _create(training, project=project, acting_user=acting_user, request=request,
            exclude=["created_by"])  # fmt: skip
    records_changed(project_ids=[project.pk])
    return training


@transaction.atomic
def session_add(
    *,
    training: Training,
    held_on: datetime.date,
    title: str,
    acting_user: Any,
    hours: Decimal | None = None,
    request: HttpRequest | None = None,
) -> TrainingSession:
    if not training.start_on <= held_on <= training.end_on:
        raise ValidationError(_("A session must fall within the dates of its training."))
    session = TrainingSession(training=training, held_on=held_on, title=title, hours=hours)
    _create(session, project=training.project, acting_user=acting_user, request=request)
    return session


def trainee_index(full_name: str, birth_year: int | None) -> str:
    """Blind index of a trainee's folded name and birth year, to find them again."""
    return blind_index(f"{fold_name(full_name)}|{birth_year or ''}", purpose=TRAINEE_INDEX_PURPOSE)


def trainee_find(
    *, holder: Organisation, full_name: str, birth_year: int | None
) -> Participant | None:
    index = trainee_index(full_name, birth_year)
    return Participant.objects.filter(holder=holder, name_index=index).first()


@transaction.atomic
def participant_enrol(
    *,
    training: Training,
    full_name: str,
    sex: str,
    role: str,
    sector: str,
    acting_user: Any,
    birth_year: int | None = None,
    organisation: Organisation | None = None,
    organisation_name: str = "",
    province: Province | None = None,
    area_type: str = "",
    request: HttpRequest | None = None,
) -> TrainingParticipation:
    """Enrol a trainee in a training. Someone the organisation already trained (same name and
    year of birth) is the same trainee, so they count once across trainings."""
    project = training.project
    holder = project.implementing_organisation
    name = nfc(full_name).strip()
    if not name:
        raise ValidationError(_("Enter the trainee's full name."))
    participant = trainee_find(holder=holder, full_name=name, birth_year=birth_year)
    if participant is None:
        participant = Participant(
            holder=holder,
            full_name=name,
            name_index=trainee_index(name, birth_year),
            sex=sex,
            birth_year=birth_year,
            organisation=organisation,
            organisation_name=organisation_name,
            role=role,
            sector=sector,
            province=province,
            area_type=area_type,
        )
        _create(participant, project=project, acting_user=acting_user, request=request,
                exclude=["person"])  # fmt: skip
    if TrainingParticipation.objects.filter(training=training, participant=participant).exists():
        raise ValidationError(_("This person is already a participant of the training."))
    participation = TrainingParticipation(training=training, participant=participant)
    _create(participation, project=project, acting_user=acting_user, request=request)
    records_changed(project_ids=[project.pk], participant_ids=[participant.pk])
    return participation


@transaction.atomic
def participation_update(
    *,
    participation: TrainingParticipation,
    expected_version: int,
    sessions_attended: Iterable[TrainingSession],
    pre_score: Decimal | None,
    post_score: Decimal | None,
    acting_user: Any,
    request: HttpRequest | None = None,
) -> TrainingParticipation:
    sessions = list(sessions_attended)
    if any(session.training_id != participation.training_id for session in sessions):
        raise ValidationError(_("Choose sessions of this training."))
    for score in (pre_score, post_score):
        if score is not None and not Decimal(0) <= score <= Decimal(100):
            raise ValidationError(_("Scores go from 0 to 100."))
    _check_version(participation, expected_version)
    participation.sessions_attended.set(sessions)
    participation.pre_score = pre_score
    participation.post_score = post_score
    participation.version += 1
    participation.save()
    _audit(
        action=AuditAction.UPDATE,
        target=participation,
        acting_user=acting_user,
        organisation=participation.training.project.implementing_organisation,
        request=request,
        summary=f"project #{participation.training.project_id}",
        changed_fields=["sessions_attended", "pre_score", "post_score"],
    )
    return participation


@transaction.atomic
def certificate_issue(
    *,
    participation: TrainingParticipation,
    acting_user: Any,
    request: HttpRequest | None = None,
) -> TrainingParticipation:
    """Issue (once) the certificate of a participant who attended at least one session, and
    record every download of it as a disclosure."""
    if not participation.certificate_issued:
        if not participation.sessions_attended.exists():
            raise ValidationError(
                _("Record the sessions the person attended before issuing a certificate.")
            )
        training = participation.training
        participation.certificate_issued = True
        participation.certificate_issued_on = timezone.localdate()
        participation.certificate_number = (
            f"{training.project.code}-{training.pk:04d}-{participation.pk:05d}"
        )
        participation.version += 1
        participation.save()
    _audit(
        action=AuditAction.EXPORT,
        target=participation,
        acting_user=acting_user,
        organisation=participation.training.project.implementing_organisation,
        request=request,
        summary="training certificate PDF",
    )
    return participation


# --- communication, organisations supported, publications -------------------------------------


@transaction.atomic
def communication_record(
    *,
    project: Project,
    kind: str,
    title: str,
    held_on: datetime.date,
    acting_user: Any,
    audience: Mapping[tuple[str, str], int] | None = None,
    audience_total: int | None = None,
    end_on: datetime.date | None = None,
    province: Province | None = None,
    place: str = "",
    url: str = "",
    views: int | None = None,
    engagement: int | None = None,
    request: HttpRequest | None = None,
) -> CommunicationActivity:
    """Record a communication activity. The audience may be broken down by (sex, age group);
    the total is then their sum, and a different total given is refused."""
    _check_dates(held_on, end_on)
    cells = {key: count for key, count in (audience or {}).items() if count}
    counted = sum(cells.values())
    if cells and audience_total is not None and audience_total != counted:
        raise ValidationError(
            _(
                "The audience by sex and age group adds up to %(counted)s, not the total of "
                "%(total)s given."
            )
            % {"counted": counted, "total": audience_total}
        )
    activity = CommunicationActivity(
        project=project,
        kind=kind,
        title=title,
        held_on=held_on,
        end_on=end_on,
        province=province,
        place=place,
        url=url,
        audience_total=counted if cells else (audience_total or 0),
        views=views,
        engagement=engagement,
        created_by=acting_user,
    )
    _create(activity, project=project, acting_user=acting_user, request=request,
            exclude=["created_by"])  # fmt: skip
    AudienceCount.objects.bulk_create(
        [
            AudienceCount(activity=activity, sex=sex, age_group=age_group, count=count)
            for (sex, age_group), count in cells.items()
        ]
    )
    records_changed(project_ids=[project.pk])
    return activity


def organisation_name_key(name: str) -> str:
    return " ".join(fold(name).split())


@transaction.atomic
def supported_organisation_add(
    *,
    project: Project,
    support_kind: str,
    supported_on: datetime.date,
    acting_user: Any,
    organisation: Organisation | None = None,
    organisation_name: str = "",
    province: Province | None = None,
    training: Training | None = None,
    note: str = "",
    request: HttpRequest | None = None,
) -> SupportedOrganisation:
    if organisation is None and not organisation_name.strip():
        raise ValidationError(_("Choose the organisation or write its name."))
    if training is not None and training.project_id != project.pk:
        raise ValidationError(_("Choose a training of this project."))
    row = SupportedOrganisation(
        project=project,
        organisation=organisation,
        organisation_name=organisation_name.strip() if organisation is None else "",
        name_key=organisation_name_key(organisation_name) if organisation is None else "",
        support_kind=support_kind,
        supported_on=supported_on,
        province=province,
        training=training,
        note=note,
    )
    _create(row, project=project, acting_user=acting_user, request=request)
    records_changed(project_ids=[project.pk])
    return row


@transaction.atomic
def publication_add(
    *,
    project: Project,
    title: str,
    kind: str,
    published_on: datetime.date,
    acting_user: Any,
    url: str = "",
    file: UploadedFile | None = None,
    request: HttpRequest | None = None,
) -> Publication:
    publication = Publication(
        project=project,
        title=title,
        kind=kind,
        published_on=published_on,
        url=url,
        created_by=acting_user,
    )
    if file is not None:
        publication.file.save(file.name or "publication", file, save=False)
    _create(publication, project=project, acting_user=acting_user, request=request,
            exclude=["created_by", "file"])  # fmt: skip
    return publication


@transaction.atomic
def evidence_download_record(
    *, record: models.Model, project: Project, acting_user: Any, request: HttpRequest | None
) -> None:
    _audit(
        action=AuditAction.EXPORT,
        target=record,
        acting_user=acting_user,
        organisation=project.implementing_organisation,
        request=request,
        summary="file download",
    )
