"""Pieces every endpoint shares: read-only output serializers and the error bodies.

Serializers here only translate between JSON and Python values. Rules live in the owning
app's forms and services (HackSoft style), which the endpoints call exactly as the pages do.
"""

from __future__ import annotations

import re
from typing import Any

from django import forms
from django.core.exceptions import NON_FIELD_ERRORS
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema_field
from rest_framework import serializers
from rest_framework.fields import Field

from donghanh.core.money import (
    API_PATTERN,
    EXAMPLE,
    MONEY_MAX_VND,
    NOT_AN_AMOUNT,
    money_validators,
    parse_money,
)


@extend_schema_field(
    {
        "oneOf": [
            {"type": "integer", "minimum": 0, "maximum": MONEY_MAX_VND},
            {"type": "string", "pattern": API_PATTERN, "example": "1.500.000 ₫"},
        ]
    }
)
class MoneyField(serializers.Field):
    """An amount in whole đồng, within what the database holds (`donghanh.core.money`): a
    number, or a string as people write money (1.500.000, 1,500,000, 1500000, 1.500.000 đ,
    1.500.000 ₫)."""

    def __init__(self, *, min_value: int = 0, **kwargs: Any) -> None:
        kwargs.setdefault(
            "help_text",
            'In Vietnamese đồng: a whole number, or a string such as "1.500.000", '
            '"1,500,000" or "1.500.000 ₫".',
        )
        super().__init__(validators=money_validators(min_value), **kwargs)

    def to_internal_value(self, data: Any) -> int:
        if isinstance(data, str) and re.fullmatch(API_PATTERN, data.strip()):
            return parse_money(data)
        if isinstance(data, int) and not isinstance(data, bool):
            return data
        if isinstance(data, float) and data.is_integer():
            return int(data)
        raise serializers.ValidationError(NOT_AN_AMOUNT % {"example": EXAMPLE}, code="invalid")

    def to_representation(self, value: Any) -> int:
        return int(value)


class OutputSerializer(serializers.Serializer):
    # For answers only: every field is read-only, and so required in the schema. (A comment,
    # not a docstring: the schema would give the docstring to every subclass without one.)

    def get_fields(self) -> dict[str, Field]:
        fields: dict[str, Field] = super().get_fields()
        for field in fields.values():
            field.read_only = True
        return fields


class ErrorSerializer(OutputSerializer):
    detail = serializers.CharField(help_text="What went wrong, in the request's language.")


class EditSerializer(serializers.Serializer):
    """An edit of a versioned record (the stale-edit check, `donghanh.core.editing`): only the
    fields sent change, and `version` and `baseline` of the record as read always come with
    them. Every versioned update's request serializer derives from this one.

    It is never partial. DRF makes a serializer partial only when asked to (the endpoints do
    not), but the schema generator takes every PATCH body as partial and would then mark
    `version` and `baseline` optional: here they stay required in the schema as in the API.
    """

    version = serializers.IntegerField(
        min_value=1, help_text="The `version` of the record as you read it."
    )
    baseline = serializers.CharField(
        help_text="The `baseline` of the record as you read it, sent back unchanged."
    )

    @property
    def partial(self) -> bool:
        return False

    @partial.setter
    def partial(self, value: bool) -> None:
        """Asked to be partial (by DRF's `partial=True` or the schema generator for a PATCH),
        an edit stays whole: its other fields are optional anyway, `version` and `baseline`
        never are."""


def form_errors(form: forms.Form) -> dict[str, list[str]]:
    """A Django form's errors in DRF's shape: field → messages, `non_field_errors` for the rest."""
    return {
        ("non_field_errors" if name == NON_FIELD_ERRORS else name): [
            str(message) for message in messages
        ]
        for name, messages in form.errors.items()
    }


VALIDATION_ERROR = OpenApiResponse(
    response=OpenApiTypes.OBJECT,
    description="Invalid input: each field name maps to a list of messages "
    "(`non_field_errors` for the others).",
)
UNAUTHENTICATED = OpenApiResponse(
    response=ErrorSerializer, description="No token, or an invalid, expired or revoked one."
)
FORBIDDEN = OpenApiResponse(
    response=ErrorSerializer,
    description="A member of the organisation whose role does not allow this.",
)
NOT_FOUND = OpenApiResponse(
    response=ErrorSerializer,
    description="Not found, or outside the organisations the user belongs to.",
)


TOO_MANY_LIST_PAGES = OpenApiResponse(
    response=ErrorSerializer,
    description="Too many list pages read with this token in the last minute: wait the "
    "seconds the `Retry-After` header gives.",
)


def error_responses(*codes: int) -> dict[int, Any]:
    known: dict[int, Any] = {
        400: VALIDATION_ERROR,
        401: UNAUTHENTICATED,
        403: FORBIDDEN,
        404: NOT_FOUND,
        429: TOO_MANY_LIST_PAGES,
    }
    return {code: known[code] for code in codes}


def query_parameters(request: Any) -> dict[str, str]:
    """The query string as one value per name, for a query serializer.

    A plain dictionary, not the query dict: Django REST framework takes an empty value in a
    query dict (`?status=`) as if it were left out, while the schema says a given value may not
    be empty; read this way an empty value is refused like any other the schema refuses.
    """
    return {name: request.query_params[name] for name in request.query_params}


class QueryParameters(serializers.Serializer):
    """The query parameters of a read: a name the operation does not document is refused, so a
    misspelt filter (`?stauts=open`) is not quietly ignored and the list read unfiltered."""

    # Read by the paginator, not by the serializer.
    PAGINATION = frozenset({"page", "page_size"})

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        unknown = sorted(set(self.initial_data) - set(self.fields) - self.PAGINATION)
        if unknown:
            raise serializers.ValidationError(
                {
                    name or "?": [_("This parameter is not one this address takes.")]
                    for name in unknown
                }
            )
        return attrs
