"""The pages of a project that gather its sub-domains: the project's own page, with its money,
trainees and links to every part, and the download of a file any of its records holds. Every
page opens its project through projects.selectors.access_project; the pages of each sub-domain
are in its own views module."""

from __future__ import annotations

import mimetypes
from collections.abc import Callable
from typing import Any

from django.contrib.auth.decorators import login_required
from django.db.models.fields.files import FieldFile
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from donghanh.core.actor import request_actor
from donghanh.core.downloads import private_download
from donghanh.jobs.files import safe_content_type
from donghanh.organisations.roles import Perm
from donghanh.programmes.finance import selectors as finance
from donghanh.programmes.outreach import files as publication_files
from donghanh.programmes.outreach import selectors as outreach
from donghanh.programmes.projects import forms
from donghanh.programmes.projects.pages import render_page
from donghanh.programmes.projects.selectors import ProjectAccess, access_project
from donghanh.programmes.projects.services import evidence_download_record
from donghanh.programmes.results import selectors as results
from donghanh.programmes.trainings import selectors as trainings


@never_cache
@require_GET
@login_required
def project_detail(request: HttpRequest, org: str, project_id: int) -> HttpResponse:
    access = access_project(request.user, org, project_id, Perm.VIEW_PROGRAMMES)
    project = access.project
    return render_page(
        request,
        "project_detail.html",
        access,
        phases=project.phases.select_related("implementing_organisation"),
        provinces=project.project_provinces.select_related(
            "province", "legacy_province", "legacy_district"
        ),
        partners=project.partner_organisations.all(),
        donors=project.donors.all(),
        funding=finance.funding_summary(project),
        budget=finance.budget_summary(project),
        trainee_count=trainings.unique_trainees(project),
        phase_form=forms.PhaseForm(),
        province_form=forms.ProvinceForm(),
    )


# The records that hold an evidence file, by the kind named in the address: how to find one of
# the project's, and the field that holds its file. A publication's file is kept encrypted.
_FILES: dict[str, tuple[Callable[[ProjectAccess, int], Any], str]] = {
    "spending": (finance.project_spending, "evidence_file"),
    "value": (results.project_manual_value, "evidence_file"),
}


@never_cache
@require_GET
@login_required
def evidence_download(
    request: HttpRequest, org: str, project_id: int, kind: str, record_id: int
) -> HttpResponseBase:
    """The file a record of the project holds, always as a download: a type that no browser
    runs, nosniff and a sandboxing Content-Security-Policy (`core.downloads`)."""
    access = access_project(request.user, org, project_id, Perm.VIEW_PROGRAMMES)
    actor = request_actor(request, organisation=access.organisation)
    if kind == "publication":
        publication = outreach.project_publication(access, record_id)
        if not publication.has_file:
            raise Http404
        evidence_download_record(record=publication, project=access.project, actor=actor)
        response = HttpResponse(
            publication_files.read(publication.stored_name),
            content_type=publication.file_type or publication_files.FALLBACK_CONTENT_TYPE,
        )
        return private_download(response, filename=publication.file_name or "publication")
    if kind not in _FILES:
        raise Http404
    find, field = _FILES[kind]
    record = find(access, record_id)
    stored: FieldFile = getattr(record, field)
    if not stored:
        raise Http404
    evidence_download_record(record=record, project=access.project, actor=actor)
    filename = str(stored.name).rsplit("/")[-1]  # a stored file has a name: `if not stored` above
    guessed = mimetypes.guess_type(filename)[0] or ""
    evidence = FileResponse(
        stored.open("rb"), as_attachment=True, content_type=safe_content_type(guessed)
    )
    return private_download(evidence, filename=filename)
