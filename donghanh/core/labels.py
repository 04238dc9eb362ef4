"""Choice labels looked up, not rebuilt: `get_FOO_display()` by one dict lookup.

Django's `get_FOO_display()` builds a dict of all the field's choices at every call (about
25 µs); a case page calls it for every row it shows (statuses, kinds, domains, methods...).
A model that takes `QuickLabels` before `models.Model` among its bases keeps that dict per
field, made at the first call: the same label, in the reader's language (the labels stay lazy
until shown). A field whose choices are a callable is read afresh at every call, as Django does.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Field
from django.utils.choices import CallableChoiceIterator
from django.utils.encoding import force_str
from django.utils.hashable import make_hashable

_labels: dict[Field[Any, Any], dict[Any, Any]] = {}


class QuickLabels:
    def _get_FIELD_display(self, field: Field[Any, Any]) -> Any:  # noqa: N802 (Django's name)
        value = getattr(self, field.attname)
        labels = _labels.get(field)
        if labels is None:
            labels = dict(make_hashable(field.flatchoices))
            if not isinstance(field.choices, CallableChoiceIterator):
                _labels[field] = labels
        try:
            label = labels.get(value, value)
        except TypeError:  # a value that is not hashable as it is (a list)
            label = labels.get(make_hashable(value), value)
        return force_str(label, strings_only=True)
