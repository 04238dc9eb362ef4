"""Attachments of a case: scanned documents and photos, encrypted at rest.

The file itself lives under MEDIA_ROOT (never served by URL), as a Fernet token of its bytes
made with the data keys of `donghanh.core.crypto`; its stored name is random. The original
file name and the description are encrypted in the database. Only `views.attachment_download`
gives the bytes back, after the case access check, and every download is audited.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from donghanh.core.crypto import EncryptedCharField, EncryptedTextField
from donghanh.core.labels import QuickLabels


class Attachment(QuickLabels, models.Model):
    class Kind(models.TextChoices):
        PDF = "application/pdf", "PDF"
        JPEG = "image/jpeg", "JPEG"
        PNG = "image/png", "PNG"
        HEIC = "image/heic", "HEIC"
        DOCX = (
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
            "DOCX",
        )

    case = models.ForeignKey(
        "cases.Case", on_delete=models.CASCADE, related_name="attachments", verbose_name=_("case")
    )
    # Path under the attachment folder: random, says nothing about the person or the file.
    stored_name = models.CharField(max_length=100, unique=True, editable=False)
    original_name = EncryptedCharField(_("file name"), max_length=255)
    description = EncryptedTextField(_("description"), blank=True)
    content_type = models.CharField(_("file type"), max_length=100, choices=Kind.choices)
    size = models.PositiveIntegerField(_("size in bytes"))
    sha256 = models.CharField(_("SHA-256 of the content"), max_length=64)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("uploaded by"),
    )
    uploaded_at = models.DateTimeField(_("uploaded"), auto_now_add=True)

    class Meta:
        ordering = ["-uploaded_at", "-id"]
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")
        indexes = [models.Index(fields=["case", "-uploaded_at"], name="attachment_case_recent")]

    def __str__(self) -> str:
        return f"attachment #{self.pk} of case #{self.case_id}"
