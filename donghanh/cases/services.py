"""Changes to cases: opening, editing intake, screening and identification, the team, the
restriction to named users, closure (requested, then approved or declined) and reopening.

Every function runs in one transaction with its audit row. Audit rows name records by type
and id and list changed fields by name, never a value or a person's name. The caller has
checked permissions through `selectors.access_case`; rules about the case itself (a closed
case is not edited, a closure needs a request first) are checked here and refused with a
`ValidationError` for the user.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from enum import Enum
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from donghanh.audit.services import AuditItem, audit_record, audit_record_many
from donghanh.cases.events import CaseEvent
from donghanh.cases.models import (
    Case,
    CaseAssignment,
    CaseNumberSequence,
    CaseRestriction,
    CaseStatus,
    CaseStatusChange,
    CaseType,
    ClosureReason,
    IdentificationStatus,
    IntakeChannel,
    ReintegrationOutcome,
)
from donghanh.cases.registry import unfinished_work
from donghanh.cases.selectors import (
    CASE_EDITS,
    CASE_FIELDS,
    CaseAccess,
    access_case,
    assignable_members,
    case_number_prefix,
    legal_regime_for,
    nameable_members,
)
from donghanh.core.actor import Actor
from donghanh.core.bulk import BULK_SIZE, ItemsRefusedError
from donghanh.core.idempotency import once
from donghanh.core.records import people_changed
from donghanh.core.text import nfc
from donghanh.jobs.models import Job
from donghanh.jobs.services import job_start
from donghanh.organisations.models import Organisation, Team
from donghanh.organisations.roles import Perm
from donghanh.people.models import Person
from donghanh.reference.codelists import (
    CONTROL_MEANS,
    COUNTRIES,
    EXPLOITATION_TYPES,
    ILO_INDICATORS,
    RELATIONS_TO_TRAFFICKER,
    IloAnswer,
)

_TEXT_FIELDS = frozenset(
    {"intake_note", "recruiter_details", "journey_details", "screening_note", "identifying_agency"}
)
# Multiple-choice fields are stored in the order of their code list, each code once.
_ORDERED_LISTS = {
    "transit_countries": COUNTRIES,
    "exploitation_types": EXPLOITATION_TYPES,
    "control_means": CONTROL_MEANS,
}


def _clean_text(value: str | None) -> str:
    return nfc(value or "").strip()


def _in_list_order(values: Iterable[str], name: str) -> list[str]:
    order = {code: position for position, code in enumerate(_ORDERED_LISTS[name].values)}
    return sorted(dict.fromkeys(values), key=lambda code: order.get(code, len(order)))


# --- Case numbers -------------------------------------------------------------------------


def _next_case_number(organisation: Organisation, year: int) -> str:
    return _next_case_numbers(organisation, year, 1)[0]


def _next_case_numbers(organisation: Organisation, year: int, count: int) -> list[str]:
    """The organisation's next `count` case numbers of `year`, in order (the year's sequence
    stays locked until the transaction ends)."""
    sequence, _created = CaseNumberSequence.objects.get_or_create(
        organisation=organisation, year=year
    )
    sequence = CaseNumberSequence.objects.select_for_update().get(pk=sequence.pk)
    first = sequence.last_value + 1
    sequence.last_value += count
    sequence.save(update_fields=["last_value"])
    prefix = case_number_prefix(organisation)
    return [f"{prefix}-{year}-{value:04d}" for value in range(first, first + count)]


# --- Validation ---------------------------------------------------------------------------


def _validate_case(case: Case) -> None:
    """The rules a case's data must meet, whichever page changed it."""
    errors: dict[str, list[Any]] = {}

    def refuse(field: str, message: str) -> None:
        errors.setdefault(field, []).append(message)

    today = timezone.localdate()
    if case.case_type not in CaseType.values:
        refuse("case_type", _("Choose the case type."))
    if case.intake_channel not in IntakeChannel.values:
        refuse("intake_channel", _("Choose how the case came in."))
    for name in ("intake_date", "departure_date", "return_date", "screened_on", "identified_on"):
        value = getattr(case, name)
        if value is not None and value > today:
            refuse(name, _("This date cannot be in the future."))
    if case.departure_date and case.return_date and case.return_date < case.departure_date:
        refuse("return_date", _("The return date must be on or after the departure date."))
    countries = [*case.transit_countries, case.destination_country]
    if any(code and code not in COUNTRIES for code in countries):
        refuse("transit_countries", _("Choose countries from the list."))
    if case.recruiter_relation and case.recruiter_relation not in RELATIONS_TO_TRAFFICKER:
        refuse("recruiter_relation", _("Choose the relation from the list."))
    if any(code not in EXPLOITATION_TYPES for code in case.exploitation_types):
        refuse("exploitation_types", _("Choose types of exploitation from the list."))
    if any(code not in CONTROL_MEANS for code in case.control_means):
        refuse("control_means", _("Choose means of control from the list."))
    if any(
        code not in ILO_INDICATORS or answer not in IloAnswer.VALUES
        for code, answer in case.ilo_indicators.items()
    ):
        refuse("ilo_indicators", _("Answer the screening questions with yes, no or not known."))
    if case.identification_status not in IdentificationStatus.values:
        refuse("identification_status", _("Choose the identification status."))
    decided = case.identification_status in (
        IdentificationStatus.IDENTIFIED_VICTIM,
        IdentificationStatus.NOT_A_VICTIM,
    )
    if decided and case.identified_on is None:
        refuse(
            "identified_on",
            _("Enter the date of the identification decision: the legal regime follows from it."),
        )
    if not decided and case.identified_on is not None:
        refuse(
            "identified_on",
            _("An identification date is only recorded once a decision has been made."),
        )
    if case.identified_on and case.return_date and case.identified_on < case.return_date:
        refuse(
            "identified_on",
            _(
                "The identification decision is dated before the person's return on %(day)s: "
                "check both dates."
            )
            % {"day": date_format(case.return_date, "SHORT_DATE_FORMAT")},
        )
    if decided and not (case.identifying_organisation_id or case.identifying_agency):
        refuse("identifying_agency", _("Name the agency that decided."))
    if errors:
        raise ValidationError(errors)


# --- Opening, viewing, editing ------------------------------------------------------------


@transaction.atomic
def case_open(
    *,
    person: Person,
    case_type: str,
    intake_channel: str,
    intake_date: datetime.date,
    is_abroad: bool = False,
    intake_note: str = "",
    team: Team | None = None,
    actor: Actor,
    idempotency_key: str = "",
) -> Case:
    """Open a case for a person of the organisation; the user who opens it works on it, and
    the members of `team` (if given) see it too.

    The form's `idempotency_key` makes it open one case however often the form is sent (a
    double click, a retry after a lost answer): a repeat gets the case the first one opened.
    """
    case, _first = once(
        actor=actor,
        scope=f"cases.case_open:{person.pk}",
        key=idempotency_key,
        create=lambda: _case_create(
            person=person,
            case_type=case_type,
            intake_channel=intake_channel,
            intake_date=intake_date,
            is_abroad=is_abroad,
            intake_note=intake_note,
            team=team,
            actor=actor,
        ),
    )
    return case


def _new_case(
    *,
    person: Person,
    case_type: str,
    intake_channel: str,
    intake_date: datetime.date,
    is_abroad: bool,
    intake_note: str,
    team: Team | None,
    actor: Actor,
) -> Case:
    """A case as opened, checked and with its legal regime, without its number, not saved."""
    case = Case(
        organisation=person.organisation,
        person=person,
        case_type=case_type,
        intake_channel=intake_channel,
        intake_date=intake_date,
        is_abroad=is_abroad,
        intake_note=_clean_text(intake_note),
        identification_status=(
            IdentificationStatus.UNDERGOING
            if case_type == CaseType.UNDERGOING_IDENTIFICATION
            else IdentificationStatus.NOT_IDENTIFIED
        ),
        opened_on=timezone.localdate(),
        created_by_id=actor.user_id,
        team=team,
    )
    _validate_case(case)
    case.legal_regime = legal_regime_for(identified_on=None, intake_date=intake_date)
    return case


def _opened_audit(case: Case) -> AuditItem:
    return AuditItem(
        target=case,
        changed_fields=[
            *(name for name in CASE_FIELDS if CASE_EDITS.value(case, name)),
            *(["team"] if case.team_id else []),
        ],
        details={"person": case.person_id},
    )


def _case_create(
    *,
    person: Person,
    case_type: str,
    intake_channel: str,
    intake_date: datetime.date,
    is_abroad: bool,
    intake_note: str,
    team: Team | None,
    actor: Actor,
) -> Case:
    organisation = person.organisation
    _check_team(organisation.pk, team)
    case = _new_case(
        person=person,
        case_type=case_type,
        intake_channel=intake_channel,
        intake_date=intake_date,
        is_abroad=is_abroad,
        intake_note=intake_note,
        team=team,
        actor=actor,
    )
    case.number = _next_case_number(organisation, case.opened_on.year)
    case.save()
    if actor.user_id is not None:
        CaseAssignment.objects.create(
            case=case, user_id=actor.user_id, assigned_by_id=actor.user_id
        )
    CaseStatusChange.objects.create(
        case=case, kind=CaseStatusChange.Kind.OPENED, to_status=case.status, by_id=actor.user_id
    )
    item = _opened_audit(case)
    audit_record(
        event=CaseEvent.OPENED,
        actor=actor.within(organisation),
        target=case,
        changed_fields=item.changed_fields,
        details=item.details,
    )
    return case


@dataclass
class _Opening:
    """One case of `cases_open_many` and the steps of its life to record."""

    case: Case
    opened: AuditItem
    changed: list[str]
    closure: tuple[str, str] | None


def _opening(*, actor: Actor, details: Mapping[str, Any]) -> _Opening:
    fields = dict(details)
    screening = fields.pop("screening", None) or {}
    closure = fields.pop("closure", None)
    unknown = set(screening) - set(CASE_FIELDS)
    if unknown:
        raise TypeError(f"not editable case fields: {sorted(unknown)}")
    case = _new_case(
        actor=actor,
        intake_note=fields.pop("intake_note", ""),
        is_abroad=fields.pop("is_abroad", False),
        team=None,
        **fields,
    )
    opened = _opened_audit(case)
    changed = _apply_changes(case, screening)
    if closure is not None:
        reason, outcome = closure
        if reason not in ClosureReason.values:
            raise ValidationError({"reason": _("Choose why the case is being closed.")})
        if outcome not in ReintegrationOutcome.values:
            raise ValidationError({"reintegration_outcome": _("Choose the reintegration outcome.")})
    return _Opening(case=case, opened=opened, changed=changed, closure=closure)


@transaction.atomic
def cases_open_many(
    *, actor: Actor, organisation: Organisation, cases: Sequence[Mapping[str, Any]]
) -> list[Case]:
    """Open many cases at once (an import), in a few statements, each as `case_open` would,
    then `case_update` with its `screening` changes, then, with a `closure` (reason,
    reintegration outcome), `case_closure_request` and its approval by the actor (who the
    caller made sure may approve closures): the same numbers in order, status history,
    assignment of the actor, audit rows and versions.

    Each mapping has `case_open`'s arguments (`person` of `organisation`; no team) and
    optionally `screening` and `closure`. Every case is checked first: `ItemsRefusedError`
    names those refused, and nothing is written."""
    openings: list[_Opening] = []
    refused: dict[int, ValidationError] = {}
    for position, details in enumerate(cases):
        if details["person"].organisation_id != organisation.pk:
            raise ValueError("every person must be of the organisation named")
        try:
            openings.append(_opening(actor=actor, details=details))
        except ValidationError as error:
            refused[position] = error
    if refused:
        raise ItemsRefusedError(refused)
    if not openings:
        return []
    # A new case has no work open on it: its closure waits for nothing (`unfinished_work`).
    today = timezone.localdate()
    numbers = _next_case_numbers(organisation, today.year, len(openings))
    for opening, number in zip(openings, numbers, strict=True):
        case = opening.case
        case.number = number
        case.version += bool(opening.changed)
        if opening.closure is not None:
            case.closure_reason, case.reintegration_outcome = opening.closure
            case.closed_on = today
            case.status = CaseStatus.CLOSED
            case.version += 2
    built = [opening.case for opening in openings]
    Case.objects.bulk_create(built, batch_size=BULK_SIZE)
    if actor.user_id is not None:
        CaseAssignment.objects.bulk_create(
            [
                CaseAssignment(case=case, user_id=actor.user_id, assigned_by_id=actor.user_id)
                for case in built
            ],
            batch_size=BULK_SIZE,
        )
    steps: list[CaseStatusChange] = []
    requested: list[AuditItem] = []
    approved: list[AuditItem] = []
    changed_items: list[AuditItem] = []
    for opening in openings:
        case = opening.case
        steps.append(
            CaseStatusChange(
                case=case,
                kind=CaseStatusChange.Kind.OPENED,
                to_status=CaseStatus.OPEN,
                by_id=actor.user_id,
            )
        )
        if opening.changed:
            changed_items.append(
                AuditItem(target=case, changed_fields=opening.changed, details={"version": 2})
            )
        if opening.closure is not None:
            reason, outcome = opening.closure
            for kind, before, after, fields, audit in (
                (
                    CaseStatusChange.Kind.CLOSURE_REQUESTED,
                    CaseStatus.OPEN,
                    CaseStatus.CLOSURE_REQUESTED,
                    ["closure_reason", "reintegration_outcome"],
                    requested,
                ),
                (
                    CaseStatusChange.Kind.CLOSURE_APPROVED,
                    CaseStatus.CLOSURE_REQUESTED,
                    CaseStatus.CLOSED,
                    ["closed_on"],
                    approved,
                ),
            ):
                steps.append(
                    CaseStatusChange(
                        case=case,
                        kind=kind,
                        from_status=before,
                        to_status=after,
                        closure_reason=reason,
                        reintegration_outcome=outcome,
                        by_id=actor.user_id,
                    )
                )
                audit.append(
                    AuditItem(
                        target=case,
                        changed_fields=["status", *fields],
                        details={"from_status": before, "to_status": after},
                    )
                )
    CaseStatusChange.objects.bulk_create(steps, batch_size=BULK_SIZE)
    within = actor.within(organisation)
    audit_record_many(
        event=CaseEvent.OPENED, actor=within, items=[opening.opened for opening in openings]
    )
    audit_record_many(event=CaseEvent.CHANGED, actor=within, items=changed_items)
    audit_record_many(event=CaseEvent.CLOSURE_REQUESTED, actor=within, items=requested)
    audit_record_many(event=CaseEvent.CLOSURE_APPROVED, actor=within, items=approved)
    # The figures hear of the screening as `case_update` tells them: per set of fields changed.
    by_fields: dict[tuple[str, ...], list[int]] = {}
    for opening in openings:
        if opening.changed:
            by_fields.setdefault(tuple(opening.changed), []).append(opening.case.person_id)
    for changed, person_ids in by_fields.items():
        people_changed(person_ids=person_ids, case_fields=changed)
    return built


@transaction.atomic
def case_access_audited(*, actor: Actor, org_slug: str, case_id: int, perm: Perm) -> CaseAccess:
    """`access_case` for the actor's user, then the VIEW audit row (every opening is audited):
    how every page or endpoint opens a case."""
    access = access_case(actor.user, org_slug, case_id, perm)
    audit_record(
        event=CaseEvent.VIEWED, actor=actor.within(access.case.organisation), target=access.case
    )
    return access


@transaction.atomic
def case_search_record(*, organisation: Organisation, result_count: int, actor: Actor) -> None:
    """Record that the user searched cases (how many matched, never what was searched)."""
    audit_record(
        event=CaseEvent.SEARCHED,
        actor=actor.within(organisation),
        details={"count": result_count},
    )


# The caseload's filters by the names of the page's form (`caseload()` names some otherwise);
# "q" is typed text: the audit row says only that it was used.
_FILTER_NAMES = {"query": "q", "worker_id": "worker", "team_id": "team"}


def _filter_codes(filters: Mapping[str, Any]) -> dict[str, Any]:
    """The filters in use as codes and ids (`True` for typed text, never the text itself)."""
    codes: dict[str, Any] = {}
    for given_name, value in filters.items():
        name = _FILTER_NAMES.get(given_name, given_name)
        if value in (None, "", False):
            continue
        if name == "q":
            codes[name] = True
        elif isinstance(value, bool | int):
            codes[name] = value
        else:
            codes[name] = str(getattr(value, "pk", value))
    return dict(sorted(codes.items()))


@transaction.atomic
def case_list_record(
    *,
    organisation: Organisation,
    filters: Mapping[str, Any],
    shown: int,
    total: int,
    page: int,
    actor: Actor,
) -> None:
    """Record one read of the caseload (the page or the API): the filters in use as codes, the
    page, how many cases it showed and how many matched; never the words searched for."""
    codes = _filter_codes(filters)
    audit_record(
        event=CaseEvent.SEARCHED if "q" in codes else CaseEvent.LISTED,
        actor=actor.within(organisation),
        details={"count": total, "shown": shown, "page": page, "filters": codes},
    )


# The services of every app that records on a case call it inside their own transaction.
# houselint: pure -- a check that refuses a change to a closed case and writes nothing
def ensure_case_not_closed(case: Case) -> None:
    """Refuse a change to a closed case: it is reopened first (for later parts too)."""
    if case.status == CaseStatus.CLOSED:
        raise ValidationError(
            _("This case is closed. Reopen it before changing it."), code="case_closed"
        )


# What a case "undergoing identification" becomes once the identification is decided: a victim
# identified is a trafficking victim; a person found not to be one is an at-risk or returned
# migrant (the case worker may choose another type on the intake page).
_TYPE_AFTER_IDENTIFICATION = {
    IdentificationStatus.IDENTIFIED_VICTIM: CaseType.TRAFFICKING_VICTIM,
    IdentificationStatus.NOT_A_VICTIM: CaseType.MIGRANT_AT_RISK,
}


def _case_type_after_identification(case: Case) -> str | None:
    """The case type that follows from a concluded identification, when the case still reads
    "undergoing identification"; None when it stays as it is."""
    if case.case_type != CaseType.UNDERGOING_IDENTIFICATION:
        return None
    concluded = _TYPE_AFTER_IDENTIFICATION.get(case.identification_status)  # type: ignore[call-overload]
    return concluded.value if concluded is not None else None


def _apply_changes(case: Case, changes: Mapping[str, Any]) -> list[str]:
    """Make `changes` to the case in memory, with what follows from them (the case type of a
    concluded identification, the legal regime), checked; the fields changed, in order."""
    changed: list[str] = []
    for name, value in changes.items():
        if name in _TEXT_FIELDS:
            value = _clean_text(value)
        elif name in _ORDERED_LISTS:
            value = _in_list_order(value or [], name)
        elif name == "ilo_indicators":
            value = dict(value or {})
        new = value.pk if hasattr(value, "pk") else value
        if CASE_EDITS.value(case, name) != new:
            setattr(case, name, value)
            changed.append(name)
    if not changed:
        return changed
    concluded = _case_type_after_identification(case)
    if concluded and "case_type" not in changes:
        case.case_type = concluded
        changed.append("case_type")
    _validate_case(case)
    regime = legal_regime_for(identified_on=case.identified_on, intake_date=case.intake_date)
    if regime != case.legal_regime:
        case.legal_regime = regime
        changed.append("legal_regime")
    return changed


@transaction.atomic
def case_update(
    *,
    case: Case,
    expected_version: int,
    baseline: Mapping[str, str],
    actor: Actor,
    **changes: Any,
) -> Case:
    """Apply `changes` (intake, screening, identification fields) unless the case changed since
    `expected_version`; `baseline` holds `CASE_EDITS.fingerprints` of the version the user edited,
    so a refusal names the fields the other save changed. The legal regime is recomputed
    from the dates. Nothing changes, and no version is used up, when nothing differs.
    """
    unknown = set(changes) - set(CASE_FIELDS)
    if unknown:
        raise TypeError(f"not editable case fields: {sorted(unknown)}")
    current = (
        Case.objects.select_for_update(of=("self",))
        .select_related("person", "organisation")
        .get(pk=case.pk)
    )
    CASE_EDITS.check(current, expected_version=expected_version, baseline=baseline)
    ensure_case_not_closed(current)
    changed = _apply_changes(current, changes)
    if not changed:
        return current
    update_fields = [*changed, "version", "updated_at"]
    current.version += 1
    current.save(update_fields=update_fields)
    people_changed(person_ids=[current.person_id], case_fields=changed)
    audit_record(
        event=CaseEvent.CHANGED,
        actor=actor.within(current.organisation),
        target=current,
        changed_fields=changed,
        details={"version": current.version},
    )
    return current


# --- Team and restriction -----------------------------------------------------------------


def _users_by_id(users: Iterable[Any]) -> dict[int, Any]:
    return {user.pk: user for user in users}


class _Keep(Enum):
    TEAM = "keep the team"


KEEP_TEAM = _Keep.TEAM


def _check_team(
    organisation_id: int, team: Team | None, current_team_id: int | None = None
) -> None:
    """A case goes only to an active team of its own organisation (or stays with its own)."""
    if team is None:
        return
    if team.organisation_id != organisation_id or not (
        team.is_active or team.pk == current_team_id
    ):
        raise ValidationError(
            {"team": _("Choose an active team of the organisation.")}, code="not_a_team"
        )


@transaction.atomic
def case_assign(
    *,
    case: Case,
    workers: Iterable[Any],
    team: Team | _Keep | None = KEEP_TEAM,
    actor: Actor,
) -> Case:
    """Make `workers` the people working on the case: those added see the case, those removed
    no longer do. `team` (unless kept) gives the case to a team, whose members see it too,
    or to none."""
    wanted = _users_by_id(workers)
    if not wanted:
        raise ValidationError(_("Assign at least one person to the case."), code="no_worker")
    allowed = set(assignable_members(case.organisation_id).values_list("user_id", flat=True))
    if not set(wanted) <= allowed:
        raise ValidationError(
            _(
                "Only active supervisors, case workers and collaborators of the organisation can "
                "be assigned."
            ),
            code="not_assignable",
        )
    locked = Case.objects.select_for_update(of=("self",)).get(pk=case.pk)  # one at a time
    new_team = locked.team if isinstance(team, _Keep) else team
    team_changed = locked.team_id != (new_team.pk if new_team else None)
    if team_changed:
        _check_team(case.organisation_id, new_team, locked.team_id)
    current = set(CaseAssignment.objects.filter(case=case).values_list("user_id", flat=True))
    added = set(wanted) - current
    removed = current - set(wanted)
    if not added and not removed and not team_changed:
        return case
    changed_fields = ["workers"] if added or removed else []
    if team_changed:
        locked.team = case.team = new_team
        locked.save(update_fields=["team", "updated_at"])
        changed_fields.append("team")
    CaseAssignment.objects.filter(case=case, user_id__in=removed).delete()
    CaseAssignment.objects.bulk_create(
        [
            CaseAssignment(case=case, user=wanted[user_id], assigned_by_id=actor.user_id)
            for user_id in sorted(added)
        ]
    )
    details: dict[str, Any] = {"added": sorted(added), "removed": sorted(removed)}
    if team_changed:
        details["team"] = locked.team_id
    audit_record(
        event=CaseEvent.TEAM_CHANGED if team_changed else CaseEvent.WORKERS_CHANGED,
        actor=actor.within(case.organisation),
        target=case,
        changed_fields=changed_fields,
        details=details,
    )
    return case


@transaction.atomic
def case_restrict(
    *,
    case: Case,
    named_users: Iterable[Any],
    actor: Actor,
) -> Case:
    """Restrict the case to `named_users`, or lift the restriction when none is named.

    Only the named users see a restricted case, supervisors included. The user restricting
    it must name themselves, so that the case never becomes invisible to everyone able to
    manage it.
    """
    wanted = _users_by_id(named_users)
    if wanted and actor.user_id not in wanted:
        raise ValidationError(
            _("Name yourself too: only the named users will see this case."),
            code="restrict_self",
        )
    allowed = set(nameable_members(case.organisation_id).values_list("user_id", flat=True))
    if not set(wanted) <= allowed:
        raise ValidationError(
            _("Only active members of the organisation who work on cases can be named."),
            code="not_nameable",
        )
    current_case = Case.objects.select_for_update(of=("self",)).get(pk=case.pk)
    current = set(CaseRestriction.objects.filter(case=case).values_list("user_id", flat=True))
    if current == set(wanted) and current_case.is_restricted == bool(wanted):
        return current_case
    CaseRestriction.objects.filter(case=case).exclude(user_id__in=list(wanted)).delete()
    CaseRestriction.objects.bulk_create(
        [
            CaseRestriction(case=case, user=wanted[user_id], added_by_id=actor.user_id)
            for user_id in sorted(set(wanted) - current)
        ]
    )
    current_case.is_restricted = bool(wanted)
    current_case.save(update_fields=["is_restricted", "updated_at"])
    audit_record(
        event=CaseEvent.RESTRICTED if wanted else CaseEvent.RESTRICTION_LIFTED,
        actor=actor.within(case.organisation),
        target=case,
        changed_fields=["is_restricted", "named_users"],
        details={"count": len(wanted)} if wanted else {},
    )
    return current_case


# --- Closure and reopening ----------------------------------------------------------------


def _locked(case: Case) -> Case:
    return (
        Case.objects.select_for_update(of=("self",)).select_related("organisation").get(pk=case.pk)
    )


_STATUS_EVENTS: dict[str, CaseEvent] = {
    CaseStatusChange.Kind.CLOSURE_REQUESTED: CaseEvent.CLOSURE_REQUESTED,
    CaseStatusChange.Kind.CLOSURE_APPROVED: CaseEvent.CLOSURE_APPROVED,
    CaseStatusChange.Kind.CLOSURE_DECLINED: CaseEvent.CLOSURE_DECLINED,
    CaseStatusChange.Kind.REOPENED: CaseEvent.REOPENED,
}


def _change_status(
    case: Case,
    *,
    kind: str,
    to_status: str,
    actor: Actor,
    note: str = "",
    update_fields: list[str],
    closure_reason: str = "",
    reintegration_outcome: str = "",
) -> Case:
    from_status = case.status
    case.status = to_status
    case.version += 1
    case.save(update_fields=[*update_fields, "status", "version", "updated_at"])
    CaseStatusChange.objects.create(
        case=case,
        kind=kind,
        from_status=from_status,
        to_status=to_status,
        closure_reason=closure_reason,
        reintegration_outcome=reintegration_outcome,
        note=_clean_text(note),
        by_id=actor.user_id,
    )
    audit_record(
        event=_STATUS_EVENTS[kind],
        actor=actor.within(case.organisation),
        target=case,
        changed_fields=["status", *update_fields],
        details={"from_status": from_status, "to_status": to_status},
    )
    return case


def _refuse_unfinished_work(case: Case) -> None:
    """Refuse to close a case while work on it is open (a shelter stay, a follow-up, a
    referral): the person would stay in a bed nobody can discharge, a visit nobody makes."""
    unfinished = unfinished_work(case)
    if unfinished:
        raise ValidationError(
            [
                ValidationError(
                    _("The case cannot be closed yet. Finish its open work first:"),
                    code="unfinished_work",
                ),
                *(ValidationError(item, code="unfinished_work") for item in unfinished),
            ]
        )


@transaction.atomic
def case_closure_request(
    *,
    case: Case,
    reason: str,
    reintegration_outcome: str,
    note: str = "",
    actor: Actor,
) -> Case:
    """Ask a supervisor to close the case, with the reason and the reintegration outcome."""
    case = _locked(case)
    if case.status not in (CaseStatus.OPEN, CaseStatus.REOPENED):
        raise ValidationError(_("Closure can only be requested for an open case."), code="not_open")
    if reason not in ClosureReason.values:
        raise ValidationError({"reason": _("Choose why the case is being closed.")})
    if reintegration_outcome not in ReintegrationOutcome.values:
        raise ValidationError({"reintegration_outcome": _("Choose the reintegration outcome.")})
    _refuse_unfinished_work(case)
    case.closure_reason = reason
    case.reintegration_outcome = reintegration_outcome
    return _change_status(
        case,
        kind=CaseStatusChange.Kind.CLOSURE_REQUESTED,
        to_status=CaseStatus.CLOSURE_REQUESTED,
        actor=actor,
        note=note,
        update_fields=["closure_reason", "reintegration_outcome"],
        closure_reason=reason,
        reintegration_outcome=reintegration_outcome,
    )


@transaction.atomic
def case_closure_decide(
    *,
    case: Case,
    approve: bool,
    note: str = "",
    actor: Actor,
) -> Case:
    """A supervisor approves the requested closure (the case is closed) or declines it."""
    case = _locked(case)
    if case.status != CaseStatus.CLOSURE_REQUESTED:
        raise ValidationError(
            _("No closure of this case is waiting for a decision."), code="no_request"
        )
    if approve:
        _refuse_unfinished_work(case)
        case.closed_on = timezone.localdate()
        return _change_status(
            case,
            kind=CaseStatusChange.Kind.CLOSURE_APPROVED,
            to_status=CaseStatus.CLOSED,
            actor=actor,
            note=note,
            update_fields=["closed_on"],
            closure_reason=case.closure_reason,
            reintegration_outcome=case.reintegration_outcome,
        )
    if not _clean_text(note):
        raise ValidationError({"note": _("Say why the closure is declined.")})
    requested = (case.closure_reason, case.reintegration_outcome)
    case.closure_reason = case.reintegration_outcome = ""
    return _change_status(
        case,
        kind=CaseStatusChange.Kind.CLOSURE_DECLINED,
        to_status=CaseStatus.REOPENED if case.reopen_count else CaseStatus.OPEN,
        actor=actor,
        note=note,
        update_fields=["closure_reason", "reintegration_outcome"],
        closure_reason=requested[0],
        reintegration_outcome=requested[1],
    )


@transaction.atomic
def case_reopen(
    *,
    case: Case,
    note: str,
    actor: Actor,
) -> Case:
    """Reopen a closed case, saying why; its closure stays in the case's history."""
    case = _locked(case)
    if case.status != CaseStatus.CLOSED:
        raise ValidationError(_("Only a closed case can be reopened."), code="not_closed")
    if not _clean_text(note):
        raise ValidationError({"note": _("Say why the case is reopened.")})
    case.reopen_count += 1
    case.closed_on = None
    case.closure_reason = ""
    case.reintegration_outcome = ""
    return _change_status(
        case,
        kind=CaseStatusChange.Kind.REOPENED,
        to_status=CaseStatus.REOPENED,
        actor=actor,
        note=note,
        update_fields=["reopen_count", "closed_on", "closure_reason", "reintegration_outcome"],
    )


@transaction.atomic
def case_export_record(
    *,
    organisation: Organisation,
    kind: str,
    count: int,
    actor: Actor,
) -> None:
    """Record a case list export: its kind (a code) and how many cases, never who is in it."""
    audit_record(
        event=CaseEvent.EXPORTED,
        actor=actor.within(organisation),
        details={"kind": kind, "count": count},
    )


# The case list exports, each a background job (donghanh/cases/job_kinds.py).
EXPORT_JOB_KINDS = {"xlsx": "cases.export_xlsx", "htcds": "cases.export_htcds_csv"}
# The caseload filters an export job carries: codes, ids, a flag, and the search terms under
# "q", which the jobs app stores encrypted with the job's other parameters.
EXPORT_FILTERS = ("q", "case_type", "status", "worker", "team", "province", "overdue")


def _export_parameters(filters: Mapping[str, Any]) -> dict[str, Any]:
    kept: dict[str, Any] = {}
    for name in EXPORT_FILTERS:
        value = filters.get(name)
        if value in (None, "", False):
            continue
        kept[name] = value if isinstance(value, bool | int) else str(value)
    return {"filters": kept}


@transaction.atomic
def case_export_start(
    *,
    actor: Actor,
    export: str,
    filters: Mapping[str, Any],
    idempotency_key: str = "",
) -> Job:
    """Queue a case list export (`export`: "xlsx" or "htcds") of the organisation the actor
    acts for, with the caseload's filters. The same form sent twice queues one job. The
    export is audited when its file is written, with the number of cases in it."""
    kind = EXPORT_JOB_KINDS[export]
    job, _created = once(
        actor=actor,
        scope=f"case_export:{export}",
        key=idempotency_key,
        create=lambda: job_start(actor=actor, kind=kind, parameters=_export_parameters(filters)),
    )
    return job
