"""The house lint as `make lint` runs it, on a small project in a temporary directory."""

from __future__ import annotations

import textwrap
from pathlib import Path

from tools.tests.lint_commands import HOUSE_LINT, REPOSITORY, run

PYPROJECT = """
[tool.houselint]
paths = ["app"]
baseline = "lint/baseline.txt"
actor_parameters = ["actor"]
"""

VIEW = """
def detail(request, pk):
    return Thing.objects.get(pk=pk)
"""


def make_project(root: Path, view: str = VIEW) -> None:
    (root / "pyproject.toml").write_text(PYPROJECT)
    (root / "app" / "tests").mkdir(parents=True)
    (root / "app" / "views.py").write_text(textwrap.dedent(view))
    # Tests are exempt.
    (root / "app" / "tests" / "test_views.py").write_text("t = Thing.objects.get(pk=1)\n")


def test_a_finding_fails_with_path_line_code_message(tmp_path: Path) -> None:
    make_project(tmp_path)
    result = run(HOUSE_LINT, tmp_path)
    assert result.returncode == 1
    assert result.stdout.splitlines()[0].startswith("app/views.py:3: HL101 `Thing.objects.get`")
    assert "1 new" in result.stdout


def test_a_clean_project_passes(tmp_path: Path) -> None:
    make_project(tmp_path, view="def detail(request, pk):\n    return access_thing(pk)\n")
    result = run(HOUSE_LINT, tmp_path)
    assert result.returncode == 0, result.stdout
    assert "0 new" in result.stdout


def test_the_baseline_tolerates_known_findings_and_only_those(tmp_path: Path) -> None:
    make_project(tmp_path)
    assert run(HOUSE_LINT, tmp_path, "--write-baseline").returncode == 0
    baseline = (tmp_path / "lint" / "baseline.txt").read_text()
    assert "app/views.py HL101 detail:Thing.objects.get\n" in baseline
    assert run(HOUSE_LINT, tmp_path).returncode == 0

    # Code moving down the file does not disturb the baseline: it names no line numbers.
    moved = "import os\n\n\n" + VIEW
    (tmp_path / "app" / "views.py").write_text(moved)
    assert run(HOUSE_LINT, tmp_path).returncode == 0

    # A second fetch in the same function is new.
    (tmp_path / "app" / "views.py").write_text(moved + "    Thing.objects.get(pk=1)\n")
    result = run(HOUSE_LINT, tmp_path)
    assert result.returncode == 1
    assert "app/views.py:7: HL101" in result.stdout


def test_a_fixed_finding_must_leave_the_baseline(tmp_path: Path) -> None:
    make_project(tmp_path)
    run(HOUSE_LINT, tmp_path, "--write-baseline")
    (tmp_path / "app" / "views.py").write_text("def detail(request, pk):\n    return pk\n")
    result = run(HOUSE_LINT, tmp_path)
    assert result.returncode == 1
    assert "lint/baseline.txt:6: HL000 fixed, remove this entry from the baseline" in result.stdout

    assert run(HOUSE_LINT, tmp_path, "--prune-baseline").returncode == 0
    assert "HL101" not in (tmp_path / "lint" / "baseline.txt").read_text()
    assert run(HOUSE_LINT, tmp_path).returncode == 0


def test_stats_count_findings_and_opt_outs(tmp_path: Path) -> None:
    excused = "def other(request):\n    return Thing.objects.all()  # houselint: allow-orm why\n"
    make_project(tmp_path, view=VIEW + "\n" + excused)
    result = run(HOUSE_LINT, tmp_path, "--stats")
    assert "houselint: HL101 1\n" in result.stdout
    assert "houselint: opt-out `allow-orm` 1\n" in result.stdout


def test_the_makefile_runs_these_commands() -> None:
    recipe = (REPOSITORY / "Makefile").read_text().split("\nlint:", 1)[1].split("\n\n", 1)[0]
    assert "$(BIN)/python -m tools.houselint\n" in recipe + "\n"
