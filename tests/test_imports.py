"""The layers import downwards only: no import cycle (imports inside functions included), and
importing a module changes nothing global (no page, callback, chart or plotly template
registered by the side effect of an import)."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def project_modules() -> dict[str, Path]:
    """Every module of the package, the pages and the app, by dotted name."""
    files = [*(ROOT / "indicators").rglob("*.py"), *(ROOT / "pages").glob("*.py"), ROOT / "app.py"]
    return {module_name(p): p for p in files if "__pycache__" not in p.parts}


def imports_of(path: Path, known: set[str]) -> set[str]:
    """The project modules a file imports, wherever the import statement sits."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names if alias.name in known)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            for alias in node.names:
                child = f"{node.module}.{alias.name}"
                if child in known:
                    found.add(child)
                elif node.module in known:
                    found.add(node.module)
    return found


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected components with more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for nxt in graph.get(node, ()):
            if nxt not in index:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in on_stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            component = []
            while True:
                top = stack.pop()
                on_stack.discard(top)
                component.append(top)
                if top == node:
                    break
            if len(component) > 1 or node in graph.get(node, ()):
                found.append(sorted(component))

    sys.setrecursionlimit(10_000)
    for node in sorted(graph):
        if node not in index:
            visit(node)
    return found


def test_no_import_cycle_anywhere():
    modules = project_modules()
    known = set(modules)
    graph = {name: imports_of(path, known) - {name} for name, path in modules.items()}
    assert cycles(graph) == []


def test_the_cycle_finder_finds_a_cycle():
    assert cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]


IMPORT_EVERYTHING = """
import importlib, pkgutil, sys
import dash, plotly.io as pio
import indicators
before = pio.templates.default
names = [
    m.name
    for m in pkgutil.walk_packages(indicators.__path__, "indicators.")
    if not m.name.endswith("__main__")  # a command, not a module to import
]
for name in names:
    importlib.import_module(name)
from dash._callback import GLOBAL_CALLBACK_LIST as CALLBACKS
print(len(names), pio.templates.default == before, len(dash.page_registry), len(CALLBACKS))
"""


def test_importing_any_module_changes_nothing_global():
    """Importing every module of the package registers no page and no callback and leaves
    plotly's default template alone: the app and the renderers set them up explicitly."""
    out = subprocess.run(
        [sys.executable, "-c", IMPORT_EVERYTHING],
        capture_output=True,
        text=True,
        cwd=ROOT,
        check=True,
    ).stdout.split()
    count, template_untouched, pages, callbacks = out
    assert int(count) > 40
    assert (template_untouched, pages, callbacks) == ("True", "0", "0")
