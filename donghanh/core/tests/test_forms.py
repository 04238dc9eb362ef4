"""One way from a service's refusal to the errors a page or the API shows."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError

from donghanh.core.forms import add_service_error, service_error_body


class ExampleForm(forms.Form):
    amount = forms.IntegerField()


def _form() -> ExampleForm:
    form = ExampleForm({"amount": "5"})
    assert form.is_valid()
    return form


def test_a_message_for_the_whole_change_goes_above_the_form():
    form = _form()
    add_service_error(form, ValidationError("Ca đã đóng."))
    assert form.non_field_errors() == ["Ca đã đóng."]
    assert "amount" not in form.errors


def test_a_message_for_a_field_of_the_form_goes_on_that_field_and_others_above():
    form = _form()
    add_service_error(
        form,
        ValidationError({"amount": ["Quá lớn."], "project": ["Dự án đã kết thúc."]}),
    )
    assert form.errors["amount"] == ["Quá lớn."]
    assert form.non_field_errors() == ["Dự án đã kết thúc."]
    assert "amount" not in form.cleaned_data  # the field's value is no longer taken as valid


def test_the_api_gets_the_same_messages_by_field():
    assert service_error_body(ValidationError("Ca đã đóng.")) == {
        "non_field_errors": ["Ca đã đóng."]
    }
    body = service_error_body(ValidationError({"amount": ["Quá lớn."], "__all__": ["Không."]}))
    assert body == {"amount": ["Quá lớn."], "non_field_errors": ["Không."]}
