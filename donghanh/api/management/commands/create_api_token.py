"""Issue an API token: `manage.py create_api_token <username> [--name …] [--expires-days N]`.

This command is the only way to get a token, so only a system administrator (someone with
shell access to the server) can issue one. That matters for everyone who must sign in with a
second factor, that is every role that sees case data: a token stands in for both factors, so
the administrator hands it over the way they would hand over a key, and revokes it with
`revoke_api_token` when it is no longer needed. See docs/api.md.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from donghanh.api.services import api_token_create
from donghanh.core.actor import Actor

DEFAULT_EXPIRY_DAYS = 90
MAX_EXPIRY_DAYS = 365


class Command(BaseCommand):
    help = "Issue an API token to a user and print it once (only its hash is stored)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username")
        parser.add_argument(
            "--name", default="", help="What the token is for, e.g. 'monthly report script'."
        )
        parser.add_argument(
            "--expires-days",
            type=int,
            default=DEFAULT_EXPIRY_DAYS,
            help=f"Days until the token expires (1 to {MAX_EXPIRY_DAYS}, "
            f"default {DEFAULT_EXPIRY_DAYS}).",
        )

    def handle(
        self, *args: Any, username: str, name: str, expires_days: int, **options: Any
    ) -> None:
        if not 1 <= expires_days <= MAX_EXPIRY_DAYS:
            raise CommandError(f"--expires-days must be between 1 and {MAX_EXPIRY_DAYS}.")
        user = get_user_model().objects.filter(username=username).first()
        if user is None:
            raise CommandError(f"No user has the username {username!r}.")
        expires_at = timezone.now() + datetime.timedelta(days=expires_days)
        try:
            issued = api_token_create(
                actor=Actor.system("create_api_token"),
                user=user,
                name=name,
                expires_at=expires_at,
            )
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from None
        expiry = timezone.localtime(expires_at).strftime("%d/%m/%Y %H:%M")
        self.stdout.write(f"API token #{issued.token.pk} for {username}, valid until {expiry}:")
        self.stdout.write(issued.secret)
        self.stdout.write(
            "Copy it now: only its hash is stored, it cannot be shown again. "
            "Send it as the header 'Authorization: Bearer <token>'."
        )
