"""Forms of the results framework pages. They check shapes; the rules live in
results.services."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from donghanh.programmes.projects.forms import RecordForm, date_field
from donghanh.programmes.results.models import (
    Aggregation,
    ComputedDefinition,
    Direction,
    Disaggregation,
    IndicatorSource,
    Output,
)


class FrameworkItemForm(forms.Form):
    code = forms.CharField(label=_("Code"), max_length=20)
    name = forms.CharField(label=_("Text"), widget=forms.Textarea(attrs={"rows": 2}))
    parent = forms.IntegerField(widget=forms.HiddenInput, required=False)


class OutputChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.code} {obj.local_name}"


class IndicatorForm(RecordForm):
    output = OutputChoiceField(label=_("Output"), queryset=Output.objects.none(), required=False)
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


class TargetForm(RecordForm):
    period_start = date_field(_("Period start"))
    period_end = date_field(_("Period end"))
    target_value = forms.DecimalField(label=_("Target"), max_digits=16, decimal_places=2)


class ManualValueForm(RecordForm):
    period_start = date_field(_("Period start"))
    period_end = date_field(_("Period end"))
    value = forms.DecimalField(label=_("Value"), max_digits=16, decimal_places=2)
    evidence_text = forms.CharField(label=_("Evidence"), widget=forms.Textarea(attrs={"rows": 2}))
    evidence_file = forms.FileField(label=_("Evidence file"), required=False)
