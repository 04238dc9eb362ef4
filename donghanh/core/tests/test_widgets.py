"""`QuickSelect` draws what Django's own select draws, from a list of choices or from
`FrozenChoices` (drawn once for each content and language)."""

from __future__ import annotations

import re

import pytest
from django import forms
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from donghanh.core import widgets
from donghanh.core.widgets import FrozenChoices, QuickSelect

_CHOICES = [
    ("", _("No")),  # a label translated lazily
    (7, "Nguyễn Thị Hoa"),
    (12, "Trần <b>\"Văn\"</b> & 'Nam'"),
    (7, "Nguyễn Thị Hoa (again)"),  # the same value twice: the first is the one selected
    (31, "Lê Thị Lan"),
]


def _tags(markup: str) -> str:
    """The markup without the blank lines between its tags (Django's templates leave some)."""
    return re.sub(r">\s+<", "><", markup)


@pytest.mark.parametrize("value", [None, "", 7, "12", 31, 99])
@pytest.mark.parametrize("language", ["vi", "en"])
def test_a_quick_select_draws_what_django_draws(value, language):
    with translation.override(language):
        expected = _tags(
            forms.Select(choices=_CHOICES).render("worker", value, {"id": "id_worker"})
        )
        listed = QuickSelect(choices=_CHOICES).render("worker", value, {"id": "id_worker"})
        frozen = QuickSelect(choices=FrozenChoices(_CHOICES))
        assert _tags(listed) == expected
        assert frozen.render("worker", value, {"id": "id_worker"}) == listed
        # Drawn from what was kept the second time: still the same.
        assert frozen.render("worker", value, {"id": "id_worker"}) == listed
    # Nothing chosen selects the first option (its value is empty); a value no option has, none.
    assert expected.count(" selected") == (0 if value == 99 else 1)


def test_frozen_choices_are_drawn_once_for_each_content_and_language(monkeypatch):
    monkeypatch.setattr(widgets, "_DRAWN", {})
    drawn: list[object] = []
    option = widgets._option

    def counted(value, label, selected):
        drawn.append(value)
        return option(value, label, selected)

    monkeypatch.setattr(widgets, "_option", counted)
    with translation.override("vi"):
        vietnamese = QuickSelect(choices=FrozenChoices(_CHOICES)).render("w", 7)
        again = QuickSelect(choices=FrozenChoices(list(_CHOICES))).render("w", 31)
    assert len(drawn) == len(_CHOICES)  # the second select (another list, same content): none
    assert '<option value="">Không</option>' in vietnamese
    assert '<option value="31" selected>' in again and again.count(" selected") == 1
    with translation.override("en"):
        english = QuickSelect(choices=FrozenChoices(_CHOICES)).render("w", None)
    assert len(drawn) == 2 * len(_CHOICES) and '<option value="" selected>No</option>' in english
    # Another content is drawn on its own.
    with translation.override("en"):
        QuickSelect(choices=FrozenChoices(_CHOICES[:2])).render("w", None)
    assert len(drawn) == 2 * len(_CHOICES) + 2


def test_a_field_of_frozen_choices_accepts_only_its_values():
    field = forms.TypedChoiceField(coerce=int, required=False, empty_value=None)
    field.choices = FrozenChoices(_CHOICES)
    assert field.clean("12") == 12 and field.clean("") is None
    with pytest.raises(forms.ValidationError):
        field.clean("99")
