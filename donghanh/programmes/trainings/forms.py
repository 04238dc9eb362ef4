"""Forms of the training pages. They check shapes; the rules live in trainings.services."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from donghanh.programmes.codes import AudienceSex
from donghanh.programmes.projects.forms import (
    RecordForm,
    date_field,
    organisation_field,
    province_field,
)
from donghanh.programmes.trainings.models import (
    OfficerRole,
    Sector,
    TrainingKind,
    TrainingLevel,
    TrainingSession,
)


class TrainingForm(RecordForm):
    kind = forms.ChoiceField(label=_("Kind"), choices=TrainingKind.choices)
    title = forms.CharField(label=_("Title"), max_length=300)
    topic = forms.CharField(label=_("Topic"), max_length=300, required=False)
    level = forms.ChoiceField(label=_("Level"), choices=TrainingLevel.choices)
    province = province_field()
    place = forms.CharField(label=_("Venue"), max_length=300, required=False)
    start_on = date_field(_("Start date"))
    end_on = date_field(_("End date"))


class SessionForm(RecordForm):
    held_on = date_field(_("Date"))
    title = forms.CharField(label=_("Title"), max_length=300)
    hours = forms.DecimalField(
        label=_("Hours"), max_digits=4, decimal_places=1, required=False, min_value=0
    )


class ParticipantForm(RecordForm):
    full_name = forms.CharField(label=_("Full name"), max_length=200)
    sex = forms.ChoiceField(label=_("Sex"), choices=AudienceSex.choices)
    birth_year = forms.IntegerField(
        label=_("Year of birth"), min_value=1920, max_value=2020, required=False
    )
    organisation = organisation_field(_("Organisation"))
    organisation_name = forms.CharField(
        label=_("Organisation (other)"), max_length=300, required=False
    )
    role = forms.ChoiceField(label=_("Role"), choices=OfficerRole.choices)
    sector = forms.ChoiceField(label=_("Sector"), choices=Sector.choices)
    province = province_field()


class SessionChoiceField(forms.ModelMultipleChoiceField):
    """A session as its trainer knows it: its day and title, in the reader's date format."""

    def label_from_instance(self, obj: Any) -> str:
        day = date_format(obj.held_on, "SHORT_DATE_FORMAT")
        return f"{day} · {obj.title}" if obj.title else day


class ParticipationForm(forms.Form):
    sessions_attended = SessionChoiceField(
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
