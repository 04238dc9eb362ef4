"""Support-regime configuration is edited by system administrators; case data is not in the
admin at all: it is read only through the access checks of the case pages."""

from __future__ import annotations

from django.contrib import admin

from donghanh.audit.admin import AuditedModelAdmin
from donghanh.cases.models import SupportRegimeRule, SupportRegimeTerm


@admin.register(SupportRegimeRule)
class SupportRegimeRuleAdmin(AuditedModelAdmin):
    list_display = ("legal_regime", "group", "regime", "case_by_case", "valid_from", "valid_to")
    list_filter = ("legal_regime", "group", "regime", "case_by_case")
    ordering = ("legal_regime", "group", "regime", "valid_from")


@admin.register(SupportRegimeTerm)
class SupportRegimeTermAdmin(AuditedModelAdmin):
    list_display = (
        "legal_regime",
        "regime",
        "rate_vnd",
        "unit",
        "cap_vnd",
        "responsible_agency",
        "valid_from",
        "valid_to",
    )
    list_filter = ("legal_regime", "regime")
    ordering = ("legal_regime", "regime", "valid_from")
