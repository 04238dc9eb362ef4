"""Forms of the programme pages. They check shapes; the rules live in the services."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from donghanh.core.money import MoneyField
from donghanh.organisations.models import Organisation
from donghanh.places.models import LegacyProvince, Province
from donghanh.programmes.models import (
    AgeGroup,
    Aggregation,
    AudienceSex,
    CommunicationKind,
    ComputedDefinition,
    Direction,
    Disaggregation,
    FundingKind,
    IndicatorSource,
    OfficerRole,
    Output,
    ProjectStatus,
    PublicationKind,
    Sector,
    SupportKind,
    TrainingKind,
    TrainingLevel,
    TrainingSession,
)

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def _date(label: Any, required: bool = True) -> forms.DateField:
    return forms.DateField(label=label, required=required, widget=DATE)


def _money(label: Any) -> MoneyField:
    return MoneyField(label=label, help_text=_("In đồng, without separators: 5827300000."))


def _organisations() -> Any:
    return Organisation.objects.filter(is_active=True).order_by("name")


class ProjectForm(forms.Form):
    code = forms.CharField(label=_("Code"), max_length=20)
    name = forms.CharField(label=_("Name"), max_length=300)
    name_en = forms.CharField(label=_("English name"), max_length=300, required=False)
    description = forms.CharField(label=_("Description"), widget=forms.Textarea, required=False)
    start_on = _date(_("Start date"), required=False)
    end_on = _date(_("End date"), required=False)
    status = forms.ChoiceField(label=_("Status"), choices=ProjectStatus.choices)
    partner_organisations = forms.ModelMultipleChoiceField(
        label=_("Partner organisations"), queryset=Organisation.objects.none(), required=False
    )
    donors = forms.ModelMultipleChoiceField(
        label=_("Donors"), queryset=Organisation.objects.none(), required=False
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["partner_organisations"].queryset = _organisations()  # type: ignore[attr-defined]
        self.fields["donors"].queryset = _organisations()  # type: ignore[attr-defined]


class PhaseForm(forms.Form):
    name = forms.CharField(label=_("Phase"), max_length=200)
    start_on = _date(_("Start date"))
    end_on = _date(_("End date"), required=False)


class ProvinceForm(forms.Form):
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

    def place_kwargs(self) -> dict[str, Any]:
        kind, code = self.cleaned_data["place"].split(":", 1)
        if kind == "l":
            return {"legacy_province": LegacyProvince.objects.get(pk=code)}
        return {"province": Province.objects.get(pk=code)}


class FundingSourceForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=FundingKind.choices)
    donor = forms.ModelChoiceField(
        label=_("Funder"), queryset=Organisation.objects.none(), required=False
    )
    donor_name = forms.CharField(label=_("Funder (other)"), max_length=300, required=False)
    amount_vnd = MoneyField(label=_("Amount (VND)"), min_value=1)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["donor"].queryset = _organisations()  # type: ignore[attr-defined]


FundingFormSet = forms.formset_factory(FundingSourceForm, extra=2, can_delete=True)


class BudgetForm(forms.Form):
    budget_vnd = _money(_("Total budget (VND)"))
    version = forms.IntegerField(widget=forms.HiddenInput)


class BudgetLineForm(forms.Form):
    code = forms.CharField(label=_("Code"), max_length=20)
    name = forms.CharField(label=_("Name"), max_length=300)
    amount_vnd = _money(_("Budget (VND)"))


class SpendingForm(forms.Form):
    spent_on = _date(_("Date"))
    amount_vnd = MoneyField(label=_("Amount (VND)"), min_value=1)
    description = forms.CharField(label=_("Description"), max_length=300)
    evidence_text = forms.CharField(
        label=_("Evidence (voucher number, where kept)"), max_length=300
    )
    evidence_file = forms.FileField(label=_("Evidence file"), required=False)
    overspend_reason = forms.CharField(
        label=_("Reason for going over the line (only if it does)"),
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
    )


class FrameworkItemForm(forms.Form):
    code = forms.CharField(label=_("Code"), max_length=20)
    name = forms.CharField(label=_("Text"), widget=forms.Textarea(attrs={"rows": 2}))
    parent = forms.IntegerField(widget=forms.HiddenInput, required=False)


class IndicatorForm(forms.Form):
    output = forms.ModelChoiceField(
        label=_("Output"), queryset=Output.objects.none(), required=False
    )
    code = forms.CharField(label=_("Code"), max_length=20)
    name = forms.CharField(label=_("Name"), max_length=300)
    name_en = forms.CharField(label=_("English name"), max_length=300, required=False)
    unit = forms.CharField(label=_("Unit"), max_length=50, initial="người")
    baseline = forms.DecimalField(label=_("Baseline"), initial=0, max_digits=16, decimal_places=2)
    direction = forms.ChoiceField(label=_("Direction"), choices=Direction.choices)
    aggregation = forms.ChoiceField(label=_("Adds up as"), choices=Aggregation.choices)
    disaggregations = forms.MultipleChoiceField(
        label=_("Required disaggregations"),
        choices=Disaggregation.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    source = forms.ChoiceField(label=_("Source"), choices=IndicatorSource.choices)
    computed_definition = forms.ChoiceField(
        label=_("Computed as"),
        choices=[("", "—"), *ComputedDefinition.choices],
        required=False,
    )

    def __init__(self, *args: Any, project: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["output"].queryset = Output.objects.filter(  # type: ignore[attr-defined]
            outcome__goal__project=project
        )


class TargetForm(forms.Form):
    period_start = _date(_("Period start"))
    period_end = _date(_("Period end"))
    target_value = forms.DecimalField(label=_("Target"), max_digits=16, decimal_places=2)


class ManualValueForm(forms.Form):
    period_start = _date(_("Period start"))
    period_end = _date(_("Period end"))
    value = forms.DecimalField(label=_("Value"), max_digits=16, decimal_places=2)
    evidence_text = forms.CharField(label=_("Evidence"), widget=forms.Textarea(attrs={"rows": 2}))
    evidence_file = forms.FileField(label=_("Evidence file"), required=False)


class TrainingForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=TrainingKind.choices)
    title = forms.CharField(label=_("Title"), max_length=300)
    topic = forms.CharField(label=_("Topic"), max_length=300, required=False)
    level = forms.ChoiceField(label=_("Level"), choices=TrainingLevel.choices)
    province = forms.ModelChoiceField(
        label=_("Province"), queryset=Province.objects.order_by("short_name"), required=False
    )
    place = forms.CharField(label=_("Venue"), max_length=300, required=False)
    start_on = _date(_("Start date"))
    end_on = _date(_("End date"))


class SessionForm(forms.Form):
    held_on = _date(_("Date"))
    title = forms.CharField(label=_("Title"), max_length=300)
    hours = forms.DecimalField(
        label=_("Hours"), max_digits=4, decimal_places=1, required=False, min_value=0
    )


class ParticipantForm(forms.Form):
    full_name = forms.CharField(label=_("Full name"), max_length=200)
    sex = forms.ChoiceField(label=_("Sex"), choices=AudienceSex.choices)
    birth_year = forms.IntegerField(
        label=_("Year of birth"), min_value=1920, max_value=2020, required=False
    )
    organisation = forms.ModelChoiceField(
        label=_("Organisation"), queryset=Organisation.objects.none(), required=False
    )
    organisation_name = forms.CharField(
        label=_("Organisation (other)"), max_length=300, required=False
    )
    role = forms.ChoiceField(label=_("Role"), choices=OfficerRole.choices)
    sector = forms.ChoiceField(label=_("Sector"), choices=Sector.choices)
    province = forms.ModelChoiceField(
        label=_("Province"), queryset=Province.objects.order_by("short_name"), required=False
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = _organisations()  # type: ignore[attr-defined]


class ParticipationForm(forms.Form):
    sessions_attended = forms.ModelMultipleChoiceField(
        label=_("Sessions attended"),
        queryset=TrainingSession.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    pre_score = forms.DecimalField(
        label=_("Pre-test score"), max_digits=5, decimal_places=1, required=False
    )
    post_score = forms.DecimalField(
        label=_("Post-test score"), max_digits=5, decimal_places=1, required=False
    )
    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args: Any, training: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["sessions_attended"].queryset = training.sessions.all()  # type: ignore[attr-defined]


def _audience_fields() -> dict[str, forms.IntegerField]:
    return {
        f"audience_{sex}_{age}": forms.IntegerField(
            label=f"{sex_label} · {age_label}", min_value=0, required=False
        )
        for sex, sex_label in AudienceSex.choices
        for age, age_label in AgeGroup.choices
    }


class CommunicationForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=CommunicationKind.choices)
    title = forms.CharField(label=_("Title"), max_length=300)
    held_on = _date(_("Date"))
    province = forms.ModelChoiceField(
        label=_("Province"), queryset=Province.objects.order_by("short_name"), required=False
    )
    place = forms.CharField(label=_("Place or channel"), max_length=300, required=False)
    url = forms.URLField(label=_("Link"), required=False, assume_scheme="https")
    audience_total = forms.IntegerField(
        label=_("Audience reached"),
        min_value=0,
        required=False,
        help_text=_("Leave empty when you give the audience by sex and age group below."),
    )
    views = forms.IntegerField(label=_("Views"), min_value=0, required=False)
    engagement = forms.IntegerField(
        label=_("Engagement (reactions, comments, shares)"), min_value=0, required=False
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields.update(_audience_fields())

    def audience_fields(self) -> list[Any]:
        return [
            self[name]
            for name in self.fields
            if name.startswith("audience_") and name != "audience_total"
        ]

    def audience(self) -> dict[tuple[str, str], int]:
        cells = {}
        for sex, _label in AudienceSex.choices:
            for age, _age_label in AgeGroup.choices:
                count = self.cleaned_data.get(f"audience_{sex}_{age}")
                if count:
                    cells[(sex, age)] = count
        return cells


class SupportedOrganisationForm(forms.Form):
    organisation = forms.ModelChoiceField(
        label=_("Organisation"), queryset=Organisation.objects.none(), required=False
    )
    organisation_name = forms.CharField(
        label=_("Organisation (other)"), max_length=300, required=False
    )
    support_kind = forms.ChoiceField(label=_("Support"), choices=SupportKind.choices)
    supported_on = _date(_("Date"))
    province = forms.ModelChoiceField(
        label=_("Province"), queryset=Province.objects.order_by("short_name"), required=False
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = _organisations()  # type: ignore[attr-defined]


class PublicationForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=300)
    kind = forms.ChoiceField(label=_("Kind"), choices=PublicationKind.choices)
    published_on = _date(_("Date"))
    url = forms.URLField(label=_("Link"), required=False, assume_scheme="https")
    file = forms.FileField(label=_("File"), required=False)
