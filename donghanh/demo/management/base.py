"""The base of every demo management command: one production guard before anything runs."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from donghanh.demo.guard import DemoDataError, ensure_demo_allowed


class DemoCommand(BaseCommand):
    """A command that loads or shows demo data. It refuses to run in production before doing
    anything else, and reports a DemoDataError (demo data cannot be loaded here, and why) as a
    command error. Subclasses write handle_demo() instead of handle()."""

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            ensure_demo_allowed()
            self.handle_demo(**options)
        except DemoDataError as exc:
            raise CommandError(str(exc)) from exc

    def handle_demo(self, **options: Any) -> None:
        raise NotImplementedError
