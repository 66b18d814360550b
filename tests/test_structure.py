"""The package's shape: imports run one way (no cycles), only the main window wires the
GUI (nothing below it imports it), core and the CLI never import Qt, the box table's row
store needs no Qt, and every GUI module stays small enough to read (or says why not)."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "ccrgui"
MAX_LINES = 400


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


MODULES = {_module_name(p): p for p in sorted(PACKAGE.rglob("*.py"))}


def _imports(name: str) -> set[str]:
    """The ccrgui modules ``name`` imports, at any depth of its code (deferred imports
    inside functions count: they are cycles all the same)."""
    path = MODULES[name]
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(a.name for a in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[: len(base) - node.level + 1]
                prefix = ".".join(base + ([node.module] if node.module else []))
            else:
                prefix = node.module or ""
            found.add(prefix)
            found.update(f"{prefix}.{a.name}" for a in node.names)
    return {m for m in found if m in MODULES and m != name}


GRAPH = {name: _imports(name) for name in MODULES}


def _external(name: str) -> set[str]:
    tree = ast.parse(MODULES[name].read_text(encoding="utf-8"))
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(a.name.split(".")[0] for a in node.names)
        elif isinstance(node, ast.ImportFrom) and not node.level and node.module:
            found.add(node.module.split(".")[0])
    return found


def _cycles() -> list[list[str]]:
    """Strongly connected groups of more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    groups: list[list[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in GRAPH[v]:
            # a package's __init__ importing its own modules is not a cycle of ideas
            if v == w.rpartition(".")[0]:
                continue
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            group = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                group.append(w)
                if w == v:
                    break
            if len(group) > 1:
                groups.append(sorted(group))

    for v in GRAPH:
        if v not in index:
            visit(v)
    return groups


def test_the_graph_sees_real_imports() -> None:
    assert "ccrgui.core.scanner" in GRAPH["ccrgui.core.scan"]
    assert "ccrgui.gui.box.view" in GRAPH["ccrgui.gui.main_window"]


def test_no_import_cycles() -> None:
    assert _cycles() == []


def test_only_the_app_imports_the_main_window() -> None:
    importers = sorted(n for n, deps in GRAPH.items() if "ccrgui.gui.main_window" in deps)
    assert importers == ["ccrgui.gui.app"]


@pytest.mark.parametrize(
    "name", sorted(n for n in MODULES if n.startswith("ccrgui.core") or n == "ccrgui.cli")
)
def test_core_and_cli_never_import_qt(name: str) -> None:
    assert not _external(name) & {"PySide6", "shiboken6"}
    assert not any(dep.startswith("ccrgui.gui") for dep in GRAPH[name])


@pytest.mark.parametrize("name", sorted(n for n in MODULES if n.startswith("ccrgui.gui")))
def test_gui_modules_stay_small_or_say_why(name: str) -> None:
    path = MODULES[name]
    lines = len(path.read_text(encoding="utf-8").splitlines())
    doc = ast.get_docstring(ast.parse(path.read_text(encoding="utf-8"))) or ""
    assert lines <= MAX_LINES or "Why this module is long" in doc, f"{path}: {lines} lines"


@pytest.mark.parametrize("name", ["columns", "rows", "store"])
def test_the_row_store_needs_no_qt(name: str) -> None:
    module = f"ccrgui.gui.box.{name}"
    assert not _external(module) & {"PySide6", "shiboken6"}
    pure = {f"ccrgui.gui.box.{n}" for n in ("columns", "rows", "store")}
    assert all(dep.startswith("ccrgui.core") or dep in pure for dep in GRAPH[module])
