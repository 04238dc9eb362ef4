"""One money field for every amount: whole đồng within what the database holds."""

from __future__ import annotations

import pytest
from django import forms
from django.utils import translation

from donghanh.core.money import MONEY_MAX_VND, MoneyField


class _Form(forms.Form):
    cost = MoneyField(label="Cost")
    amount = MoneyField(label="Amount", min_value=1, required=False)


def _errors(**data):
    with translation.override("vi"):
        form = _Form(data=data)
        form.is_valid()
        return {name: [str(m) for m in messages] for name, messages in form.errors.items()}


def test_the_largest_amount_the_database_holds_is_accepted():
    assert MONEY_MAX_VND == 9_223_372_036_854_775_807
    form = _Form(data={"cost": str(MONEY_MAX_VND), "amount": "1"})
    assert form.is_valid()
    assert form.cleaned_data["cost"] == MONEY_MAX_VND


@pytest.mark.parametrize("value", [str(MONEY_MAX_VND + 1), "9" * 40])
def test_a_larger_amount_is_refused_in_vietnamese(value):
    assert _errors(cost=value) == {"cost": ["Số tiền không được lớn hơn 9223372036854775807 đồng."]}


def test_amounts_below_the_minimum_are_refused():
    assert _errors(cost="-1") == {"cost": ["Số tiền không được nhỏ hơn 0 đồng."]}
    assert _errors(cost="0", amount="0") == {"amount": ["Số tiền không được nhỏ hơn 1 đồng."]}


@pytest.mark.parametrize(
    "written",
    [
        "1.500.000",
        "1,500,000",
        "1500000",
        "1.500.000 đ",
        "1.500.000 ₫",
        "1 500 000 VND",
        " 1.500.000đ ",
    ],
)
def test_an_amount_is_read_as_people_write_it(written):
    form = _Form(data={"cost": written})
    assert form.is_valid(), form.errors
    assert form.cleaned_data["cost"] == 1_500_000


@pytest.mark.parametrize("written", ["1.50.000", "một triệu", "1.500.000 USD", "abc"])
def test_anything_else_is_refused_with_an_example_in_vietnamese(written):
    assert _errors(cost=written) == {"cost": ["Hãy viết số tiền bằng đồng, ví dụ 1.500.000."]}


def test_decimals_are_refused_in_vietnamese():
    assert _errors(cost="1,5") == {
        "cost": ["Số tiền tính bằng đồng chẵn, không có phần thập phân."]
    }


def test_the_amount_box_is_text_with_the_number_pad_and_shows_the_amount_grouped():
    # A number box turns "250.000" into 250 in some browsers: the box is text.
    html = str(_Form(initial={"cost": 2_500_000})["cost"])
    assert 'type="text"' in html and 'inputmode="numeric"' in html
    assert 'value="2.500.000"' in html
