"""docs/permissions.md shows the same grants as GRANTS in roles.py, so they never drift apart."""

from __future__ import annotations

import re
from pathlib import Path

from django.utils import translation

from donghanh.organisations.roles import GRANTS, Perm, Role

DOC = Path(__file__).resolve().parents[3] / "docs" / "permissions.md"
CODE = re.compile(r"`([a-z_]+)`")


def _grant_table() -> dict[str, set[str]]:
    """role -> permissions, read from the table under "## Permissions by role"."""
    section = DOC.read_text(encoding="utf-8").split("## Permissions by role", 1)[1]
    section = section.split("\n## ", 1)[0]
    rows = [line for line in section.splitlines() if line.startswith("|")]
    header = [cell.strip() for cell in rows[0].strip("|").split("|")]
    roles = [CODE.fullmatch(cell).group(1) for cell in header[1:]]  # type: ignore[union-attr]
    granted: dict[str, set[str]] = {role: set() for role in roles}
    for row in rows[2:]:
        cells = [cell.strip() for cell in row.strip("|").split("|")]
        perm = CODE.fullmatch(cells[0]).group(1)  # type: ignore[union-attr]
        assert len(cells) == len(header), f"row {perm} has {len(cells)} cells"
        for role, cell in zip(roles, cells[1:], strict=True):
            assert cell in ("✓", "–"), f"{perm}/{role}: {cell!r}"
            if cell == "✓":
                granted[role].add(perm)
    return granted


def test_the_document_lists_every_role_and_permission():
    section = DOC.read_text(encoding="utf-8").split("## Permissions by role", 1)[1]
    table = section.split("\n## ", 1)[0]
    assert list(_grant_table()) == [role.value for role in Role]
    assert re.findall(r"^\| `([a-z_]+)` \|", table, flags=re.MULTILINE) == [p.value for p in Perm]


def test_the_document_matches_grants():
    documented = _grant_table()
    in_code = {str(role): {perm.value for perm in perms} for role, perms in GRANTS.items()}
    assert documented == in_code


def test_every_role_in_the_document_is_described():
    text = DOC.read_text(encoding="utf-8")
    with translation.override("en"):
        for role in Role:
            assert f"| {role.label} | `{role.value}` |" in text
