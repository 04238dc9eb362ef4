"""Changes to people, their guardians and consents.

Every function runs in one transaction with its audit row. Audit rows name records by type
and id and list changed fields by name: never a value. Rules that refuse a change raise
`ValidationError` with a message for the case worker.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Mapping
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from donghanh.audit.models import AuditAction
from donghanh.audit.services import audit_record
from donghanh.core.records import people_changed
from donghanh.core.text import nfc
from donghanh.organisations.models import Organisation
from donghanh.people import indexes
from donghanh.people.models import Consent, Guardian, Person, PersonNameToken
from donghanh.people.selectors import (
    PERSON_FIELDS,
    person_field,
    person_field_value,
    person_fingerprints,
)
from donghanh.places.models import Commune

# Fields whose change rewrites the blind indexes.
_INDEXED_FIELDS = frozenset({"full_name", "other_names", "date_of_birth", "id_number", "phone"})
_TEXT_FIELDS = frozenset(
    {
        "full_name",
        "other_names",
        "id_number",
        "phone",
        "current_address",
        "pre_2025_address",
    }
)


class StaleEditError(ValidationError):
    """The record changed after the user opened it; their save is refused, nothing is lost."""

    def __init__(
        self,
        *,
        changed_fields: list[str],
        current_version: int,
        field_label: Callable[[str], str] | None = None,
    ) -> None:
        self.changed_fields = changed_fields
        self.current_version = current_version
        label = field_label or (lambda name: str(person_field(name).verbose_name))
        labels = ", ".join(capfirst(label(name)) for name in changed_fields)
        if changed_fields:
            message = _(
                "Someone else saved this record after you opened it. They changed: %(fields)s. "
                "Your changes were not saved: check the current values below and save again."
            ) % {"fields": labels}
        else:
            message = _(
                "Someone else saved this record after you opened it. Your changes were not "
                "saved: check the current values below and save again."
            )
        super().__init__(message, code="edit_conflict")


def _clean_text(value: str) -> str:
    return nfc(value).strip()


def _refresh_indexes(person: Person) -> bool:
    """Recompute the person's single-value blind indexes; whether any of them changed."""
    wanted = {
        "name_dob_index": indexes.name_and_birth_date_index(person.full_name, person.date_of_birth),
        "id_number_index": indexes.id_number_index(person.id_number),
        "phone_index": indexes.phone_index(person.phone),
    }
    changed = False
    for attribute, value in wanted.items():
        if getattr(person, attribute) != value:
            setattr(person, attribute, value)
            changed = True
    return changed


def _replace_name_tokens(person: Person, existing: set[str] | None = None) -> bool:
    """Make the stored name tokens those of the person's names; whether they changed."""
    wanted = indexes.name_token_indexes(person.full_name, person.other_names)
    if existing is None:
        existing = set(
            PersonNameToken.objects.filter(person=person).values_list("token_index", flat=True)
        )
    if wanted == existing:
        return False
    PersonNameToken.objects.filter(person=person, token_index__in=existing - wanted).delete()
    PersonNameToken.objects.bulk_create(
        [
            PersonNameToken(
                person=person, organisation_id=person.organisation_id, token_index=token
            )
            for token in wanted - existing
        ]
    )
    return True


def _validate_person(person: Person) -> None:
    try:
        person.full_clean(exclude=["organisation", "created_by", "current_commune"])
    except ValidationError as error:
        raise ValidationError(error.messages) from None
    if not person.full_name:
        raise ValidationError(_("Enter the person's full name."), code="full_name_required")
    today = timezone.localdate()
    if person.date_of_birth is not None and person.date_of_birth > today:
        raise ValidationError(_("The date of birth cannot be in the future."), code="future_dob")


@transaction.atomic
def person_register(
    *,
    organisation: Organisation,
    acting_user: Any,
    request: HttpRequest | None = None,
    full_name: str,
    sex: str,
    other_names: str = "",
    date_of_birth: datetime.date | None = None,
    estimated_age: int | None = None,
    ethnicity: str = "",
    nationality: str = "VN",
    id_number: str = "",
    phone: str = "",
    current_address: str = "",
    current_commune: Commune | None = None,
    area_type: str = "",
    pre_2025_address: str = "",
) -> Person:
    """Register a person with the organisation; possible duplicates are checked before this."""
    person = Person(
        organisation=organisation,
        full_name=_clean_text(full_name),
        other_names=_clean_text(other_names),
        sex=sex,
        date_of_birth=date_of_birth,
        estimated_age=estimated_age,
        age_estimated_on=timezone.localdate() if estimated_age is not None else None,
        ethnicity=ethnicity,
        nationality=nationality,
        id_number=_clean_text(id_number),
        phone=_clean_text(phone),
        current_address=_clean_text(current_address),
        current_commune=current_commune,
        area_type=area_type,
        pre_2025_address=_clean_text(pre_2025_address),
        created_by=acting_user,
    )
    _validate_person(person)
    _refresh_indexes(person)
    person.save()
    _replace_name_tokens(person, existing=set())
    audit_record(
        action=AuditAction.CREATE,
        actor=acting_user,
        request=request,
        organisation=organisation,
        target=person,
        summary="person registered",
        changed_fields=[name for name in PERSON_FIELDS if person_field_value(person, name)],
    )
    return person


@transaction.atomic
def person_update(
    *,
    person: Person,
    expected_version: int,
    baseline: Mapping[str, str],
    acting_user: Any,
    request: HttpRequest | None = None,
    **changes: Any,
) -> Person:
    """Apply `changes` to the person's record, unless someone saved it since `expected_version`.

    `baseline` holds the field fingerprints (`person_fingerprints`) of the version the user
    edited, so a refusal can name the fields the other save changed. Nothing changes and no
    version is used up when the values are the same as stored.
    """
    unknown = set(changes) - set(PERSON_FIELDS)
    if unknown:
        raise TypeError(f"not editable person fields: {sorted(unknown)}")
    current = Person.objects.select_for_update().get(pk=person.pk)
    if current.version != expected_version:
        now = person_fingerprints(current)
        raise StaleEditError(
            changed_fields=[name for name in PERSON_FIELDS if now[name] != baseline.get(name)],
            current_version=current.version,
        )
    changed: list[str] = []
    for name, value in changes.items():
        if name in _TEXT_FIELDS:
            value = _clean_text(value or "")
        new = value.pk if isinstance(value, Commune) else value
        if person_field_value(current, name) != new:
            setattr(current, name, value)
            changed.append(name)
    if not changed:
        return current
    if "estimated_age" in changed:
        current.age_estimated_on = (
            timezone.localdate() if current.estimated_age is not None else None
        )
    _validate_person(current)
    update_fields = [*changed, "version", "updated_at"]
    if "estimated_age" in changed:
        update_fields.append("age_estimated_on")
    if _INDEXED_FIELDS.intersection(changed):
        _refresh_indexes(current)
        update_fields += ["name_dob_index", "id_number_index", "phone_index"]
        _replace_name_tokens(current)
    current.version += 1
    current.save(update_fields=update_fields)
    people_changed(person_ids=[current.pk], person_fields=changed)
    audit_record(
        action=AuditAction.UPDATE,
        actor=acting_user,
        request=request,
        organisation=current.organisation,
        target=current,
        summary=f"person record changed, now version {current.version}",
        changed_fields=changed,
    )
    return current


@transaction.atomic
def person_view_record(
    *, person: Person, acting_user: Any, request: HttpRequest | None = None
) -> None:
    """Record that the user opened the person's record (every opening is audited)."""
    audit_record(
        action=AuditAction.VIEW,
        actor=acting_user,
        request=request,
        organisation=person.organisation,
        target=person,
    )


@transaction.atomic
def person_search_record(
    *,
    organisation: Organisation,
    result_count: int,
    acting_user: Any,
    request: HttpRequest | None = None,
) -> None:
    """Record that the user searched people (how many matched, never what was searched)."""
    audit_record(
        action=AuditAction.VIEW,
        actor=acting_user,
        request=request,
        organisation=organisation,
        summary=f"person search: {result_count} found",
    )


def person_search_indexes_rebuild(*, batch_size: int = 500) -> int:
    """Rewrite every person's blind indexes with the newest key; how many people changed.

    Run by `rotate_data_key` after re-encrypting, so that no index depends on an old key.
    One transaction per batch; rows are locked so a concurrent edit waits.
    """
    rebuilt = 0
    last_pk = 0
    while True:
        with transaction.atomic():
            batch = list(
                Person.objects.select_for_update()
                .filter(pk__gt=last_pk)
                .order_by("pk")
                .only(
                    "full_name",
                    "other_names",
                    "date_of_birth",
                    "id_number",
                    "phone",
                    "name_dob_index",
                    "id_number_index",
                    "phone_index",
                )[:batch_size]
            )
            tokens: dict[int, set[str]] = {person.pk: set() for person in batch}
            for person_id, token in PersonNameToken.objects.filter(person__in=batch).values_list(
                "person_id", "token_index"
            ):
                tokens[person_id].add(token)
            for person in batch:
                indexes_changed = _refresh_indexes(person)
                if indexes_changed:
                    Person.objects.filter(pk=person.pk).update(
                        name_dob_index=person.name_dob_index,
                        id_number_index=person.id_number_index,
                        phone_index=person.phone_index,
                    )
                tokens_changed = _replace_name_tokens(person, existing=tokens[person.pk])
                rebuilt += indexes_changed or tokens_changed
        if len(batch) < batch_size:
            return rebuilt
        last_pk = batch[-1].pk


@transaction.atomic
def guardian_add(
    *,
    person: Person,
    full_name: str,
    relation: str,
    phone: str = "",
    acting_user: Any,
    request: HttpRequest | None = None,
) -> Guardian:
    guardian = Guardian(
        person=person,
        full_name=_clean_text(full_name),
        phone=_clean_text(phone),
        relation=relation,
        created_by=acting_user,
    )
    if not guardian.full_name:
        raise ValidationError(_("Enter the guardian's full name."), code="full_name_required")
    guardian.save()
    audit_record(
        action=AuditAction.CREATE,
        actor=acting_user,
        request=request,
        organisation=person.organisation,
        target=guardian,
        summary=f"guardian added to person {person.pk}",
        changed_fields=["full_name", "relation", *(["phone"] if guardian.phone else [])],
    )
    return guardian


MINOR_NEEDS_GUARDIAN = gettext_lazy(
    "This person is under 18 on the date given: the consent must come from a guardian or "
    "legal representative."
)


@transaction.atomic
def consent_record(
    *,
    person: Person,
    purpose: str,
    method: str,
    given_by: str,
    given_on: datetime.date,
    recipient_organisation: Organisation | None = None,
    guardian: Guardian | None = None,
    expires_on: datetime.date | None = None,
    evidence_note: str = "",
    acting_user: Any,
    request: HttpRequest | None = None,
) -> Consent:
    """Record a consent the person (or, for a child, their guardian) has given."""
    errors: dict[str, list[Any]] = {}

    def refuse(field: str, message: Any) -> None:
        errors.setdefault(field, []).append(message)

    if purpose == Consent.Purpose.SHARING:
        if recipient_organisation is None:
            refuse("recipient_organisation", _("Choose the organisation the data is shared with."))
        elif recipient_organisation.pk == person.organisation_id:
            refuse(
                "recipient_organisation",
                _("Your own organisation needs no sharing consent: choose another organisation."),
            )
    else:
        recipient_organisation = None
    if given_by == Consent.GivenBy.GUARDIAN:
        if guardian is None or guardian.person_id != person.pk:
            refuse("guardian", _("Choose which of the person's guardians gave the consent."))
    else:
        guardian = None
        if person.is_minor_on(given_on):
            refuse("given_by", MINOR_NEEDS_GUARDIAN)
    if given_on > timezone.localdate():
        refuse("given_on", _("The date given cannot be in the future."))
    if expires_on is not None and expires_on < given_on:
        refuse("expires_on", _("The expiry date must be on or after the date given."))
    if errors:
        raise ValidationError(errors)
    consent = Consent.objects.create(
        person=person,
        purpose=purpose,
        recipient_organisation=recipient_organisation,
        method=method,
        evidence_note=_clean_text(evidence_note),
        given_by=given_by,
        guardian=guardian,
        given_on=given_on,
        expires_on=expires_on,
        recorded_by=acting_user,
    )
    summary = f"consent recorded for person {person.pk}: {purpose}"
    if recipient_organisation is not None:
        summary += f" with organisation {recipient_organisation.pk}"
    audit_record(
        action=AuditAction.CREATE,
        actor=acting_user,
        request=request,
        organisation=person.organisation,
        target=consent,
        summary=summary,
    )
    return consent


@transaction.atomic
def consent_withdraw(
    *,
    consent: Consent,
    note: str = "",
    acting_user: Any,
    request: HttpRequest | None = None,
) -> Consent:
    """Withdraw a consent now: from this moment nothing more is done or shared under it."""
    consent = (
        Consent.objects.select_for_update()
        .select_related("person__organisation")
        .get(pk=consent.pk)
    )
    if consent.withdrawn_at is not None:
        raise ValidationError(_("This consent was already withdrawn."), code="already_withdrawn")
    consent.withdrawn_at = timezone.now()
    consent.withdrawn_by = acting_user
    consent.withdrawal_note = _clean_text(note)
    consent.save(update_fields=["withdrawn_at", "withdrawn_by", "withdrawal_note"])
    audit_record(
        action=AuditAction.UPDATE,
        actor=acting_user,
        request=request,
        organisation=consent.person.organisation,
        target=consent,
        summary=f"consent withdrawn for person {consent.person_id}: {consent.purpose}",
        changed_fields=["withdrawn_at", *(["withdrawal_note"] if consent.withdrawal_note else [])],
    )
    return consent
