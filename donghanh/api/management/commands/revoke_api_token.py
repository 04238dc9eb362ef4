"""Revoke API tokens: one (by the start list_api_tokens shows, or the whole secret) or a user's."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from donghanh.api.models import ApiToken
from donghanh.api.selectors import api_token_for_secret, api_tokens_listed
from donghanh.api.services import api_token_revoke
from donghanh.core.actor import Actor


class Command(BaseCommand):
    help = "Revoke an API token, or every token of a user (--user)."

    def add_arguments(self, parser: CommandParser) -> None:
        target = parser.add_mutually_exclusive_group(required=True)
        target.add_argument(
            "token",
            nargs="?",
            help="The start of the token as list_api_tokens shows it (dh_ and 8 characters), "
            "or the whole token.",
        )
        target.add_argument("--user", dest="username", help="Revoke every token of this user.")

    def handle(self, *args: Any, token: str | None, username: str | None, **options: Any) -> None:
        if username:
            tokens = list(api_tokens_listed(username).filter(revoked_at__isnull=True))
        else:
            tokens = self._matching(token or "")
        if not tokens:
            raise CommandError("No unrevoked token matches.")
        for match in tokens:
            api_token_revoke(actor=Actor.system("revoke_api_token"), token=match)
            self.stdout.write(f"Revoked API token #{match.pk} ({match.prefix}…) of {match.user}.")

    def _matching(self, text: str) -> list[ApiToken]:
        whole = api_token_for_secret(text)
        if whole is not None:
            return [whole] if whole.revoked_at is None else []
        tokens = list(api_tokens_listed().filter(prefix=text, revoked_at__isnull=True))
        if len(tokens) > 1:
            raise CommandError(
                f"{len(tokens)} tokens start with {text}: give the whole token, or use --user."
            )
        return tokens
