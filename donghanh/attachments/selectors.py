"""Reads of the attachments app. Every function takes a case already opened through the case
access check (`donghanh.cases.services.case_access_audited`) or a membership already checked."""

from __future__ import annotations

from typing import Any

from django.http import Http404

from donghanh.attachments.models import Attachment
from donghanh.cases.models import Case
from donghanh.core.queries import CompiledRead
from donghanh.organisations.models import Membership

# Compiled once per process: the case page reads it on every request (donghanh.core.queries).
_attachments_of_case = CompiledRead(
    lambda case_id: (
        Attachment.objects.filter(case_id=case_id)
        .select_related("uploaded_by")
        .only(
            "case_id",
            "original_name",
            "description",
            "content_type",
            "size",
            "uploaded_at",
            "uploaded_by__id",
            "uploaded_by__full_name",
            "uploaded_by__username",
        )
    )
)


def attachments_of_case(case: Case) -> list[Attachment]:
    """The case's attachments, newest first, with who uploaded them (one query)."""
    return _attachments_of_case(case.pk)


# What the case page reads of attachments (run with its other reads, `donghanh.core.sections`).
CASE_PAGE_READS: dict[str, CompiledRead[Any]] = {"attachments": _attachments_of_case}


def case_section(
    membership: Membership, case: Case, rows: dict[str, list[Any]] | None = None
) -> dict[str, Any]:
    """The case page's documents section: the rows of `CASE_PAGE_READS`, read here without
    them."""
    return {"attachments": attachments_of_case(case) if rows is None else rows["attachments"]}


def attachment_of_case(case: Case, attachment_id: int) -> Attachment:
    """One attachment of the case; an attachment of any other case is 404."""
    try:
        attachment = Attachment.objects.get(pk=attachment_id, case=case)
    except Attachment.DoesNotExist:
        raise Http404 from None
    attachment.case = case
    return attachment
