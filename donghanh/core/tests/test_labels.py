"""Labels looked up by QuickLabels are Django's, in the reader's language, for every value."""

from __future__ import annotations

import pytest
from django.db import models
from django.utils import translation

from donghanh.casework.models import FollowUp, ServiceDelivery
from donghanh.core import labels
from donghanh.referrals.models import Referral


@pytest.mark.parametrize(
    ("model", "name"),
    [(FollowUp, "method"), (ServiceDelivery, "domain"), (ServiceDelivery, "regime"),
     (Referral, "status")],
)  # fmt: skip
def test_a_label_is_djangos_in_each_language(model, name):
    field = model._meta.get_field(name)
    values = [value for value, _label in field.flatchoices] + ["not-a-choice", ""]
    for language in ("vi", "en"):
        with translation.override(language):
            for value in values:
                record = model(**{name: value})
                display = getattr(record, f"get_{name}_display")()
                django_display = models.Model._get_FIELD_display(record, field)  # type: ignore[attr-defined]
                assert display == django_display
    assert field in labels._labels


def test_the_choices_are_gathered_once_per_field(monkeypatch):
    gathered = []
    real = labels.make_hashable

    def counted(value):
        gathered.append(value)
        return real(value)

    monkeypatch.setattr(labels, "_labels", {})
    monkeypatch.setattr(labels, "make_hashable", counted)
    for method in ("phone", "visit", "phone"):
        FollowUp(method=method).get_method_display()
    assert len(gathered) == 1
