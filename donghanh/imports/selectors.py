"""Reads of imports, and who may see and do what with them.

The import pages need `import_records` in the organisation (outsiders 404, other members 403);
each kind also needs the permission to create such records by hand (403 without it). A batch is
seen by its importer and by the members who may undo imports (`undo_imports`); for anyone else
it does not exist (404).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied
from django.db import models
from django.db.models import Q, QuerySet
from django.http import Http404

from donghanh.audit.models import AuditAction, AuditEntry
from donghanh.core.crypto import blind_index_candidates
from donghanh.imports import files
from donghanh.imports.config import undo_window
from donghanh.imports.kinds.base import ImportKind, all_kinds, get_kind
from donghanh.imports.mapping import heading_key
from donghanh.imports.models import HeadingChoice, ImportBatch, ImportedRecord
from donghanh.jobs.models import Job
from donghanh.organisations.models import Membership
from donghanh.organisations.roles import Perm, role_allows
from donghanh.organisations.selectors import access_membership

LIST_LIMIT = 50
HEADING_PURPOSE = "import-heading"
# Records of one model read by one statement when a batch's records are read back.
LINKED_CHUNK = 5000
# Records whose audit rows since an import are looked up by one statement.
AUDITED_CHUNK = 500


def kinds_for_role(role: str) -> list[ImportKind]:
    """The kinds a role may import: it may import at all, and may create such records."""
    if not role_allows(role, Perm.IMPORT_RECORDS):
        return []
    return [kind for kind in all_kinds() if role_allows(role, kind.perm)]


def access_imports(user: Any, org_slug: str) -> Membership:
    return access_membership(user, org_slug, Perm.IMPORT_RECORDS)


def access_kind(user: Any, org_slug: str, code: str) -> tuple[Membership, ImportKind]:
    membership = access_imports(user, org_slug)
    kind = get_kind(code)
    if kind is None:
        raise Http404
    if not role_allows(membership.role, kind.perm):
        raise PermissionDenied
    return membership, kind


def may_see_all(membership: Membership) -> bool:
    return role_allows(membership.role, Perm.UNDO_IMPORTS)


def _batches(membership: Membership) -> QuerySet[ImportBatch]:
    batches = ImportBatch.objects.filter(organisation_id=membership.organisation_id)
    if not may_see_all(membership):
        batches = batches.filter(importer_id=membership.user_id)
    return batches


def access_batch(user: Any, org_slug: str, batch_id: int) -> tuple[Membership, ImportBatch]:
    """The batch, for its importer or a member who may undo imports; 404 for anyone else."""
    membership = access_imports(user, org_slug)
    batch = (
        _batches(membership)
        .select_related("importer", "organisation", "check_job", "commit_job", "undo_job")
        .filter(pk=batch_id)
        .first()
    )
    if batch is None:
        raise Http404
    return membership, batch


def batches_for(membership: Membership, *, limit: int = LIST_LIMIT) -> list[ImportBatch]:
    """The member's own imports, or every import of the organisation for those who may undo
    them; newest first."""
    return list(
        _batches(membership).select_related("importer").order_by("-created_at", "-id")[:limit]
    )


def may_undo(membership: Membership, batch: ImportBatch) -> bool:
    """An importer's supervisor: a member who may undo imports, not the importer."""
    return may_see_all(membership) and batch.importer_id != membership.user_id


def importer_may_import(batch: ImportBatch, kind: ImportKind) -> bool:
    """Whether the importer still has the rights to import this kind here (checked again when
    the import runs: a role can change between upload and import)."""
    if batch.importer_id is None:
        return False
    membership = (
        Membership.objects.filter(
            user_id=batch.importer_id,
            organisation_id=batch.organisation_id,
            is_active=True,
            user__is_active=True,
            organisation__is_active=True,
        )
        .only("role")
        .first()
    )
    return membership is not None and kind in kinds_for_role(membership.role)


def batch_for_job(batch_id: Any) -> ImportBatch | None:
    return (
        ImportBatch.objects.select_related("organisation", "importer").filter(pk=batch_id).first()
    )


def job_is_active(job_id: Any) -> bool:
    return job_id is not None and Job.objects.filter(pk=job_id, status__in=Job.ACTIVE).exists()


def stored_file(batch: ImportBatch) -> bytes | None:
    """The uploaded file's bytes, or None once it is no longer kept."""
    if not batch.stored_name or not files.exists(batch.stored_name):
        return None
    return files.read(batch.stored_name)


def held_by(*, organisation_id: int, kind: str, fingerprint: str) -> ImportBatch | None:
    """The batch that imported (or is importing) this file, if any."""
    return (
        ImportBatch.objects.filter(
            organisation_id=organisation_id,
            kind=kind,
            fingerprint=fingerprint,
            status__in=[
                ImportBatch.Status.COMMITTING,
                ImportBatch.Status.COMMITTED,
                ImportBatch.Status.UNDOING,
            ],
        )
        .order_by("-id")
        .first()
    )


def remembered_headings(
    *, organisation_id: int, kind: str, headers: Sequence[str]
) -> dict[str, str]:
    """heading key → the field the organisation chose for it last time ("" for none)."""
    candidates: dict[str, str] = {}
    for heading in headers:
        key = heading_key(heading)
        if key:
            for index in blind_index_candidates(key, purpose=HEADING_PURPOSE):
                candidates[index] = key
    if not candidates:
        return {}
    chosen = HeadingChoice.objects.filter(
        organisation_id=organisation_id, kind=kind, heading_index__in=list(candidates)
    ).values_list("heading_index", "field")
    return {candidates[index]: field for index, field in chosen}


# --- what happened to an import's records since -----------------------------------------


def linked_records(
    batch: ImportBatch, *, alive: Callable[[], None] | None = None
) -> list[tuple[ImportedRecord, models.Model | None]]:
    """Each link of the batch with its record (None when the record is gone). Only the
    records' keys, versions and the keys of what they point to are read (undoing and checking
    need nothing else: a batch of 100,000 people is neither decrypted nor held whole in
    memory); `alive()` is called between two statements (a large batch takes seconds)."""
    links = list(
        batch.records.only(
            "id", "batch_id", "content_type_id", "object_id", "version", "row"
        ).order_by("id")
    )
    found: dict[tuple[int, str], Any] = {}
    by_type: dict[int, list[str]] = {}
    for link in links:
        by_type.setdefault(link.content_type_id, []).append(link.object_id)
    for type_id, ids in by_type.items():
        model = ContentType.objects.get_for_id(type_id).model_class()
        if model is None:
            continue
        needed = [
            field.name
            for field in model._meta.concrete_fields
            if field.primary_key or field.is_relation or field.name == "version"
        ]
        for start in range(0, len(ids), LINKED_CHUNK):
            if alive is not None:
                alive()
            for record in model._default_manager.filter(
                pk__in=ids[start : start + LINKED_CHUNK]
            ).only(*needed):
                found[(type_id, str(record.pk))] = record
    return [(link, found.get((link.content_type_id, link.object_id))) for link in links]


def touched_count(
    batch: ImportBatch,
    kind: ImportKind,
    *,
    pairs: list[tuple[ImportedRecord, models.Model | None]] | None = None,
    alive: Callable[[], None] | None = None,
) -> int:
    """How many of the batch's records were changed, removed or used since the import
    (`pairs`: its `linked_records`, when already read; `alive()` called between two
    statements)."""
    if pairs is None:
        pairs = linked_records(batch, alive=alive)
    touched = 0
    identities: set[tuple[str, str]] = set()
    records = []
    labels: dict[int, str] = {}
    for link, record in pairs:
        label = labels.get(link.content_type_id)
        if label is None:
            content_type = ContentType.objects.get_for_id(link.content_type_id)
            label = labels[link.content_type_id] = f"{content_type.app_label}.{content_type.model}"
        identities.add((label, link.object_id))
        if record is None:
            touched += 1
            continue
        records.append(record)
        version = getattr(record, "version", None)
        if link.version is not None and version is not None and version != link.version:
            touched += 1
    touched += _audited_since(batch, identities, alive=alive)
    if alive is not None:
        alive()
    if kind.touched(records, batch_ids=identities):
        touched = max(touched, 1)
    return touched


def _audited_since(
    batch: ImportBatch,
    identities: set[tuple[str, str]],
    *,
    alive: Callable[[], None] | None = None,
) -> int:
    """How many of the records have an audit row (other than a read) newer than the import."""
    if batch.audit_mark is None or not identities:
        return 0
    by_type: dict[str, list[str]] = {}
    for target_type, target_id in identities:
        by_type.setdefault(target_type, []).append(target_id)
    touched: set[tuple[str, str]] = set()
    for target_type, ids in by_type.items():
        for start in range(0, len(ids), AUDITED_CHUNK):
            if alive is not None:
                alive()
            rows = (
                AuditEntry.objects.filter(
                    pk__gt=batch.audit_mark,
                    target_type=target_type,
                    target_id__in=ids[start : start + AUDITED_CHUNK],
                )
                .exclude(action=AuditAction.VIEW)
                .values_list("target_type", "target_id")
            )
            touched.update(rows)
    return len(touched)


def undo_deadline(batch: ImportBatch) -> datetime | None:
    if batch.committed_at is None:
        return None
    return batch.committed_at + undo_window()


def newest_audit_id() -> int:
    return AuditEntry.objects.order_by("-pk").values_list("pk", flat=True).first() or 0


def imports_with_old_files(*, before: datetime) -> QuerySet[ImportBatch]:
    return (
        ImportBatch.objects.select_related("organisation")
        .filter(~Q(stored_name=""), created_at__lt=before)
        .exclude(status__in=ImportBatch.ACTIVE)
    )


def batches_of_every_organisation() -> QuerySet[ImportBatch]:
    """Every batch, for the API to find which of the user's organisations holds one; the batch
    itself is then read through `access_batch`."""
    return ImportBatch.objects.all()
