"""Forms for places: the lookup box and a reusable field for choosing today's commune."""

from __future__ import annotations

import re
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from donghanh.places.models import Commune

_DIGITS = re.compile(r"^\d{1,5}$")


class CommuneField(forms.Field):
    """Today's commune, entered as its official five-digit code; cleans to a `Commune`.

    Leading zeros may be left out ("70" is Phường Hoàn Kiếm, 00070). Use it in any form that
    records where something is: `commune = CommuneField(required=False)`. The Places page
    (/app/places/) tells staff the code of an old or new address.
    """

    widget = forms.TextInput
    default_error_messages = {
        "invalid": _("Enter the commune’s code: up to five digits, for example 18364."),
        "unknown": _("No commune has the code %(code)s. Look the code up under Places."),
    }

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("label", _("Commune code"))
        kwargs.setdefault(
            "help_text",
            _("The five-digit code of today’s commune or ward (since 1 July 2025)."),
        )
        super().__init__(**kwargs)

    def widget_attrs(self, widget: forms.Widget) -> dict[str, Any]:
        attrs = super().widget_attrs(widget)
        attrs.update({"inputmode": "numeric", "maxlength": "5", "autocomplete": "off"})
        return attrs

    def prepare_value(self, value: Any) -> Any:
        return value.code if isinstance(value, Commune) else value

    def _code(self, value: Any) -> str:
        if isinstance(value, Commune):
            return value.code
        text = str(value or "").strip()
        return text.zfill(5) if _DIGITS.match(text) else text

    def to_python(self, value: Any) -> Commune | None:
        if isinstance(value, Commune):
            return value
        text = str(value or "").strip()
        if not text:
            return None
        if not _DIGITS.match(text):
            raise ValidationError(self.error_messages["invalid"], code="invalid")
        code = text.zfill(5)
        try:
            return Commune.objects.select_related("province").get(code=code)
        except Commune.DoesNotExist:
            raise ValidationError(
                self.error_messages["unknown"], code="unknown", params={"code": code}
            ) from None

    def has_changed(self, initial: Any, data: Any) -> bool:
        return self._code(initial) != self._code(data)


class PlaceSearchForm(forms.Form):
    q = forms.CharField(
        label=_("Name, old address or code"),
        max_length=200,
        required=False,
        widget=forms.TextInput(attrs={"type": "search", "autocomplete": "off"}),
        help_text=_("Diacritics are optional: “nghi xuan” finds Nghi Xuân."),
    )
