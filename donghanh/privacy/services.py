"""Changes to data-subject requests, and what a request may do to a person's data.

Every function runs in one transaction with its audit row. Audit rows name records by type
and id, never a value. Rules that refuse a change raise `ValidationError` with a message for
the member handling the request.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from typing import Any, TypeVar

from django.apps import apps
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models import ProtectedError, Q, QuerySet, RestrictedError
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from donghanh.attachments.services import attachments_erase_for_person
from donghanh.audit.services import audit_record
from donghanh.core.actor import Actor
from donghanh.core.crypto import EncryptedDateField, encrypted_fields
from donghanh.core.records import people_changed
from donghanh.core.text import nfc
from donghanh.people.models import Consent, Guardian, Person, PersonNameToken
from donghanh.privacy import deadlines, selectors
from donghanh.privacy.age_groups import age_group
from donghanh.privacy.events import PrivacyEvent
from donghanh.privacy.exporters import PersonExport, person_export_data
from donghanh.privacy.models import (
    OPEN_STATUSES,
    DataSubjectRequest,
    PersonDeidentification,
    Requester,
    RequestKind,
    RequestStatus,
)
from donghanh.privacy.pdf import render_person_export
from donghanh.privacy.selectors import holiday_calendar, responsible_choices

# What a de-identified record shows where the name was: a marker, not a person.
DEIDENTIFIED_NAME = "[ẩn danh]"

T = TypeVar("T")

Carry = str  # "erase", "deidentify" or "" (nothing done to the person's data)
ERASE = "erase"
DEIDENTIFY = "deidentify"


def _clean(value: str) -> str:
    return nfc(value or "").strip()


def _locked(data_request: DataSubjectRequest) -> DataSubjectRequest:
    return (
        DataSubjectRequest.objects.select_for_update()
        .select_related("organisation")
        .get(pk=data_request.pk)
    )


def _refuse_unless_open(data_request: DataSubjectRequest) -> None:
    if data_request.status not in OPEN_STATUSES:
        raise ValidationError(_("This request is already closed."), code="closed")


# --- The request's own life ---------------------------------------------------------------


@transaction.atomic
def request_register(
    *,
    person: Person,
    kind: str,
    received_on: datetime.date,
    received_via: str,
    requester: str,
    requester_details: str = "",
    involves_processor: bool = False,
    responsible: Any = None,
    notes: str = "",
    actor: Actor,
) -> DataSubjectRequest:
    """Record a request about the person's data; its deadlines run from `received_on`."""
    errors: dict[str, list[str]] = {}
    if received_on > timezone.localdate():
        errors.setdefault("received_on", []).append(_("The date received cannot be in the future."))
    requester_details = _clean(requester_details)
    if requester != Requester.PERSON and not requester_details:
        errors.setdefault("requester_details", []).append(
            _("Enter the representative's name and how they are related to the person.")
        )
    if requester == Requester.PERSON:
        requester_details = ""
    if (
        responsible is not None
        and not responsible_choices(person.organisation).filter(pk=responsible.pk).exists()
    ):
        errors.setdefault("responsible", []).append(
            _("Choose a member of the organisation who works with cases.")
        )
    if errors:
        raise ValidationError(errors)
    data_request = DataSubjectRequest.objects.create(
        organisation=person.organisation,
        person=person,
        person_ref=person.pk,
        kind=kind,
        received_on=received_on,
        received_via=received_via,
        requester=requester,
        requester_details=requester_details,
        involves_processor=involves_processor,
        responsible=responsible,
        notes=_clean(notes),
        acknowledge_by=deadlines.acknowledge_deadline(received_on, holiday_calendar()),
        complete_by=deadlines.complete_deadline(received_on, involves_processor=involves_processor),
        created_by_id=actor.user_id,
    )
    audit_record(
        event=PrivacyEvent.REQUEST_REGISTERED,
        actor=actor,
        organisation=person.organisation,
        target=data_request,
        details={"person": person.pk, "kind": kind},
    )
    return data_request


@transaction.atomic
def request_acknowledge(*, data_request: DataSubjectRequest, actor: Actor) -> DataSubjectRequest:
    """Record that the requester was told the request is received and being handled."""
    data_request = _locked(data_request)
    if data_request.status != RequestStatus.RECEIVED:
        raise ValidationError(
            _("This request was already acknowledged."), code="already_acknowledged"
        )
    data_request.status = RequestStatus.ACKNOWLEDGED
    data_request.acknowledged_at = timezone.now()
    data_request.acknowledged_by_id = actor.user_id
    data_request.save(update_fields=["status", "acknowledged_at", "acknowledged_by", "updated_at"])
    audit_record(
        event=PrivacyEvent.REQUEST_ACKNOWLEDGED_LATE
        if data_request.acknowledged_late
        else PrivacyEvent.REQUEST_ACKNOWLEDGED,
        actor=actor,
        organisation=data_request.organisation,
        target=data_request,
        changed_fields=["status", "acknowledged_at"],
    )
    return data_request


@transaction.atomic
def request_start(*, data_request: DataSubjectRequest, actor: Actor) -> DataSubjectRequest:
    """Mark an acknowledged request as being worked on."""
    data_request = _locked(data_request)
    if data_request.status != RequestStatus.ACKNOWLEDGED:
        raise ValidationError(
            _("Only an acknowledged request can be started."), code="not_acknowledged"
        )
    data_request.status = RequestStatus.IN_PROGRESS
    data_request.save(update_fields=["status", "updated_at"])
    audit_record(
        event=PrivacyEvent.REQUEST_STARTED,
        actor=actor,
        organisation=data_request.organisation,
        target=data_request,
        changed_fields=["status"],
    )
    return data_request


@transaction.atomic
def request_extend(
    *,
    data_request: DataSubjectRequest,
    days: int,
    reason: str,
    actor: Actor,
) -> DataSubjectRequest:
    """Move the completion deadline by up to 15 days, once, for a recorded reason."""
    data_request = _locked(data_request)
    _refuse_unless_open(data_request)
    if data_request.was_extended:
        raise ValidationError(
            _("This request was already extended once; it cannot be extended again."),
            code="already_extended",
        )
    errors: dict[str, list[str]] = {}
    if not 1 <= days <= deadlines.MAX_EXTENSION_DAYS:
        errors["days"] = [
            _("An extension is from 1 to %(max)d days.") % {"max": deadlines.MAX_EXTENSION_DAYS}
        ]
    reason = _clean(reason)
    if not reason:
        errors["reason"] = [_("Give the reason for the extension.")]
    if errors:
        raise ValidationError(errors)
    data_request.extended_at = timezone.now()
    data_request.extension_days = days
    data_request.extension_reason = reason
    data_request.extended_by_id = actor.user_id
    data_request.complete_by += datetime.timedelta(days=days)
    data_request.save(
        update_fields=[
            "extended_at",
            "extension_days",
            "extension_reason",
            "extended_by",
            "complete_by",
            "updated_at",
        ]
    )
    audit_record(
        event=PrivacyEvent.REQUEST_EXTENDED,
        actor=actor,
        organisation=data_request.organisation,
        target=data_request,
        changed_fields=["complete_by", "extension_days", "extension_reason"],
        details={"days": days},
    )
    return data_request


@transaction.atomic
def request_complete(
    *,
    data_request: DataSubjectRequest,
    outcome: str = "",
    carry_out: Carry = "",
    actor: Actor,
) -> DataSubjectRequest:
    """Close the request as done, erasing or de-identifying the person first if asked.

    An erasure is done only for an erasure request; de-identification for a de-identification
    request, or for an erasure request whose records must be kept. Both happen in this
    transaction: if one fails, the request stays open.
    """
    data_request = _locked(data_request)
    _refuse_unless_open(data_request)
    if data_request.status == RequestStatus.RECEIVED:
        raise ValidationError(
            _("Acknowledge the request before completing it."), code="not_acknowledged"
        )
    allowed = {
        ERASE: {RequestKind.ERASURE},
        DEIDENTIFY: {RequestKind.ERASURE, RequestKind.DEIDENTIFICATION},
        "": set(RequestKind) - {RequestKind.ERASURE, RequestKind.DEIDENTIFICATION},
    }
    if data_request.kind not in allowed.get(carry_out, set()):
        raise ValidationError(
            _("This kind of request cannot be completed this way."), code="wrong_fulfilment"
        )
    person = None
    if data_request.person_id is not None:
        person = Person.objects.select_related("organisation").get(pk=data_request.person_id)
    if carry_out and person is None:
        raise ValidationError(_("The person's record no longer exists."), code="no_person")
    if carry_out == ERASE and person is not None:
        person_erase(person=person, data_request=data_request, actor=actor)
        data_request.person = None
    elif carry_out == DEIDENTIFY and person is not None:
        person_deidentify(person=person, data_request=data_request, actor=actor)
        data_request.refresh_from_db(fields=["requester_details", "notes"])
    data_request.status = RequestStatus.COMPLETED
    data_request.completed_at = timezone.now()
    data_request.completed_by_id = actor.user_id
    data_request.outcome = _clean(outcome)
    data_request.save(
        update_fields=["status", "completed_at", "completed_by", "outcome", "updated_at"]
    )
    audit_record(
        event=PrivacyEvent.REQUEST_COMPLETED_LATE
        if data_request.completed_late
        else PrivacyEvent.REQUEST_COMPLETED,
        actor=actor,
        organisation=data_request.organisation,
        target=data_request,
        changed_fields=["status", "completed_at", *(["outcome"] if data_request.outcome else [])],
    )
    if data_request.kind == RequestKind.ACCESS and person is not None:
        audit_record(
            event=PrivacyEvent.COPY_GIVEN,
            actor=actor,
            organisation=data_request.organisation,
            target=person,
            details={"request": data_request.pk},
        )
    return data_request


@transaction.atomic
def request_refuse(
    *,
    data_request: DataSubjectRequest,
    reason: str,
    actor: Actor,
) -> DataSubjectRequest:
    """Close the request without doing it, for a reason the requester is told."""
    data_request = _locked(data_request)
    _refuse_unless_open(data_request)
    reason = _clean(reason)
    if not reason:
        raise ValidationError({"reason": [_("Give the reason for refusing the request.")]})
    data_request.status = RequestStatus.REFUSED
    data_request.completed_at = timezone.now()
    data_request.completed_by_id = actor.user_id
    data_request.outcome = reason
    data_request.save(
        update_fields=["status", "completed_at", "completed_by", "outcome", "updated_at"]
    )
    audit_record(
        event=PrivacyEvent.REQUEST_REFUSED,
        actor=actor,
        organisation=data_request.organisation,
        target=data_request,
        changed_fields=["status", "completed_at", "outcome"],
    )
    return data_request


@transaction.atomic
def acknowledge_deadlines_refresh(*, actor: Actor) -> int:
    """Recount the acknowledgement deadline of requests not yet acknowledged.

    Run after public holidays change (a year's Tết dates entered late, say), so a deadline
    never ignores a holiday on record; `actor` changed them (the change of a holiday is
    audited where it is made; a deadline moved by it is not). Returns how many deadlines
    moved.
    """
    calendar = holiday_calendar()
    moved = 0
    waiting = DataSubjectRequest.objects.select_for_update().filter(
        status=RequestStatus.RECEIVED, acknowledged_at__isnull=True
    )
    for data_request in waiting.only("pk", "received_on", "acknowledge_by"):
        deadline = deadlines.acknowledge_deadline(data_request.received_on, calendar)
        if deadline != data_request.acknowledge_by:
            DataSubjectRequest.objects.filter(pk=data_request.pk).update(acknowledge_by=deadline)
            moved += 1
    return moved


# --- What a request does to the person's data ---------------------------------------------


@transaction.atomic
def person_export_json(
    *,
    person: Person,
    actor: Actor,
    data_request: DataSubjectRequest | None = None,
    language: str | None = None,
) -> dict[str, Any]:
    """Everything held about the person, as JSON-ready data with labels in `language`
    (Vietnamese by default); the export is audited."""
    return _exported(person, actor, "json", language, data_request, lambda export: export.as_json())


@transaction.atomic
def person_export_pdf(
    *,
    person: Person,
    actor: Actor,
    data_request: DataSubjectRequest | None = None,
    language: str | None = None,
) -> bytes:
    """Everything held about the person, as a PDF in `language` (Vietnamese by default) that
    opens with the person's rights; the export is audited."""
    return _exported(person, actor, "pdf", language, data_request, render_person_export)


def _exported(
    person: Person,
    actor: Actor,
    file_format: str,
    language: str | None,
    data_request: DataSubjectRequest | None,
    render: Callable[[PersonExport], T],
) -> T:
    """The person's data rendered in `language`, with the export's audit row."""
    language = selectors.export_language(language)
    with translation.override(language):
        document = render(person_export_data(person))
    details: dict[str, Any] = {"format": file_format, "language": language}
    if data_request is not None:
        details["request"] = data_request.pk
    audit_record(
        event=PrivacyEvent.PERSON_EXPORTED
        if data_request is None
        else PrivacyEvent.PERSON_EXPORTED_FOR_REQUEST,
        actor=actor,
        organisation=person.organisation,
        target=person,
        details=details,
    )
    return document


def _forget_request_texts(person: Person) -> None:
    """Requests outlive the person: drop their free text that may name or describe them."""
    DataSubjectRequest.objects.filter(person=person).update(requester_details="", notes="")


@transaction.atomic
def person_erase(
    *,
    person: Person,
    actor: Actor,
    data_request: DataSubjectRequest | None = None,
) -> int:
    """Delete the person's record with their guardians, consents and search tokens.

    Records another app must keep point at the person with `on_delete=PROTECT`: then nothing
    is deleted and the member is told to de-identify instead. What stays: the audit log (which
    names the person by number only) and the requests, with the person's number and without
    their free text. Returns the number the person had.
    """
    person = Person.objects.select_for_update().select_related("organisation").get(pk=person.pk)
    person_id = person.pk
    guardians = Guardian.objects.filter(person=person).count()
    consents = Consent.objects.filter(person=person).count()
    _forget_request_texts(person)
    details = {"guardians": guardians, "consents": consents}
    if data_request is not None:
        details["request"] = data_request.pk
    audit_record(
        event=PrivacyEvent.PERSON_ERASED
        if data_request is None
        else PrivacyEvent.PERSON_ERASED_FOR_REQUEST,
        actor=actor,
        organisation=person.organisation,
        target=person,
        details=details,
    )
    try:
        with transaction.atomic():
            # Consents first: a consent given by a guardian protects that guardian's row.
            Consent.objects.filter(person=person).delete()
            Guardian.objects.filter(person=person).delete()
            person.delete()
    except (ProtectedError, RestrictedError):
        raise ValidationError(
            _(
                "Records that must be kept by law refer to this person, so the record cannot "
                "be deleted. De-identify it instead."
            ),
            code="protected",
        ) from None
    return person_id


def _records_linked_to(person: Person) -> list[QuerySet[Any]]:
    """Rows that point at the person, directly or through one record in between (a case's
    status changes through the case), except those de-identification handles itself."""
    handled = {Person, Guardian, PersonNameToken, DataSubjectRequest}
    direct: dict[type[models.Model], QuerySet[Any]] = {}
    for model in apps.get_models():
        keys = [
            field.name
            for field in model._meta.concrete_fields
            if field.is_relation and field.related_model is Person and not field.many_to_many
        ]
        if model is not Person and keys:
            match = Q()
            for key in keys:
                match |= Q(**{key: person})
            direct[model] = model._default_manager.filter(match)
    linked = [rows for model, rows in direct.items() if model not in handled]
    for model in apps.get_models():
        if model in direct:
            continue
        for field in model._meta.concrete_fields:
            parent = field.related_model if field.is_relation else None
            if isinstance(parent, type) and parent in direct and not field.many_to_many:
                linked.append(
                    model._default_manager.filter(**{f"{field.name}__in": direct[parent]})
                )
    return linked


def _blank_linked_free_text(person: Person) -> list[str]:
    """Blank every encrypted value of the rows linked to the person; the fields blanked.

    Identity and free text that may hold it are what this platform encrypts, so a record
    that points at the person keeps its codes and dates and loses its notes.
    """
    blanked: set[str] = set()
    for rows in _records_linked_to(person):
        values: dict[str, Any] = {}
        for field in encrypted_fields(rows.model):
            if isinstance(field, EncryptedDateField):
                if field.null:
                    values[field.name] = None
            else:
                values[field.name] = ""
        if values and rows.update(**values):
            blanked |= {f"{rows.model._meta.model_name}.{name}" for name in values}
    return sorted(blanked)


@transaction.atomic
def _attachments_erased(person: Person, *, actor: Actor) -> int:
    """Scans and photos identify a person whatever their file name: they cannot stay."""
    return attachments_erase_for_person(person=person, actor=actor)


@transaction.atomic
def person_deidentify(
    *,
    person: Person,
    actor: Actor,
    data_request: DataSubjectRequest | None = None,
) -> Person:
    """Remove who the person is from their record; keep what statistics count.

    Name, other names, date of birth, ID number, phone, addresses and commune go, with the
    blind indexes that could find them; guardians keep their relation but lose name and phone;
    every record pointing at the person (consents, cases and what hangs off them) keeps its
    codes and dates but loses its encrypted notes. Sex, ethnicity, nationality, area
    type, an age group and the province stay. The record's version moves on, so a form opened
    before cannot write the old identity back.
    """
    person = (
        Person.objects.select_for_update(of=("self",))
        .select_related("organisation", "current_commune")
        .get(pk=person.pk)
    )
    if PersonDeidentification.objects.filter(person=person).exists():
        raise ValidationError(
            _("This record was already de-identified."), code="already_deidentified"
        )
    today = timezone.localdate()
    lower_bound, group = age_group(person.age_on(today))
    province_id = person.current_commune.province_id if person.current_commune else None
    identity = {
        "full_name": DEIDENTIFIED_NAME,
        "other_names": "",
        "date_of_birth": None,
        "estimated_age": lower_bound,
        "age_estimated_on": today if lower_bound is not None else None,
        "id_number": "",
        "phone": "",
        "current_address": "",
        "current_commune": None,
        "pre_2025_address": "",
        "name_dob_index": "",
        "id_number_index": "",
        "phone_index": "",
    }
    for name, value in identity.items():
        setattr(person, name, value)
    person.version += 1
    person.save(update_fields=[*identity, "version", "updated_at"])
    # Age and place change: the programme figures that count this person follow.
    people_changed(person_ids=[person.pk], person_fields=identity)
    PersonNameToken.objects.filter(person=person).delete()
    for guardian in Guardian.objects.filter(person=person):
        guardian.full_name = DEIDENTIFIED_NAME
        guardian.phone = ""
        guardian.save(update_fields=["full_name", "phone"])
    _forget_request_texts(person)
    blanked = _blank_linked_free_text(person)
    if _attachments_erased(person, actor=actor):
        blanked.append("attachments")
    PersonDeidentification.objects.create(
        person=person,
        province_id=province_id,
        age_group=group,
        data_request=data_request,
        deidentified_by_id=actor.user_id,
    )
    details = {"version": person.version}
    if data_request is not None:
        details["request"] = data_request.pk
    audit_record(
        event=PrivacyEvent.PERSON_DEIDENTIFIED
        if data_request is None
        else PrivacyEvent.PERSON_DEIDENTIFIED_FOR_REQUEST,
        actor=actor,
        organisation=person.organisation,
        target=person,
        details=details,
        changed_fields=[
            *(name for name in identity if not name.endswith("_index")),
            *blanked,
        ],
    )
    return person
