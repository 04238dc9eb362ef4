"""Writes of a project's outreach: communication activities with their audience, organisations
supported and publications. Each one checks its rule, saves, and writes its audit row in the
same transaction; a write that changes what an indicator counts tells donghanh.indicators.
"""

from __future__ import annotations

import datetime
from collections.abc import Mapping

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils.translation import gettext as _

from donghanh.audit.services import audit_record
from donghanh.core.actor import Actor
from donghanh.core.records import records_changed
from donghanh.core.text import fold
from donghanh.organisations.models import Organisation
from donghanh.places.models import Province
from donghanh.programmes.events import ProgrammeEvent
from donghanh.programmes.outreach import files
from donghanh.programmes.outreach.models import (
    AudienceCount,
    CommunicationActivity,
    Publication,
    SupportedOrganisation,
)
from donghanh.programmes.projects.models import Project
from donghanh.programmes.projects.records import check_dates, record_create
from donghanh.programmes.trainings.models import Training


@transaction.atomic
def communication_record(
    *,
    project: Project,
    kind: str,
    title: str,
    held_on: datetime.date,
    actor: Actor,
    audience: Mapping[tuple[str, str], int] | None = None,
    audience_total: int | None = None,
    end_on: datetime.date | None = None,
    province: Province | None = None,
    place: str = "",
    url: str = "",
    views: int | None = None,
    engagement: int | None = None,
) -> CommunicationActivity:
    """Record a communication activity. The audience may be broken down by (sex, age group);
    the total is then their sum, and a different total given is refused."""
    check_dates(held_on, end_on)
    cells = {key: count for key, count in (audience or {}).items() if count}
    counted = sum(cells.values())
    if cells and audience_total is not None and audience_total != counted:
        raise ValidationError(
            _(
                "The audience by sex and age group adds up to %(counted)s, not the total of "
                "%(total)s given."
            )
            % {"counted": counted, "total": audience_total}
        )
    activity = CommunicationActivity(
        project=project,
        kind=kind,
        title=title,
        held_on=held_on,
        end_on=end_on,
        province=province,
        place=place,
        url=url,
        audience_total=counted if cells else (audience_total or 0),
        views=views,
        engagement=engagement,
        created_by_id=actor.user_id,
    )
    record_create(activity, project=project, actor=actor, exclude=["created_by"])
    AudienceCount.objects.bulk_create(
        [
            AudienceCount(activity=activity, sex=sex, age_group=age_group, count=count)
            for (sex, age_group), count in cells.items()
        ]
    )
    records_changed(project_ids=[project.pk])
    return activity


def _organisation_name_key(name: str) -> str:
    return " ".join(fold(name).split())


@transaction.atomic
def supported_organisation_add(
    *,
    project: Project,
    support_kind: str,
    supported_on: datetime.date,
    actor: Actor,
    organisation: Organisation | None = None,
    organisation_name: str = "",
    province: Province | None = None,
    training: Training | None = None,
    note: str = "",
) -> SupportedOrganisation:
    if organisation is None and not organisation_name.strip():
        raise ValidationError(_("Choose the organisation or write its name."))
    if training is not None and training.project_id != project.pk:
        raise ValidationError(_("Choose a training of this project."))
    row = SupportedOrganisation(
        project=project,
        organisation=organisation,
        organisation_name=organisation_name.strip() if organisation is None else "",
        name_key=_organisation_name_key(organisation_name) if organisation is None else "",
        support_kind=support_kind,
        supported_on=supported_on,
        province=province,
        training=training,
        note=note,
    )
    record_create(row, project=project, actor=actor)
    records_changed(project_ids=[project.pk])
    return row


def publication_add(
    *,
    project: Project,
    title: str,
    kind: str,
    published_on: datetime.date,
    actor: Actor,
    url: str = "",
    file: UploadedFile | None = None,
) -> Publication:
    """Record a publication of the project, with its file if one is given.

    The file is checked (type from its content, matching its name, size) before anything is
    written, then stored encrypted before the row; if the row cannot be saved, the file is
    removed again.
    """
    checked = None
    if file is not None:
        checked = files.check_file(name=file.name or "", size=file.size or 0, read=file.read)
    publication = Publication(
        project=project,
        title=title,
        kind=kind,
        published_on=published_on,
        url=url,
        created_by_id=actor.user_id,
    )
    if checked is None:
        with transaction.atomic():
            record_create(publication, project=project, actor=actor, exclude=["created_by"])
        return publication
    publication.file_name = checked.name
    publication.file_type = checked.content_type
    publication.file_size = len(checked.content)
    publication.stored_name = files.save(checked.content)
    try:
        with transaction.atomic():
            record_create(
                publication, project=project, actor=actor, exclude=["created_by", "stored_name"]
            )
    except BaseException:
        files.remove(publication.stored_name)
        raise
    return publication


def publication_files_rotate(*, actor: Actor) -> tuple[int, int]:
    """Re-encrypt every publication file with the newest data key: (files, files re-encrypted).

    Run by `manage.py rotate_data_key` through the key rotation step this app registers. Each
    file is rewritten on its own, outside any transaction; one audit row for the whole run.
    """
    total = rotated = 0
    names = Publication.objects.exclude(stored_name="").order_by("pk")
    for stored_name in names.values_list("stored_name", flat=True).iterator(chunk_size=500):
        total += 1
        if files.rotate(stored_name):
            rotated += 1
    with transaction.atomic():
        audit_record(
            event=ProgrammeEvent.PUBLICATION_FILES_ROTATED,
            actor=actor,
            details={"rotated": rotated},
        )
    return total, rotated
