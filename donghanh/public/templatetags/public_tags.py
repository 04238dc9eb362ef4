"""Tags for the public frame: the same page in each language, and links that may not exist yet."""

from __future__ import annotations

from dataclasses import dataclass

from django import template
from django.conf import settings
from django.urls import reverse, translate_url
from django.utils.translation import get_language, override

register = template.Library()

# How each language names itself, whatever the page's language.
LANGUAGE_NAMES = {"vi": "Tiếng Việt", "en": "English"}


@dataclass(frozen=True)
class PageInLanguage:
    code: str
    name: str
    href: str  # this page in that language, with its query (a search stays a search)
    url: str  # absolute and without the query: for canonical and hreflang links
    is_current: bool


@register.simple_tag(takes_context=True)
def page_languages(context: template.Context) -> list[PageInLanguage]:
    """This page in every language, by its address: `/…` Vietnamese, `/en/…` English."""
    request = context["request"]
    current = get_language()
    query = request.META.get("QUERY_STRING", "")
    pages = []
    for code, _name in settings.LANGUAGES:
        path = translate_url(request.path, code)
        if code != current and path == request.path:
            with override(code):  # a page with no translation: that language's home
                path = reverse("public:home")
        pages.append(
            PageInLanguage(
                code=code,
                name=LANGUAGE_NAMES.get(code, code),
                href=f"{path}?{query}" if query else path,
                url=request.build_absolute_uri(path),
                is_current=code == current,
            )
        )
    return pages


@register.simple_tag
def quick_exit_url() -> str:
    return str(settings.QUICK_EXIT_URL)
