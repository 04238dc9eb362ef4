"""Forms of the project pages, and the fields every programme form shares. Forms check shapes;
the rules live in the services."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from donghanh.core.dates import DateField
from donghanh.core.money import MoneyField
from donghanh.organisations.models import Organisation
from donghanh.places.models import LegacyProvince, Province
from donghanh.programmes.projects.models import ProjectStatus


def date_field(label: Any, required: bool = True) -> forms.DateField:
    return DateField(label=label, required=required)


def money_field(label: Any) -> MoneyField:
    return MoneyField(label=label, help_text=_("In đồng, for example 5.827.300.000."))


def _active_organisations() -> Any:
    return Organisation.objects.filter(is_active=True).order_by("name")


def organisation_field(label: Any) -> forms.ModelChoiceField[Organisation]:
    """An optional choice among the active organisations, by name. A form copies its fields'
    querysets when it is made, so the list is read afresh for every form."""
    return forms.ModelChoiceField(label=label, queryset=_active_organisations(), required=False)


def organisations_field(label: Any) -> forms.ModelMultipleChoiceField[Organisation]:
    """Like organisation_field, for several organisations."""
    return forms.ModelMultipleChoiceField(
        label=label, queryset=_active_organisations(), required=False
    )


def province_field() -> forms.ModelChoiceField[Province]:
    """An optional choice of today's province."""
    return forms.ModelChoiceField(
        label=_("Province"), queryset=Province.objects.order_by("short_name"), required=False
    )


class RecordForm(forms.Form):
    """A form that adds a record through a service (projects.pages.record_posted): its cleaned
    data are the service's keyword arguments, unless record_kwargs() says otherwise."""

    def record_kwargs(self) -> dict[str, Any]:
        return dict(self.cleaned_data)


class ProjectForm(forms.Form):
    code = forms.CharField(label=_("Code"), max_length=20)
    name = forms.CharField(label=_("Name"), max_length=300)
    name_en = forms.CharField(label=_("English name"), max_length=300, required=False)
    description = forms.CharField(label=_("Description"), widget=forms.Textarea, required=False)
    start_on = date_field(_("Start date"), required=False)
    end_on = date_field(_("End date"), required=False)
    status = forms.ChoiceField(label=_("Status"), choices=ProjectStatus.choices)
    partner_organisations = organisations_field(_("Partner organisations"))
    donors = organisations_field(_("Donors"))
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)


class PhaseForm(RecordForm):
    name = forms.CharField(label=_("Phase"), max_length=200)
    start_on = date_field(_("Start date"))
    end_on = date_field(_("End date"), required=False)


class ProvinceForm(RecordForm):
    """Today's province, or a province from before July 2025 (kept beside today's)."""

    place = forms.ChoiceField(label=_("Province"))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        today = [(f"p:{p.pk}", p.short_name) for p in Province.objects.order_by("short_name")]
        legacy = [
            (f"l:{p.pk}", f"{p.short_name} → {p.current_province.short_name}")
            for p in LegacyProvince.objects.select_related("current_province").order_by(
                "short_name"
            )
        ]
        self.fields["place"].choices = [  # type: ignore[attr-defined]
            ("", "—"),
            (_("Provinces today"), today),
            (_("Provinces before 1 July 2025"), legacy),
        ]

    def record_kwargs(self) -> dict[str, Any]:
        kind, code = self.cleaned_data["place"].split(":", 1)
        if kind == "l":
            return {"legacy_province": LegacyProvince.objects.get(pk=code)}
        return {"province": Province.objects.get(pk=code)}
