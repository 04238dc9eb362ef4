"""The house rules, checked on each module's syntax tree.

HL101  A view or API module fetches through the ORM (`Model.objects…`, `get_object_or_404`,
       `get_list_or_404`): reads go through a selector or an `access_*` helper.
       Opt-out on the line of the call: `# houselint: allow-orm <reason>`.
HL201  A public service (a top-level function in a services module whose name does not start
       with "_") is not one transaction: neither decorated with `@transaction.atomic` nor
       opening `with transaction.atomic():` in its body (the equivalent for a service that must
       do some work outside the transaction, such as writing a file first).
HL202  A public service takes positional parameters: every parameter is keyword-only (`*` first).
HL203  A public service does not take the acting person (`actor`; `actor_parameters` in the
       settings lists the names accepted today).
       HL201-HL203 opt-out, for a pure function that writes nothing (better: move it to
       selectors or make it private), on its `def` line or the line above:
       `# houselint: pure <reason>`.
HL301  `.save()` without `update_fields=` on an object that is not evidently new. Evidently new:
       walking back from the save through the statements before it in its block, then in each
       enclosing block up to the function, the first statement that binds the receiver's name
       is a plain assignment from a constructor call (`x = Model(...)`: a callee whose name
       starts with a capital), so the object is new on every path to the save; or the call
       passes `force_insert=`; or the function's name has the word "create" (split on "_";
       `create_function_words` in the settings). Calls with positional arguments
       (`workbook.save(buffer)`, `field_file.save(name, content)`), with `**kwargs`, and
       `super().save(...)` are not model saves and are left alone. Opt-out, for an object that is
       not a model: `# houselint: allow-save <reason>`.
HL401  A view or API module writes an audit row: it calls `audit_record`, creates rows through
       a manager of an audit model (`AuditEntry.objects.create(...)`), or calls a function with
       "audit" in its name that is not a class, not an access helper ("access" in its name, such
       as `case_access_audited`, which audits a read) and not imported from a selectors module.
       No opt-out.
HL001  An opt-out comment without a reason.
HL002  An opt-out comment that excuses nothing (remove it).
HL003  An unknown `# houselint:` comment.
"""

from __future__ import annotations

import ast
import io
import re
import tokenize
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import PurePosixPath

from tools.houselint.config import Config

MANAGER_ATTRIBUTES = frozenset({"objects", "_default_manager", "_base_manager"})
FETCH_SHORTCUTS = frozenset({"get_object_or_404", "get_list_or_404"})
AUDIT_WRITER = "audit_record"
ROW_CREATORS = frozenset({"create", "bulk_create", "get_or_create", "update_or_create"})

# Opt-out comment -> the codes it may excuse.
MARKERS = {
    "allow-orm": frozenset({"HL101"}),
    "pure": frozenset({"HL201", "HL202", "HL203"}),
    "allow-save": frozenset({"HL301"}),
}
Definition = ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef

_MARKER = re.compile(r"#\s*houselint:\s*(?P<name>[\w-]*)\s*(?P<reason>.*)$")


@dataclass(frozen=True)
class Finding:
    path: str
    line: int
    code: str
    message: str
    # What was found and where, without line numbers: stays the same when code moves.
    key: str

    def render(self) -> str:
        return f"{self.path}:{self.line}: {self.code} {self.message}"


@dataclass
class Marker:
    line: int
    name: str
    reason: str
    used: bool = False


@dataclass
class ModuleFacts:
    path: str
    tree: ast.Module
    config: Config
    parents: dict[ast.AST, ast.AST] = field(default_factory=dict)
    # Name bound by an import -> where it comes from ("package.module" or "package.module.name").
    origins: dict[str, str] = field(default_factory=dict)
    markers: dict[int, Marker] = field(default_factory=dict)

    def matches(self, patterns: tuple[str, ...]) -> bool:
        path = PurePosixPath(self.path)
        return any(path.match(pattern) for pattern in patterns)

    def enclosing(self, node: ast.AST) -> list[Definition]:
        """The functions and classes around `node`, innermost first."""
        found: list[Definition] = []
        current = self.parents.get(node)
        while current is not None:
            if isinstance(current, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
                found.append(current)
            current = self.parents.get(current)
        return found

    def scope(self, node: ast.AST) -> str:
        names = [definition.name for definition in reversed(self.enclosing(node))]
        return ".".join(names) or "<module>"

    def function(self, node: ast.AST) -> ast.FunctionDef | ast.AsyncFunctionDef | None:
        for definition in self.enclosing(node):
            if isinstance(definition, ast.FunctionDef | ast.AsyncFunctionDef):
                return definition
        return None

    def excused(self, code: str, lines: range) -> bool:
        for line in lines:
            marker = self.markers.get(line)
            if marker and marker.reason and code in MARKERS.get(marker.name, ()):
                marker.used = True
                return True
        return False


def _compact(text: str) -> str:
    return "".join(text.split())


def _callee_name(func: ast.expr) -> str:
    if isinstance(func, ast.Name):
        return func.id
    if isinstance(func, ast.Attribute):
        return func.attr
    return ""


def _read_markers(source: str) -> dict[int, Marker]:
    markers: dict[int, Marker] = {}
    tokens = tokenize.generate_tokens(io.StringIO(source).readline)
    for token in tokens:
        if token.type != tokenize.COMMENT:
            continue
        match = _MARKER.match(token.string)
        if match:
            line = token.start[0]
            markers[line] = Marker(line, match["name"], match["reason"].strip())
    return markers


def _read_origins(tree: ast.Module) -> dict[str, str]:
    origins: dict[str, str] = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                if alias.asname:
                    origins[alias.asname] = alias.name
                else:
                    top = alias.name.split(".")[0]
                    origins[top] = top
        elif isinstance(node, ast.ImportFrom) and node.module:
            for alias in node.names:
                origins[alias.asname or alias.name] = f"{node.module}.{alias.name}"
    return origins


def check_source(source: str, path: str, config: Config) -> list[Finding]:
    """Every finding in one module, opt-outs applied; `path` is relative to the project root."""
    return analyse(source, path, config)[0]


def analyse(source: str, path: str, config: Config) -> tuple[list[Finding], list[Marker]]:
    """The findings in one module and its opt-out comments."""
    try:
        tree = ast.parse(source, filename=path)
    except SyntaxError as error:
        message = f"cannot parse: {error.msg}"
        return [Finding(path, error.lineno or 1, "HL000", message, "parse")], []
    facts = ModuleFacts(path=path, tree=tree, config=config)
    for parent in ast.walk(tree):
        for child in ast.iter_child_nodes(parent):
            facts.parents[child] = parent
    facts.origins = _read_origins(tree)
    facts.markers = _read_markers(source)

    findings: list[Finding] = []
    if facts.matches(config.view_modules):
        findings.extend(_orm_in_views(facts))
        findings.extend(_audit_in_views(facts))
    if facts.matches(config.service_modules):
        findings.extend(_services(facts))
    findings.extend(_saves(facts))
    findings.extend(_marker_findings(facts))
    findings.sort(key=lambda finding: (finding.line, finding.code, finding.key))
    return findings, list(facts.markers.values())


def _orm_in_views(facts: ModuleFacts) -> Iterator[Finding]:
    hint = "in a view: read through a selector or an access_* helper"
    for node in ast.walk(facts.tree):
        detail = ""
        if isinstance(node, ast.Attribute) and node.attr in MANAGER_ATTRIBUTES:
            parent = facts.parents.get(node)
            shown = parent if isinstance(parent, ast.Attribute) else node
            detail = ast.unparse(shown)
        elif isinstance(node, ast.Call) and _callee_name(node.func) in FETCH_SHORTCUTS:
            detail = _callee_name(node.func)
            if node.args:
                detail += f"({ast.unparse(node.args[0])})"
        if not detail:
            continue
        line = getattr(node, "lineno", 1)
        if facts.excused("HL101", range(line, line + 1)):
            continue
        yield Finding(
            facts.path,
            line,
            "HL101",
            f"`{detail}` {hint}",
            f"{facts.scope(node)}:{_compact(detail)}",
        )


def _from_selectors(facts: ModuleFacts, func: ast.expr) -> bool:
    if isinstance(func, ast.Name):
        module = facts.origins.get(func.id, "").rpartition(".")[0]
    elif isinstance(func, ast.Attribute):
        receiver = ast.unparse(func.value)
        module = facts.origins.get(receiver, receiver)
    else:
        return False
    return module.rpartition(".")[2].endswith("selectors")


def _audit_in_views(facts: ModuleFacts) -> Iterator[Finding]:
    for node in ast.walk(facts.tree):
        if not isinstance(node, ast.Call):
            continue
        func = node.func
        name = _callee_name(func)
        lowered = name.lower()
        if name == AUDIT_WRITER:
            writes = True
        elif name in ROW_CREATORS and isinstance(func, ast.Attribute):
            # AuditEntry.objects.create(...) and the like.
            writes = "audit" in ast.unparse(func.value).lower()
        else:
            writes = (
                "audit" in lowered
                and not name[:1].isupper()
                and "access" not in lowered
                and not _from_selectors(facts, func)
            )
        if not writes:
            continue
        shown = ast.unparse(func) if name in ROW_CREATORS else name
        yield Finding(
            facts.path,
            node.lineno,
            "HL401",
            f"`{shown}()` writes an audit row in a view: the service (or the access helper) "
            "records it",
            f"{facts.scope(node)}:{_compact(shown)}",
        )


def _is_atomic(expression: ast.expr, names: tuple[str, ...]) -> bool:
    target = expression.func if isinstance(expression, ast.Call) else expression
    return ast.unparse(target) in names


def _opens_transaction(
    function: ast.FunctionDef | ast.AsyncFunctionDef, names: tuple[str, ...]
) -> bool:
    """Whether the function body has a `with transaction.atomic():` block (not in a nested def)."""
    pending: list[ast.AST] = list(function.body)
    while pending:
        node = pending.pop()
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef | ast.Lambda):
            continue
        if isinstance(node, ast.With | ast.AsyncWith) and any(
            _is_atomic(item.context_expr, names) for item in node.items
        ):
            return True
        pending.extend(ast.iter_child_nodes(node))
    return False


def _services(facts: ModuleFacts) -> Iterator[Finding]:
    config = facts.config
    for node in facts.tree.body:
        if not isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            continue
        if node.name.startswith("_"):
            continue
        first = min([node.lineno, *(decorator.lineno for decorator in node.decorator_list)])
        signature = range(first - 1, node.body[0].lineno)
        problems: list[tuple[str, str]] = []
        atomic = config.atomic_decorators
        if not (
            any(_is_atomic(decorator, atomic) for decorator in node.decorator_list)
            or _opens_transaction(node, atomic)
        ):
            problems.append(
                (
                    "HL201",
                    f"service `{node.name}` is not @transaction.atomic (a read belongs in "
                    "selectors)",
                )
            )
        arguments = node.args
        positional = [argument.arg for argument in [*arguments.posonlyargs, *arguments.args]]
        if arguments.vararg:
            positional.append(f"*{arguments.vararg.arg}")
        if positional:
            problems.append(
                (
                    "HL202",
                    f"service `{node.name}` takes positional parameters ({', '.join(positional)}):"
                    " put `*` first",
                )
            )
        keyword_only = {argument.arg for argument in arguments.kwonlyargs}
        if not keyword_only & set(config.actor_parameters):
            accepted = " or ".join(f"`{name}`" for name in config.actor_parameters)
            problems.append(
                ("HL203", f"service `{node.name}` does not take the actor ({accepted})")
            )
        for code, message in problems:
            if facts.excused(code, signature):
                continue
            yield Finding(facts.path, node.lineno, code, message, node.name)


def _stores(node: ast.AST, name: str) -> bool:
    return any(
        isinstance(child, ast.Name) and child.id == name and isinstance(child.ctx, ast.Store)
        for child in ast.walk(node)
    )


def _is_constructor(value: ast.expr | None) -> bool:
    return isinstance(value, ast.Call) and _callee_name(value.func)[:1].isupper()


def _evidently_new(facts: ModuleFacts, call: ast.Call, name: str) -> bool:
    """Whether `name` was last bound, on every path to `call`, by a constructor call.

    Walks back from the statement holding the call through the statements before it in the same
    block, then in each enclosing block, up to the function: the first statement found that
    binds the name decides. A plain assignment decides by its value; any other binding (a
    branch that assigns, a loop variable, a `with … as`) is not evidence of a new object.
    """
    node: ast.AST = call
    while True:
        parent = facts.parents.get(node)
        if parent is None:
            return False
        for _field, value in ast.iter_fields(parent):
            if isinstance(value, list) and node in value:
                for statement in reversed(value[: value.index(node)]):
                    if not _stores(statement, name):
                        continue
                    if isinstance(statement, ast.Assign | ast.AnnAssign):
                        return _is_constructor(statement.value)
                    return False
        if isinstance(parent, ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda):
            return False
        node = parent


def _saves(facts: ModuleFacts) -> Iterator[Finding]:
    create_words = set(facts.config.create_function_words)
    for node in ast.walk(facts.tree):
        if not (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and node.func.attr == "save"
        ):
            continue
        if node.args:
            continue
        keywords = {keyword.arg for keyword in node.keywords}
        if None in keywords or "update_fields" in keywords or "force_insert" in keywords:
            continue
        receiver = node.func.value
        if isinstance(receiver, ast.Call) and _callee_name(receiver.func) == "super":
            continue
        function = facts.function(node)
        if function is not None and create_words & set(function.name.split("_")):
            continue
        if isinstance(receiver, ast.Name) and _evidently_new(facts, node, receiver.id):
            continue
        if facts.excused("HL301", range(node.lineno, node.lineno + 1)):
            continue
        shown = ast.unparse(receiver)
        yield Finding(
            facts.path,
            node.lineno,
            "HL301",
            f"`{shown}.save()` without update_fields=: name the fields it changes",
            f"{facts.scope(node)}:{_compact(shown)}.save",
        )


def _marker_findings(facts: ModuleFacts) -> Iterator[Finding]:
    for marker in facts.markers.values():
        if marker.name not in MARKERS:
            yield Finding(
                facts.path,
                marker.line,
                "HL003",
                f"unknown `# houselint: {marker.name}`; known: {', '.join(sorted(MARKERS))}",
                f"marker:{marker.name}",
            )
        elif not marker.reason:
            yield Finding(
                facts.path,
                marker.line,
                "HL001",
                f"`# houselint: {marker.name}` needs a reason after it",
                f"marker:{marker.name}",
            )
        elif not marker.used:
            yield Finding(
                facts.path,
                marker.line,
                "HL002",
                f"`# houselint: {marker.name}` excuses nothing here: remove it",
                f"marker:{marker.name}:{_compact(marker.reason)}",
            )
