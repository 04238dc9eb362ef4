"""Imports: one batch per uploaded file, the records it created, the headings each organisation
mapped.

A batch goes: uploaded → checking → checked (or refused) → committing → committed → (undoing →)
undone. Its file is kept encrypted under MEDIA_ROOT/imports until it is imported or expires; its
headings, report and file name are encrypted in the database (they may name people). Every
record an import creates is linked to its batch (`ImportedRecord`), so that the batch can be
undone as a whole.
"""

from __future__ import annotations

import json
from typing import Any

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from donghanh.core.crypto import EncryptedCharField, EncryptedTextField

# While a batch is being imported, is imported, or is being undone, no other batch of the
# same organisation and kind may import the same file.
HOLDS_FILE = ("committing", "committed", "undoing")


class ImportBatch(models.Model):
    class Status(models.TextChoices):
        UPLOADED = "uploaded", _("Uploaded: choose the columns and check the file")
        CHECKING = "checking", _("Being checked")
        CHECKED = "checked", _("Checked")
        REFUSED = "refused", _("Refused")
        COMMITTING = "committing", _("Being imported")
        COMMITTED = "committed", _("Imported")
        UNDOING = "undoing", _("Being undone")
        UNDONE = "undone", _("Undone")

    class Mode(models.TextChoices):
        ALL_OR_NOTHING = "all", _("All rows, or nothing if any row has a problem")
        VALID_ROWS = "valid", _("Only the rows without problems")

    ACTIVE = (Status.CHECKING, Status.COMMITTING, Status.UNDOING)

    organisation = models.ForeignKey(
        "organisations.Organisation",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("organisation"),
    )
    kind = models.CharField(_("kind"), max_length=40)
    importer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("imported by"),
    )
    file_name = EncryptedCharField(_("file name"), max_length=200)
    file_format = models.CharField(_("format"), max_length=8)
    file_size = models.PositiveBigIntegerField(_("size in bytes"))
    # SHA-256 of the file's bytes: the same file imported twice is found by it.
    fingerprint = models.CharField(_("fingerprint"), max_length=64)
    # The encrypted copy of the file under MEDIA_ROOT/imports; "" once it is deleted.
    stored_name = models.CharField(max_length=100, blank=True, editable=False)
    options = models.JSONField(_("options"), default=dict, blank=True)

    header_row = models.PositiveIntegerField(_("heading row"), default=1)
    headers_json = EncryptedTextField(_("headings"), default="[]")
    mapping = models.JSONField(_("columns"), default=dict, blank=True)
    mode = models.CharField(
        _("what to import"), max_length=8, choices=Mode.choices, default=Mode.ALL_OR_NOTHING
    )
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.UPLOADED
    )
    # Each change of the columns adds one; a check counts for the version it checked.
    version = models.PositiveIntegerField(default=1, editable=False)
    checked_version = models.PositiveIntegerField(null=True, blank=True, editable=False)

    rows = models.PositiveIntegerField(_("rows read"), default=0)
    rows_with_problems = models.PositiveIntegerField(_("rows with problems"), default=0)
    created = models.PositiveIntegerField(_("rows created"), default=0)
    updated = models.PositiveIntegerField(_("rows updated"), default=0)
    skipped = models.PositiveIntegerField(_("rows left out"), default=0)
    duplicates = models.PositiveIntegerField(_("rows already recorded"), default=0)
    # The last report: counts, each problem (row, column, value, message), the refusal.
    report_json = EncryptedTextField(_("report"), default="{}")

    check_job = models.ForeignKey(
        "jobs.Job", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    commit_job = models.ForeignKey(
        "jobs.Job", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    undo_job = models.ForeignKey(
        "jobs.Job", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    created_at = models.DateTimeField(_("uploaded"), auto_now_add=True)
    checked_at = models.DateTimeField(_("checked"), null=True, blank=True)
    committed_at = models.DateTimeField(_("imported"), null=True, blank=True)
    # The newest audit row when the import was committed: any later row about one of its
    # records means something was done to it.
    audit_mark = models.BigIntegerField(null=True, blank=True, editable=False)
    undone_at = models.DateTimeField(_("undone"), null=True, blank=True)
    undone_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("undone by"),
    )

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("import")
        verbose_name_plural = _("imports")
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "kind", "fingerprint"],
                condition=Q(status__in=HOLDS_FILE),
                name="imports_one_import_per_file",
            ),
            models.CheckConstraint(
                condition=Q(
                    status__in=[
                        "uploaded",
                        "checking",
                        "checked",
                        "refused",
                        "committing",
                        "committed",
                        "undoing",
                        "undone",
                    ]
                ),
                name="imports_batch_status_valid",
            ),
        ]
        indexes = [
            models.Index(fields=["organisation", "-created_at"], name="imports_org_recent"),
            models.Index(fields=["importer", "-created_at"], name="imports_importer_recent"),
        ]

    def __str__(self) -> str:
        return f"import #{self.pk}"

    @property
    def headers(self) -> list[str]:
        value = json.loads(self.headers_json or "[]")
        return [str(item) for item in value] if isinstance(value, list) else []

    @property
    def report(self) -> dict[str, Any]:
        value = json.loads(self.report_json or "{}")
        return value if isinstance(value, dict) else {}

    @property
    def is_active(self) -> bool:
        return self.status in self.ACTIVE

    @property
    def active_job(self) -> Any:
        if self.status == self.Status.CHECKING:
            return self.check_job
        if self.status == self.Status.COMMITTING:
            return self.commit_job
        if self.status == self.Status.UNDOING:
            return self.undo_job
        return None


class ImportedRecord(models.Model):
    """A record an import created, kept to undo the import as a whole."""

    batch = models.ForeignKey(ImportBatch, on_delete=models.CASCADE, related_name="records")
    content_type = models.ForeignKey(ContentType, on_delete=models.PROTECT, related_name="+")
    object_id = models.CharField(max_length=64)
    # The row of the file it came from.
    row = models.PositiveIntegerField()
    # The record's version once imported: a later edit changes it.
    version = models.PositiveIntegerField(null=True, blank=True)

    class Meta:
        ordering = ["batch", "id"]
        verbose_name = _("imported record")
        verbose_name_plural = _("imported records")
        constraints = [
            models.UniqueConstraint(
                fields=["content_type", "object_id"], name="imports_record_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.content_type_id}:{self.object_id} of import #{self.batch_id}"


class HeadingChoice(models.Model):
    """The field an organisation chose for a heading, offered again for the next file.

    The heading itself is not kept: only a blind index of it (a heading may be a person's
    name when a file has no heading row).
    """

    organisation = models.ForeignKey(
        "organisations.Organisation", on_delete=models.CASCADE, related_name="+"
    )
    kind = models.CharField(max_length=40)
    heading_index = models.CharField(max_length=64)
    field = models.CharField(max_length=40, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("remembered column")
        verbose_name_plural = _("remembered columns")
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "kind", "heading_index"], name="imports_heading_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.kind} heading → {self.field or '-'}"
