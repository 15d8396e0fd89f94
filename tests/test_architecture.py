"""The code's shape, as docs/architecture.md describes it: small modules, imports one way, one rule per file."""

from __future__ import annotations

import ast
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
PACKAGES = {"imagelint": REPO / "imagelint", "imagelint.rules": REPO / "rules"}
MAX_LINES = 700


def source_files() -> dict[str, Path]:
    """Module name -> file, for every module of imagelint (rules/ is installed as imagelint.rules)."""
    modules = {}
    for prefix, base in PACKAGES.items():
        for path in base.rglob("*.py"):
            parts = list(path.relative_to(base).with_suffix("").parts)
            if parts[-1] == "__init__":
                parts.pop()
            modules[".".join([prefix, *parts])] = path
    return modules


def imports_run_at_import_time(tree: ast.Module) -> list[ast.stmt]:
    """Imports a module runs when it is imported: not those inside functions or under TYPE_CHECKING."""
    found: list[ast.stmt] = []

    def walk(statements: list[ast.stmt]) -> None:
        for statement in statements:
            if isinstance(statement, (ast.Import, ast.ImportFrom)):
                found.append(statement)
            elif isinstance(statement, ast.If):
                if not (isinstance(statement.test, ast.Name) and statement.test.id == "TYPE_CHECKING"):
                    walk(statement.body)
                walk(statement.orelse)
            elif isinstance(statement, ast.Try):
                walk(statement.body + statement.orelse + statement.finalbody)
                for handler in statement.handlers:
                    walk(handler.body)
            elif isinstance(statement, (ast.With, ast.ClassDef)):
                walk(statement.body)

    walk(tree.body)
    return found


def import_graph() -> dict[str, set[str]]:
    modules = source_files()
    graph: dict[str, set[str]] = {name: set() for name in modules}
    for name, path in modules.items():
        package = name if path.name == "__init__.py" else name.rpartition(".")[0]
        for node in imports_run_at_import_time(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                targets = [alias.name for alias in node.names]
            else:
                base = node.module or ""
                if node.level:
                    anchor = package.split(".")[: len(package.split(".")) - (node.level - 1)]
                    base = ".".join(anchor + ([node.module] if node.module else []))
                targets = [base] + [f"{base}.{alias.name}" for alias in node.names]
            ancestors = {name.rsplit(".", i)[0] for i in range(1, name.count(".") + 1)}
            for target in targets:
                parts = target.split(".")
                for cut in range(1, len(parts) + 1):
                    candidate = ".".join(parts[:cut])
                    implicit = cut < len(parts)  # importing a.b.c runs a and a.b first
                    if candidate in modules and candidate != name and not (implicit and candidate in ancestors):
                        graph[name].add(candidate)
    return graph


def find_cycle(graph: dict[str, set[str]]) -> list[str] | None:
    state: dict[str, int] = {}  # 1: on the current path, 2: done
    path: list[str] = []

    def visit(node: str) -> list[str] | None:
        state[node] = 1
        path.append(node)
        for child in sorted(graph[node]):
            if state.get(child) == 1:
                return path[path.index(child) :] + [child]
            if child not in state and (cycle := visit(child)):
                return cycle
        state[node] = 2
        path.pop()
        return None

    for node in sorted(graph):
        if node not in state and (cycle := visit(node)):
            return cycle
    return None


def test_no_import_cycles():
    cycle = find_cycle(import_graph())
    assert cycle is None, "import cycle: " + " -> ".join(cycle)


def test_the_cycle_finder_finds_a_cycle():
    assert find_cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == ["a", "b", "c", "a"]
    assert find_cycle({"a": {"b"}, "b": set()}) is None


def test_no_module_is_over_700_lines():
    long = {name: n for name, path in source_files().items() if (n := len(path.read_text().splitlines())) > MAX_LINES}
    assert not long, f"modules over {MAX_LINES} lines: {long}"


def test_only_one_module_imports_each_chosen_library():
    owners = {"docker": "imagelint.docker_engine", "dockerfile_parse": "imagelint.dockerfile.words"}
    for name, path in source_files().items():
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            roots = (
                [a.name.split(".")[0] for a in node.names]
                if isinstance(node, ast.Import)
                else [node.module.split(".")[0]]
                if isinstance(node, ast.ImportFrom) and node.module and not node.level
                else []
            )
            for root in roots:
                if root in owners:
                    assert name == owners[root], f"{name} imports {root}; only {owners[root]} may"


REGEX_CALLS = {"compile", "match", "search", "fullmatch", "finditer", "findall", "sub", "subn", "split", "LazyPattern"}  # re.<name>(pattern, ...) and LazyPattern(pattern)


def possessive_repeats(pattern: str, flags: int) -> bool:
    """Whether ``pattern`` repeats anything possessively (``*+``, ``++``, ``?+``, ``{m,n}+``)."""
    import re._constants as opcodes
    import re._parser as regex_parser  # the stdlib's own parser: the test sees what re compiles

    possessive = (opcodes.POSSESSIVE_REPEAT, opcodes.POSSESSIVE_REPEAT_ONE)

    def holds(value) -> bool:  # a parsed pattern nests sub-patterns in tuples and lists
        if isinstance(value, regex_parser.SubPattern):
            return any(op in possessive or holds(argument) for op, argument in value)
        return isinstance(value, (list, tuple)) and any(holds(item) for item in value)

    return holds(regex_parser.parse(pattern, flags))


def regex_flags(call: ast.Call) -> int:
    """The ``re.X``-style flags written in ``call``'s other arguments (verbose patterns parse differently)."""
    import re

    flags = 0
    for argument in [*call.args[1:], *(keyword.value for keyword in call.keywords)]:
        for node in ast.walk(argument):
            if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) and node.value.id == "re":
                flag = getattr(re, node.attr, None)
                if isinstance(flag, re.RegexFlag):
                    flags |= flag
    return flags


def test_no_pattern_repeats_possessively():
    # CPython before 3.11.5 (Debian 12 ships 3.11.2) matched possessive repeats of groups where the
    # plain repeat fails (python/cpython#106052); atomic groups, (?>...), work on every 3.11.
    found = []
    for name, path in source_files().items():
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not (isinstance(node, ast.Call) and node.args and isinstance(node.args[0], ast.Constant)):
                continue
            func = node.func
            if isinstance(func, ast.Attribute) and isinstance(func.value, ast.Name) and func.value.id == "re":
                called = func.attr  # re.compile(...), re.sub(...); not pattern.sub(replacement, ...)
            else:
                called = func.id if isinstance(func, ast.Name) else None
            if called in REGEX_CALLS and isinstance(node.args[0].value, str):
                if possessive_repeats(node.args[0].value, regex_flags(node)):
                    found.append(f"{name}:{node.lineno}")
    assert not found, f"possessive repeats (write (?>X*) instead of X*+): {found}"


def test_the_possessive_finder_finds_nested_ones():
    assert possessive_repeats(r"a(?:b|(?:cd)*+)", 0)
    assert possessive_repeats(r"x[a-z]++", 0)
    assert not possessive_repeats(r"(?>(?:ab?c)*)[+*]+", 0)
