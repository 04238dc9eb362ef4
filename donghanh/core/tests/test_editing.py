"""The one stale-edit mechanism: fingerprints, signed baselines, the refusal and the merge."""

from __future__ import annotations

import pytest
from django import forms
from django.http import QueryDict
from django.utils import translation

from donghanh.core.editing import (
    EditSpec,
    StaleEditError,
    VersionedFormMixin,
    merge_after_conflict,
    read_baseline,
    sign_baseline,
)
from donghanh.organisations.models import Organisation

SPEC = EditSpec.for_model(
    Organisation, fields=("name", "kind", "is_active"), purpose="test-edit-baseline"
)


def _organisation(version: int = 1, **values: object) -> Organisation:
    organisation = Organisation(
        name="Ngôi nhà Bình Yên",
        slug="binh-yen",
        kind=Organisation.Kind.INTERNATIONAL_NGO,
        is_active=True,
    )
    for name, value in values.items():
        setattr(organisation, name, value)
    organisation.version = version  # type: ignore[attr-defined]
    return organisation


class OrganisationEditForm(VersionedFormMixin):
    name = forms.CharField()
    kind = forms.ChoiceField(choices=Organisation.Kind.choices)
    is_active = forms.BooleanField(required=False)


def test_the_same_version_passes_and_a_later_one_names_what_changed():
    opened = _organisation()
    baseline = SPEC.fingerprints(opened)
    SPEC.check(opened, expected_version=1, baseline=baseline)  # nothing to refuse
    stored = _organisation(version=2, name="Nhà Bình Yên")
    with translation.override("en"), pytest.raises(StaleEditError) as refused:
        SPEC.check(stored, expected_version=1, baseline=baseline)
    assert refused.value.changed_fields == ["name"]
    assert refused.value.current_version == 2
    assert "They changed: Name." in refused.value.messages[0]
    assert refused.value.code == "edit_conflict"


def test_the_refusal_speaks_vietnamese_to_a_vietnamese_reader():
    stored = _organisation(version=3, kind=Organisation.Kind.STATE_AGENCY)
    with translation.override("vi"), pytest.raises(StaleEditError) as refused:
        SPEC.check(stored, expected_version=1, baseline=SPEC.fingerprints(_organisation()))
    assert "Người khác đã lưu" in refused.value.messages[0]


def test_fingerprints_hide_the_values_and_differ_by_purpose():
    prints = SPEC.fingerprints(_organisation())
    assert "Bình Yên" not in "".join(prints.values())
    other = EditSpec.for_model(Organisation, fields=SPEC.fields, purpose="another-purpose")
    assert other.fingerprints(_organisation())["name"] != prints["name"]


def test_a_tampered_baseline_is_refused_by_the_form():
    good = sign_baseline({"name": "abc"})
    assert read_baseline(good) == {"name": "abc"}
    assert read_baseline(good + "x") is None
    form = OrganisationEditForm(
        {
            "name": "A",
            "kind": Organisation.Kind.INTERNATIONAL_NGO,
            "version": "1",
            "baseline": good + "x",
        }
    )
    assert not form.is_valid()
    assert "baseline" in form.errors


def test_the_merge_takes_their_value_where_only_they_changed_and_keeps_yours_where_both_did():
    opened = _organisation()
    baseline = SPEC.fingerprints(opened)
    stored = _organisation(version=2, name="Tên của họ", kind=Organisation.Kind.STATE_AGENCY)
    submitted = QueryDict(mutable=True)
    submitted.update(
        {"name": "Tên của tôi", "kind": Organisation.Kind.INTERNATIONAL_NGO, "is_active": "on"}
    )
    typed = {"name": "Tên của tôi", "kind": Organisation.Kind.INTERNATIONAL_NGO, "is_active": True}
    stored_data = {"name": stored.name, "kind": stored.kind, "is_active": stored.is_active}
    merge = merge_after_conflict(
        SPEC,
        record=stored,
        submitted=submitted,
        baseline=baseline,
        typed=typed,
        stored=stored_data,
        changed_by_others=SPEC.changed_since(stored, baseline),
    )
    assert merge.data["name"] == "Tên của tôi"  # both changed it: yours is kept
    assert merge.data["kind"] == Organisation.Kind.STATE_AGENCY  # only they changed it
    assert merge.data["version"] == "2"
    assert read_baseline(str(merge.data["baseline"])) == SPEC.fingerprints(stored)
    rows = {row.label: row for row in merge.rows}
    assert rows["Tên"].also_yours and rows["Tên"].value == "Tên của họ"  # labels in Vietnamese
    assert not rows["Loại"].also_yours
    form = OrganisationEditForm(merge.data)
    assert form.is_valid(), form.errors
    assert form.edited_values() == {
        "name": "Tên của tôi",
        "kind": Organisation.Kind.STATE_AGENCY,
        "is_active": True,
    }


def test_the_api_body_names_the_fields_and_the_version_to_read_again():
    error = StaleEditError(changed_fields=["name"], current_version=4, labels={"name": "Name"})
    with translation.override("en"):
        body = error.as_api_body(sent_version=3)
    assert body["code"] == "edit_conflict"
    assert body["changed_fields"] == ["name"]
    assert body["current_version"] == 4
    assert "version 3" in body["detail"]
