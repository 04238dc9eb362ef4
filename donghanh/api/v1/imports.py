"""Imports from spreadsheets: `/api/v1/imports/` (upload a file for a kind: it is checked in the
background), `/api/v1/imports/{id}/` (the batch: its status, the job's progress, the report),
`/api/v1/imports/{id}/commit/` (import it) and `/api/v1/imports/{id}/undo/` (undo it).

Everything goes through donghanh.imports exactly as the import pages do: `access_kind` and the
kind's `check_access` for an upload, `access_batch` for a batch (its importer, and members who
may undo imports; 404 for everyone else), the `batch_*` services for every write, and the same
refusals, in the request's language.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils.translation import gettext as _
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_field,
)
from rest_framework import parsers, serializers, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from donghanh.api.access import organisation_slug_of
from donghanh.api.serializers import ErrorSerializer, OutputSerializer, error_responses
from donghanh.core.actor import request_actor
from donghanh.core.forms import service_error_body
from donghanh.core.idempotency import HEADER as IDEMPOTENCY_HEADER
from donghanh.core.idempotency import once
from donghanh.imports import selectors, services
from donghanh.imports.kinds.base import all_kinds
from donghanh.imports.models import ImportBatch
from donghanh.imports.reading import FileRefusedError, check_size
from donghanh.imports.uploads import ImportUploadHandler
from donghanh.organisations.roles import Perm

IDEMPOTENCY = OpenApiParameter(
    "Idempotency-Key",
    str,
    OpenApiParameter.HEADER,
    description="16 to 64 letters, digits, `-` or `_`, new for each call. A call sent again "
    "with the same key does nothing again: it answers with the batch the first call made.",
)


def _kind_codes() -> list[str]:
    return sorted(kind.code for kind in all_kinds())


# Answers.


class ProblemSerializer(OutputSerializer):
    row = serializers.IntegerField(help_text="The row's number in the file, as Excel shows it.")
    column = serializers.CharField(help_text="The column's heading in the file.")
    value = serializers.CharField(help_text="The cell as written (at most 200 characters).")
    message = serializers.CharField(help_text="What is wrong, in the request's language.")


class DuplicateRowSerializer(OutputSerializer):
    row = serializers.IntegerField()
    record = serializers.CharField(help_text="The record it repeats, by type and number.")


class ReportSerializer(OutputSerializer):
    rows = serializers.IntegerField()
    created = serializers.IntegerField(
        help_text="Records created; in a check, the rows an import would create."
    )
    updated = serializers.IntegerField()
    skipped = serializers.IntegerField()
    duplicates = serializers.IntegerField(help_text="Rows that repeat a record already there.")
    rows_with_problems = serializers.IntegerField()
    errors = ProblemSerializer(many=True, help_text="The first 1,000 problems.")
    errors_total = serializers.IntegerField(help_text="Every problem, when more than 1,000.")
    duplicate_rows = DuplicateRowSerializer(many=True)
    dry_run = serializers.BooleanField(help_text="True for the report of a check.")
    undo_refused = serializers.CharField(
        help_text="Why the last undo removed nothing (records were changed or used since); "
        "empty when no undo was refused."
    )


class JobSerializer(OutputSerializer):
    id = serializers.UUIDField()
    status = serializers.CharField()
    done = serializers.IntegerField(source="progress_done")
    total = serializers.IntegerField(source="progress_total", allow_null=True)
    message = serializers.CharField(source="progress_message")


class BatchSerializer(OutputSerializer):
    id = serializers.IntegerField()
    url = serializers.SerializerMethodField()
    organisation = serializers.CharField(source="organisation.slug")
    kind = serializers.CharField()
    status = serializers.ChoiceField(choices=ImportBatch.Status.choices)
    mode = serializers.ChoiceField(choices=ImportBatch.Mode.choices)
    file_format = serializers.CharField()
    file_size = serializers.IntegerField()
    job = serializers.SerializerMethodField(
        help_text="The check, import or undo running now (poll until it is null)."
    )
    report = serializers.SerializerMethodField(help_text="The last check's or import's report.")
    created_at = serializers.DateTimeField()
    checked_at = serializers.DateTimeField(allow_null=True)
    committed_at = serializers.DateTimeField(allow_null=True)
    undone_at = serializers.DateTimeField(allow_null=True)

    def get_url(self, batch: ImportBatch) -> str:
        path = reverse("api:import_detail", kwargs={"batch_id": batch.pk})
        request = self.context.get("request")
        return request.build_absolute_uri(path) if request is not None else path

    @extend_schema_field(JobSerializer(allow_null=True))
    def get_job(self, batch: ImportBatch) -> dict[str, Any] | None:
        job = batch.active_job if batch.is_active else None
        return dict(JobSerializer(job).data) if job is not None else None

    @extend_schema_field(ReportSerializer(allow_null=True))
    def get_report(self, batch: ImportBatch) -> dict[str, Any] | None:
        report = batch.report
        if not report:
            return None
        report.setdefault("errors_total", len(report.get("errors", [])))
        report.setdefault("undo_refused", "")
        return dict(ReportSerializer(report).data)


# Requests.


class UploadSerializer(serializers.Serializer):
    organisation = serializers.SlugField(help_text="The slug of the importing organisation.")
    kind = serializers.ChoiceField(choices=[], help_text="What the file holds.")
    file = serializers.FileField(
        help_text="An XLSX workbook or a CSV file (UTF-8, UTF-16 or Windows-1258)."
    )
    training = serializers.IntegerField(
        required=False, min_value=1, help_text="For `trainees`: the training's id."
    )

    def get_fields(self) -> dict[str, Any]:
        fields: dict[str, Any] = super().get_fields()
        fields["kind"].choices = _kind_codes()
        return fields


class CommitSerializer(serializers.Serializer):
    mode = serializers.ChoiceField(
        choices=ImportBatch.Mode.choices,
        help_text="`all`: every row or nothing; `valid`: only the rows without problems.",
    )


class UndoSerializer(serializers.Serializer):
    confirm = serializers.BooleanField(
        help_text="`true`: every record this import created is removed, which cannot be reversed."
    )

    def validate_confirm(self, value: bool) -> bool:
        if not value:
            raise serializers.ValidationError(
                _("Confirm that every record this import created will be removed.")
            )
        return value


# Helpers.


def _batch(request: Request, batch_id: int) -> tuple[Any, ImportBatch]:
    """The batch through the page's access check: 404 outside its organisation and for members
    who are neither its importer nor allowed to undo imports."""
    org_slug = organisation_slug_of(
        request.user, selectors.batches_of_every_organisation(), batch_id, Perm.IMPORT_RECORDS
    )
    membership, batch = selectors.access_batch(request.user, org_slug, batch_id)
    running = batch.active_job
    # A batch whose job ended without a word lets go, as its page does.
    stale = batch.is_active and not (running is not None and running.is_active)
    if stale and services.batch_settle(
        actor=request_actor(request._request, batch.organisation), batch_id=batch.pk
    ):
        membership, batch = selectors.access_batch(request.user, org_slug, batch_id)
    return membership, batch


def _answer(request: Request, batch: ImportBatch, code: int = status.HTTP_200_OK) -> Response:
    body = BatchSerializer(batch, context={"request": request}).data
    return Response(body, status=code, headers={"Location": body["url"]})


def _refusal(error: ValidationError) -> serializers.ValidationError:
    return serializers.ValidationError(service_error_body(error))


# Endpoints.


class ImportUploadView(APIView):
    parser_classes = [parsers.MultiPartParser]

    def initialize_request(self, request: Any, *args: Any, **kwargs: Any) -> Request:
        # The file is received in memory only, never more than the import limit (as the page).
        request.upload_handlers = [ImportUploadHandler(request)]
        return super().initialize_request(request, *args, **kwargs)

    @extend_schema(
        summary="Upload a spreadsheet to import; it is checked in the background",
        request={"multipart/form-data": UploadSerializer},
        parameters=[IDEMPOTENCY],
        responses={
            202: OpenApiResponse(
                BatchSerializer, description="Uploaded; poll its `url` until `job` is null."
            ),
            **error_responses(400, 401, 403, 404),
            415: OpenApiResponse(ErrorSerializer, description="Not sent as multipart/form-data."),
        },
    )
    def post(self, request: Request) -> Response:
        payload = UploadSerializer(data=request.data)
        valid = payload.is_valid()
        if {"organisation", "kind"} & set(payload.errors):
            raise serializers.ValidationError(payload.errors)
        # As on the page, the permissions are checked before the rest of the form.
        # Both were found valid by themselves (the rest of the form may not be).
        membership, kind = selectors.access_kind(
            request.user, str(request.data["organisation"]), str(request.data["kind"])
        )
        if not valid:
            raise serializers.ValidationError(payload.errors)
        data = payload.validated_data
        options: dict[str, Any] = {}
        if "training" in kind.option_fields(membership):
            if "training" not in data:
                raise serializers.ValidationError(
                    {"training": [_("Choose the training the trainees took part in.")]}
                )
            options = kind.options_from({"training": data["training"]})
        kind.check_access(membership, options)
        upload = data["file"]
        actor = request_actor(request._request, membership.organisation)

        def upload_and_check() -> ImportBatch:
            batch = services.batch_upload(
                actor=actor,
                kind=kind,
                file_name=upload.name or "",
                data=upload.read(),
                options=options,
            )
            return services.batch_check_start(
                actor=actor, batch=batch, mapping=batch.mapping, expected_version=batch.version
            )

        try:
            check_size(upload.size or 0)
            batch, _first = once(
                actor=actor,
                scope=f"imports.upload.{kind.code}",
                key=request.META.get(IDEMPOTENCY_HEADER, ""),
                create=upload_and_check,
            )
        except FileRefusedError as error:
            raise serializers.ValidationError({"file": [error.message]}) from None
        except ValidationError as error:
            # Every refusal of an upload is about the file (unreadable, over a limit, imported).
            raise serializers.ValidationError({"file": list(error.messages)}) from None
        return _answer(request, batch, status.HTTP_202_ACCEPTED)


class ImportDetailView(APIView):
    @extend_schema(
        summary="An import: its status, the running job's progress and the report",
        responses={200: BatchSerializer, **error_responses(401, 403, 404)},
    )
    def get(self, request: Request, batch_id: int) -> Response:
        _membership, batch = _batch(request, batch_id)
        return _answer(request, batch)


class ImportCommitView(APIView):
    @extend_schema(
        summary="Import a checked file in the background",
        request=CommitSerializer,
        parameters=[IDEMPOTENCY],
        responses={
            202: OpenApiResponse(
                BatchSerializer, description="Importing; poll its `url` until `job` is null."
            ),
            **error_responses(400, 401, 403, 404),
        },
    )
    def post(self, request: Request, batch_id: int) -> Response:
        membership, batch = _batch(request, batch_id)
        if batch.importer_id != request.user.pk:
            raise PermissionDenied
        payload = CommitSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        actor = request_actor(request._request, membership.organisation)
        try:
            batch, _first = once(
                actor=actor,
                scope=f"imports.commit.{batch.pk}",
                key=request.META.get(IDEMPOTENCY_HEADER, ""),
                create=lambda: services.batch_commit_start(
                    actor=actor, batch=batch, mode=payload.validated_data["mode"]
                ),
            )
        except ValidationError as error:
            raise _refusal(error) from None
        return _answer(request, batch, status.HTTP_202_ACCEPTED)


class ImportUndoView(APIView):
    @extend_schema(
        summary="Undo an import in the background: every record it created is removed",
        description="The importer's supervisor (a member who may undo imports, never the "
        "importer), within 30 days of the import, if nothing was done to its records since; "
        "otherwise 400 with the reason and nothing changed. An import already undone, or "
        "being undone, is answered as it is (200) and nothing more is done.",
        request=UndoSerializer,
        parameters=[IDEMPOTENCY],
        responses={
            202: OpenApiResponse(
                BatchSerializer,
                description="Undoing; poll its `url` until `job` is null: `status` is `undone`, "
                "or `committed` with the reason in `report.undo_refused`.",
            ),
            200: OpenApiResponse(
                BatchSerializer, description="Already undone or being undone: nothing more done."
            ),
            **error_responses(400, 401, 403, 404),
        },
    )
    def post(self, request: Request, batch_id: int) -> Response:
        membership, batch = _batch(request, batch_id)
        if not selectors.may_undo(membership, batch):
            raise PermissionDenied
        if batch.status in _UNDOING_OR_UNDONE:
            return _answer(request, batch)
        payload = UndoSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        actor = request_actor(request._request, membership.organisation)
        try:
            batch, _first = once(
                actor=actor,
                scope=f"imports.undo.{batch.pk}",
                key=request.META.get(IDEMPOTENCY_HEADER, ""),
                create=lambda: services.batch_undo_start(
                    actor=actor, batch=batch, membership=membership
                ),
            )
        except ValidationError as error:
            # Sent twice at once: the other call started the undo, this one has nothing to do.
            batch.refresh_from_db()
            if batch.status in _UNDOING_OR_UNDONE:
                return _answer(request, batch)
            raise _refusal(error) from None
        return _answer(request, batch, status.HTTP_202_ACCEPTED)


_UNDOING_OR_UNDONE = (ImportBatch.Status.UNDOING, ImportBatch.Status.UNDONE)
