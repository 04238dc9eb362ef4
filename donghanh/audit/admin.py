from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db import models, transaction
from django.db.models import QuerySet
from django.forms import ModelForm
from django.http import HttpRequest

from donghanh.audit.events import AdminEvent
from donghanh.audit.models import AuditEntry
from donghanh.audit.services import audit_record
from donghanh.core.actor import request_actor


@admin.register(AuditEntry)
class AuditEntryAdmin(admin.ModelAdmin):
    """The log, read-only: nobody adds, changes or deletes an entry, superusers included."""

    list_display = [
        "at",
        "actor_username",
        "action",
        "organisation",
        "target_type",
        "target_id",
        "ip_address",
    ]
    list_filter = ["action", "at"]
    list_select_related = ["organisation"]
    search_fields = ["actor_username", "target_type", "target_id"]
    date_hierarchy = "at"
    show_full_result_count = False

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class AuditedModelAdmin(admin.ModelAdmin):
    """A ModelAdmin whose saves and deletes write audit rows, in the admin's own transaction.

    Subclasses name the organisation a record belongs to with `audit_organisation`.
    """

    def audit_organisation(self, obj: Any) -> Any:
        return None

    def save_model(self, request: HttpRequest, obj: Any, form: ModelForm, change: bool) -> None:
        super().save_model(request, obj, form, change)
        audit_record(
            event=AdminEvent.CHANGED if change else AdminEvent.CREATED,
            actor=request_actor(request),
            organisation=self.audit_organisation(obj),
            target=obj,
            changed_fields=form.changed_data,
        )

    def _audit_delete(self, request: HttpRequest, obj: models.Model) -> None:
        audit_record(
            event=AdminEvent.DELETED,
            actor=request_actor(request),
            organisation=self.audit_organisation(obj),
            target=obj,
        )

    def delete_model(self, request: HttpRequest, obj: Any) -> None:
        self._audit_delete(request, obj)
        super().delete_model(request, obj)

    @transaction.atomic
    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> None:
        # The admin's change and delete views are atomic already; its bulk action is not.
        for obj in queryset:
            self._audit_delete(request, obj)
        super().delete_queryset(request, queryset)
