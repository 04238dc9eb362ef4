from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db import models
from django.forms import ModelForm
from django.http import HttpRequest

from donghanh.audit.admin import AuditedModelAdmin
from donghanh.core.actor import request_actor
from donghanh.organisations.models import Invitation, Membership, Organisation
from donghanh.organisations.services import membership_activity_changed_in_admin


class MembershipInline(admin.TabularInline):
    """Memberships are managed by organisation administrators; here they are for reading."""

    model = Membership
    fk_name = "user"
    fields = ["organisation", "role", "is_active", "created_at"]
    readonly_fields = ["organisation", "role", "is_active", "created_at"]
    extra = 0
    can_delete = False
    show_change_link = False

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Organisation)
class OrganisationAdmin(AuditedModelAdmin):
    list_display = ["name", "short_name", "kind", "parent", "is_active"]
    list_filter = ["kind", "is_active", "provinces"]
    list_select_related = ["parent"]
    search_fields = ["name", "name_en", "short_name", "slug"]
    prepopulated_fields = {"slug": ["short_name"]}
    filter_horizontal = ["provinces"]
    raw_id_fields = ["parent"]
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}

    def audit_organisation(self, obj: Any) -> Any:
        return obj

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        # Audit rows point at organisations and cannot be rewritten: deactivate instead.
        return False


@admin.register(Membership)
class MembershipAdmin(AuditedModelAdmin):
    list_display = ["user", "organisation", "role", "is_active", "created_at"]
    list_filter = ["role", "is_active", "organisation"]
    list_select_related = ["user", "organisation"]
    search_fields = ["user__username", "user__full_name", "organisation__name"]
    raw_id_fields = ["user", "organisation"]
    exclude = ["joined_at", "left_at"]

    def audit_organisation(self, obj: Any) -> Any:
        return obj.organisation

    def save_model(self, request: HttpRequest, obj: Any, form: ModelForm, change: bool) -> None:
        super().save_model(request, obj, form, change)
        if change and "is_active" in form.changed_data:
            membership_activity_changed_in_admin(
                membership=obj,
                was_active=not obj.is_active,
                actor=request_actor(request, obj.organisation),
            )


@admin.register(Invitation)
class InvitationAdmin(admin.ModelAdmin):
    """Invitations are sent and answered on the platform's pages; here they are for reading."""

    list_display = ["organisation", "role", "status", "created_at", "expires_at"]
    list_filter = ["status", "role"]
    list_select_related = ["organisation"]
    fields = readonly_fields = (
        "organisation",
        "username",
        "user",
        "role",
        "status",
        "invited_by",
        "created_at",
        "expires_at",
        "answered_at",
    )

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
