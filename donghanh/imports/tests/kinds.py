"""A small import kind for the framework's tests: an organisation's teams, from a sheet."""

from __future__ import annotations

import datetime
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db import models

from donghanh.core.actor import Actor
from donghanh.core.text import fold
from donghanh.imports import parsing
from donghanh.imports.kinds.base import (
    Checked,
    Column,
    ImportKind,
    RemoveProgress,
    audit_removed,
)
from donghanh.organisations.models import Team
from donghanh.organisations.roles import Perm
from donghanh.organisations.services import team_create

COLOURS = parsing.Choices([("red", "Red"), ("green", "Green")], aliases={"Đỏ": "red"})


@dataclass
class State:
    organisation: Any
    names: dict[str, int] = field(default_factory=dict)


class TeamsKind(ImportKind):
    code = "test-teams"
    label = "Teams"
    perm = Perm.MANAGE_TEAMS
    template_name = "teams"
    columns = (
        Column(
            "name",
            "Name",
            parsing.name(100),
            required=True,
            example="Ví dụ nhóm",
            aliases=("tên nhóm",),
        ),
        Column(
            "started_on",
            "Start date",
            parsing.date,
            example=datetime.date(2024, 3, 25),
            aliases=("ngày bắt đầu",),
        ),
        Column("budget", "Budget", parsing.money, example="1.500.000", aliases=("ngân sách",)),
        Column("colour", "Colour", COLOURS.one, choices=COLOURS, aliases=("màu",)),
    )

    def prepare(self, *, organisation: Any, options: Mapping[str, Any], actor: Actor) -> State:
        state = State(organisation=organisation)
        for team in Team.objects.filter(organisation=organisation):
            state.names[fold(team.name)] = team.pk
        return state

    def check(self, values: Mapping[str, Any], state: State) -> Checked:
        checked = Checked(payload=dict(values), unique_key=fold(values["name"]))
        if values["budget"] is not None and values["budget"] > 10_000_000:
            checked.problem("budget", "Too much.")
        existing = state.names.get(fold(values["name"]))
        if existing is not None:
            checked.duplicate = f"team #{existing}"
        return checked

    def create(self, payload: Any, state: State, *, actor: Actor) -> Sequence[models.Model]:
        team = team_create(organisation=state.organisation, name=payload["name"], actor=actor)
        state.names[fold(team.name)] = team.pk
        return [team]

    def remove(
        self,
        records: Sequence[models.Model],
        *,
        actor: Actor,
        batch: Any,
        progress: RemoveProgress | None = None,
    ) -> None:
        for record in records:
            audit_removed(actor=actor, record=record, batch=batch)
            record.delete()
