"""Writes of the sync: each operation a device sends, applied once, in its own transaction,
through the pages' own forms and services; the conflicts it leaves, resolved by a person; the
audit rows of what was listed and packed.

An operation is applied as the page would apply it: the same access rule (a case that is not
the user's is refused as if it did not exist), the same consent and closed-case checks, the
same validation (the forms bound to what the device sent, then the services). A refused
operation writes nothing, not even half of a first contact. An operation id already applied
answers "duplicate" with the record it made, whoever sent it first and however often.
"""

from __future__ import annotations

import copy
import datetime
import json
import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from django import forms
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, models, transaction
from django.http import Http404, QueryDict
from django.urls import reverse
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _

from donghanh.audit.services import audit_record
from donghanh.cases.models import Case
from donghanh.cases.selectors import CASE_EDITS, case_field_display
from donghanh.cases.services import case_access_audited, case_open, case_update
from donghanh.casework.services import follow_up_plan, needs_assess
from donghanh.core.actor import Actor
from donghanh.core.editing import StaleEditError, sign_baseline
from donghanh.core.forms import service_error_body
from donghanh.fieldwork.devices.models import FieldDevice
from donghanh.fieldwork.events import FieldworkEvent
from donghanh.livelihood.savings.forms import MeetingForm
from donghanh.livelihood.savings.selectors import (
    access_group,
    active_loans,
    loans_due,
    meeting_members,
    open_cycle,
)
from donghanh.livelihood.savings.services import meeting_record
from donghanh.organisations.models import Membership
from donghanh.organisations.roles import Perm, role_allows
from donghanh.people.models import Consent
from donghanh.people.services import PossibleDuplicates, consent_record, person_register_once
from donghanh.programmes.projects.selectors import access_project
from donghanh.programmes.trainings.forms import ParticipationForm
from donghanh.programmes.trainings.models import TrainingParticipation
from donghanh.programmes.trainings.services import participation_update

from .forms import (
    AttendanceForm,
    FirstContactCaseForm,
    FirstContactConsentForm,
    FirstContactNeedForm,
    FirstContactPersonForm,
    SavingsMeetingHeadForm,
    ScreeningForm,
    VisitForm,
)
from .models import ConflictStatus, OperationKind, OperationOutcome, SyncConflict, SyncOperation
from .selectors import field_sessions

# A device's clock may run a little fast: an operation "made" this far ahead is still taken.
CLOCK_SKEW = datetime.timedelta(minutes=10)


class Status:
    APPLIED = "applied"
    DUPLICATE = "duplicate"
    CONFLICT = "conflict"
    REFUSED = "refused"


@dataclass
class OperationResult:
    """The answer to one operation, as the sync endpoint sends it back."""

    id: str
    status: str
    message: str = ""
    record: dict[str, Any] | None = None
    errors: dict[str, list[str]] = field(default_factory=dict)
    conflict: dict[str, Any] | None = None

    def as_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "status": self.status,
            "record": self.record,
            "message": self.message,
            "errors": self.errors,
            "conflict": self.conflict,
        }


@dataclass(frozen=True)
class Context:
    """Who sends, for which organisation, from which device, and when it arrived."""

    actor: Actor
    membership: Membership
    device: FieldDevice | None
    received_at: datetime.datetime

    @property
    def org_slug(self) -> str:
        return str(self.membership.organisation.slug)

    @property
    def device_id(self) -> int | None:
        return getattr(self.device, "pk", None)


@dataclass(frozen=True)
class Operation:
    id: uuid.UUID
    kind: str
    made_at: datetime.datetime
    case: int | None
    base_version: int | None
    fields: QueryDict

    @property
    def day(self) -> datetime.date:
        """The day the work was done, where the organisation works."""
        return timezone.localdate(self.made_at)


@dataclass
class Applied:
    """What an operation made: the record, its type and address; or the conflict it left."""

    record: models.Model
    type: str
    url: str
    conflict: dict[str, Any] | None = None


class _RefusedError(Exception):
    def __init__(self, message: str, errors: dict[str, list[str]] | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.errors = errors or {}


class _DuplicateFound(Exception):  # noqa: N818 (an earlier answer found, not an error)
    def __init__(self, receipt: SyncOperation) -> None:
        super().__init__("duplicate")
        self.receipt = receipt


# --- Reading what the device sent -----------------------------------------------------------


def _form_data(fields: Any) -> QueryDict:
    """The operation's fields as a form would have posted them."""
    data = QueryDict(mutable=True)
    if not isinstance(fields, Mapping):
        raise _RefusedError(_("The work sent is damaged: nothing was recorded."))
    for name, value in fields.items():
        values = value if isinstance(value, list) else [value]
        texts = []
        for item in values:
            if item is None:
                continue
            if isinstance(item, bool):
                texts.append("on" if item else "")
            elif isinstance(item, str | int | float):
                texts.append(str(item))
            else:
                raise _RefusedError(_("The work sent is damaged: nothing was recorded."))
        data.setlist(str(name), [text for text in texts if text != ""])
    return data


def _optional_int(value: Any) -> int | None:
    if value in (None, ""):
        return None
    if isinstance(value, bool):
        raise ValueError("not a number")
    return int(value)


def _parse(raw: Any, received_at: datetime.datetime) -> Operation:
    if not isinstance(raw, Mapping):
        raise _RefusedError(_("The work sent is damaged: nothing was recorded."))
    try:
        operation_id = uuid.UUID(str(raw.get("id", "")))
    except ValueError:
        raise _RefusedError(_("The work sent is damaged: nothing was recorded.")) from None
    kind = raw.get("kind")
    if kind not in OperationKind.values:
        raise _RefusedError(
            _(
                "The server does not know this kind of work: nothing was recorded. "
                "Reload the field app to update it."
            )
        )
    made_at = parse_datetime(str(raw.get("made_at") or ""))
    if made_at is None or timezone.is_naive(made_at):
        raise _RefusedError(_("The time this work was done is missing: nothing was recorded."))
    if made_at > received_at + CLOCK_SKEW:
        raise _RefusedError(
            _(
                "This work is dated in the future: check the date and time of your phone, "
                "then send again. Nothing was recorded."
            )
        )
    try:
        case = _optional_int(raw.get("case"))
        base_version = _optional_int(raw.get("base_version"))
    except (TypeError, ValueError):
        raise _RefusedError(_("The work sent is damaged: nothing was recorded.")) from None
    fields = _form_data(raw.get("fields") or {})
    if case is not None and not fields.get("case"):
        fields["case"] = str(case)
    return Operation(
        id=operation_id,
        kind=str(kind),
        made_at=made_at,
        case=case,
        base_version=base_version,
        fields=fields,
    )


def _checked(*bound: forms.Form) -> None:
    """Refuse with every form's errors, field by field, when any form is not valid."""
    errors: dict[str, list[Any]] = {}
    for form in bound:
        if not form.is_valid():
            for name, messages in form.errors.items():
                errors.setdefault(name, []).extend(messages)
    if errors:
        raise ValidationError(errors)


def _require(ctx: Context, *perms: Perm) -> None:
    if not all(role_allows(ctx.membership.role, perm) for perm in perms):
        raise PermissionDenied


def _case_url(ctx: Context, case_id: int) -> str:
    return reverse("cases:case_detail", kwargs={"org": ctx.org_slug, "case_id": case_id})


def _own_case(ctx: Context, case_id: Any) -> Case:
    """The case, opened (and audited) as its page opens it: 404 when it is not the user's."""
    if case_id in (None, ""):
        raise ValidationError({"case": [_("Choose the case.")]})
    _require(ctx, Perm.EDIT_CASES)
    access = case_access_audited(
        actor=ctx.actor, org_slug=ctx.org_slug, case_id=case_id, perm=Perm.EDIT_CASES
    )
    return access.case


# --- The kinds of work -----------------------------------------------------------------------


def _first_contact(ctx: Context, operation: Operation) -> Applied:
    _require(ctx, Perm.EDIT_CASES)
    data = operation.fields
    person_form = FirstContactPersonForm(data)
    consent_form = FirstContactConsentForm(data)
    case_form = FirstContactCaseForm(data)
    need_form = FirstContactNeedForm(data)
    _checked(person_form, consent_form, case_form, need_form)
    actor = ctx.actor
    try:
        person = person_register_once(
            actor=actor,
            membership=ctx.membership,
            different_person=person_form.cleaned_data["different_person"],
            **person_form.person_details(),
        )
    except PossibleDuplicates as stopped:
        raise ValidationError(
            {
                "different_person": [
                    _(
                        "People like this one are already registered with your organisation "
                        "(%(count)s). Look them up online first; if you are sure this is "
                        "someone else, tick the box and send again."
                    )
                    % {"count": len(stopped.found.visible)}
                ]
            }
        ) from None
    consent = consent_form.cleaned_data
    consent_record(
        person=person,
        purpose=Consent.Purpose.CASE_MANAGEMENT,
        method=consent["method"],
        given_by=consent["given_by"],
        given_on=operation.day,
        evidence_note=consent["evidence_note"],
        actor=actor,
    )
    opened = case_form.cleaned_data
    case = case_open(
        person=person,
        case_type=opened["case_type"],
        intake_channel=opened["intake_channel"],
        intake_date=operation.day,
        intake_note=opened["intake_note"],
        actor=actor,
    )
    need = need_form.cleaned_data
    needs_assess(
        case=case,
        assessed_on=operation.day,
        levels={need["need_domain"]: need["need_level"]},
        notes={need["need_domain"]: need["need_note"]},
        actor=actor,
    )
    return Applied(record=case, type="case", url=_case_url(ctx, case.pk))


def _visit(ctx: Context, operation: Operation) -> Applied:
    data = operation.fields
    if not data.get("planned_on"):
        data["planned_on"] = data.get("done_on") or operation.day.isoformat()
    case = _own_case(ctx, data.get("case"))
    form = VisitForm(data)
    _checked(form)
    values = form.cleaned_data
    follow_up = follow_up_plan(
        case=case,
        planned_on=values["planned_on"],
        method=values["method"],
        done_on=values["done_on"],
        outcome=values["outcome"],
        next_on=values["next_on"],
        actor=ctx.actor,
    )
    return Applied(record=follow_up, type="follow_up", url=_case_url(ctx, case.pk))


def _typed_display(case: Case, changes: Mapping[str, Any], name: str) -> str:
    """A field's value as the user typed it offline, shown as the case page shows values."""
    typed = copy.copy(case)
    for key, value in changes.items():
        setattr(typed, key, value)
    return case_field_display(typed, name)


def _screening(ctx: Context, operation: Operation) -> Applied:
    data = operation.fields
    case = _own_case(ctx, data.get("case"))
    if operation.base_version is not None:
        data["version"] = str(operation.base_version)
    if not data.get("baseline"):
        # Without the fingerprints of the version edited, every field the server holds
        # differently counts as changed meanwhile: a conflict then lists them all.
        same = data.get("version") == str(case.version)
        data["baseline"] = sign_baseline(CASE_EDITS.fingerprints(case) if same else {})
    form = ScreeningForm(data)
    _checked(form)
    changes = form.case_changes()
    try:
        updated = case_update(
            case=case,
            expected_version=form.cleaned_data["version"],
            baseline=form.cleaned_data["baseline"],
            actor=ctx.actor,
            **changes,
        )
    except StaleEditError as stale:
        current = case
        current.refresh_from_db()
        conflict = _conflict_record(ctx, operation, current, form, stale)
        return Applied(
            record=conflict,
            type="conflict",
            url=_conflict_url(ctx, conflict),
            conflict={
                "url": _conflict_url(ctx, conflict),
                "fields": [
                    {
                        "name": name,
                        "label": CASE_EDITS.field_label(name),
                        "yours": _typed_display(current, changes, name),
                        "theirs": case_field_display(current, name),
                    }
                    for name in stale.changed_fields
                ],
            },
        )
    return Applied(record=updated, type="case", url=_case_url(ctx, updated.pk))


def _conflict_url(ctx: Context, conflict: SyncConflict) -> str:
    return reverse("fieldwork:conflict", kwargs={"org": ctx.org_slug, "conflict_id": conflict.pk})


def _conflict_record(
    ctx: Context, operation: Operation, case: Case, form: ScreeningForm, stale: StaleEditError
) -> SyncConflict:
    submitted = {name: operation.fields.getlist(name) for name in operation.fields}
    conflict = SyncConflict(
        user_id=ctx.membership.user_id,
        organisation_id=ctx.membership.organisation_id,
        device=ctx.device,
        case=case,
        kind=operation.kind,
        operation_id=operation.id,
        submitted=json.dumps(submitted, ensure_ascii=False),
        base_version=form.cleaned_data["version"],
        server_version=case.version,
        changed_fields=list(stale.changed_fields),
        made_at=operation.made_at,
    )
    conflict.save(force_insert=True)
    audit_record(
        event=FieldworkEvent.FIELD_CONFLICT_RECORDED,
        actor=ctx.actor,
        target=conflict,
        changed_fields=list(stale.changed_fields),
        details={
            "kind": operation.kind,
            "case": case.pk,
            "device": ctx.device_id,
            "conflict": conflict.pk,
            "made_offline_at": operation.made_at.isoformat(),
            "received_at": ctx.received_at.isoformat(),
        },
    )
    return conflict


def _attendance(ctx: Context, operation: Operation) -> Applied:
    _require(ctx, Perm.EDIT_PROGRAMMES, Perm.VIEW_TRAINEES)
    form = AttendanceForm(operation.fields)
    _checked(form)
    session = field_sessions(ctx.membership).filter(pk=form.cleaned_data["session"]).first()
    if session is None:
        raise Http404
    training = session.training
    access = access_project(ctx.actor.user, ctx.org_slug, training.project_id, Perm.EDIT_PROGRAMMES)
    if not access.sees_trainees:
        raise PermissionDenied
    participations = list(
        TrainingParticipation.objects.filter(training=training)
        .prefetch_related("sessions_attended")
        .order_by("pk")
    )
    attended = set(form.cleaned_data["attended"])
    if not attended <= {participation.pk for participation in participations}:
        raise ValidationError({"attended": [_("Choose participants of this training.")]})
    for participation in participations:
        before = {item.pk for item in participation.sessions_attended.all()}
        after = before | {session.pk} if participation.pk in attended else before - {session.pk}
        if after == before:
            continue
        bound = ParticipationForm(
            {
                "sessions_attended": [str(pk) for pk in sorted(after)],
                "pre_score": "" if participation.pre_score is None else participation.pre_score,
                "post_score": "" if participation.post_score is None else participation.post_score,
                "version": participation.version,
            },
            training=training,
        )
        _checked(bound)
        participation_update(
            participation=participation,
            expected_version=bound.cleaned_data["version"],
            sessions_attended=bound.cleaned_data["sessions_attended"],
            pre_score=bound.cleaned_data["pre_score"],
            post_score=bound.cleaned_data["post_score"],
            actor=ctx.actor,
        )
    url = reverse(
        "programmes:training",
        kwargs={"org": ctx.org_slug, "project_id": training.project_id, "training_id": training.pk},
    )
    return Applied(record=session, type="training_session", url=url)


def _savings_meeting(ctx: Context, operation: Operation) -> Applied:
    _require(ctx, Perm.RECORD_SAVINGS_GROUPS)
    if operation.base_version is not None:
        operation.fields["ledger_version"] = str(operation.base_version)
    head = SavingsMeetingHeadForm(operation.fields)
    _checked(head)
    access = access_group(
        ctx.actor.user, ctx.org_slug, head.cleaned_data["group"], Perm.RECORD_SAVINGS_GROUPS
    )
    cycle = open_cycle(access.group)
    if cycle is None:
        raise ValidationError(_("This group has no running cycle: it has no more meetings."))
    try:
        held_on = MeetingForm.base_fields["held_on"].clean(operation.fields.get("held_on"))
    except ValidationError:
        held_on = None
    today = timezone.localdate()
    loans = active_loans(cycle)
    form = MeetingForm(
        operation.fields,
        cycle=cycle,
        members=meeting_members(cycle, held_on or today),
        loans=loans,
        due=loans_due(loans, today),
    )
    _checked(form)
    meeting = meeting_record(
        actor=ctx.actor,
        cycle=cycle,
        held_on=form.cleaned_data["held_on"],
        lines=form.lines(),
        cash_counted=form.cleaned_data["cash_counted"],
        expected_ledger_version=form.cleaned_data["ledger_version"],
    )
    url = reverse(
        "livelihood:meeting",
        kwargs={
            "org": ctx.org_slug,
            "group_id": access.group.pk,
            "cycle_id": cycle.pk,
            "meeting_id": meeting.pk,
        },
    )
    return Applied(record=meeting, type="savings_meeting", url=url)


_APPLY: dict[str, Callable[[Context, Operation], Applied]] = {
    OperationKind.FIRST_CONTACT: _first_contact,
    OperationKind.VISIT: _visit,
    OperationKind.SCREENING: _screening,
    OperationKind.ATTENDANCE: _attendance,
    OperationKind.SAVINGS_MEETING: _savings_meeting,
}


# --- Applying an operation --------------------------------------------------------------------


def _receipt(ctx: Context, operation: Operation) -> SyncOperation:
    """Note the operation as being applied, or find the answer a first sending got: the unique
    (user, operation) makes a second sending at the same moment wait for the first one's
    transaction, then read its note (or go on, when the first was refused)."""
    try:
        with transaction.atomic():
            return SyncOperation.objects.create(
                user_id=ctx.membership.user_id,
                organisation_id=ctx.membership.organisation_id,
                device=ctx.device,
                operation_id=operation.id,
                kind=operation.kind,
                outcome=OperationOutcome.APPLIED,
                made_at=operation.made_at,
                received_at=ctx.received_at,
            )
    except IntegrityError:
        earlier = SyncOperation.objects.filter(
            user_id=ctx.membership.user_id, operation_id=operation.id
        ).first()
        if earlier is None:  # pragma: no cover - the row that collided cannot vanish
            raise
        raise _DuplicateFound(earlier) from None


def _duplicate(operation_id: str, receipt: SyncOperation) -> OperationResult:
    record = None
    if receipt.record_type:
        record = {
            "type": receipt.record_type,
            "id": int(receipt.record_id),
            "url": receipt.record_url,
        }
    return OperationResult(
        id=operation_id,
        status=Status.DUPLICATE,
        message=_("Already received: nothing was recorded twice."),
        record=record,
    )


def operation_apply(
    *,
    actor: Actor,
    membership: Membership,
    device: FieldDevice | None,
    received_at: datetime.datetime,
    raw: Any,
) -> OperationResult:
    """Apply one operation a device sent (`raw`, as decoded from the sending's JSON), in its
    own transaction, and say how it went."""
    ctx = Context(actor=actor, membership=membership, device=device, received_at=received_at)
    operation_id = str(raw.get("id", "")) if isinstance(raw, Mapping) else ""
    try:
        operation = _parse(raw, ctx.received_at)
        with transaction.atomic():
            receipt = _receipt(ctx, operation)
            applied = _APPLY[operation.kind](ctx, operation)
            receipt.record_type = applied.type
            receipt.record_id = str(applied.record.pk)
            receipt.record_url = applied.url
            if applied.conflict is not None:
                receipt.outcome = OperationOutcome.CONFLICT
            receipt.save(update_fields=["record_type", "record_id", "record_url", "outcome"])
            if applied.conflict is None:
                audit_record(
                    event=FieldworkEvent.FIELD_WRITE_SYNCED,
                    actor=ctx.actor,
                    target=applied.record,
                    details={
                        "kind": operation.kind,
                        "device": ctx.device_id,
                        "made_offline_at": operation.made_at.isoformat(),
                        "received_at": ctx.received_at.isoformat(),
                    },
                )
    except _DuplicateFound as duplicate:
        return _duplicate(operation_id, duplicate.receipt)
    except _RefusedError as refused:
        return OperationResult(
            id=operation_id, status=Status.REFUSED, message=refused.message, errors=refused.errors
        )
    except Http404:
        return OperationResult(
            id=operation_id,
            status=Status.REFUSED,
            message=_(
                "This record is not among those you work on, or it no longer exists: "
                "nothing was recorded."
            ),
        )
    except PermissionDenied:
        return OperationResult(
            id=operation_id,
            status=Status.REFUSED,
            message=_("Your role does not allow this work: nothing was recorded."),
        )
    except ValidationError as error:
        errors = service_error_body(error)
        general = errors.get("non_field_errors") or []
        if general:
            message = _("Not recorded: %(reason)s") % {"reason": " ".join(general)}
        else:
            message = _("Not recorded: correct what is marked and send again.")
        return OperationResult(
            id=operation_id, status=Status.REFUSED, message=message, errors=errors
        )
    record = {"type": applied.type, "id": applied.record.pk, "url": applied.url}
    if applied.conflict is not None:
        return OperationResult(
            id=operation_id,
            status=Status.CONFLICT,
            message=_(
                "Someone changed this case on the server after you took it offline: nothing "
                "was overwritten. Compare both versions field by field and save."
            ),
            record=record,
            conflict=applied.conflict,
        )
    return OperationResult(
        id=operation_id, status=Status.APPLIED, message=_("Received and recorded."), record=record
    )


# --- Listing and packing ----------------------------------------------------------------------


@transaction.atomic
def cases_listed_record(*, actor: Actor, count: int) -> None:
    """Audit the list of assigned cases shown to take offline (their names were read)."""
    audit_record(event=FieldworkEvent.FIELD_CASES_LISTED, actor=actor, details={"count": count})


@transaction.atomic
def package_read_record(
    *, actor: Actor, device: FieldDevice | None, cases: int, sessions: int, groups: int, names: int
) -> None:
    """Audit a package taken offline: counts only, never which names."""
    audit_record(
        event=FieldworkEvent.FIELD_PACKAGE_READ,
        actor=actor,
        details={
            "device": getattr(device, "pk", None),
            "cases": cases,
            "sessions": sessions,
            "groups": groups,
            "names": names,
        },
    )


# --- Conflicts --------------------------------------------------------------------------------


def _conflict_closed(conflict: SyncConflict, status: str, actor: Actor) -> None:
    locked = SyncConflict.objects.select_for_update().get(pk=conflict.pk)
    if locked.status != ConflictStatus.OPEN:
        raise ValidationError(_("This conflict was already dealt with."), code="conflict_closed")
    conflict.status = status
    conflict.resolved_at = timezone.now()
    conflict.save(update_fields=["status", "resolved_at"])
    audit_record(
        event=FieldworkEvent.FIELD_CONFLICT_RESOLVED,
        actor=actor,
        target=conflict,
        details={"conflict": conflict.pk, "case": conflict.case_id, "status": status},
    )


@transaction.atomic
def conflict_resolve(
    *,
    conflict: SyncConflict,
    case: Case,
    expected_version: int,
    baseline: Mapping[str, str],
    changes: Mapping[str, Any],
    actor: Actor,
) -> Case:
    """Save the merged screening through the case service, on the version the person compared
    with (StaleEditError again if the case changed once more), and close the conflict."""
    updated = case_update(
        case=case,
        expected_version=expected_version,
        baseline=baseline,
        actor=actor,
        **changes,
    )
    _conflict_closed(conflict, ConflictStatus.RESOLVED, actor)
    return updated


@transaction.atomic
def conflict_discard(*, conflict: SyncConflict, actor: Actor) -> None:
    """Keep the server's version: the offline change is dropped (its text erased)."""
    _conflict_closed(conflict, ConflictStatus.DISCARDED, actor)
    conflict.submitted = ""
    conflict.save(update_fields=["submitted"])
