"""Forms of the outreach pages. They check shapes; the rules live in outreach.services."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from donghanh.programmes.codes import AgeGroup, AudienceSex
from donghanh.programmes.outreach.models import CommunicationKind, PublicationKind, SupportKind
from donghanh.programmes.projects.forms import (
    RecordForm,
    date_field,
    organisation_field,
    province_field,
)


def _audience_fields() -> dict[str, forms.IntegerField]:
    return {
        f"audience_{sex}_{age}": forms.IntegerField(
            label=f"{sex_label} · {age_label}", min_value=0, required=False
        )
        for sex, sex_label in AudienceSex.choices
        for age, age_label in AgeGroup.choices
    }


class CommunicationForm(RecordForm):
    kind = forms.ChoiceField(label=_("Kind"), choices=CommunicationKind.choices)
    title = forms.CharField(label=_("Title"), max_length=300)
    held_on = date_field(_("Date"))
    province = province_field()
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

    def record_kwargs(self) -> dict[str, Any]:
        """The arguments of outreach.services.communication_record: the audience as one
        mapping of (sex, age group) to people, beside the total if one was given."""
        data = {k: v for k, v in self.cleaned_data.items() if not k.startswith("audience_")}
        return {
            **data,
            "audience": self.audience(),
            "audience_total": self.cleaned_data.get("audience_total"),
        }


class SupportedOrganisationForm(RecordForm):
    organisation = organisation_field(_("Organisation"))
    organisation_name = forms.CharField(
        label=_("Organisation (other)"), max_length=300, required=False
    )
    support_kind = forms.ChoiceField(label=_("Support"), choices=SupportKind.choices)
    supported_on = date_field(_("Date"))
    province = province_field()


class PublicationForm(RecordForm):
    title = forms.CharField(label=_("Title"), max_length=300)
    kind = forms.ChoiceField(label=_("Kind"), choices=PublicationKind.choices)
    published_on = date_field(_("Date"))
    url = forms.URLField(label=_("Link"), required=False, assume_scheme="https")
    file = forms.FileField(
        label=_("File"),
        required=False,
        help_text=_(
            "A PDF, a Word (.docx) or Excel (.xlsx) document, or a PNG or JPEG image, at most "
            "10 MB."
        ),
        widget=forms.ClearableFileInput(attrs={"accept": ".pdf,.docx,.xlsx,.png,.jpg,.jpeg"}),
    )
