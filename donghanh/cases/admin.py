"""Support-regime configuration is edited by system administrators; case data is not in the
admin at all: it is read only through the access checks of the case pages."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db import models

from donghanh.audit.admin import AuditedModelAdmin
from donghanh.cases.models import SupportRegimeRule, SupportRegimeTerm
from donghanh.core.money import MoneyField


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

    def formfield_for_dbfield(self, db_field: models.Field, request: Any, **kwargs: Any) -> Any:
        # Rates and caps are typed as people write money: 1.500.000 or 1.500.000 ₫.
        if db_field.name.endswith("_vnd"):
            return MoneyField(
                label=db_field.verbose_name.capitalize(),
                required=not db_field.blank,
                help_text=db_field.help_text,
            )
        return super().formfield_for_dbfield(db_field, request, **kwargs)
