"""Writes of referrals and transfers, each audited in the same transaction.

Sharing is gated by consent (Art. 3(10) of Law 53/2024): a referral is sent, re-shared,
accepted or completed with feedback only while the person's consent to sharing with the
receiving organisation is in force (declining needs no consent: it discloses nothing). A
provider from the directory can be a receiver only through the organisation that runs it on
the platform: consent is recorded for a named organisation, so a provider without one cannot
receive anything through here.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from donghanh.audit.services import audit_record
from donghanh.cases.models import Case, CaseAssignment, CaseRestriction
from donghanh.cases.services import ensure_case_not_closed
from donghanh.core.actor import Actor
from donghanh.core.idempotency import once
from donghanh.directory.models import Provider
from donghanh.organisations.models import Organisation
from donghanh.people.models import Consent, Person, PersonNameToken
from donghanh.people.selectors import consent_is_active
from donghanh.reference.domains import ServiceDomain
from donghanh.referrals.events import ReferralEvent
from donghanh.referrals.models import (
    Referral,
    ReferralKind,
    ReferralStatus,
    SharedSection,
)
from donghanh.referrals.selectors import response_days_for
from donghanh.referrals.snapshot import take_snapshot

# The sections a transfer always carries: the receiver takes over the whole case.
TRANSFER_SECTIONS = tuple(SharedSection.values)


def _refuse_without_consent(person: Person, organisation: Organisation) -> None:
    if not consent_is_active(person, Consent.Purpose.SHARING, organisation):
        raise ValidationError(
            _(
                "The person has not consented to sharing with %(organisation)s, or the consent "
                "has expired or been withdrawn. Record the person's consent to sharing with "
                "this organisation first."
            )
            % {"organisation": organisation.name},
            code="no_consent",
        )


def _clean_sections(sections: Iterable[str]) -> list[str]:
    chosen = [section for section in SharedSection.values if section in set(sections)]
    if not chosen:
        raise ValidationError(_("Choose at least one part of the case to share."), code="empty")
    return chosen


@transaction.atomic
def referral_send(
    *,
    case: Case,
    actor: Actor,
    to_organisation: Organisation | None = None,
    to_provider: Provider | None = None,
    kind: str = ReferralKind.REFERRAL,
    domain: str = "",
    shared_sections: Iterable[str] = (),
    message: str = "",
    idempotency_key: str = "",
) -> Referral:
    """Send a referral (or offer a transfer) of the case; refused without consent. A form
    sent again with the same `idempotency_key` gets the referral the first one sent, and
    nothing is sent again."""
    ensure_case_not_closed(case)
    if to_provider is not None:
        if to_provider.organisation_id is None:
            raise ValidationError(
                _(
                    "This provider has no organisation on the platform, so no consent can be "
                    "recorded for it and nothing can be shared with it here. Contact it "
                    "directly with the person's agreement."
                ),
                code="provider_without_organisation",
            )
        if to_organisation is not None and to_organisation.pk != to_provider.organisation_id:
            raise ValidationError(_("The provider belongs to another organisation."))
        to_organisation = to_provider.organisation
    if to_organisation is None:
        raise ValidationError(_("Choose the organisation to refer to."), code="no_receiver")
    if to_organisation.pk == case.organisation_id:
        raise ValidationError(_("A case cannot be referred to its own organisation."))
    _refuse_without_consent(case.person, to_organisation)
    if kind == ReferralKind.TRANSFER:
        sections = list(TRANSFER_SECTIONS)
        domain = ""
        _check_transferable(case, to_organisation)
    else:
        sections = _clean_sections(shared_sections)
    if domain and domain not in ServiceDomain.values:
        raise ValidationError(_("Choose a service from the list."))

    def send() -> Referral:
        now = timezone.now()
        referral = Referral.objects.create(
            kind=kind,
            from_organisation_id=case.organisation_id,
            case=case,
            to_organisation=to_organisation,
            to_provider=to_provider,
            domain=domain,
            shared_sections=sections,
            message=message.strip(),
            snapshot=take_snapshot(case, sections, domain=domain),
            snapshot_taken_at=now,
            due_at=now + datetime.timedelta(days=response_days_for(case.organisation)),
            sent_by_id=actor.user_id,
        )
        audit_record(
            event=ReferralEvent.TRANSFER_OFFERED
            if kind == ReferralKind.TRANSFER
            else ReferralEvent.REFERRAL_SENT,
            actor=actor,
            organisation=case.organisation,
            target=referral,
            details={"case": case.pk, "organisation": to_organisation.pk, "sections": sections},
        )
        return referral

    referral, _sent = once(
        actor=actor, scope=f"referrals.send:{case.pk}", key=idempotency_key, create=send
    )
    return referral


@transaction.atomic
def referral_reshare(*, referral: Referral, actor: Actor) -> Referral:
    """Take the snapshot again from the case as it is now (the sender's explicit choice)."""
    referral = _locked(referral)
    if referral.status not in (ReferralStatus.SENT, ReferralStatus.ACCEPTED):
        raise ValidationError(_("Only an open referral can be shared again."))
    _refuse_without_consent(referral.case.person, referral.to_organisation)
    referral.snapshot = take_snapshot(
        referral.case, referral.shared_sections, domain=referral.domain
    )
    referral.snapshot_taken_at = timezone.now()
    referral.save(update_fields=["snapshot", "snapshot_taken_at"])
    audit_record(
        event=ReferralEvent.SHARED_AGAIN,
        actor=actor,
        organisation=referral.from_organisation,
        target=referral,
        details=_about(referral),
    )
    return referral


@transaction.atomic
def referral_view_record(*, referral: Referral, actor: Actor) -> None:
    """Record that a member opened the referral and the snapshot it carries, in the log of the
    organisation they opened it for (the actor's)."""
    audit_record(event=ReferralEvent.OPENED, actor=actor, target=referral, details=_about(referral))


def _about(referral: Referral) -> dict[str, int]:
    """What an audit row says of a referral: its id and its case's."""
    return {"referral": referral.pk, "case": referral.case_id}


def _locked(referral: Referral) -> Referral:
    return (
        Referral.objects.select_for_update()
        .select_related("case__person", "from_organisation", "to_organisation")
        .get(pk=referral.pk)
    )


def _check_transferable(case: Case, to_organisation: Organisation) -> None:
    others = Case.objects.filter(person_id=case.person_id).exclude(pk=case.pk)
    if others.exists():
        raise ValidationError(
            _(
                "The person has another case on the platform. A case can be transferred only "
                "when it is the person's only case."
            ),
            code="other_cases",
        )
    if Case.objects.filter(organisation=to_organisation, number=case.number).exists():
        raise ValidationError(
            _("The receiving organisation already has a case with this number."),
            code="number_taken",
        )


@transaction.atomic
def referral_accept(*, referral: Referral, actor: Actor) -> Referral:
    """The receiver accepts; a transfer moves the case to the receiver at once."""
    referral = _locked(referral)
    if referral.status != ReferralStatus.SENT:
        raise ValidationError(_("This referral has already been answered."), code="answered")
    # Taking the person on is processing what was shared: only while sharing is consented.
    _refuse_without_consent(referral.case.person, referral.to_organisation)
    now = timezone.now()
    referral.status = ReferralStatus.ACCEPTED
    referral.answered_at = now
    referral.answered_by_id = actor.user_id
    if referral.kind == ReferralKind.TRANSFER:
        _case_transfer(referral=referral, actor=actor)
        referral.status = ReferralStatus.COMPLETED
        referral.completed_at = now
        referral.completed_by_id = actor.user_id
    referral.save(
        update_fields=["status", "answered_at", "answered_by", "completed_at", "completed_by"]
    )
    audit_record(
        event=ReferralEvent.ACCEPTED,
        actor=actor,
        organisation=referral.to_organisation,
        target=referral,
        changed_fields=["status"],
        details=_about(referral),
    )
    return referral


def _case_transfer(*, referral: Referral, actor: Actor) -> Case:
    """Move the case (and its person) to the receiver: the number stays; workers and named
    users are cleared. Called inside referral_accept's transaction."""
    case = Case.objects.select_for_update().select_related("person").get(pk=referral.case_id)
    ensure_case_not_closed(case)
    _refuse_without_consent(case.person, referral.to_organisation)
    _check_transferable(case, referral.to_organisation)
    sender, receiver = referral.from_organisation, referral.to_organisation
    CaseAssignment.objects.filter(case=case).delete()
    CaseRestriction.objects.filter(case=case).delete()
    Case.objects.filter(pk=case.pk).update(
        organisation=receiver,
        is_restricted=False,
        version=case.version + 1,
        updated_at=timezone.now(),
    )
    Person.objects.filter(pk=case.person_id).update(organisation=receiver)
    PersonNameToken.objects.filter(person_id=case.person_id).update(organisation=receiver)
    for organisation, event, other in (
        (sender, ReferralEvent.CASE_TRANSFERRED, receiver),
        (receiver, ReferralEvent.CASE_RECEIVED, sender),
    ):
        audit_record(
            event=event,
            actor=actor,
            organisation=organisation,
            target=case,
            changed_fields=["organisation", "assignments", "restrictions"],
            details={"case": case.pk, "organisation": other.pk},
        )
    case.refresh_from_db()
    return case


@transaction.atomic
def referral_decline(*, referral: Referral, reason: str, actor: Actor) -> Referral:
    referral = _locked(referral)
    if referral.status != ReferralStatus.SENT:
        raise ValidationError(_("This referral has already been answered."), code="answered")
    if not reason.strip():
        raise ValidationError(_("Say why you decline the referral."), code="no_reason")
    referral.status = ReferralStatus.DECLINED
    referral.decline_reason = reason.strip()
    referral.answered_at = timezone.now()
    referral.answered_by_id = actor.user_id
    referral.save(update_fields=["status", "decline_reason", "answered_at", "answered_by"])
    audit_record(
        event=ReferralEvent.DECLINED,
        actor=actor,
        organisation=referral.to_organisation,
        target=referral,
        changed_fields=["status"],
        details=_about(referral),
    )
    return referral


@transaction.atomic
def referral_complete(*, referral: Referral, feedback: str, actor: Actor) -> Referral:
    """The receiver reports the service done, with feedback to the sender."""
    referral = _locked(referral)
    if referral.status != ReferralStatus.ACCEPTED:
        raise ValidationError(_("Only an accepted referral can be completed."), code="not_accepted")
    if not feedback.strip():
        raise ValidationError(_("Write your feedback to the sender."), code="no_feedback")
    # Feedback tells the sender about the person: it too needs the consent to be in force.
    _refuse_without_consent(referral.case.person, referral.to_organisation)
    referral.status = ReferralStatus.COMPLETED
    referral.feedback = feedback.strip()
    referral.completed_at = timezone.now()
    referral.completed_by_id = actor.user_id
    referral.save(update_fields=["status", "feedback", "completed_at", "completed_by"])
    audit_record(
        event=ReferralEvent.COMPLETED,
        actor=actor,
        organisation=referral.to_organisation,
        target=referral,
        changed_fields=["status"],
        details=_about(referral),
    )
    return referral


@transaction.atomic
def referral_cancel(*, referral: Referral, actor: Actor) -> Referral:
    """The sender withdraws a referral not yet answered; the receiver no longer sees its data."""
    referral = _locked(referral)
    if referral.status != ReferralStatus.SENT:
        raise ValidationError(_("Only a referral not yet answered can be cancelled."))
    referral.status = ReferralStatus.CANCELLED
    referral.snapshot = ""
    referral.save(update_fields=["status", "snapshot"])
    audit_record(
        event=ReferralEvent.CANCELLED,
        actor=actor,
        organisation=referral.from_organisation,
        target=referral,
        changed_fields=["status"],
        details=_about(referral),
    )
    return referral
