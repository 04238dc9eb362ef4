"""List API tokens (never their secrets, which are not stored)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.utils import timezone

from donghanh.api.selectors import api_tokens_listed


def _when(moment: Any) -> str:
    return timezone.localtime(moment).strftime("%d/%m/%Y %H:%M") if moment else "—"


class Command(BaseCommand):
    help = "List API tokens: who holds them, when they were last used, when they expire."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--user", dest="username", default="", help="Only this user's tokens.")

    def handle(self, *args: Any, username: str, **options: Any) -> None:
        now = timezone.now()
        tokens = api_tokens_listed(username)
        if not tokens:
            self.stdout.write("No API tokens.")
            return
        for token in tokens:
            self.stdout.write(
                f"#{token.pk}  {token.prefix}…  {token.user.username}  "
                f"{token.status_at(now).value}  created {_when(token.created_at)}  "
                f"last used {_when(token.last_used_at)}  expires {_when(token.expires_at)}"
                + (f"  {token.name}" if token.name else "")
            )
