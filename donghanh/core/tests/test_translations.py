"""Every user-facing string is translated, in Vietnamese and in English."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import polib
import pytest

ROOT = Path(__file__).resolve().parents[3]
PACKAGE = ROOT / "donghanh"


def _catalogues(language: str) -> list[Path]:
    return sorted(PACKAGE.glob(f"**/locale/{language}/LC_MESSAGES/django.po"))


def _live_entries(path: Path) -> list[polib.POEntry]:
    return [entry for entry in polib.pofile(str(path)) if not entry.obsolete]


@pytest.mark.parametrize("language", ["vi", "en"])
def test_every_catalogue_is_complete(language):
    catalogues = _catalogues(language)
    assert catalogues, f"no {language} catalogues"
    problems = []
    for path in catalogues:
        name = path.relative_to(ROOT)
        for entry in _live_entries(path):
            if "fuzzy" in entry.flags:
                problems.append(f"{name}: fuzzy {entry.msgid!r}")
            elif entry.msgid_plural:
                if not all(entry.msgstr_plural.values()):
                    problems.append(f"{name}: untranslated plural {entry.msgid!r}")
            elif not entry.msgstr:
                problems.append(f"{name}: untranslated {entry.msgid!r}")
    assert not problems, "\n".join(problems[:50])


def test_every_app_with_strings_has_both_catalogues():
    vi = {p.parents[2] for p in _catalogues("vi")}
    en = {p.parents[2] for p in _catalogues("en")}
    assert vi == en


def test_vietnamese_catalogue_keeps_its_diacritics():
    # A catalogue typed without diacritics would show "Dang nhap" instead of "Đăng nhập".
    texts = [e.msgstr for path in _catalogues("vi") for e in _live_entries(path) if e.msgstr]
    with_marks = [t for t in texts if any(ord(ch) > 127 for ch in t)]
    assert len(with_marks) / len(texts) > 0.8


@pytest.mark.skipif(shutil.which("xgettext") is None, reason="gettext tools are not installed")
def test_catalogues_hold_every_string_in_the_code(tmp_path):
    """Extract the strings afresh from a copy of the code and compare with the catalogues."""
    copy = tmp_path / "donghanh"
    shutil.copytree(PACKAGE, copy, ignore=shutil.ignore_patterns("*.mo", "__pycache__", "static"))
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "donghanh.settings", "PYTHONPATH": str(ROOT)}
    subprocess.run(
        [sys.executable, "-m", "django", "makemessages", "-l", "vi", "--no-obsolete", "-v", "0"],
        cwd=copy,
        env=env,
        check=True,
        capture_output=True,
    )
    missing = []
    for fresh in sorted(copy.glob("**/locale/vi/LC_MESSAGES/django.po")):
        committed = PACKAGE / fresh.relative_to(copy)
        have = {e.msgid for e in _live_entries(committed)} if committed.exists() else set()
        for entry in _live_entries(fresh):
            if entry.msgid not in have:
                missing.append(f"{committed.relative_to(ROOT)}: {entry.msgid!r}")
    assert not missing, "run `make messages` and translate:\n" + "\n".join(missing[:50])
