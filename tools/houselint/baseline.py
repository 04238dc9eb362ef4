"""The baseline: today's known findings, which `make lint` tolerates until they are fixed.

One finding a line: `path CODE fingerprint`. The fingerprint names where the finding is and what
it is (`function:detail`), never a line number, so moving code does not disturb it; a second
finding with the same fingerprint in the same file gets `#2`, and so on. Lines starting with "#"
are comments.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from tools.houselint.rules import Finding

HEADER = """\
# House lint baseline: today's known findings, tolerated by `make lint` until they are fixed.
# This list must end empty. Never add to it by hand to silence a new finding: fix the code.
# A fixed finding must leave the list (`make lint` fails on an entry that no longer matches);
# `python -m tools.houselint --prune-baseline` removes those entries.
# Format: path CODE fingerprint (where and what, without line numbers; "#2" for a repeat).
"""


@dataclass(frozen=True, order=True)
class Entry:
    path: str
    code: str
    fingerprint: str

    def render(self) -> str:
        return f"{self.path} {self.code} {self.fingerprint}"


def fingerprinted(findings: Sequence[Finding]) -> list[tuple[Finding, Entry]]:
    """Each finding with its baseline entry, repeats numbered in the order of the file."""
    seen: Counter[tuple[str, str, str]] = Counter()
    paired = []
    for finding in sorted(findings, key=lambda item: (item.path, item.line, item.code, item.key)):
        identity = (finding.path, finding.code, finding.key)
        seen[identity] += 1
        count = seen[identity]
        fingerprint = finding.key if count == 1 else f"{finding.key}#{count}"
        paired.append((finding, Entry(finding.path, finding.code, fingerprint)))
    return paired


def read_baseline(path: Path) -> list[tuple[int, Entry]]:
    """The entries with their line numbers in the baseline file (none if there is no file)."""
    if not path.is_file():
        return []
    entries = []
    for number, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        parts = line.split()
        if len(parts) != 3:
            raise ValueError(f"{path}:{number}: expected `path CODE fingerprint`, got {raw!r}")
        entries.append((number, Entry(*parts)))
    return entries


def write_baseline(path: Path, entries: Iterable[Entry]) -> None:
    lines = [entry.render() for entry in sorted(set(entries))]
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(HEADER + "".join(f"{line}\n" for line in lines), encoding="utf-8")
