"""The one production guard of every demo loader and demo command.

Demo data has published passwords and two-factor secrets, invented providers and fictional
people: it never goes into a production database. Every loader function calls
ensure_demo_allowed() before it reads or writes anything, and every demo management command is a
DemoCommand (demo/management/base.py), which calls it before the command does anything.
"""

from __future__ import annotations

from django.conf import settings
from django.utils.translation import gettext as _


class DemoDataError(Exception):
    """Demo data cannot be loaded into this database; the message says why."""


def ensure_demo_allowed() -> None:
    """Refuse in production: demo accounts have published passwords and TOTP secrets."""
    if settings.PRODUCTION:
        raise DemoDataError(
            _(
                "Demo data is never loaded in production: demo accounts have published passwords "
                "and two-factor secrets."
            )
        )
