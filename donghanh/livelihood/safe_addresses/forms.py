"""Forms of the safe address pages."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from donghanh.core.dates import DateField
from donghanh.core.editing import VersionedFormMixin
from donghanh.core.idempotency import IdempotencyField
from donghanh.places.forms import CommuneField

from .models import SafePlaceKind


class SafeAddressForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=200, help_text=_("As the staff call it."))
    kind = forms.ChoiceField(label=_("Kind of place"), choices=SafePlaceKind.choices)
    commune = CommuneField(required=False)
    address = forms.CharField(label=_("Address"), widget=forms.Textarea(attrs={"rows": 2}))
    contact_name = forms.CharField(label=_("Contact person"), max_length=200, required=False)
    contact_phone = forms.CharField(
        label=_("Contact phone"),
        max_length=30,
        required=False,
        widget=forms.TextInput(attrs={"inputmode": "tel"}),
    )
    capacity = forms.IntegerField(label=_("People it can shelter"), min_value=1, max_value=50)
    vouched_by = forms.CharField(
        label=_("Vouched for by"),
        max_length=200,
        help_text=_("Who in the Women's Union knows the place and answers for it."),
    )
    last_checked_on = DateField(label=_("Last checked on"))
    is_active = forms.BooleanField(label=_("Can be used now"), required=False, initial=True)
    notes = forms.CharField(
        label=_("Notes"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )


class SafeAddressAddForm(SafeAddressForm):
    idempotency_key = IdempotencyField()


class SafeAddressEditForm(VersionedFormMixin, SafeAddressForm):
    pass


class PlacementForm(forms.Form):
    place: forms.ModelChoiceField[Any] = forms.ModelChoiceField(
        label=_("Safe address"), queryset=None
    )
    arrived_on = DateField(label=_("Arrived on"))
    nights = forms.IntegerField(label=_("Nights"), min_value=1, max_value=7, initial=1)
    idempotency_key = IdempotencyField()

    def __init__(self, *args: Any, places: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        place_field: Any = self.fields["place"]
        place_field.queryset = places
        place_field.label_from_instance = lambda place: place.name
