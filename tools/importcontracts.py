"""Import Linter contract types of our own, registered in `.importlinter`.

Import Linter's built-in contracts cover the layers and app-level cycles. Two rules need a
contract of their own, each a few lines over the import graph that Grimp builds (the same graph
the built-in contracts check, which includes imports inside functions):

- `acyclic_modules`: no import cycle between any two modules of the listed packages. A cycle
  closed by an import inside a function (the usual way to dodge an import error) is still a
  cycle; the report marks such imports.
- `migrations_own_app`: an app's migrations import only their own app and the allowed modules
  (the model fields in `core`); other apps are referred to by string ("cases.Case").
"""

from __future__ import annotations

import ast
import importlib.util
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any, cast

import grimp
from importlinter import Contract, ContractCheck, fields, output
from importlinter.application import contract_utils
from importlinter.application.contract_utils import AlertLevel
from importlinter.domain.helpers import module_expressions_to_modules
from importlinter.domain.imports import ImportExpression, ModuleExpression

MAX_EDGES_SHOWN = 25


@dataclass(frozen=True, order=True)
class ImportLine:
    importer: str
    imported: str
    line_number: int
    function: str  # the function the import statement sits in; "" at module level

    def render(self) -> str:
        where = f"l.{self.line_number}"
        if self.function:
            where += f", inside {self.function}()"
        return f"{self.importer} -> {self.imported} ({where})"


@cache
def _package_directory(package: str) -> Path | None:
    spec = importlib.util.find_spec(package)
    if spec is None or not spec.submodule_search_locations:
        return None
    return Path(next(iter(spec.submodule_search_locations)))


def _module_file(module: str) -> Path | None:
    root, *rest = module.split(".")
    directory = _package_directory(root)
    if directory is None:
        return None
    base = directory.joinpath(*rest)
    for candidate in (base.with_suffix(".py"), base / "__init__.py"):
        if candidate.is_file():
            return candidate
    return None


@cache
def _functions_by_import_line(module: str) -> dict[int, str]:
    """Line number of every import statement inside a function of `module` -> the function."""
    path = _module_file(module)
    if path is None:
        return {}
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    found: dict[int, str] = {}

    def visit(node: ast.AST, function: str) -> None:
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef):
                visit(child, child.name)
            elif isinstance(child, ast.Import | ast.ImportFrom):
                if function:
                    found[child.lineno] = function
            else:
                visit(child, function)

    visit(tree, "")
    return found


def _import_lines(graph: grimp.ImportGraph, importer: str, imported: str) -> list[ImportLine]:
    functions = _functions_by_import_line(importer)
    return sorted(
        ImportLine(
            importer=importer,
            imported=imported,
            line_number=detail["line_number"],
            function=functions.get(detail["line_number"], ""),
        )
        for detail in graph.get_import_details(importer=importer, imported=imported)
    )


def _remove_ignored_imports(
    graph: grimp.ImportGraph, contract: Contract
) -> contract_utils.ImportRemoval:
    return contract_utils.remove_ignored_imports_and_report(
        graph=graph,
        ignore_imports=cast(list[ImportExpression] | None, contract.ignore_imports),  # type: ignore[attr-defined]
        unmatched_alerting=cast(AlertLevel, contract.unmatched_ignore_imports_alerting),  # type: ignore[attr-defined]
    )


def strongly_connected_components(
    nodes: Iterable[str], successors: dict[str, set[str]]
) -> list[list[str]]:
    """Tarjan's algorithm, without recursion: the groups of nodes that reach each other."""
    index: dict[str, int] = {}
    lowlink: dict[str, int] = {}
    on_stack: set[str] = set()
    stack: list[str] = []
    components: list[list[str]] = []
    counter = 0

    for start in sorted(nodes):
        if start in index:
            continue
        work: list[tuple[str, Iterator[str]]] = [(start, iter(sorted(successors[start])))]
        index[start] = lowlink[start] = counter
        counter += 1
        stack.append(start)
        on_stack.add(start)
        while work:
            node, children = work[-1]
            advanced = False
            for child in children:
                if child not in index:
                    index[child] = lowlink[child] = counter
                    counter += 1
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(successors[child]))))
                    advanced = True
                    break
                if child in on_stack:
                    lowlink[node] = min(lowlink[node], index[child])
            if advanced:
                continue
            work.pop()
            if work:
                parent = work[-1][0]
                lowlink[parent] = min(lowlink[parent], lowlink[node])
            if lowlink[node] == index[node]:
                component = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.append(member)
                    if member == node:
                        break
                components.append(sorted(component))
    return components


class AcyclicModulesContract(Contract):
    """No import cycle between modules of the listed packages (imports in functions count).

    Configuration options:
        - packages:        the packages whose modules are checked (with all their descendants).
        - ignore_imports:  imports left out of the check (tests; today's known violations).
        - unmatched_ignore_imports_alerting: "none", "warn" or "error" (default).
    """

    type_name = "acyclic_modules"

    packages = fields.SetField(subfield=fields.ModuleExpressionField())
    ignore_imports = fields.SetField(subfield=fields.ImportExpressionField(), required=False)
    unmatched_ignore_imports_alerting = fields.EnumField(AlertLevel, default=AlertLevel.ERROR)

    def check(self, graph: grimp.ImportGraph, verbose: bool) -> ContractCheck:
        removal = _remove_ignored_imports(graph, self)
        packages = module_expressions_to_modules(
            graph, cast(set[ModuleExpression], self.packages), raise_if_unmatched=True
        )
        modules: set[str] = set()
        for package in packages:
            modules.add(package.name)
            modules.update(graph.find_descendants(package.name))
        successors = {
            module: graph.find_modules_directly_imported_by(module) & modules for module in modules
        }
        cycles = []
        for component in strongly_connected_components(modules, successors):
            if len(component) < 2:
                continue
            members = set(component)
            imports = [
                line
                for importer in component
                for imported in sorted(successors[importer] & members)
                for line in _import_lines(graph, importer, imported)
            ]
            cycles.append({"modules": component, "imports": imports})
        return ContractCheck(
            kept=not cycles,
            warnings=list(removal.warnings),
            ignored_import_count=removal.ignored_import_count,
            metadata={"cycles": cycles},
        )

    def render_broken_contract(self, check: ContractCheck) -> None:
        for cycle in check.metadata["cycles"]:
            modules: list[str] = cycle["modules"]
            imports: list[ImportLine] = cycle["imports"]
            output.print_error(
                f"{len(modules)} modules import each other in a cycle: {', '.join(modules)}."
            )
            output.print_error(
                "Break the cycle (move the shared part lower, or pass it in), then run again. "
                "An import moved into a function does not break it:",
                bold=False,
            )
            output.new_line()
            for line in imports[:MAX_EDGES_SHOWN]:
                output.indent_cursor()
                output.print_error(f"- {line.render()}", bold=False)
            if len(imports) > MAX_EDGES_SHOWN:
                output.indent_cursor()
                output.print_error(f"(and {len(imports) - MAX_EDGES_SHOWN} more)", bold=False)
            output.new_line()


class MigrationsOwnAppContract(Contract):
    """An app's migrations import only modules of the same app and the allowed modules.

    Configuration options:
        - containers:      the packages whose children are apps (e.g. "donghanh").
        - allowed_modules: modules any migration may import (e.g. the model fields in core).
        - ignore_imports:  imports left out of the check.
        - unmatched_ignore_imports_alerting: "none", "warn" or "error" (default).
    """

    type_name = "migrations_own_app"

    containers = fields.SetField(subfield=fields.ModuleField())
    allowed_modules = fields.SetField(subfield=fields.ModuleExpressionField(), required=False)
    ignore_imports = fields.SetField(subfield=fields.ImportExpressionField(), required=False)
    unmatched_ignore_imports_alerting = fields.EnumField(AlertLevel, default=AlertLevel.ERROR)

    def check(self, graph: grimp.ImportGraph, verbose: bool) -> ContractCheck:
        removal = _remove_ignored_imports(graph, self)
        allowed_packages = [
            module.name
            for module in module_expressions_to_modules(
                graph, cast(set[ModuleExpression], self.allowed_modules or set())
            )
        ]
        violations: list[ImportLine] = []
        for container in sorted(cast(set[Any], self.containers), key=str):
            for app in sorted(graph.find_children(container.name)):
                migrations = f"{app}.migrations"
                if migrations not in graph.modules:
                    continue
                own = [app, *allowed_packages]
                for module in sorted({migrations, *graph.find_descendants(migrations)}):
                    for imported in sorted(graph.find_modules_directly_imported_by(module)):
                        if not any(_in_package(imported, package) for package in own):
                            violations.extend(_import_lines(graph, module, imported))
        return ContractCheck(
            kept=not violations,
            warnings=list(removal.warnings),
            ignored_import_count=removal.ignored_import_count,
            metadata={"violations": violations},
        )

    def render_broken_contract(self, check: ContractCheck) -> None:
        output.print_error(
            "A migration imports another app; refer to its models by string "
            '(dependencies and "app_label.Model"):'
        )
        output.new_line()
        for line in check.metadata["violations"]:
            output.indent_cursor()
            output.print_error(f"- {line.render()}", bold=False)
        output.new_line()


def _in_package(module: str, package: str) -> bool:
    return module == package or module.startswith(f"{package}.")
