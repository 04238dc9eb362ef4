"""`manage.py demo_users`: the demo sign-ins, with password and TOTP secret, for testers."""

from __future__ import annotations

import json
from typing import Any

from django.conf import settings
from django.core.management.base import CommandParser
from django.utils.translation import gettext as _

from donghanh.demo.credentials import seconds_left
from donghanh.demo.listing import logins_as_json, logins_as_markdown, logins_as_table
from donghanh.demo.management.base import DemoCommand
from donghanh.demo.selectors import demo_logins


class Command(DemoCommand):
    help = (
        "List the demo users (username, organisation, role, password, TOTP secret). "
        "Refuses to run in production."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        output = parser.add_mutually_exclusive_group()
        output.add_argument("--json", action="store_true", help="Print a JSON list.")
        output.add_argument(
            "--markdown",
            action="store_true",
            help="Print the Markdown table of docs/demo-users.md.",
        )
        parser.add_argument(
            "--codes",
            action="store_true",
            help="Include each user's current 6-digit TOTP code.",
        )

    def handle_demo(self, **options: Any) -> None:
        logins = demo_logins()
        password = settings.DEMO_PASSWORD
        with_codes = options["codes"]
        if options["json"]:
            rows = logins_as_json(logins, password=password, with_codes=with_codes)
            self.stdout.write(json.dumps(rows, ensure_ascii=False, indent=2))
            if not logins:
                self.stderr.write(self._not_loaded())
            return
        if not logins:
            self.stdout.write(self._not_loaded())
            return
        if options["markdown"]:
            self.stdout.write(logins_as_markdown(logins))
            return
        self.stdout.write(logins_as_table(logins, password=password, with_codes=with_codes))
        if with_codes:
            device = next((login.device for login in logins if login.device is not None), None)
            if device is not None:
                self.stdout.write(
                    _("Codes change every %(step)d seconds; these are valid for %(left)d more.")
                    % {"step": device.step, "left": seconds_left(device)}
                )
        if any(login.device is None for login in logins):
            self.stdout.write(
                _(
                    "Some authenticators were replaced since demo data was loaded; "
                    "run `manage.py load_demo` to restore them."
                )
            )

    @staticmethod
    def _not_loaded() -> str:
        return _("No demo users: demo data is not loaded. Run `manage.py load_demo`.")
