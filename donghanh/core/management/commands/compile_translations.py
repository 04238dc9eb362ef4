"""Compile every .po file to .mo in pure Python, so no gettext tools are needed to run."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import polib
from django.conf import settings
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Compile the platform's translation catalogues (.po → .mo)."

    def handle(self, *args: Any, **options: Any) -> None:
        root = Path(settings.BASE_DIR) / "donghanh"
        count = 0
        for po_path in sorted(root.glob("**/locale/*/LC_MESSAGES/*.po")):
            catalogue = polib.pofile(str(po_path))
            catalogue.save_as_mofile(str(po_path.with_suffix(".mo")))
            count += 1
        self.stdout.write(f"compiled {count} catalogues")
