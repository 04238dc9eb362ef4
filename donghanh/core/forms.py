"""A service's refusal, shown where the user looks: on the field it names, or above the form.

Services refuse with `ValidationError`: a message for the whole change, or a dict that names
fields. Pages and the API turn it into errors the same way, through these two helpers.
"""

from __future__ import annotations

from django import forms
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError


def add_service_error(form: forms.BaseForm, error: ValidationError) -> None:
    """Show a service's refusal on `form`: each message on the field it names when the form
    has that field, and above the form otherwise."""
    if not hasattr(error, "error_dict"):
        form.add_error(None, error)
        return
    for name, errors in error.error_dict.items():
        field = name if name in form.fields else None
        for item in errors:
            form.add_error(field, item)


def service_error_body(error: ValidationError) -> dict[str, list[str]]:
    """A service's refusal as the API answers it: messages by field, the others under
    `non_field_errors`."""
    if not hasattr(error, "error_dict"):
        return {"non_field_errors": [str(message) for message in error.messages]}
    body: dict[str, list[str]] = {}
    for name, errors in error.message_dict.items():
        key = "non_field_errors" if name == NON_FIELD_ERRORS else name
        body.setdefault(key, []).extend(str(message) for message in errors)
    return body
