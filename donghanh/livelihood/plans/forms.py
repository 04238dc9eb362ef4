"""Forms of the livelihood plan pages."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from donghanh.core.dates import DateField
from donghanh.core.editing import VersionedFormMixin
from donghanh.core.idempotency import IdempotencyField
from donghanh.core.money import MoneyField
from donghanh.organisations.models import Organisation

from .items import ANSWERS, ITEMS, Dimension
from .models import AssessmentPoint, Livelihood, SupportKind


def _text(label: Any, help_text: Any = "") -> forms.CharField:
    return forms.CharField(
        label=label,
        required=False,
        help_text=help_text,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class PlanForm(VersionedFormMixin, forms.Form):
    goals = _text(_("Her goals"), _("In her words: what she wants her life and work to be."))
    skills = _text(_("Her skills"))
    assets = _text(_("Her assets"), _("Land, animals, tools, savings, people who can help."))
    livelihood = forms.ChoiceField(
        label=_("The livelihood she chose"),
        choices=[("", "—"), *Livelihood.choices],
        required=False,
    )
    livelihood_detail = _text(_("About the livelihood"))
    income_at_start = MoneyField(label=_("Her monthly income at the start (đồng)"), required=False)
    household_at_start = _text(_("Her household at the start"))
    project: forms.ModelChoiceField[Any] = forms.ModelChoiceField(
        label=_("Programme"),
        queryset=None,
        required=False,
        empty_label=_("None"),
        help_text=_("The programme's figures count her plan under this programme."),
    )

    def __init__(self, *args: Any, projects: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        project_field: Any = self.fields["project"]
        project_field.queryset = projects


class SupportForm(forms.Form):
    kind = forms.ChoiceField(label=_("Support"), choices=SupportKind.choices)
    amount = MoneyField(label=_("Value (đồng)"), initial=0)
    given_on = DateField(label=_("Given on"))
    given_by: forms.ModelChoiceField[Any] = forms.ModelChoiceField(
        label=pgettext_lazy("support", "Given by"),
        queryset=Organisation.objects.filter(is_active=True).order_by("name"),
        required=False,
        empty_label=_("Another giver, named below"),
    )
    given_by_other = forms.CharField(
        label=_("Given by (another)"),
        max_length=200,
        required=False,
        help_text=_("The commune People's Committee, a company, a relative…"),
    )
    note = _text(_("Note"))
    idempotency_key = IdempotencyField()


class ReviewForm(forms.Form):
    reviewed_on = DateField(label=_("Reviewed on"))
    income = MoneyField(label=_("Her monthly income now (đồng)"), required=False)
    household = _text(_("Her household now"))
    progress = _text(_("How the livelihood is going"))
    idempotency_key = IdempotencyField()


class AssessmentForm(forms.Form):
    point = forms.ChoiceField(label=_("When"), choices=AssessmentPoint.choices)
    assessed_on = DateField(label=_("Assessed on"))
    note = _text(_("Notes"))
    idempotency_key = IdempotencyField()

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choices = [(str(value), label) for value, label in ANSWERS] + [("", _("Does not apply"))]
        for item in ITEMS:
            self.fields[item.code] = forms.TypedChoiceField(
                label=item.text,
                choices=choices,
                coerce=int,
                empty_value=None,
                required=False,
                widget=forms.RadioSelect,
            )

    def answers(self) -> dict[str, int | None]:
        return {item.code: self.cleaned_data.get(item.code) for item in ITEMS}

    def dimensions(self) -> list[tuple[str, list[forms.BoundField]]]:
        return [
            (str(label), [self[item.code] for item in ITEMS if item.dimension == value])
            for value, label in Dimension.choices
        ]
