from __future__ import annotations

from typing import Any


def user_set_language(*, user: Any, language: str) -> None:
    if user.preferred_language != language:
        user.preferred_language = language
        user.save(update_fields=["preferred_language"])
