"""The API answers in the reader's language, DRF's own messages included."""

from __future__ import annotations

import inspect
import string
from typing import Any

import pytest
from django.core import validators as django_validators
from django.urls import reverse
from django.utils import translation
from rest_framework import exceptions, fields, pagination, relations, serializers
from rest_framework import validators as drf_validators

from donghanh.api.drf_messages import DRF_MESSAGES
from donghanh.api.tests.conftest import api_client, issue_token
from donghanh.organisations.roles import Role

LIST = reverse("api:case_list")
PERSONS = reverse("api:person_list")


@pytest.fixture
def token(staff) -> str:
    return issue_token(staff.users[Role.SUPERVISOR])


def _client(token: str, language: str | None) -> Any:
    client = api_client(token)
    if language is None:
        del client.defaults["HTTP_ACCEPT_LANGUAGE"]
    else:
        client.defaults["HTTP_ACCEPT_LANGUAGE"] = language
    return client


@pytest.mark.parametrize("language", ["vi", "vi-VN,vi;q=0.9,en;q=0.5", None])
def test_refusals_of_malformed_input_are_in_vietnamese(token, language):
    client = _client(token, language)
    page = client.get(LIST, {"page": "abc"})
    assert (page.status_code, page.json()) == (404, {"detail": "Trang không hợp lệ."})
    worker = client.get(LIST, {"worker": "abc"})
    assert (worker.status_code, worker.json()) == (400, {"worker": ["Cần một số nguyên hợp lệ."]})
    nul = client.get(LIST, {"q": "Hoa\x00"})
    assert (nul.status_code, nul.json()) == (400, {"q": ["Không được dùng ký tự NUL."]})
    body = client.post(PERSONS, data='{"full_name": }', content_type="application/json")
    assert (body.status_code, body.json()) == (
        400,
        {"detail": "Nội dung yêu cầu không phải là JSON hợp lệ: xem dòng 1, cột 15."},
    )
    assert api_client().get(LIST, HTTP_ACCEPT_LANGUAGE=language or "").json() == {
        "detail": "Chưa gửi thông tin xác thực."
    }


def test_an_english_reader_gets_english(token):
    client = _client(token, "en")
    assert client.get(LIST, {"page": "abc"}).json() == {"detail": "Invalid page."}
    assert client.get(LIST, {"worker": "x"}).json() == {"worker": ["A valid integer is required."]}


def _drf_messages() -> set[str]:
    """Every message DRF's fields, serializers, exceptions, pagination and validators can give."""
    found: list[Any] = []
    for module in (fields, serializers, relations):
        for _name, cls in inspect.getmembers(module, inspect.isclass):
            found.extend(getattr(cls, "default_error_messages", {}).values())
    for _name, cls in inspect.getmembers(exceptions, inspect.isclass):
        if issubclass(cls, exceptions.APIException):
            found.append(cls.default_detail)
    found += [
        pagination.PageNumberPagination.invalid_page_message,
        pagination.CursorPagination.invalid_cursor_message,
        drf_validators.UniqueValidator.message,
        drf_validators.UniqueTogetherValidator.message,
        drf_validators.ProhibitSurrogateCharactersValidator.message,
        drf_validators.UniqueForDateValidator.message,
        drf_validators.UniqueForMonthValidator.message,
        drf_validators.UniqueForYearValidator.message,
        django_validators.ProhibitNullCharactersValidator.message,
    ]
    with translation.override("en"):
        return {str(message) for message in found if not isinstance(message, dict)}


def _placeholders(text: str) -> set[str]:
    return {name for _text, name, _spec, _conv in string.Formatter().parse(text) if name}


def test_every_drf_message_has_a_vietnamese_translation_with_the_same_placeholders():
    messages = _drf_messages()
    assert len(messages) > 60, "DRF's messages were not found: has DRF changed shape?"
    untranslated, broken = [], []
    with translation.override("vi"):
        for english in sorted(messages | set(DRF_MESSAGES)):
            vietnamese = translation.gettext(english)
            if vietnamese == english:
                untranslated.append(english)
            elif _placeholders(vietnamese) != _placeholders(english):
                broken.append(english)
    assert not untranslated, "name them in donghanh/api/drf_messages.py:\n" + "\n".join(
        untranslated
    )
    assert not broken, "\n".join(broken)
