"""Reads of a project's trainings, their participants and the trainees counted once each."""

from __future__ import annotations

from django.db.models import Count, QuerySet

from donghanh.core.crypto import blind_index
from donghanh.core.text import fold_name
from donghanh.organisations.models import Organisation
from donghanh.programmes.projects.models import Project
from donghanh.programmes.projects.selectors import ProjectAccess, one_or_404
from donghanh.programmes.trainings.models import Participant, Training, TrainingParticipation

TRAINEE_INDEX_PURPOSE = "trainee-name-birth-year"


def project_training(access: ProjectAccess, training_id: int) -> Training:
    return one_or_404(Training.objects.filter(project=access.project), training_id)


def training_participation(training: Training, participation_id: int) -> TrainingParticipation:
    return one_or_404(
        TrainingParticipation.objects.filter(training=training).select_related(
            "participant", "participant__organisation", "participant__province", "training"
        ),
        participation_id,
    )


def project_trainings(project: Project) -> QuerySet[Training]:
    return (
        Training.objects.filter(project=project)
        .select_related("province")
        .annotate(
            participant_count=Count("participations", distinct=True),
            session_count=Count("sessions", distinct=True),
        )
    )


def training_participations(training: Training) -> QuerySet[TrainingParticipation]:
    return (
        TrainingParticipation.objects.filter(training=training)
        .select_related("participant", "participant__organisation", "participant__province")
        .annotate(attended=Count("sessions_attended"))
        .order_by("id")
    )


def unique_trainees(project: Project) -> int:
    """People trained by the project: each counts once, whatever the number of trainings."""
    return Participant.objects.filter(participations__training__project=project).distinct().count()


def trainee_index(full_name: str, birth_year: int | None) -> str:
    """Blind index of a trainee's folded name and birth year, to find them again."""
    return blind_index(f"{fold_name(full_name)}|{birth_year or ''}", purpose=TRAINEE_INDEX_PURPOSE)


def trainee_find(
    *, holder: Organisation, full_name: str, birth_year: int | None
) -> Participant | None:
    index = trainee_index(full_name, birth_year)
    return Participant.objects.filter(holder=holder, name_index=index).first()
