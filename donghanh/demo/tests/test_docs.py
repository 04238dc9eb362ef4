"""docs/demo-users.md lists exactly what `manage.py demo_users` shows."""

from __future__ import annotations

from io import StringIO

from django.conf import settings
from django.core.management import call_command

from donghanh.demo.listing import DOCS_TABLE_END, DOCS_TABLE_START

DOC = settings.BASE_DIR / "docs" / "demo-users.md"


def test_docs_table_matches_the_command(loaded):
    text = DOC.read_text(encoding="utf-8")
    assert text.count(DOCS_TABLE_START) == 1 and text.count(DOCS_TABLE_END) == 1
    documented = text.split(DOCS_TABLE_START)[1].split(DOCS_TABLE_END)[0].strip()
    out = StringIO()
    call_command("demo_users", "--markdown", stdout=out)
    assert documented == out.getvalue().strip(), (
        "docs/demo-users.md is out of date: paste the output of "
        "`manage.py demo_users --markdown` between its markers"
    )


def test_docs_give_the_password_and_both_ways_to_get_a_code():
    text = DOC.read_text(encoding="utf-8")
    assert f"`{settings.DEMO_PASSWORD}`" in text
    assert "demo_users --codes" in text
    assert "authenticator app" in text


def test_readme_lists_the_same_demo_users(loaded):
    readme = (settings.BASE_DIR / "README.md").read_text(encoding="utf-8")
    assert readme.count(DOCS_TABLE_START) == 1, "README.md needs the demo users table"
    listed = readme.split(DOCS_TABLE_START)[1].split(DOCS_TABLE_END)[0].strip()
    out = StringIO()
    call_command("demo_users", "--markdown", stdout=out)
    assert listed == out.getvalue().strip(), (
        "README.md's demo users are out of date: paste `manage.py demo_users --markdown`"
    )
