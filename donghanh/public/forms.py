from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from donghanh.directory.forms import DirectorySearchForm
from donghanh.public.self_check import NO, QUESTIONS, UNKNOWN, YES

ANSWER_CHOICES = [(YES, _("Yes")), (NO, _("No")), (UNKNOWN, _("Don’t know"))]


class SelfCheckForm(forms.Form):
    """One yes / no / don't-know question per sign; a blank answer counts as "don't know"."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for question in QUESTIONS:
            self.fields[question.key] = forms.ChoiceField(
                label=question.text,
                choices=ANSWER_CHOICES,
                required=False,
                widget=forms.RadioSelect,
                error_messages={"invalid_choice": _("Choose yes, no or don’t know.")},
            )

    def answers(self) -> dict[str, str]:
        return {key: value for key, value in self.cleaned_data.items() if value}


class HelpSearchForm(DirectorySearchForm):
    """The staff directory's search, worded for the public."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["q"].label = _("What do you need, or a name")
        self.fields["place"].label = _("Where are you? Province, commune, or country abroad")
        self.fields["place"].help_text = _(
            "Today’s or a pre-2025 name, for example “Hà Tĩnh” or “Quảng Bình”; abroad, a country "
            "or city, for example “Anh” or “London”."
        )

    def clean_place(self) -> str:
        try:
            return super().clean_place()
        except forms.ValidationError:
            raise forms.ValidationError(
                _(
                    "We do not know a province, commune or country called “%(text)s”. Check the "
                    "spelling, or leave the place empty to see help for all of Vietnam."
                ),
                params={"text": self.cleaned_data["place"].strip()},
                code="unknown_place",
            ) from None
