"""Vietnam's administrative units: today's two tiers and the pre-2025 units mapped onto them."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Province(models.Model):
    """One of the 34 provinces and centrally-run cities since 1 July 2025."""

    class Kind(models.TextChoices):
        PROVINCE = "province", _("Province")
        CITY = "city", _("Centrally-run city")

    code = models.CharField(_("code"), max_length=2, primary_key=True)
    name = models.CharField(_("name"), max_length=100)
    short_name = models.CharField(_("short name"), max_length=100)
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    folded_name = models.CharField(max_length=100, db_index=True, editable=False)

    class Meta:
        ordering = ["short_name"]
        verbose_name = _("province")
        verbose_name_plural = _("provinces")

    def __str__(self) -> str:
        return self.short_name


class Commune(models.Model):
    """One of the 3,321 communes, wards and special zones since 1 July 2025."""

    class Kind(models.TextChoices):
        COMMUNE = "commune", _("Commune")
        WARD = "ward", _("Ward")
        SPECIAL_ZONE = "special_zone", _("Special zone")

    code = models.CharField(_("code"), max_length=5, primary_key=True)
    name = models.CharField(_("name"), max_length=100)
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    province = models.ForeignKey(
        Province, on_delete=models.PROTECT, related_name="communes", verbose_name=_("province")
    )
    folded_name = models.CharField(max_length=100, db_index=True, editable=False)

    class Meta:
        ordering = ["province__short_name", "name"]
        verbose_name = _("commune")
        verbose_name_plural = _("communes")

    def __str__(self) -> str:
        return f"{self.name}, {self.province.short_name}"


class LegacyProvince(models.Model):
    """One of the 63 provinces before 1 July 2025 and the province it is part of today."""

    code = models.CharField(_("code"), max_length=2, primary_key=True)
    name = models.CharField(_("name"), max_length=100)
    short_name = models.CharField(_("short name"), max_length=100)
    folded_name = models.CharField(max_length=100, db_index=True, editable=False)
    current_province = models.ForeignKey(
        Province,
        on_delete=models.PROTECT,
        related_name="legacy_provinces",
        verbose_name=_("today's province"),
    )

    class Meta:
        ordering = ["short_name"]
        verbose_name = _("pre-2025 province")
        verbose_name_plural = _("pre-2025 provinces")

    def __str__(self) -> str:
        return self.short_name


class LegacyDistrict(models.Model):
    """A district before 1 July 2025 (districts were abolished by the reform)."""

    code = models.CharField(_("code"), max_length=3, primary_key=True)
    name = models.CharField(_("name"), max_length=100)
    folded_name = models.CharField(max_length=100, db_index=True, editable=False)
    province = models.ForeignKey(
        LegacyProvince,
        on_delete=models.PROTECT,
        related_name="districts",
        verbose_name=_("pre-2025 province"),
    )
    # Set only for the island districts that had no communes and became a special zone whole.
    current_commune = models.ForeignKey(
        Commune,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="legacy_districts",
        verbose_name=_("today's commune"),
    )

    class Meta:
        ordering = ["province__short_name", "name"]
        verbose_name = _("pre-2025 district")
        verbose_name_plural = _("pre-2025 districts")

    def __str__(self) -> str:
        return f"{self.name}, {self.province.short_name}"


class LegacyCommune(models.Model):
    """A commune or ward before 1 July 2025 and the commune that took over most of it."""

    code = models.CharField(_("code"), max_length=5, primary_key=True)
    name = models.CharField(_("name"), max_length=100)
    folded_name = models.CharField(max_length=100, db_index=True, editable=False)
    district = models.ForeignKey(
        LegacyDistrict,
        on_delete=models.PROTECT,
        related_name="communes",
        verbose_name=_("pre-2025 district"),
    )
    current_commune = models.ForeignKey(
        Commune,
        on_delete=models.PROTECT,
        null=True,
        related_name="legacy_communes",
        verbose_name=_("today's commune"),
    )
    # A few old communes were split between several new ones; these are the others.
    also_part_of = models.ManyToManyField(
        Commune, blank=True, related_name="partial_legacy_communes", verbose_name=_("also part of")
    )

    class Meta:
        ordering = ["district__province__short_name", "district__name", "name"]
        verbose_name = _("pre-2025 commune")
        verbose_name_plural = _("pre-2025 communes")

    def __str__(self) -> str:
        return f"{self.name}, {self.district}"


class AreaType(models.TextChoices):
    """Where an address lies, as programme indicators disaggregate it."""

    URBAN = "urban", _("Urban")
    PERI_URBAN = "peri_urban", _("Peri-urban")
    RURAL = "rural", _("Rural")
