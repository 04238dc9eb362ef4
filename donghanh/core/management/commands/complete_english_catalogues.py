"""English msgids are the English text: copy each untranslated msgid into the en catalogue."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import polib
from django.conf import settings
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Fill empty msgstr entries of the English catalogues with their msgid."

    def handle(self, *args: Any, **options: Any) -> None:
        root = Path(settings.BASE_DIR) / "donghanh"
        filled = 0
        for po_path in sorted(root.glob("**/locale/en/LC_MESSAGES/django.po")):
            catalogue = polib.pofile(str(po_path))
            for entry in catalogue:
                if entry.obsolete:
                    continue
                if "fuzzy" in entry.flags:
                    # A fuzzy match carries a neighbouring string's text: start from the msgid.
                    entry.flags.remove("fuzzy")
                    entry.msgstr = ""
                    entry.msgstr_plural = {}
                if entry.msgid_plural:
                    if not all(entry.msgstr_plural.values()):
                        entry.msgstr_plural = {0: entry.msgid, 1: entry.msgid_plural}
                        filled += 1
                elif not entry.msgstr:
                    entry.msgstr = entry.msgid
                    filled += 1
            catalogue.save()  # houselint: allow-save a translation catalogue file, not a model
        self.stdout.write(f"filled {filled} English entries")
