"""Pages of the attachments app under /app/o/<org>/files/: a case's documents and photos."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.files.uploadhandler import MemoryFileUploadHandler
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_GET, require_http_methods

from donghanh.attachments import files, services
from donghanh.attachments.forms import AttachmentForm
from donghanh.attachments.selectors import attachment_of_case
from donghanh.cases.services import case_access_audited
from donghanh.core.actor import request_actor
from donghanh.core.downloads import private_download
from donghanh.organisations.roles import Perm


def _to_case(org: str, case_id: int) -> HttpResponse:
    return redirect("cases:case_detail", org=org, case_id=case_id)


def _private_file(content: bytes, *, content_type: str, filename: str) -> HttpResponse:
    """A download that no browser shows inline or guesses the type of, and no cache keeps."""
    return private_download(HttpResponse(content, content_type=content_type), filename=filename)


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
        actor=request_actor(request), org_slug=org, case_id=case_id, perm=Perm.EDIT_CASES
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
                    actor=request_actor(request, membership.organisation),
                )
            except ValidationError as error:
                form.add_error("file", error)
            else:
                messages.success(request, _("The file was added to the case."))
                return _to_case(org, case.pk)
    return render(
        request,
        "attachments/attachment_upload.html",
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
    membership, case = case_access_audited(
        actor=request_actor(request), org_slug=org, case_id=case_id, perm=Perm.VIEW_CASES
    )
    attachment = attachment_of_case(case, attachment_id)
    content = files.read_decrypted(attachment.stored_name)
    services.attachment_download_record(
        attachment=attachment, actor=request_actor(request, membership.organisation)
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
        actor=request_actor(request), org_slug=org, case_id=case_id, perm=Perm.EDIT_CASES
    )
    attachment = attachment_of_case(case, attachment_id)
    if case.is_closed:
        messages.error(request, _("This case is closed. Reopen it before changing it."))
        return _to_case(org, case.pk)
    if request.method == "POST":
        services.attachment_delete(
            attachment=attachment, actor=request_actor(request, membership.organisation)
        )
        messages.success(request, _("The file was deleted."))
        return _to_case(org, case.pk)
    return render(
        request,
        "attachments/attachment_delete.html",
        {
            "organisation": membership.organisation,
            "case": case,
            "person": case.person,
            "attachment": attachment,
        },
    )
