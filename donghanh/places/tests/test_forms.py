import pytest
from django import forms
from django.utils import translation

from donghanh.places.forms import CommuneField
from donghanh.places.models import Commune

pytestmark = pytest.mark.django_db


class AddressForm(forms.Form):
    commune = CommuneField()


class OptionalAddressForm(forms.Form):
    commune = CommuneField(required=False)


def test_valid_code_cleans_to_the_commune():
    form = AddressForm({"commune": " 18364 "})
    assert form.is_valid(), form.errors
    assert form.cleaned_data["commune"] == Commune.objects.get(code="18364")


def test_leading_zeros_may_be_left_out():
    form = AddressForm({"commune": "70"})
    assert form.is_valid()
    assert form.cleaned_data["commune"].name == "Phường Hoàn Kiếm"


@pytest.mark.parametrize("value", ["abc", "123456", "18 364", "-1"])
def test_malformed_code_is_refused_in_vietnamese(value):
    with translation.override("vi"):
        form = AddressForm({"commune": value})
        assert not form.is_valid()
        assert form.errors["commune"] == ["Nhập mã xã: tối đa năm chữ số, ví dụ 18364."]


def test_unknown_code_is_refused_with_the_code_named():
    with translation.override("vi"):
        form = AddressForm({"commune": "99999"})
        assert not form.is_valid()
        assert "99999" in form.errors["commune"][0]
        assert "Không có xã nào" in form.errors["commune"][0]


def test_required_and_optional():
    assert not AddressForm({"commune": ""}).is_valid()
    form = OptionalAddressForm({"commune": ""})
    assert form.is_valid() and form.cleaned_data["commune"] is None


def test_initial_commune_renders_as_its_code_and_counts_as_unchanged():
    commune = Commune.objects.get(code="00070")
    form = AddressForm({"commune": "70"}, initial={"commune": commune})
    assert not form.has_changed()
    html = str(AddressForm(initial={"commune": commune})["commune"])
    assert 'value="00070"' in html
    assert 'inputmode="numeric"' in html
