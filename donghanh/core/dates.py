"""Dates as people type them: one field for every form, shown and read as dd/mm/yyyy.

A browser's date picker shows the date in the order of the browser's own language (mm/dd/yyyy
in an English browser) while the pages show dd/mm/yyyy: the same day would read two ways on one
screen. Every date box is therefore a text box that shows dd/mm/yyyy and reads what people
write (31/12/2026, 31-12-2026, 31.12.2026, 5/3/2026), and the ISO form (2026-12-31) that
scripts and older pages send.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

DATE_INPUT_FORMATS = ["%d/%m/%Y", "%d-%m-%Y", "%d.%m.%Y", "%Y-%m-%d"]
DATE_ERROR = _("Enter a date as dd/mm/yyyy, for example 31/12/2026.")
DATE_PLACEHOLDER = "dd/mm/yyyy"


class DateInput(forms.DateInput):
    """A text box that shows a date as dd/mm/yyyy."""

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(
            format="%d/%m/%Y",
            attrs={"placeholder": DATE_PLACEHOLDER, "autocomplete": "off", **(attrs or {})},
        )


class DateField(forms.DateField):
    """A date typed as dd/mm/yyyy (see the module)."""

    widget = DateInput
    input_formats = DATE_INPUT_FORMATS
    default_error_messages = {"invalid": DATE_ERROR}

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("input_formats", DATE_INPUT_FORMATS)
        super().__init__(**kwargs)
