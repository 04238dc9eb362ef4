"""The import contracts of `.importlinter`, as `make lint` runs them, on a small `donghanh`.

Each test lays out a package named `donghanh` in a temporary directory with every app of the
layer map, checks it with the project's own contracts (less today's known violations, which
name modules the small package does not have), and looks at which contracts broke.
"""

from __future__ import annotations

import configparser
import re
import textwrap
from pathlib import Path

import pytest

from tools.tests.lint_commands import IMPORT_CONTRACTS, REPOSITORY, run

CONFIG = REPOSITORY / ".importlinter"
# The only ignore_imports entries that stay for good: tests and test helpers import anything.
EXEMPTIONS = {"donghanh.**.tests.** -> donghanh.**", "donghanh.testing.** -> donghanh.**"}


def read_config() -> configparser.ConfigParser:
    parser = configparser.ConfigParser()
    parser.read(CONFIG, encoding="utf-8")
    return parser


def contracts() -> dict[str, configparser.SectionProxy]:
    parser = read_config()
    prefix = "importlinter:contract:"
    return {
        name.removeprefix(prefix): parser[name]
        for name in parser.sections()
        if name.startswith(prefix)
    }


def lines(value: str) -> list[str]:
    return [line.strip() for line in value.splitlines() if line.strip()]


def layer_apps() -> list[str]:
    layers = lines(contracts()["layers"]["layers"])
    return [name.strip(" ()") for layer in layers for name in layer.split("|")]


def write(root: Path, module: str, source: str = "", *, package: bool = False) -> None:
    """Write a module (or a package's `__init__.py`), with the packages around it."""
    *parents, last = module.split(".")
    directory = root
    for part in parents:
        directory = directory / part
        directory.mkdir(exist_ok=True)
        (directory / "__init__.py").touch()
    if package:
        (directory / last).mkdir(exist_ok=True)
        target = directory / last / "__init__.py"
    else:
        target = directory / f"{last}.py"
    target.write_text(textwrap.dedent(source))


def make_project(root: Path) -> None:
    """A `donghanh` that keeps every contract; the tests then break one."""
    write(root, "donghanh", package=True)
    for name in lines(contracts()["layers"]["exhaustive_ignores"]):
        write(root, f"donghanh.{name}", package=True)
    write(root, "donghanh.core.models", "from django.db import models\n")
    for app in layer_apps():
        if app != "core":
            write(root, f"donghanh.{app}.models", "from donghanh.core import models\n")
    # Downward imports, one of them inside a function.
    write(root, "donghanh.cases.services", "from donghanh.organisations import models\n")
    write(
        root,
        "donghanh.referrals.services",
        """
        from donghanh.cases import services

        def decide():
            from donghanh.places import models
        """,
    )
    # A migration using core's fields and its own app.
    write(
        root,
        "donghanh.cases.migrations.0001_initial",
        "import donghanh.core.models\nimport donghanh.cases.models\n",
    )
    # Tests and test helpers import anything, upward too.
    write(root, "donghanh.testing.factories", "from donghanh.cases import models\n")
    write(
        root,
        "donghanh.core.tests.test_views",
        "from donghanh.api import models\nfrom donghanh.testing import factories\n",
    )
    config = read_config()
    for section in config.sections():
        if "ignore_imports" in config[section]:
            kept = [line for line in lines(config[section]["ignore_imports"]) if line in EXEMPTIONS]
            config[section]["ignore_imports"] = "\n" + "\n".join(kept)
    with (root / ".importlinter").open("w", encoding="utf-8") as handle:
        config.write(handle)


def broken(root: Path) -> set[str]:
    """The ids of the contracts that lint-imports reports broken (it fails if any is)."""
    return check(root)[0]


def check(root: Path) -> tuple[set[str], str]:
    """The ids of the broken contracts and what lint-imports printed."""
    result = run(IMPORT_CONTRACTS, root)
    names = {section["name"]: key for key, section in contracts().items()}
    status = {}
    for line in result.stdout.splitlines():
        match = re.match(r"(.*) (KEPT|BROKEN)( \(\d+ ignored imports?\))?$", line)
        if match and match[1] in names:
            status[names[match[1]]] = match[2]
    assert set(status) == set(names.values()), result.stdout + result.stderr
    failed = {key for key, value in status.items() if value == "BROKEN"}
    assert (result.returncode != 0) == bool(failed), result.stdout
    return failed, result.stdout


@pytest.fixture
def project(tmp_path: Path) -> Path:
    make_project(tmp_path)
    return tmp_path


def test_the_small_project_keeps_every_contract(project: Path) -> None:
    assert broken(project) == set()


def test_an_upward_import_breaks_the_layers(project: Path) -> None:
    write(project, "donghanh.places.views", "from donghanh.cases import models\n")
    assert broken(project) == {"layers"}


def test_an_import_between_siblings_breaks_the_layers(project: Path) -> None:
    write(project, "donghanh.programmes.views", "from donghanh.directory import models\n")
    assert broken(project) == {"layers"}


def test_an_upward_import_inside_a_function_breaks_the_layers(project: Path) -> None:
    source = """
    def label():
        from donghanh.cases.models import Case

        return Case
    """
    write(project, "donghanh.places.views", source)
    assert broken(project) == {"layers"}


def test_an_app_outside_the_layer_map_breaks_the_layers(project: Path) -> None:
    write(project, "donghanh.newapp.models", "from donghanh.core import models\n")
    assert broken(project) == {"layers"}


def test_core_importing_a_project_module_breaks_its_contract(project: Path) -> None:
    write(project, "donghanh.core.checks", "from donghanh import settings\n")
    assert broken(project) == {"core-imports-no-app"}


def test_an_app_level_cycle_is_reported(project: Path) -> None:
    # referrals -> cases is downward; cases -> referrals closes a cycle between the apps.
    write(project, "donghanh.cases.views", "from donghanh.referrals import models\n")
    assert broken(project) == {"layers", "app-cycles"}


def test_a_module_level_cycle_is_reported(project: Path) -> None:
    write(project, "donghanh.cases.a", "from donghanh.cases import b\n")
    write(project, "donghanh.cases.b", "from donghanh.cases import a\n")
    assert broken(project) == {"module-cycles"}


def test_an_import_inside_a_function_does_not_dodge_a_cycle(project: Path) -> None:
    write(project, "donghanh.cases.a", "from donghanh.cases import b\n")
    source = """
    def later():
        from donghanh.cases import a

        return a
    """
    write(project, "donghanh.cases.b", source)
    failed, output = check(project)
    assert failed == {"module-cycles"}
    assert "donghanh.cases.b -> donghanh.cases.a (l.3, inside later())" in output


def test_a_migration_importing_another_app_is_reported(project: Path) -> None:
    write(
        project,
        "donghanh.cases.migrations.0002_owner",
        "from donghanh.organisations.models import Organisation\n",
    )
    assert broken(project) == {"migrations"}


def test_application_code_importing_the_test_helpers_is_reported(project: Path) -> None:
    write(project, "donghanh.cases.views", "from donghanh.testing import factories\n")
    assert broken(project) == {"testing-helpers"}


def test_a_known_violation_that_is_gone_must_leave_the_list(project: Path) -> None:
    config = configparser.ConfigParser()
    config.read(project / ".importlinter", encoding="utf-8")
    section = config["importlinter:contract:layers"]
    section["ignore_imports"] += "\ndonghanh.places.views -> donghanh.cases.models"
    with (project / ".importlinter").open("w", encoding="utf-8") as handle:
        config.write(handle)
    result = run(IMPORT_CONTRACTS, project)
    assert result.returncode != 0
    assert "No matches for ignored import donghanh.places.views -> donghanh.cases.models" in (
        result.stdout + result.stderr
    )


def test_known_violations_are_single_imports_never_patterns() -> None:
    """Only the test exemptions may use wildcards: a known violation names one import."""
    for key, contract in contracts().items():
        for entry in lines(contract.get("ignore_imports", "")):
            if entry in EXEMPTIONS:
                continue
            assert "*" not in entry, (key, entry)
            importer, imported = entry.split(" -> ")
            assert importer.startswith("donghanh.") and imported.startswith("donghanh."), entry


def test_the_makefile_runs_these_commands() -> None:
    recipe = (REPOSITORY / "Makefile").read_text().split("\nlint:", 1)[1].split("\n\n", 1)[0]
    assert f"$(BIN)/{' '.join(IMPORT_CONTRACTS)}\n" in recipe + "\n"
