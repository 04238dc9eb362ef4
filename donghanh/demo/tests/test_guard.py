"""Every demo loader and every demo command sits behind the one production guard
(donghanh/demo/guard.py), and only the demo app loads demo data."""

from __future__ import annotations

import ast
from collections.abc import Callable
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.core.management import CommandError, call_command, get_commands, load_command_class

from donghanh.accounts.models import User
from donghanh.audit.models import AuditEntry
from donghanh.demo.case_services import demo_cases_load
from donghanh.demo.directory_services import directory_demo_load
from donghanh.demo.duplicates_services import demo_duplicates_load
from donghanh.demo.guard import DemoDataError
from donghanh.demo.livelihood_services import demo_livelihood_load
from donghanh.demo.management.base import DemoCommand
from donghanh.demo.programme_services import demo_programmes_load
from donghanh.demo.services import demo_load
from donghanh.directory.models import Provider
from donghanh.organisations.models import Organisation
from donghanh.people.models import Person
from donghanh.programmes.projects.models import Project

DEMO_COMMANDS = (
    "demo_users",
    "load_demo",
    "load_demo_cases",
    "load_demo_duplicates",
    "load_demo_livelihood",
    "load_demo_programmes",
    "load_directory_demo",
)
LOADERS: tuple[Callable[[], Any], ...] = (
    demo_load,
    directory_demo_load,
    demo_cases_load,
    demo_duplicates_load,
    demo_programmes_load,
    demo_livelihood_load,
)
PACKAGE = Path(__file__).resolve().parents[2]


def test_the_demo_commands_are_the_demo_apps_and_each_is_a_demo_command() -> None:
    commands = get_commands()
    assert {name for name, app in commands.items() if app == "donghanh.demo"} == set(DEMO_COMMANDS)
    elsewhere = {name for name, app in commands.items() if "demo" in name}
    assert elsewhere == set(DEMO_COMMANDS)
    for name in DEMO_COMMANDS:
        assert isinstance(load_command_class("donghanh.demo", name), DemoCommand)


def _stored() -> tuple[int, ...]:
    models = (AuditEntry, Organisation, User, Provider, Person, Project)
    return tuple(model.objects.count() for model in models)


@pytest.mark.django_db
@pytest.mark.parametrize("name", DEMO_COMMANDS)
def test_every_demo_command_refuses_production_and_writes_nothing(name: str, settings) -> None:
    settings.PRODUCTION = True
    before = _stored()
    out = StringIO()
    with pytest.raises(CommandError, match="never loaded in production"):
        call_command(name, stdout=out, stderr=StringIO())
    assert out.getvalue() == ""
    assert _stored() == before


@pytest.mark.django_db
@pytest.mark.parametrize("load", LOADERS, ids=lambda load: load.__name__)
def test_every_loader_refuses_production(load: Callable[[], Any], settings) -> None:
    settings.PRODUCTION = True
    before = _stored()
    with pytest.raises(DemoDataError, match="never loaded in production"):
        load()
    assert _stored() == before


def _imports_demo(path: Path) -> bool:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("donghanh.demo"):
            return True
        if isinstance(node, ast.Import) and any(
            alias.name.startswith("donghanh.demo") for alias in node.names
        ):
            return True
    return False


def test_no_app_imports_demo() -> None:
    """demo is on the top layer: it may import any app, and no other app imports it (its
    siblings api and workspace neither; tests and test factories may)."""
    top = {"demo", "testing"}
    offenders = [
        str(path.relative_to(PACKAGE.parent))
        for path in sorted(PACKAGE.rglob("*.py"))
        if path.relative_to(PACKAGE).parts[0] not in top
        and "tests" not in path.relative_to(PACKAGE).parts
        and _imports_demo(path)
    ]
    assert offenders == []
