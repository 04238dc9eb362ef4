"""Pages of the case files app under /app/o/<org>/files/: attachments and exports."""

from __future__ import annotations

import tempfile
from collections.abc import Iterator
from typing import Any, TypeVar

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.files.uploadhandler import MemoryFileUploadHandler
from django.http import FileResponse, HttpRequest, HttpResponse, StreamingHttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_GET, require_http_methods

from donghanh.casefiles import exports, files, services
from donghanh.casefiles.forms import AttachmentForm
from donghanh.casefiles.selectors import attachment_of_case
from donghanh.cases.forms import CaseloadFilters, caseload_filters
from donghanh.cases.models import Case
from donghanh.cases.services import case_access_audited
from donghanh.core.search_terms import SEARCH_PARAM
from donghanh.organisations.models import Membership
from donghanh.organisations.roles import Perm
from donghanh.organisations.selectors import access_membership

ResponseT = TypeVar("ResponseT", HttpResponse, StreamingHttpResponse, FileResponse)


def _to_case(org: str, case_id: int) -> HttpResponse:
    return redirect("cases:case_detail", org=org, case_id=case_id)


def _private_file(content: bytes, *, content_type: str, filename: str) -> HttpResponse:
    """A download that no browser shows inline or guesses the type of, and no cache keeps."""
    return _private_headers(HttpResponse(content, content_type=content_type), filename=filename)


def _private_headers(response: ResponseT, *, filename: str) -> ResponseT:
    response["Content-Disposition"] = content_disposition_header(True, filename) or "attachment"
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "no-store, private"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response


# Room for the form's other fields and the multipart boundaries around the file.
UPLOAD_OVERHEAD = 64 * 1024


class _InMemoryUpload(MemoryFileUploadHandler):
    """Keeps an upload in memory up to the attachment limit, so that the plain file never
    lands in a temporary file on disk; a larger upload is not kept at all."""

    def handle_raw_input(
        self,
        input_data: Any,
        META: dict[str, Any],  # noqa: N803  (Django's name)
        content_length: int,
        boundary: Any,
        encoding: str | None = None,
    ) -> None:
        self.activated = content_length <= files.max_bytes() + UPLOAD_OVERHEAD


def _too_large(request: HttpRequest) -> bool:
    try:
        length = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        return True
    return length > files.max_bytes() + UPLOAD_OVERHEAD


@csrf_exempt  # checked below, once the upload handlers are in place
def attachment_upload(request: HttpRequest, org: str, case_id: int) -> HttpResponse:
    request.upload_handlers = [_InMemoryUpload(request)]
    return _attachment_upload(request, org, case_id)


@csrf_protect
@never_cache
@require_http_methods(["GET", "POST"])
@login_required
def _attachment_upload(request: HttpRequest, org: str, case_id: int) -> HttpResponse:
    membership, case = case_access_audited(
        request.user, org, case_id, Perm.EDIT_CASES, request=request
    )
    if case.is_closed:
        messages.error(request, _("This case is closed. Reopen it before changing it."))
        return _to_case(org, case.pk)
    posted = request.method == "POST"
    too_large = posted and _too_large(request)
    form = AttachmentForm(
        request.POST if posted else None, request.FILES if posted and not too_large else None
    )
    if too_large:
        form.is_valid()
        form.errors.pop("file", None)
        form.add_error(
            "file",
            _("The file is too large: at most %(limit)s MB is accepted.")
            % {"limit": f"{files.max_bytes() / (1024 * 1024):g}"},
        )
    elif posted and form.is_valid():
        upload = form.cleaned_data["file"]
        if upload.size > files.max_bytes():
            form.add_error(
                "file",
                _("The file is too large: at most %(limit)s MB is accepted.")
                % {"limit": f"{files.max_bytes() / (1024 * 1024):g}"},
            )
        else:
            try:
                services.attachment_add(
                    case=case,
                    name=upload.name or "",
                    content=upload.read(),
                    description=form.cleaned_data["description"],
                    acting_user=request.user,
                    request=request,
                )
            except ValidationError as error:
                form.add_error("file", error)
            else:
                messages.success(request, _("The file was added to the case."))
                return _to_case(org, case.pk)
    return render(
        request,
        "casefiles/attachment_upload.html",
        {
            "organisation": membership.organisation,
            "case": case,
            "person": case.person,
            "form": form,
            "max_mb": f"{files.max_bytes() / (1024 * 1024):g}",
        },
    )


@never_cache
@require_GET
@login_required
def attachment_download(
    request: HttpRequest, org: str, case_id: int, attachment_id: int
) -> HttpResponse:
    _membership, case = case_access_audited(
        request.user, org, case_id, Perm.VIEW_CASES, request=request
    )
    attachment = attachment_of_case(case, attachment_id)
    content = files.read_decrypted(attachment.stored_name)
    services.attachment_download_record(
        attachment=attachment, acting_user=request.user, request=request
    )
    return _private_file(
        content, content_type=attachment.content_type, filename=attachment.original_name
    )


@never_cache
@require_http_methods(["GET", "POST"])
@login_required
def attachment_delete(
    request: HttpRequest, org: str, case_id: int, attachment_id: int
) -> HttpResponse:
    membership, case = case_access_audited(
        request.user, org, case_id, Perm.EDIT_CASES, request=request
    )
    attachment = attachment_of_case(case, attachment_id)
    if case.is_closed:
        messages.error(request, _("This case is closed. Reopen it before changing it."))
        return _to_case(org, case.pk)
    if request.method == "POST":
        services.attachment_delete(attachment=attachment, acting_user=request.user, request=request)
        messages.success(request, _("The file was deleted."))
        return _to_case(org, case.pk)
    return render(
        request,
        "casefiles/attachment_delete.html",
        {
            "organisation": membership.organisation,
            "case": case,
            "person": case.person,
            "attachment": attachment,
        },
    )


# --- Exports ------------------------------------------------------------------------------


def _export_filters(request: HttpRequest, membership: Membership) -> CaseloadFilters:
    """The caseload page's filters: the address's, with the search terms its key recalls."""
    return caseload_filters(request, membership)


@never_cache
@require_GET
@login_required
def export_page(request: HttpRequest, org: str) -> HttpResponse:
    membership = access_membership(request.user, org, Perm.EXPORT_CASES)
    form, filters, _expired = _export_filters(request, membership)
    return render(
        request,
        "casefiles/export_page.html",
        {
            "organisation": membership.organisation,
            "form": form,
            # The search travels as its key; the name searched for is shown, never sent.
            "search_key": request.GET.get(SEARCH_PARAM, "") if filters.get("q") else "",
            "search_terms": filters.get("q") or "",
            "identities": exports.sees_identities(membership.role),
            "query": request.GET.urlencode(),
        },
    )


@never_cache
@require_GET
@login_required
def export_xlsx(request: HttpRequest, org: str) -> HttpResponseBase:
    membership = access_membership(request.user, org, Perm.EXPORT_CASES)
    filters = _export_filters(request, membership).values
    identities = exports.sees_identities(membership.role)
    cases = exports.cases_for_list_export(membership, filters, identities=identities)
    # The workbook goes to an anonymous temporary file (gone once closed), row by row, so a
    # list of any length is never held in memory.
    workbook = tempfile.TemporaryFile()  # noqa: SIM115 (the response closes it)
    count = 0

    def counted() -> Iterator[Case]:
        nonlocal count
        for case in cases.iterator(chunk_size=exports.EXPORT_CHUNK_SIZE):
            count += 1
            yield case

    exports.write_xlsx(counted(), workbook, identities=identities)
    workbook.seek(0)
    services.case_export_record(
        organisation=membership.organisation,
        kind="xlsx",
        count=count,
        acting_user=request.user,
        request=request,
    )
    stamp = timezone.localdate().strftime("%Y%m%d")
    return _private_headers(
        FileResponse(
            workbook,
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        ),
        filename=f"cases-{membership.organisation.slug}-{stamp}.xlsx",
    )


@never_cache
@require_GET
@login_required
def export_htcds_csv(request: HttpRequest, org: str) -> HttpResponseBase:
    membership = access_membership(request.user, org, Perm.EXPORT_CASES)
    filters = _export_filters(request, membership).values
    cases = exports.cases_for_statistics(membership, filters)
    # Counted first so that the export is audited before a byte leaves; the rows are then
    # streamed from a database cursor, a chunk at a time.
    services.case_export_record(
        organisation=membership.organisation,
        kind="htcds csv, de-identified",
        count=cases.count(),
        acting_user=request.user,
        request=request,
    )
    stamp = timezone.localdate().strftime("%Y%m%d")
    return _private_headers(
        StreamingHttpResponse(
            exports.htcds_csv_lines(cases.iterator(chunk_size=exports.EXPORT_CHUNK_SIZE)),
            content_type="text/csv; charset=utf-8",
        ),
        filename=f"htcds-{membership.organisation.slug}-{stamp}.csv",
    )
