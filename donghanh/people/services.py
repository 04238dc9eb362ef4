"""Changes to people, their guardians and consents.

Every function runs in one transaction with its audit row. Audit rows name records by type
and id and list changed fields by name: never a value. Rules that refuse a change raise
`ValidationError` with a message for the case worker.
"""

from __future__ import annotations

import datetime
from collections.abc import Mapping, Sequence
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from donghanh.audit.services import AuditItem, audit_record, audit_record_many
from donghanh.core.actor import Actor
from donghanh.core.bulk import BULK_SIZE, ItemsRefusedError
from donghanh.core.idempotency import once
from donghanh.core.records import people_changed
from donghanh.core.text import nfc, plain_name
from donghanh.organisations.models import Membership, Organisation
from donghanh.people import indexes
from donghanh.people.events import PeopleEvent
from donghanh.people.models import Consent, DuplicateNotice, Guardian, Person, PersonNameToken
from donghanh.people.selectors import (
    PERSON_EDITS,
    PERSON_FIELDS,
    DuplicateCheck,
    matches_kept_from,
    possible_duplicates,
)
from donghanh.places.models import Commune

# Fields whose change rewrites the blind indexes, and the name tokens.
_INDEXED_FIELDS = frozenset({"full_name", "other_names", "date_of_birth", "id_number", "phone"})
_TOKEN_FIELDS = frozenset({"full_name", "other_names", "date_of_birth", "estimated_age"})
_INDEX_COLUMNS = ("name_dob_index", "id_number_index", "phone_index")
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


# Names are kept plain (`plain_name`): no control characters, no right-to-left overrides or
# other invisible characters that would make a name read differently on screen.
_NAME_FIELDS = frozenset({"full_name", "other_names"})


def _clean_text(value: str) -> str:
    return nfc(value).strip()


def _clean_field(name: str, value: str) -> str:
    return plain_name(value) if name in _NAME_FIELDS else _clean_text(value)


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
    """Make the stored name tokens those of the person's names and birth date (the words of
    the names, the duplicate matcher's keys); whether they changed."""
    wanted = indexes.person_token_indexes(person)
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


def _new_person(
    *,
    actor: Actor,
    organisation: Organisation,
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
    """A person as registered, checked and with their blind indexes, not yet saved."""
    person = Person(
        organisation=organisation,
        full_name=plain_name(full_name),
        other_names=plain_name(other_names),
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
        created_by_id=actor.user_id,
    )
    _validate_person(person)
    _refresh_indexes(person)
    return person


def _registered_audit(person: Person) -> AuditItem:
    return AuditItem(
        target=person,
        changed_fields=[name for name in PERSON_FIELDS if PERSON_EDITS.value(person, name)],
    )


@transaction.atomic
def person_register(
    *,
    actor: Actor,
    organisation: Organisation,
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
    person = _new_person(
        actor=actor,
        organisation=organisation,
        full_name=full_name,
        sex=sex,
        other_names=other_names,
        date_of_birth=date_of_birth,
        estimated_age=estimated_age,
        ethnicity=ethnicity,
        nationality=nationality,
        id_number=id_number,
        phone=phone,
        current_address=current_address,
        current_commune=current_commune,
        area_type=area_type,
        pre_2025_address=pre_2025_address,
    )
    person.save(force_insert=True)
    _replace_name_tokens(person, existing=set())
    item = _registered_audit(person)
    audit_record(
        event=PeopleEvent.PERSON_REGISTERED,
        actor=actor.within(organisation),
        target=person,
        changed_fields=item.changed_fields,
    )
    return person


@transaction.atomic
def people_register_many(
    *, actor: Actor, organisation: Organisation, people: Sequence[Mapping[str, Any]]
) -> list[Person]:
    """Register many people at once (an import), each as `person_register` would (the same
    checks, blind indexes, name tokens and audit row), in a few statements.

    Every person is checked before anything is written: when some are refused, nothing is, and
    `ItemsRefusedError` says which (by position in `people`) and why."""
    built: list[Person] = []
    refused: dict[int, ValidationError] = {}
    for position, details in enumerate(people):
        try:
            built.append(_new_person(actor=actor, organisation=organisation, **details))
        except ValidationError as error:
            refused[position] = error
    if refused:
        raise ItemsRefusedError(refused)
    Person.objects.bulk_create(built, batch_size=BULK_SIZE)
    PersonNameToken.objects.bulk_create(
        [
            PersonNameToken(person=person, organisation_id=organisation.pk, token_index=token)
            for person in built
            for token in sorted(indexes.person_token_indexes(person))
        ],
        batch_size=BULK_SIZE,
    )
    audit_record_many(
        event=PeopleEvent.PERSON_REGISTERED,
        actor=actor.within(organisation),
        items=[_registered_audit(person) for person in built],
    )
    return built


class PossibleDuplicates(Exception):  # noqa: N818 (what was found, not an error of the user)
    """A registration stopped before writing: records like it exist that the member may open
    (`found`). Records the member may not open never stop a registration."""

    def __init__(self, found: DuplicateCheck) -> None:
        super().__init__("possible duplicates")
        self.found = found


@transaction.atomic
def person_register_once(
    *,
    actor: Actor,
    membership: Membership,
    idempotency_key: str = "",
    different_person: bool = False,
    **details: Any,
) -> Person:
    """Register a person from the page's form or the API, once per form or API key.

    A form sent again (a double click, a retry after a lost answer) with the key of one that
    registered someone gets that person back: nothing is checked or written again. Otherwise
    the registration stops with `PossibleDuplicates` when records like this one exist among
    those the member may open, unless the user said it is `different_person`; the key is then
    not used up.

    Whether a record the member may not open (another organisation's) is a likely match changes
    nothing the user sees: once the person is registered, the organisation holding it gets a
    `DuplicateNotice` (`duplicate_notices_create`), in the same transaction, written as the
    system.
    """

    def register() -> Person:
        found = possible_duplicates(
            membership,
            full_name=plain_name(details["full_name"]),
            date_of_birth=details.get("date_of_birth"),
            id_number=details.get("id_number", ""),
            phone=details.get("phone", ""),
            sex=details.get("sex", ""),
            current_commune=details.get("current_commune"),
        )
        if found and not different_person:
            raise PossibleDuplicates(found)
        person = person_register(actor=actor, organisation=membership.organisation, **details)
        # Written by the system, never in the registrant's name: the holder learns nothing of them.
        duplicate_notices_create(
            actor=Actor.system(DUPLICATE_CHECK_ACTOR), membership=membership, person=person
        )
        return person

    # Keys are remembered per organisation registered with (`core.idempotency`).
    scope = f"people.person_register:{membership.organisation_id}"
    person, _first = once(actor=actor, scope=scope, key=idempotency_key, create=register)
    return person


@transaction.atomic
def person_update(
    *,
    person: Person,
    expected_version: int,
    baseline: Mapping[str, str],
    actor: Actor,
    **changes: Any,
) -> Person:
    """Apply `changes` to the person's record, unless someone saved it since `expected_version`.

    `baseline` holds the field fingerprints (`PERSON_EDITS.fingerprints`) of the version the
    user edited, so a refusal can name the fields the other save changed. Nothing changes and no
    version is used up when the values are the same as stored.
    """
    unknown = set(changes) - set(PERSON_FIELDS)
    if unknown:
        raise TypeError(f"not editable person fields: {sorted(unknown)}")
    current = Person.objects.select_for_update().get(pk=person.pk)
    PERSON_EDITS.check(current, expected_version=expected_version, baseline=baseline)
    changed: list[str] = []
    for name, value in changes.items():
        if name in _TEXT_FIELDS:
            value = _clean_field(name, value or "")
        new = value.pk if isinstance(value, Commune) else value
        if PERSON_EDITS.value(current, name) != new:
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
    if _TOKEN_FIELDS.intersection(changed):
        _replace_name_tokens(current)
    current.version += 1
    current.save(update_fields=update_fields)
    people_changed(person_ids=[current.pk], person_fields=changed)
    audit_record(
        event=PeopleEvent.PERSON_CHANGED,
        actor=actor.within(current.organisation),
        target=current,
        changed_fields=changed,
        details={"version": current.version},
    )
    return current


@transaction.atomic
def person_view_record(*, person: Person, actor: Actor) -> None:
    """Record that the user opened the person's record (every opening is audited)."""
    audit_record(
        event=PeopleEvent.PERSON_VIEWED, actor=actor.within(person.organisation), target=person
    )


@transaction.atomic
def person_duplicates_shown_record(*, organisation: Organisation, shown: int, actor: Actor) -> None:
    """Record that a registration stopped on possible duplicates and showed the member `shown`
    records of their organisation (the page's hint or the API's 409): a read of identities."""
    audit_record(
        event=PeopleEvent.DUPLICATES_SHOWN,
        actor=actor.within(organisation),
        details={"shown": shown},
    )


# The system actor that writes duplicate notices: a notice never names who registered.
DUPLICATE_CHECK_ACTOR = "duplicate check"


@transaction.atomic
def duplicate_notices_create(
    *, actor: Actor, membership: Membership, person: Person
) -> list[DuplicateNotice]:
    """Tell each organisation holding a likely match of `person`, just registered by the
    member, that the member may not open (another organisation's, or their own organisation's
    kept from them), with a notice to its supervisors: their person, the day and the basis of
    the match, nothing of `person` nor of who registered them. One notice per pair of
    registering organisation and person (registering the same person again adds none); each
    new notice is audited in the holder's log as the act of `actor`, the system's
    (`DUPLICATE_CHECK_ACTOR`). The new notices."""
    matches = matches_kept_from(membership, person)
    if not matches:
        return []
    holders = Organisation.objects.in_bulk({m.person.organisation_id for m in matches})
    today = timezone.localdate()
    created_notices = []
    for match in matches:
        holder = holders[match.person.organisation_id]
        notice, created = DuplicateNotice.objects.get_or_create(
            person_id=match.person.pk,
            registered_by_organisation_id=person.organisation_id,
            defaults={
                "organisation": holder,
                "bases": sorted(match.reasons),
                "registered_on": today,
            },
        )
        if not created:
            continue
        audit_record(
            event=PeopleEvent.DUPLICATE_NOTICE_CREATED,
            actor=actor.within(holder),
            target=notice,
            details={"person": match.person.pk, "bases": notice.bases},
        )
        created_notices.append(notice)
    return created_notices


@transaction.atomic
def duplicate_notices_view_record(*, organisation: Organisation, shown: int, actor: Actor) -> None:
    """Record one read of the organisation's duplicate notices (names of its own people)."""
    audit_record(
        event=PeopleEvent.DUPLICATE_NOTICES_VIEWED,
        actor=actor.within(organisation),
        details={"shown": shown},
    )


@transaction.atomic
def duplicate_notice_dismiss(*, notice: DuplicateNotice, actor: Actor) -> DuplicateNotice:
    """Take a notice out of the review queue (a supervisor looked and needs nothing more).

    Dismissing a dismissed notice changes nothing and writes no second audit row."""
    current = DuplicateNotice.objects.select_for_update().get(pk=notice.pk)
    if current.dismissed_at is not None:
        return current
    current.dismissed_at = timezone.now()
    current.dismissed_by_id = actor.user_id
    current.save(update_fields=["dismissed_at", "dismissed_by"])
    audit_record(
        event=PeopleEvent.DUPLICATE_NOTICE_DISMISSED,
        actor=actor.within(current.organisation),
        target=current,
        details={"person": current.person_id},
    )
    return current


@transaction.atomic
def person_list_record(
    *,
    organisation: Organisation,
    searched: bool,
    shown: int,
    total: int,
    page: int,
    actor: Actor,
) -> None:
    """Record one read of a list of people (the page or the API): whether it was a search, the
    page, how many people it showed and how many matched; never what was searched."""
    audit_record(
        event=PeopleEvent.PEOPLE_SEARCHED if searched else PeopleEvent.PEOPLE_LISTED,
        actor=actor.within(organisation),
        details={
            "count": total,
            "shown": shown,
            "page": page,
            "filters": ["q"] if searched else [],
        },
    )


def person_search_indexes_rebuild(*, actor: Actor, batch_size: int = 500) -> int:
    """Rewrite every person's blind indexes and name tokens with the newest key and as this
    version writes them; how many people changed.

    Run by `rotate_data_key` (the `actor`) after re-encrypting, so that no index depends on an
    old key (`data_key_rotation_record` then audits the whole rotation at once), and by
    `rebuild_person_tokens` after an upgrade that indexes more. One transaction per batch, in a
    few statements each; rows are locked so a concurrent edit waits. A record merged into
    another one keeps no index (`person_merged_away`): it is left as it is.
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
                    "organisation",
                    "merged_into",
                    "full_name",
                    "other_names",
                    "date_of_birth",
                    "estimated_age",
                    "age_estimated_on",
                    "created_at",
                    "id_number",
                    "phone",
                    "name_dob_index",
                    "id_number_index",
                    "phone_index",
                )[:batch_size]
            )
            current = [person for person in batch if person.merged_into_id is None]
            stored: dict[int, dict[str, int]] = {person.pk: {} for person in current}
            for pk, person_id, token in PersonNameToken.objects.filter(
                person__in=current
            ).values_list("pk", "person_id", "token_index"):
                stored[person_id][token] = pk
            changed_indexes: list[Person] = []
            stale: list[int] = []
            new: list[PersonNameToken] = []
            for person in current:
                indexes_changed = _refresh_indexes(person)
                if indexes_changed:
                    changed_indexes.append(person)
                wanted = indexes.person_token_indexes(person)
                existing = stored[person.pk]
                stale += [pk for token, pk in existing.items() if token not in wanted]
                new += [
                    PersonNameToken(
                        person=person, organisation_id=person.organisation_id, token_index=token
                    )
                    for token in sorted(wanted.difference(existing))
                ]
                rebuilt += indexes_changed or wanted != existing.keys()
            Person.objects.bulk_update(changed_indexes, list(_INDEX_COLUMNS))
            PersonNameToken.objects.filter(pk__in=stale).delete()
            PersonNameToken.objects.bulk_create(new)
        if len(batch) < batch_size:
            return rebuilt
        last_pk = batch[-1].pk


@transaction.atomic
def person_tokens_rebuild_record(*, actor: Actor, people: int) -> None:
    """Record a rebuild of every person's blind indexes and name tokens (`rebuild_person_tokens`):
    how many people's changed."""
    audit_record(event=PeopleEvent.PERSON_TOKENS_REBUILT, actor=actor, details={"people": people})


@transaction.atomic
def data_key_rotation_record(*, actor: Actor, values_rotated: int, indexes_rebuilt: int) -> None:
    """Record a data key rotation: how many values were re-encrypted and indexes rebuilt."""
    audit_record(
        event=PeopleEvent.DATA_KEY_ROTATED,
        actor=actor,
        details={"values": values_rotated, "indexes": indexes_rebuilt},
    )


def _new_guardian(
    *, person: Person, full_name: str, relation: str, phone: str = "", actor: Actor
) -> Guardian:
    guardian = Guardian(
        person=person,
        full_name=plain_name(full_name),
        phone=_clean_text(phone),
        relation=relation,
        created_by_id=actor.user_id,
    )
    if not guardian.full_name:
        raise ValidationError(_("Enter the guardian's full name."), code="full_name_required")
    return guardian


def _guardian_audit(guardian: Guardian) -> AuditItem:
    return AuditItem(
        target=guardian,
        changed_fields=["full_name", "relation", *(["phone"] if guardian.phone else [])],
        details={"person": guardian.person_id},
    )


@transaction.atomic
def guardian_add(
    *,
    person: Person,
    full_name: str,
    relation: str,
    phone: str = "",
    actor: Actor,
) -> Guardian:
    guardian = _new_guardian(
        person=person, full_name=full_name, relation=relation, phone=phone, actor=actor
    )
    guardian.save(force_insert=True)
    item = _guardian_audit(guardian)
    audit_record(
        event=PeopleEvent.GUARDIAN_ADDED,
        actor=actor.within(person.organisation),
        target=guardian,
        changed_fields=item.changed_fields,
        details=item.details,
    )
    return guardian


@transaction.atomic
def guardians_add_many(
    *, actor: Actor, organisation: Organisation, guardians: Sequence[Mapping[str, Any]]
) -> list[Guardian]:
    """Add many guardians at once (an import; each mapping has `guardian_add`'s arguments,
    `person` included, all people of `organisation`), each as `guardian_add` would. Every one
    is checked first: `ItemsRefusedError` names those refused, and nothing is written."""
    built: list[Guardian] = []
    refused: dict[int, ValidationError] = {}
    for position, details in enumerate(guardians):
        if details["person"].organisation_id != organisation.pk:
            raise ValueError("every person must be of the organisation named")
        try:
            built.append(_new_guardian(actor=actor, **details))
        except ValidationError as error:
            refused[position] = error
    if refused:
        raise ItemsRefusedError(refused)
    Guardian.objects.bulk_create(built, batch_size=BULK_SIZE)
    audit_record_many(
        event=PeopleEvent.GUARDIAN_ADDED,
        actor=actor.within(organisation),
        items=[_guardian_audit(guardian) for guardian in built],
    )
    return built


MINOR_NEEDS_GUARDIAN = gettext_lazy(
    "This person is under 18 on the date given: the consent must come from a guardian or "
    "legal representative."
)


def _new_consent(
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
    actor: Actor,
) -> Consent:
    """A consent as recorded, checked, not yet saved."""
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
    return Consent(
        person=person,
        purpose=purpose,
        recipient_organisation=recipient_organisation,
        method=method,
        evidence_note=_clean_text(evidence_note),
        given_by=given_by,
        guardian=guardian,
        given_on=given_on,
        expires_on=expires_on,
        recorded_by_id=actor.user_id,
    )


def _consent_event(consent: Consent) -> tuple[PeopleEvent, AuditItem]:
    details: dict[str, Any] = {"person": consent.person_id, "purpose": consent.purpose}
    event = PeopleEvent.CONSENT_RECORDED
    if consent.recipient_organisation_id is not None:
        event = PeopleEvent.SHARING_CONSENT_RECORDED
        details["organisation"] = consent.recipient_organisation_id
    return event, AuditItem(target=consent, details=details)


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
    actor: Actor,
) -> Consent:
    """Record a consent the person (or, for a child, their guardian) has given."""
    consent = _new_consent(
        person=person,
        purpose=purpose,
        method=method,
        given_by=given_by,
        given_on=given_on,
        recipient_organisation=recipient_organisation,
        guardian=guardian,
        expires_on=expires_on,
        evidence_note=evidence_note,
        actor=actor,
    )
    consent.save(force_insert=True)
    event, item = _consent_event(consent)
    audit_record(
        event=event,
        actor=actor.within(person.organisation),
        target=consent,
        details=item.details,
    )
    return consent


@transaction.atomic
def consents_record_many(
    *, actor: Actor, organisation: Organisation, consents: Sequence[Mapping[str, Any]]
) -> list[Consent]:
    """Record many consents at once (an import; each mapping has `consent_record`'s arguments,
    `person` included, all people of `organisation`), each as `consent_record` would. Every one
    is checked first: `ItemsRefusedError` names those refused, and nothing is written."""
    built: list[Consent] = []
    refused: dict[int, ValidationError] = {}
    for position, details in enumerate(consents):
        if details["person"].organisation_id != organisation.pk:
            raise ValueError("every person must be of the organisation named")
        try:
            built.append(_new_consent(actor=actor, **details))
        except ValidationError as error:
            refused[position] = error
    if refused:
        raise ItemsRefusedError(refused)
    Consent.objects.bulk_create(built, batch_size=BULK_SIZE)
    by_event: dict[PeopleEvent, list[AuditItem]] = {}
    for consent in built:
        event, item = _consent_event(consent)
        by_event.setdefault(event, []).append(item)
    for event, items in by_event.items():
        audit_record_many(event=event, actor=actor.within(organisation), items=items)
    return built


@transaction.atomic
def consent_withdraw(
    *,
    consent: Consent,
    note: str = "",
    actor: Actor,
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
    consent.withdrawn_by_id = actor.user_id
    consent.withdrawal_note = _clean_text(note)
    consent.save(update_fields=["withdrawn_at", "withdrawn_by", "withdrawal_note"])
    audit_record(
        event=PeopleEvent.CONSENT_WITHDRAWN,
        actor=actor.within(consent.person.organisation),
        target=consent,
        changed_fields=["withdrawn_at", *(["withdrawal_note"] if consent.withdrawal_note else [])],
        details={"person": consent.person_id, "purpose": consent.purpose},
    )
    return consent


# What a merge of two records of one person (the duplicates app) writes on the records
# themselves. The duplicates app's services audit the merge and its undo, in one row each.

# Besides the record form's fields, what a merge sets and its undo restores.
MERGED_FIELDS = (*PERSON_FIELDS, "age_estimated_on")


@transaction.atomic
def person_fields_replace(
    *,
    person: Person,
    values: Mapping[str, Any],
    actor: Actor,
    version: int | None = None,
    updated_at: datetime.datetime | None = None,
) -> list[str]:
    """Give the person's record these values of `MERGED_FIELDS` (a merge's chosen values, or
    the values an undone merge restores), rewrite its blind indexes and name tokens, and tell
    the figures. A new version, unless `version` and `updated_at` are given: an undo puts the
    record back exactly as it was. The names of the fields that changed."""
    unknown = set(values) - set(MERGED_FIELDS)
    if unknown:
        raise TypeError(f"not person fields a merge sets: {sorted(unknown)}")
    current = Person.objects.select_for_update().get(pk=person.pk)
    changed = []
    for name, value in values.items():
        stored = current.current_commune_id if name == "current_commune" else getattr(current, name)
        new = value.pk if isinstance(value, Commune) else value
        if stored != new:
            if name == "current_commune":
                current.current_commune_id = new
            else:
                setattr(current, name, value)
            changed.append(name)
    if changed:
        _validate_person(current)
    _refresh_indexes(current)
    _replace_name_tokens(current)
    if version is None:
        current.version += 1
        current.save(update_fields=[*changed, "version", "updated_at", *_INDEX_COLUMNS])
    else:
        current.version = version
        current.save(update_fields=[*changed, "version", *_INDEX_COLUMNS])
        Person.objects.filter(pk=current.pk).update(updated_at=updated_at)
    if changed:
        people_changed(person_ids=[current.pk], person_fields=changed)
    return changed


@transaction.atomic
def person_merged_away(
    *, person: Person, survivor: Person, at: datetime.datetime, actor: Actor
) -> None:
    """Mark the record as merged into `survivor`: nobody sees it any more and no search or
    duplicate check finds it (its blind indexes and name tokens are cleared); its own fields
    stay as they are, for an undo. A new version (what was imported with it is no longer as
    imported), its last change left alone."""
    PersonNameToken.objects.filter(person=person).delete()
    Person.objects.filter(pk=person.pk).update(
        merged_into=survivor,
        merged_at=at,
        version=F("version") + 1,
        **dict.fromkeys(_INDEX_COLUMNS, ""),
    )


@transaction.atomic
def person_merge_reverted(*, person: Person, version: int, actor: Actor) -> None:
    """Bring back a record merged into another one, as it was: seen again, at its `version`
    before the merge, its blind indexes and name tokens written again from its own fields."""
    current = Person.objects.select_for_update().get(pk=person.pk)
    _refresh_indexes(current)
    _replace_name_tokens(current, existing=set())
    Person.objects.filter(pk=current.pk).update(
        merged_into=None,
        merged_at=None,
        version=version,
        **{column: getattr(current, column) for column in _INDEX_COLUMNS},
    )
