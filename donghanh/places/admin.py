"""Administrative units are reference data loaded from a file: the admin shows them read-only."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db.models import Model, QuerySet
from django.http import HttpRequest

from donghanh.places.keys import name_key
from donghanh.places.models import (
    Commune,
    LegacyCommune,
    LegacyDistrict,
    LegacyProvince,
    Province,
)


class ReadOnlyPlaceAdmin(admin.ModelAdmin):
    """Browse and search units; changes come only from `manage.py load_places`."""

    list_per_page = 50

    def has_add_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False

    def get_search_results(
        self, request: HttpRequest, queryset: QuerySet[Any], search_term: str
    ) -> tuple[QuerySet[Any], bool]:
        # Search ignores diacritics and prefixes, as everywhere else: "nghi xuan" finds Nghi Xuân.
        term = search_term.strip()
        if not term:
            return queryset, False
        if term.isdigit():
            width = queryset.model._meta.pk.max_length or len(term)
            return queryset.filter(code=term.zfill(width)), False
        return queryset.filter(folded_name__contains=name_key(term)), False


@admin.register(Province)
class ProvinceAdmin(ReadOnlyPlaceAdmin):
    list_display = ("code", "name", "short_name", "kind")
    list_filter = ("kind",)
    search_fields = ("name",)


@admin.register(Commune)
class CommuneAdmin(ReadOnlyPlaceAdmin):
    list_display = ("code", "name", "kind", "province")
    list_filter = ("kind", "province")
    list_select_related = ("province",)
    search_fields = ("name",)


@admin.register(LegacyProvince)
class LegacyProvinceAdmin(ReadOnlyPlaceAdmin):
    list_display = ("code", "name", "current_province")
    list_select_related = ("current_province",)
    search_fields = ("name",)


@admin.register(LegacyDistrict)
class LegacyDistrictAdmin(ReadOnlyPlaceAdmin):
    list_display = ("code", "name", "province", "current_commune")
    list_filter = ("province",)
    list_select_related = ("province", "current_commune")
    search_fields = ("name",)


@admin.register(LegacyCommune)
class LegacyCommuneAdmin(ReadOnlyPlaceAdmin):
    list_display = ("code", "name", "district", "current_commune")
    list_select_related = ("district__province", "current_commune__province")
    search_fields = ("name",)
