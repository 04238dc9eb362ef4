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


def test_the_browser_is_told_the_range():
    html = str(_Form()["cost"])
    assert 'min="0"' in html and f'max="{MONEY_MAX_VND}"' in html
