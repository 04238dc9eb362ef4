"""Importing outreach and communication tallies: the sheet an M&E officer keeps of a year's
events (forum theatre, community dialogues, posts and campaigns) with the audience counted by
sex and age group.

Each row is one communication activity of a project the organisation implements or is a partner
of (named by the project's code), recorded through
`donghanh.programmes.outreach.services.communication_record`, with the same checks and audit
row as the project's page. An activity already recorded (same project, kind, date and title)
is a duplicate and left out.
"""

from __future__ import annotations

import datetime
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.text import format_lazy
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
    date_column,
    in_order,
    not_in_future,
    project_code_column,
    province_column,
    register,
    remove_many,
)
from donghanh.imports.kinds.places import ProvinceReader
from donghanh.organisations.roles import Perm
from donghanh.programmes.codes import AgeGroup, AudienceSex
from donghanh.programmes.outreach.models import CommunicationActivity, CommunicationKind
from donghanh.programmes.outreach.services import communication_record
from donghanh.programmes.projects.models import Project

KINDS = parsing.Choices(
    CommunicationKind.choices,
    aliases={
        "kịch tương tác": "forum_theatre",
        "sân khấu tương tác": "forum_theatre",
        "video": "viral_video",
        "bài đăng": "social_media_post",
        "bài đăng trên mạng xã hội": "social_media_post",
        "facebook": "social_media_post",
        "chiến dịch truyền thông": "social_media_campaign",
        "đối thoại": "community_dialogue",
        "đối thoại cộng đồng": "community_dialogue",
        "tọa đàm": "community_dialogue",
        "talk show": "tv_talk_show",
    },
)
COUNT = parsing.integer(minimum=0, maximum=10_000_000)
BIG_COUNT = parsing.integer(minimum=0)

# The audience columns: one per sex and age group, as the page's table has them.
AUDIENCE_CELLS: tuple[tuple[str, str], ...] = tuple(
    (sex, age) for sex in AudienceSex.values for age in AgeGroup.values
)


def _cell_key(sex: str, age: str) -> str:
    return f"audience_{sex}_{age}"


def _audience_columns() -> tuple[Column, ...]:
    sexes = dict(AudienceSex.choices)
    ages = dict(AgeGroup.choices)
    short = {"female": ("nu",), "male": ("nam",), "other": ("khac",)}
    columns = []
    for sex, age in AUDIENCE_CELLS:
        examples = {("female", "18_24"): 35, ("male", "18_24"): 20}
        columns.append(
            Column(
                _cell_key(sex, age),
                format_lazy("{} – {}", sexes[sex], ages[age]),
                COUNT,
                example=examples.get((sex, age), ""),
                aliases=tuple(f"{word} {age.replace('_', ' ')}" for word in short[sex]),
                width=12,
            )
        )
    return tuple(columns)


@dataclass
class State:
    projects: dict[str, list[Project]]
    provinces: ProvinceReader
    # (project, kind, date, folded title) → the activity already recorded.
    known: dict[tuple[int, str, str, str], int] = field(default_factory=dict)


@dataclass
class Payload:
    project: Project
    values: dict[str, Any]
    audience: dict[tuple[str, str], int]
    key: tuple[int, str, str, str]


class OutreachKind(ImportKind):
    code = "outreach"
    label = gettext_lazy("Outreach and communication tallies")
    description = gettext_lazy(
        "The communication activities of your projects, one row an event, post or campaign "
        "with its audience counted by sex and age group; several projects in one file."
    )
    perm = Perm.EDIT_PROGRAMMES
    template_name = "truyen-thong"
    columns = (
        project_code_column(example="001", aliases=("ma du an", "du an", "project")),
        Column(
            "kind",
            gettext_lazy("Kind of activity"),
            KINDS.one,
            required=True,
            choices=KINDS,
            example=CommunicationKind.FORUM_THEATRE.label,
            aliases=("loai hoat dong", "hinh thuc", "loai hinh"),
            width=28,
        ),
        Column(
            "title",
            gettext_lazy("Title"),
            parsing.text(300),
            required=True,
            example="Ví dụ – Kịch tương tác về di cư an toàn",
            aliases=("ten hoat dong", "tieu de", "noi dung"),
            width=36,
        ),
        date_column(
            "held_on",
            gettext_lazy("Date"),
            required=True,
            note=gettext_lazy("The day it was held or posted (day/month/year)."),
            example=datetime.date(2025, 3, 8),
            aliases=("ngay", "ngay to chuc", "ngay thuc hien"),
        ),
        date_column(
            "end_on",
            gettext_lazy("Until"),
            note=gettext_lazy("For a campaign over several days: its last day."),
            aliases=("den ngay", "ngay ket thuc"),
        ),
        province_column(),
        Column(
            "place",
            gettext_lazy("Place or channel"),
            parsing.text(300),
            example="Nhà văn hóa thôn 3",
            aliases=("dia diem", "kenh", "noi to chuc"),
            width=28,
        ),
        Column("url", gettext_lazy("Link"), parsing.text(200), aliases=("duong dan",)),
        Column(
            "audience_total",
            gettext_lazy("Audience reached"),
            COUNT,
            note=gettext_lazy(
                "When the audience is counted by sex and age group, the total is their sum: "
                "leave it empty or write the same number."
            ),
            example=55,
            aliases=("tong so", "so nguoi tham du", "tong nguoi tham gia"),
        ),
        Column(
            "views",
            gettext_lazy("Views"),
            BIG_COUNT,
            aliases=("luot xem",),
        ),
        Column(
            "engagement",
            gettext_lazy("Engagement (reactions, comments, shares)"),
            BIG_COUNT,
            aliases=("tuong tac", "luot tuong tac"),
        ),
        *_audience_columns(),
    )

    def prepare(self, *, organisation: Any, options: Mapping[str, Any], actor: Actor) -> State:
        projects = (
            Project.objects.filter(
                Q(implementing_organisation=organisation) | Q(partner_organisations=organisation)
            )
            .select_related("implementing_organisation")
            .distinct()
        )
        state = State(projects={}, provinces=ProvinceReader())
        for project in projects:
            state.projects.setdefault(fold(project.code), []).append(project)
        ids = [project.pk for found in state.projects.values() for project in found]
        for pk, project_id, kind, held_on, title in CommunicationActivity.objects.filter(
            project_id__in=ids
        ).values_list("pk", "project_id", "kind", "held_on", "title"):
            state.known.setdefault((project_id, kind, held_on.isoformat(), fold(title)), pk)
        return state

    def check(self, values: Mapping[str, Any], state: State) -> Checked:
        checked = Checked()
        found = state.projects.get(fold(values["project"]), [])
        if len(found) != 1:
            message = (
                _("Several of your projects have this code: write it as on the project's page.")
                if found
                else _("No project your organisation implements or is a partner of has this code.")
            )
            checked.problem("project", message)
            return checked
        project = found[0]
        held_on: datetime.date = values["held_on"]
        end_on: datetime.date | None = values["end_on"]
        not_in_future(checked, values, "held_on", today=timezone.localdate())
        in_order(
            checked,
            held_on,
            end_on,
            column="end_on",
            message=_("The end date cannot be before the start date."),
        )
        province = None
        if values["province"]:
            province, problem = state.provinces.read(values["province"])
            if problem:
                checked.problem("province", problem)
        audience = {
            (sex, age): values[_cell_key(sex, age)]
            for sex, age in AUDIENCE_CELLS
            if values[_cell_key(sex, age)]
        }
        total = values["audience_total"]
        counted = sum(audience.values())
        if audience and total is not None and total != counted:
            checked.problem(
                "audience_total",
                _(
                    "The audience by sex and age group adds up to %(counted)s, not the total "
                    "of %(total)s given."
                )
                % {"counted": counted, "total": total},
            )
        if values["url"]:
            try:
                URLValidator(schemes=["http", "https"])(values["url"])
            except ValidationError:
                checked.problem("url", _("Write the whole link, starting with https://."))
        key = (project.pk, values["kind"], held_on.isoformat(), fold(values["title"]))
        checked.unique_key = key
        if key in state.known:
            checked.duplicate = _("communication activity #%(id)s") % {"id": state.known[key]}
        checked.payload = Payload(
            project=project,
            values={
                "kind": values["kind"],
                "title": values["title"],
                "held_on": held_on,
                "end_on": end_on,
                "province": province,
                "place": values["place"] or "",
                "url": values["url"] or "",
                "audience_total": total,
                "views": values["views"],
                "engagement": values["engagement"],
            },
            audience=audience,
            key=key,
        )
        return checked

    def create(self, payload: Payload, state: State, *, actor: Actor) -> Sequence[models.Model]:
        activity = communication_record(
            project=payload.project, audience=payload.audience, actor=actor, **payload.values
        )
        state.known[payload.key] = activity.pk
        return [activity]

    def remove(
        self,
        records: Sequence[models.Model],
        *,
        actor: Actor,
        batch: Any,
        progress: RemoveProgress | None = None,
    ) -> None:
        activities = [r for r in records if isinstance(r, CommunicationActivity)]
        project_ids = sorted({activity.project_id for activity in activities})
        remove_many(activities, actor=actor, batch=batch, progress=progress)
        if project_ids:
            records_changed(project_ids=project_ids)


register(OutreachKind())
