"""Importing the trainees of a training: the attendance list an officer keeps, with the
sessions each person attended and their test scores.

The importer chooses the training when uploading: one file, one training. Each row enrols one
trainee through `donghanh.programmes.trainings.services.participant_enrol`: someone the
organisation trained before (same name and year of birth) is the same trainee and counts once.
A row whose trainee is already in this training is a duplicate and left out. Attendance and
scores are recorded through `participation_update`.
"""

from __future__ import annotations

import datetime
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django import forms
from django.core.exceptions import PermissionDenied
from django.db import models
from django.db.models import Q
from django.http import Http404
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from donghanh.core.actor import Actor
from donghanh.core.records import records_changed
from donghanh.core.text import fold
from donghanh.imports import parsing
from donghanh.imports.kinds.base import (
    Checked,
    Column,
    ImportKind,
    RemoveProgress,
    area_type_column,
    full_name_column,
    province_column,
    register,
    remove_many,
    sex_column,
)
from donghanh.imports.kinds.places import AREAS, ProvinceReader
from donghanh.organisations.models import Membership
from donghanh.organisations.roles import Perm
from donghanh.programmes.codes import AudienceSex
from donghanh.programmes.projects.selectors import access_project
from donghanh.programmes.trainings.models import (
    OfficerRole,
    Participant,
    Sector,
    Training,
    TrainingParticipation,
    TrainingSession,
)
from donghanh.programmes.trainings.services import (
    participant_enrol,
    participation_update,
    trainee_index,
)

SEXES = parsing.Choices(
    AudienceSex.choices, aliases={"nữ": "female", "nam": "male", "f": "female", "m": "male"}
)
ROLES = parsing.Choices(
    OfficerRole.choices,
    aliases={
        "cán bộ xã hội": "social_worker",
        "cộng tác viên": "collaborator",
        "ctv": "collaborator",
        "trưởng thôn": "village_head",
        "trưởng bản": "village_head",
        "đoàn viên": "youth_union_officer",
        "hội viên phụ nữ": "womens_union_member",
    },
)
SECTORS = parsing.Choices(
    Sector.choices,
    aliases={
        "công an": "police",
        "lđtbxh": "labour",
        "lao động": "labour",
        "tư pháp": "justice",
        "hội phụ nữ": "women",
        "đoàn thanh niên": "youth",
        "y tế": "health",
        "giáo dục": "education",
        "ubnd": "local_government",
    },
)
SCORE = parsing.decimal(places=1, minimum=Decimal(0), maximum=Decimal(100))
_ALL = {"tat ca", "all", "ca khoa", "du"}


@dataclass
class State:
    training: Training
    sessions: list[TrainingSession]
    provinces: ProvinceReader
    # Trainees the organisation holds: blind index of name and birth year → participant.
    trainees: dict[str, int] = field(default_factory=dict)
    # The trainees already in this training → their participation.
    enrolled: dict[int, int] = field(default_factory=dict)


@dataclass
class Payload:
    full_name: str
    sex: str
    role: str
    sector: str
    birth_year: int | None
    organisation_name: str
    province: Any
    area_type: str
    sessions: list[TrainingSession]
    pre_score: Decimal | None
    post_score: Decimal | None


def trainings_for(membership: Membership) -> list[Training]:
    """The trainings the member's organisation may enrol trainees in: those of the projects it
    implements or is a partner of."""
    organisation = membership.organisation
    return list(
        Training.objects.filter(
            Q(project__implementing_organisation=organisation)
            | Q(project__partner_organisations=organisation)
        )
        .select_related("project")
        .distinct()
        .order_by("-start_on", "-id")
    )


def training_label(training: Training) -> str:
    return f"{training.project.code} – {training.title} ({training.start_on:%d/%m/%Y})"


class TraineesKind(ImportKind):
    code = "trainees"
    label = gettext_lazy("Trainees of a training")
    description = gettext_lazy(
        "The attendance list of a training: who took part, the sessions each attended and "
        "the scores of the tests before and after. One file per training."
    )
    perm = Perm.EDIT_PROGRAMMES
    template_name = "hoc-vien"
    columns = (
        full_name_column(
            example="Nguyễn Thị Ví Dụ", aliases=("ho va ten", "ho ten", "ten hoc vien", "name")
        ),
        sex_column(
            SEXES,
            example=AudienceSex.FEMALE.label,
            note=gettext_lazy("Nữ, Nam, or Khác."),
            width=12,
        ),
        Column(
            "birth_year",
            gettext_lazy("Year of birth"),
            parsing.year(minimum=1920),
            note=gettext_lazy(
                "Four figures. With the name, it tells one trainee from another across trainings."
            ),
            example="1990",
            aliases=("nam sinh", "ngay sinh", "birth year"),
            width=12,
        ),
        Column(
            "role",
            gettext_lazy("Role"),
            ROLES.one,
            required=True,
            choices=ROLES,
            example=OfficerRole.SOCIAL_WORKER.label,
            aliases=("vai tro", "chuc danh", "chuc vu"),
            width=28,
        ),
        Column(
            "sector",
            gettext_lazy("Sector"),
            SECTORS.one,
            required=True,
            choices=SECTORS,
            example=Sector.LABOUR.label,
            aliases=("nganh", "linh vuc", "co quan chu quan"),
            width=24,
        ),
        Column(
            "organisation_name",
            gettext_lazy("Organisation"),
            parsing.text(300),
            note=gettext_lazy("Where the trainee works."),
            example="UBND xã Xuân Hội",
            aliases=("don vi", "co quan", "noi cong tac", "to chuc"),
            width=28,
        ),
        province_column(),
        area_type_column(AREAS),
        Column(
            "sessions",
            gettext_lazy("Sessions attended"),
            parsing.text(500),
            note=gettext_lazy(
                "The numbers of the sessions attended, in the order they were held (1; 2; 3), "
                "their dates (12/03/2025; 13/03/2025), or “tất cả” for all of them."
            ),
            example="1; 2",
            aliases=("buoi da du", "cac buoi da du", "buoi tham du", "diem danh", "attendance"),
            width=20,
            number_format="@",
        ),
        Column(
            "pre_score",
            gettext_lazy("Pre-test score"),
            SCORE,
            note=gettext_lazy("From 0 to 100; decimals with a comma (7,5) or a point."),
            example="45",
            aliases=("diem truoc", "diem dau vao", "diem kiem tra truoc", "pre test", "pre"),
        ),
        Column(
            "post_score",
            gettext_lazy("Post-test score"),
            SCORE,
            note=gettext_lazy("From 0 to 100; decimals with a comma (7,5) or a point."),
            example="80",
            aliases=("diem sau", "diem dau ra", "diem kiem tra sau", "post test", "post"),
        ),
    )

    # --- the training, chosen on upload ---------------------------------------------------

    def option_fields(self, membership: Membership) -> dict[str, forms.Field]:
        return {
            "training": forms.TypedChoiceField(
                label=_("Training"),
                coerce=int,
                choices=[("", "—")]
                + [
                    (training.pk, training_label(training))
                    for training in trainings_for(membership)
                ],
                help_text=_("The trainees in the file took part in this training."),
            )
        }

    def options_from(self, cleaned: Mapping[str, Any]) -> dict[str, Any]:
        return {"training_id": cleaned["training"]}

    def options_shown(self, options: Mapping[str, Any]) -> list[tuple[Any, str]]:
        training = (
            Training.objects.select_related("project").filter(pk=_training_id(options)).first()
        )
        return [(_("Training"), training_label(training) if training else "—")]

    def check_access(self, membership: Membership, options: Mapping[str, Any]) -> None:
        training = Training.objects.filter(pk=_training_id(options)).first()
        if training is None:
            raise Http404
        access = access_project(
            membership.user, membership.organisation.slug, training.project_id, Perm.EDIT_PROGRAMMES
        )
        if not access.sees_trainees:
            raise PermissionDenied

    # --- the rows ---------------------------------------------------------------------------

    def prepare(self, *, organisation: Any, options: Mapping[str, Any], actor: Actor) -> State:
        training = (
            Training.objects.select_related("project", "project__implementing_organisation")
            .filter(
                Q(project__implementing_organisation=organisation)
                | Q(project__partner_organisations=organisation),
                pk=_training_id(options),
            )
            .distinct()
            .first()
        )
        if training is None:
            raise PermissionDenied
        state = State(
            training=training,
            sessions=list(training.sessions.order_by("held_on", "id")),
            provinces=ProvinceReader(),
        )
        holder = training.project.implementing_organisation
        for pk, index in Participant.objects.filter(holder=holder).values_list("pk", "name_index"):
            state.trainees[index] = pk
        for participant_id, pk in TrainingParticipation.objects.filter(
            training=training
        ).values_list("participant_id", "pk"):
            state.enrolled[participant_id] = pk
        return state

    def check(self, values: Mapping[str, Any], state: State) -> Checked:
        name, birth_year = values["full_name"], values["birth_year"]
        index = trainee_index(name, birth_year)
        checked = Checked(unique_key=index)
        province = None
        if values["province"]:
            province, problem = state.provinces.read(values["province"])
            if problem:
                checked.problem("province", problem)
        sessions: list[TrainingSession] = []
        if values["sessions"]:
            sessions, problem = _sessions(values["sessions"], state.sessions)
            if problem:
                checked.problem("sessions", problem)
        pre, post = values["pre_score"], values["post_score"]
        participant = state.trainees.get(index)
        if participant is not None and participant in state.enrolled:
            checked.duplicate = _("participation #%(id)s") % {"id": state.enrolled[participant]}
        checked.payload = Payload(
            full_name=name,
            sex=values["sex"],
            role=values["role"],
            sector=values["sector"],
            birth_year=birth_year,
            organisation_name=values["organisation_name"] or "",
            province=province,
            area_type=values["area_type"] or "",
            sessions=sessions,
            pre_score=pre,
            post_score=post,
        )
        return checked

    def create(self, payload: Payload, state: State, *, actor: Actor) -> Sequence[models.Model]:
        index = trainee_index(payload.full_name, payload.birth_year)
        known = state.trainees.get(index)
        participation = participant_enrol(
            training=state.training,
            full_name=payload.full_name,
            sex=payload.sex,
            role=payload.role,
            sector=payload.sector,
            actor=actor,
            birth_year=payload.birth_year,
            organisation_name=payload.organisation_name,
            province=payload.province,
            area_type=payload.area_type,
        )
        if payload.sessions or payload.pre_score is not None or payload.post_score is not None:
            participation = participation_update(
                participation=participation,
                expected_version=participation.version,
                sessions_attended=payload.sessions,
                pre_score=payload.pre_score,
                post_score=payload.post_score,
                actor=actor,
            )
        participant = participation.participant
        state.trainees[index] = participant.pk
        state.enrolled[participant.pk] = participation.pk
        # A trainee the organisation knew stays when the import is undone: only what it made.
        created: list[models.Model] = [] if known is not None else [participant]
        return [*created, participation]

    def touched(self, records: Sequence[models.Model], *, batch_ids: set[tuple[str, str]]) -> bool:
        """A trainee this import created who has since been enrolled in another training."""
        trainees = [record.pk for record in records if isinstance(record, Participant)]
        participations = {
            record.pk for record in records if isinstance(record, TrainingParticipation)
        }
        return (
            TrainingParticipation.objects.filter(participant_id__in=trainees)
            .exclude(pk__in=participations)
            .exists()
        )

    def remove(
        self,
        records: Sequence[models.Model],
        *,
        actor: Actor,
        batch: Any,
        progress: RemoveProgress | None = None,
    ) -> None:
        participations = [r for r in records if isinstance(r, TrainingParticipation)]
        trainees = [r for r in records if isinstance(r, Participant)]
        project_ids = set(
            Training.objects.filter(pk__in={p.training_id for p in participations}).values_list(
                "project_id", flat=True
            )
        )
        participant_ids = {p.participant_id for p in participations} | {t.pk for t in trainees}
        remove_many([*participations, *trainees], actor=actor, batch=batch, progress=progress)
        if project_ids:
            records_changed(
                project_ids=sorted(project_ids), participant_ids=sorted(participant_ids)
            )


def _training_id(options: Mapping[str, Any]) -> int:
    value = options.get("training_id")
    return value if isinstance(value, int) else 0


def _sessions(
    written: str, sessions: Sequence[TrainingSession]
) -> tuple[list[TrainingSession], str]:
    """The sessions a cell names: their numbers, their dates, or all of them."""
    if fold(written).rstrip(".") in _ALL:
        return list(sessions), ""
    chosen: list[TrainingSession] = []
    for part in parsing.split_list(written):
        found: list[TrainingSession] = []
        if part.isdigit() and len(part) <= 3:
            number = int(part)
            if 1 <= number <= len(sessions):
                found = [sessions[number - 1]]
        else:
            try:
                day: datetime.date = parsing.date(part)
            except parsing.BadValueError:
                day = datetime.date.min
            found = [session for session in sessions if session.held_on == day]
        if not found:
            return [], _(
                "“%(value)s” is not a session of this training: write session numbers from 1 "
                "to %(count)s, their dates, or “tất cả”."
            ) % {"value": part[:40], "count": len(sessions)}
        chosen += [session for session in found if session not in chosen]
    return chosen, ""


register(TraineesKind())
