"""The import pages: the kinds a member may import with their templates, uploading a file,
a batch's columns, check, report and import, and undoing an import."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import translation
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from donghanh.core.actor import request_actor
from donghanh.core.downloads import private_download
from donghanh.core.editing import StaleEditError
from donghanh.core.forms import add_service_error
from donghanh.core.idempotency import once
from donghanh.imports import selectors, services
from donghanh.imports.forms import CommitForm, MappingForm, UndoForm, UploadForm
from donghanh.imports.kinds.base import get_kind
from donghanh.imports.models import ImportBatch
from donghanh.imports.reading import FileRefusedError, check_size
from donghanh.imports.uploads import ImportUploadHandler
from donghanh.imports.workbooks import template_bytes
from donghanh.jobs.files import XLSX
from donghanh.jobs.selectors import result_available

# Seconds between two refreshes of a batch's page while its job runs.
REFRESH_SECONDS = 3
# The problems a page lists; the marked workbook has them all.
PROBLEMS_SHOWN = 200


@never_cache
@require_GET
@login_required
def index(request: HttpRequest, org: str) -> HttpResponse:
    membership = selectors.access_imports(request.user, org)
    return render(
        request,
        "imports/index.html",
        {
            "organisation": membership.organisation,
            "kinds": selectors.kinds_for_role(membership.role),
            "batches": selectors.batches_for(membership),
            "sees_all": selectors.may_see_all(membership),
        },
    )


@require_GET
@login_required
def template(request: HttpRequest, org: str, kind: str) -> HttpResponse:
    _membership, import_kind = selectors.access_kind(request.user, org, kind)
    response = HttpResponse(template_bytes(import_kind), content_type=XLSX)
    language = translation.get_language() or "vi"
    return private_download(response, filename=f"{import_kind.template_name}-{language}.xlsx")


@never_cache
@require_http_methods(["GET", "POST"])
@login_required
@csrf_exempt  # checked by `_upload`, once the upload is received by the handler below
def upload(request: HttpRequest, org: str, kind: str) -> HttpResponse:
    # Kept in memory, never in a temporary file, and never more than the import limit.
    request.upload_handlers = [ImportUploadHandler(request)]
    return _upload(request, org, kind)


@csrf_protect
def _upload(request: HttpRequest, org: str, kind: str) -> HttpResponse:
    membership, import_kind = selectors.access_kind(request.user, org, kind)
    form = UploadForm(
        request.POST or None, request.FILES or None, kind=import_kind, membership=membership
    )
    if request.method == "POST" and form.is_valid():
        options = form.options()
        import_kind.check_access(membership, options)
        upload_file = form.cleaned_data["file"]
        actor = request_actor(request, membership.organisation)
        try:
            check_size(upload_file.size or 0)
            batch, _created = once(
                actor=actor,
                scope=f"imports.upload.{import_kind.code}",
                key=form.cleaned_data["key"],
                create=lambda: services.batch_upload(
                    actor=actor,
                    kind=import_kind,
                    file_name=upload_file.name or "",
                    data=upload_file.read(),
                    options=options,
                ),
            )
        except FileRefusedError as error:
            form.add_error("file", error.message)
        except ValidationError as error:
            add_service_error(form, error)
        else:
            return redirect("imports:batch", org=org, batch_id=batch.pk)
    return render(
        request,
        "imports/upload.html",
        {"organisation": membership.organisation, "kind": import_kind, "form": form},
    )


def _batch_page(
    request: HttpRequest,
    org: str,
    batch_id: int,
    *,
    mapping_form: MappingForm | None = None,
    commit_form: CommitForm | None = None,
    undo_form: UndoForm | None = None,
    status: int = 200,
) -> HttpResponse:
    membership, batch = selectors.access_batch(request.user, org, batch_id)
    running = batch.active_job
    # A batch whose job ended without a word (stopped before it started, or lost) lets go.
    stale = batch.is_active and not (running is not None and running.is_active)
    if stale and services.batch_settle(
        actor=request_actor(request, batch.organisation), batch_id=batch.pk
    ):
        membership, batch = selectors.access_batch(request.user, org, batch_id)
    kind = get_kind(batch.kind)
    report = batch.report
    editable = batch.status in (ImportBatch.Status.UPLOADED, ImportBatch.Status.CHECKED)
    mine = batch.importer_id == request.user.pk
    if kind is not None and mine and editable and mapping_form is None:
        mapping_form = MappingForm(batch=batch, kind=kind)
    if mine and batch.status == ImportBatch.Status.CHECKED and commit_form is None:
        commit_form = CommitForm(initial={"mode": batch.mode})
    may_undo = (
        selectors.may_undo(membership, batch) and batch.status == ImportBatch.Status.COMMITTED
    )
    if may_undo and undo_form is None:
        undo_form = UndoForm()
    job = batch.active_job
    check_job = batch.check_job
    marked_available = (
        mine
        and check_job is not None
        and check_job.owner_id == request.user.pk
        and result_available(check_job)
    )
    errors = report.get("errors", [])
    return render(
        request,
        "imports/batch.html",
        {
            "organisation": membership.organisation,
            "batch": batch,
            "kind": kind,
            "options": kind.options_shown(batch.options) if kind is not None else [],
            "report": report,
            "problems": errors[:PROBLEMS_SHOWN],
            "problems_hidden": max(
                0, int(report.get("errors_total", len(errors))) - PROBLEMS_SHOWN
            ),
            "duplicate_rows": report.get("duplicate_rows", [])[:PROBLEMS_SHOWN],
            "mine": mine,
            "mapping_form": mapping_form if mine and editable else None,
            "commit_form": commit_form
            if mine and batch.status == ImportBatch.Status.CHECKED
            else None,
            "undo_form": undo_form if may_undo else None,
            "undo_deadline": selectors.undo_deadline(batch),
            "job": job,
            "refresh_seconds": REFRESH_SECONDS if batch.is_active else None,
            "marked_job": check_job if marked_available else None,
        },
        status=status,
    )


@never_cache
@require_GET
@login_required
def batch(request: HttpRequest, org: str, batch_id: int) -> HttpResponse:
    return _batch_page(request, org, batch_id)


@require_POST
@login_required
def batch_check(request: HttpRequest, org: str, batch_id: int) -> HttpResponse:
    membership, batch = selectors.access_batch(request.user, org, batch_id)
    kind = get_kind(batch.kind)
    if kind is None or batch.importer_id != request.user.pk:
        raise PermissionDenied
    form = MappingForm(request.POST, batch=batch, kind=kind)
    if form.is_valid():
        try:
            services.batch_check_start(
                actor=request_actor(request, membership.organisation),
                batch=batch,
                mapping=form.mapping(),
                expected_version=form.cleaned_data["version"],
            )
        except StaleEditError as error:
            messages.error(request, error.messages[0])
            return redirect("imports:batch", org=org, batch_id=batch.pk)
        except ValidationError as error:
            add_service_error(form, error)
        else:
            return redirect("imports:batch", org=org, batch_id=batch.pk)
    return _batch_page(request, org, batch_id, mapping_form=form, status=400)


@require_POST
@login_required
def batch_commit(request: HttpRequest, org: str, batch_id: int) -> HttpResponse:
    membership, batch = selectors.access_batch(request.user, org, batch_id)
    if batch.importer_id != request.user.pk:
        raise PermissionDenied
    form = CommitForm(request.POST)
    if form.is_valid():
        try:
            services.batch_commit_start(
                actor=request_actor(request, membership.organisation),
                batch=batch,
                mode=form.cleaned_data["mode"],
            )
        except ValidationError as error:
            add_service_error(form, error)
        else:
            return redirect("imports:batch", org=org, batch_id=batch.pk)
    return _batch_page(request, org, batch_id, commit_form=form, status=400)


@require_POST
@login_required
def batch_undo(request: HttpRequest, org: str, batch_id: int) -> HttpResponse:
    membership, batch = selectors.access_batch(request.user, org, batch_id)
    if not selectors.may_undo(membership, batch):
        raise PermissionDenied
    form = UndoForm(request.POST)
    if form.is_valid():
        try:
            services.batch_undo_start(
                actor=request_actor(request, membership.organisation),
                batch=batch,
                membership=membership,
            )
        except ValidationError as error:
            add_service_error(form, error)
        else:
            return redirect("imports:batch", org=org, batch_id=batch.pk)
    return _batch_page(request, org, batch_id, undo_form=form, status=400)
