"""Writes of a project's trainings: trainings and sessions, trainees enrolled, attendance and
scores, certificates. Each one checks its rule, saves, and writes its audit row in the same
transaction; a write that changes who is trained tells donghanh.indicators.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from donghanh.audit.services import audit_record
from donghanh.core.actor import Actor
from donghanh.core.records import records_changed
from donghanh.core.text import nfc
from donghanh.organisations.models import Organisation
from donghanh.places.models import Province
from donghanh.programmes.events import ProgrammeEvent
from donghanh.programmes.projects.models import Project
from donghanh.programmes.projects.records import (
    check_dates,
    check_version,
    record_audit,
    record_create,
)
from donghanh.programmes.trainings.models import (
    Participant,
    Training,
    TrainingParticipation,
    TrainingSession,
)
from donghanh.programmes.trainings.selectors import trainee_find, trainee_index


@transaction.atomic
def training_add(
    *,
    project: Project,
    title: str,
    level: str,
    start_on: datetime.date,
    end_on: datetime.date,
    actor: Actor,
    kind: str = "training",
    topic: str = "",
    province: Province | None = None,
    commune: Any = None,
    place: str = "",
) -> Training:
    check_dates(start_on, end_on)
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
        created_by_id=actor.user_id,
    )
    record_create(training, project=project, actor=actor, exclude=["created_by"])
    records_changed(project_ids=[project.pk])
    return training


@transaction.atomic
def session_add(
    *,
    training: Training,
    held_on: datetime.date,
    title: str,
    actor: Actor,
    hours: Decimal | None = None,
) -> TrainingSession:
    if not training.start_on <= held_on <= training.end_on:
        raise ValidationError(_("A session must fall within the dates of its training."))
    session = TrainingSession(training=training, held_on=held_on, title=title, hours=hours)
    record_create(session, project=training.project, actor=actor)
    return session


@transaction.atomic
def participant_enrol(
    *,
    training: Training,
    full_name: str,
    sex: str,
    role: str,
    sector: str,
    actor: Actor,
    birth_year: int | None = None,
    organisation: Organisation | None = None,
    organisation_name: str = "",
    province: Province | None = None,
    area_type: str = "",
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
        record_create(participant, project=project, actor=actor, exclude=["person"])
    if TrainingParticipation.objects.filter(training=training, participant=participant).exists():
        raise ValidationError(_("This person is already a participant of the training."))
    participation = TrainingParticipation(training=training, participant=participant)
    record_create(participation, project=project, actor=actor)
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
    actor: Actor,
) -> TrainingParticipation:
    sessions = list(sessions_attended)
    if any(session.training_id != participation.training_id for session in sessions):
        raise ValidationError(_("Choose sessions of this training."))
    for score in (pre_score, post_score):
        if score is not None and not Decimal(0) <= score <= Decimal(100):
            raise ValidationError(_("Scores go from 0 to 100."))
    check_version(participation, expected_version)
    participation.sessions_attended.set(sessions)
    participation.pre_score = pre_score
    participation.post_score = post_score
    participation.version += 1
    participation.save(update_fields=["pre_score", "post_score", "version"])
    record_audit(
        ProgrammeEvent.RECORD_CHANGED,
        target=participation,
        project=participation.training.project,
        actor=actor,
        changed_fields=["sessions_attended", "pre_score", "post_score"],
    )
    return participation


@transaction.atomic
def certificate_issue(
    *,
    participation: TrainingParticipation,
    actor: Actor,
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
        participation.save(
            update_fields=[
                "certificate_issued",
                "certificate_issued_on",
                "certificate_number",
                "version",
            ]
        )
    record_audit(
        ProgrammeEvent.CERTIFICATE_DOWNLOADED,
        target=participation,
        project=participation.training.project,
        actor=actor,
    )
    return participation


@transaction.atomic
def trainee_list_view_record(*, actor: Actor, training: Training) -> None:
    """Record that the actor was shown the names of a training's trainees."""
    audit_record(
        event=ProgrammeEvent.TRAINEES_VIEWED,
        actor=actor,
        target=training,
        details={"project": training.project_id},
    )


@transaction.atomic
def trainee_view_record(*, actor: Actor, participation: TrainingParticipation) -> None:
    """Record that the actor was shown one trainee of a training."""
    audit_record(
        event=ProgrammeEvent.TRAINEE_VIEWED,
        actor=actor,
        target=participation.participant,
        details={"project": participation.training.project_id},
    )
