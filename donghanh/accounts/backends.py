"""Signing in with a username and password: Django's model backend, with the signed-in user
read on every request by a read compiled once (`accounts.selectors.user_by_id`)."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.backends import ModelBackend

from donghanh.accounts.selectors import user_by_id


class AccountBackend(ModelBackend):
    def get_user(self, user_id: Any) -> Any:
        user = user_by_id(user_id)
        return user if user is not None and self.user_can_authenticate(user) else None
