from __future__ import annotations

from django.conf import settings
from django.http import HttpResponse
from django.utils.translation import get_language


def remember_language(response: HttpResponse, language: str) -> None:
    """Keep the interface language for a year, for this browser (also before signing in)."""
    response.set_cookie(
        settings.LANGUAGE_COOKIE_NAME,
        language,
        max_age=settings.LANGUAGE_COOKIE_AGE,
        samesite="Lax",
        secure=settings.PRODUCTION,
        httponly=True,
    )


def in_english() -> bool:
    """Whether the reader reads English now (the active language of the request or job)."""
    return (get_language() or settings.LANGUAGE_CODE).startswith("en")


def localized(vietnamese: str, english: str) -> str:
    """A name or text kept in both languages, as the reader reads it: the English one when the
    reader reads English and it was given, else the Vietnamese one."""
    return english if english and in_english() else vietnamese


class BilingualName:
    """For a model with `name` and `name_en`: `local_name` is the one its reader reads."""

    name: str
    name_en: str

    @property
    def local_name(self) -> str:
        return localized(self.name, self.name_en)
