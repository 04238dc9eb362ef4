"""Writes of projects: a project, its phases and provinces. Each one checks its rule, saves, and
writes its audit row in the same transaction, so a refused write leaves nothing behind.

The total budget is set with the funding split (finance.services.funding_split_set), which keeps
the funding sources and the budget lines in line with it.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from typing import Any

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils.translation import gettext as _

from donghanh.core.actor import Actor
from donghanh.core.records import project_created, records_changed
from donghanh.core.text import nfc
from donghanh.organisations.models import Organisation
from donghanh.places.models import LegacyDistrict, LegacyProvince, Province
from donghanh.programmes.events import ProgrammeEvent
from donghanh.programmes.projects.models import Phase, Project, ProjectProvince
from donghanh.programmes.projects.records import (
    check_dates,
    record_audit,
    record_create,
    record_update,
)


@transaction.atomic
def project_create(
    *,
    organisation: Organisation,
    code: str,
    name: str,
    actor: Actor,
    name_en: str = "",
    description: str = "",
    start_on: datetime.date | None = None,
    end_on: datetime.date | None = None,
    status: str = "active",
    budget_vnd: int = 0,
    partner_organisations: Iterable[Organisation] = (),
    donors: Iterable[Organisation] = (),
) -> Project:
    if Project.objects.filter(implementing_organisation=organisation, code=code.strip()).exists():
        raise ValidationError(
            _("Your organisation already has a project with the code %(code)s.") % {"code": code}
        )
    project = Project(
        implementing_organisation=organisation,
        code=code.strip(),
        name=nfc(name).strip(),
        name_en=name_en.strip(),
        description=description,
        start_on=start_on,
        end_on=end_on,
        status=status,
        budget_vnd=budget_vnd,
        created_by_id=actor.user_id,
    )
    check_dates(start_on, end_on)
    record_create(project, project=project, actor=actor, exclude=["created_by"])
    _set_links(project, partner_organisations, donors)
    project_created(project_id=project.pk)
    return project


def _set_links(
    project: Project, partners: Iterable[Organisation], donors: Iterable[Organisation]
) -> None:
    partners = [o for o in partners if o.pk != project.implementing_organisation_id]
    project.partner_organisations.set(partners)
    project.donors.set(list(donors))


@transaction.atomic
def project_update(
    *,
    project: Project,
    expected_version: int,
    actor: Actor,
    partner_organisations: Iterable[Organisation],
    donors: Iterable[Organisation],
    **changes: Any,
) -> Project:
    if "budget_vnd" in changes:
        raise TypeError(
            "project_update does not change the total budget: "
            "finance.services.funding_split_set does, with the funding sources."
        )
    check_dates(changes.get("start_on", project.start_on), changes.get("end_on", project.end_on))
    project = record_update(
        project,
        expected_version=expected_version,
        changes=changes,
        project=project,
        actor=actor,
        exclude=["created_by"],
    )
    _set_links(project, partner_organisations, donors)
    return project


@transaction.atomic
def phase_add(
    *,
    project: Project,
    name: str,
    start_on: datetime.date,
    end_on: datetime.date | None,
    actor: Actor,
    name_en: str = "",
    implementing_organisation: Organisation | None = None,
) -> Phase:
    check_dates(start_on, end_on)
    phase = Phase(
        project=project,
        name=name,
        name_en=name_en,
        start_on=start_on,
        end_on=end_on,
        implementing_organisation=implementing_organisation,
    )
    record_create(phase, project=project, actor=actor)
    return phase


@transaction.atomic
def project_province_add(
    *,
    project: Project,
    actor: Actor,
    province: Province | None = None,
    legacy_province: LegacyProvince | None = None,
    legacy_district: LegacyDistrict | None = None,
    original_name: str = "",
) -> ProjectProvince:
    """Add a province by today's unit, or by a pre-2025 province or district, which is kept
    beside the province it is part of today."""
    if legacy_district is not None:
        legacy_province = legacy_district.province
    if legacy_province is not None:
        province = legacy_province.current_province
        original_name = original_name or (
            f"{legacy_district.name}, {legacy_province.name}"
            if legacy_district
            else legacy_province.name
        )
    if province is None:
        raise ValidationError(_("Choose a province, today's or one from before July 2025."))
    duplicate = ProjectProvince.objects.filter(
        project=project,
        province=province,
        legacy_province=legacy_province,
        legacy_district=legacy_district,
    )
    if duplicate.exists():
        raise ValidationError(_("This province is already in the project."))
    row = ProjectProvince(
        project=project,
        province=province,
        legacy_province=legacy_province,
        legacy_district=legacy_district,
        original_name=original_name,
    )
    record_create(row, project=project, actor=actor)
    records_changed(project_ids=[project.pk])
    return row


@transaction.atomic
def evidence_download_record(*, record: models.Model, project: Project, actor: Actor) -> None:
    """Audit the download of the file a record of the project holds (evidence, publication)."""
    record_audit(ProgrammeEvent.FILE_DOWNLOADED, target=record, project=project, actor=actor)
