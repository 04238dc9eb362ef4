"""Outreach pages of a project: communication activities, organisations supported and
publications, each a list with a form that adds to it."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_http_methods

from donghanh.core.uploads import BoundedMemoryUploadHandler
from donghanh.programmes.outreach import files, forms, selectors, services
from donghanh.programmes.projects.pages import list_and_add


@never_cache
@require_http_methods(["GET", "POST"])
@login_required
def communication(request: HttpRequest, org: str, project_id: int) -> HttpResponse:
    return list_and_add(
        request,
        org,
        project_id,
        form_class=forms.CommunicationForm,
        done=_("The activity has been recorded."),
        add=services.communication_record,
        template="communication.html",
        listing=lambda project: {"activities": selectors.project_communication(project)},
    )


@never_cache
@require_http_methods(["GET", "POST"])
@login_required
def supported_organisations(request: HttpRequest, org: str, project_id: int) -> HttpResponse:
    return list_and_add(
        request,
        org,
        project_id,
        form_class=forms.SupportedOrganisationForm,
        done=_("The organisation has been recorded."),
        add=services.supported_organisation_add,
        template="supported_organisations.html",
        listing=lambda project: {"rows": selectors.project_supported_organisations(project)},
    )


@never_cache
@require_http_methods(["GET", "POST"])
@login_required
@csrf_exempt  # checked by `_publications`, once the upload handler below is in place
def publications(request: HttpRequest, org: str, project_id: int) -> HttpResponse:
    # A file is received in memory, never in a temporary file, and never more than the limit:
    # a larger one is refused by its size without being kept.
    request.upload_handlers = [BoundedMemoryUploadHandler(request, limit=files.max_bytes())]
    return _publications(request, org, project_id)


@csrf_protect
def _publications(request: HttpRequest, org: str, project_id: int) -> HttpResponse:
    return list_and_add(
        request,
        org,
        project_id,
        form_class=forms.PublicationForm,
        done=_("The publication has been recorded."),
        add=services.publication_add,
        template="publications.html",
        listing=lambda project: {"publications": selectors.project_publications(project)},
    )
