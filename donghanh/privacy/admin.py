from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db.models import QuerySet
from django.forms import ModelForm
from django.http import HttpRequest

from donghanh.audit.admin import AuditedModelAdmin
from donghanh.core.actor import request_actor
from donghanh.privacy.models import Holiday
from donghanh.privacy.services import acknowledge_deadlines_refresh


@admin.register(Holiday)
class HolidayAdmin(AuditedModelAdmin):
    """Where system administrators enter each year's moving holidays (Tết, Hùng Kings)."""

    list_display = ["__str__", "year", "month", "day"]
    list_filter = ["year"]
    ordering = ["-year", "month", "day"]

    def save_model(self, request: HttpRequest, obj: Any, form: ModelForm, change: bool) -> None:
        super().save_model(request, obj, form, change)
        acknowledge_deadlines_refresh(actor=request_actor(request))

    def delete_model(self, request: HttpRequest, obj: Any) -> None:
        super().delete_model(request, obj)
        acknowledge_deadlines_refresh(actor=request_actor(request))

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> None:
        super().delete_queryset(request, queryset)
        acknowledge_deadlines_refresh(actor=request_actor(request))
