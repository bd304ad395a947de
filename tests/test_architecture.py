"""The house rules, read from the source: folders by job, imports one way, SQL in the store, click in the CLI."""

from __future__ import annotations

import ast
import re
import statistics
from collections.abc import Iterator
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "tracker"
# What each folder may import from the package, besides itself and the shared top-level modules.
ALLOWED = {
    "pledges": set(),
    "domain": {"pledges"},
    "store": {"domain", "pledges"},
    "views": {"store", "domain", "pledges"},
    "render": {"views", "domain", "pledges"},
    "interop": {"views", "store", "domain", "pledges"},
    "service": {"interop", "views", "render", "store", "domain", "pledges"},
    "cli": {"service", "interop", "views", "render", "store", "domain", "pledges"},
}
TOP_LEVEL = {"__init__", "__main__", "errors", "files", "workspace"}
SQL = re.compile(r"\b(SELECT\b.+\bFROM|INSERT\s+(OR\s+\w+\s+)?INTO|UPDATE\s+\w+\s+SET|DELETE\s+FROM|CREATE\s+(TEMP\s+)?(TABLE|INDEX|TRIGGER))\b", re.IGNORECASE | re.DOTALL)
CLOCK = ("datetime.now", "date.today", "time.time", "time.monotonic", "datetime.utcnow")


def modules() -> Iterator[tuple[str, Path]]:
    """Yield every module of the package with its dotted name."""
    for path in sorted(PACKAGE.rglob("*.py")):
        parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
        yield ".".join(parts[:-1] if parts[-1] == "__init__" else parts), path


def _type_checking_lines(tree: ast.Module) -> set[int]:
    lines: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.If) and getattr(node.test, "id", None) == "TYPE_CHECKING":
            for child in node.body:
                lines.update(range(child.lineno, (child.end_lineno or child.lineno) + 1))
    return lines


def imports_of(name: str, path: Path, typed: bool = False) -> set[str]:
    """Return the package modules `name` imports (anywhere in the file; with `typed`, under TYPE_CHECKING too)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    skip = set() if typed else _type_checking_lines(tree)
    known = {n for n, _ in modules()}
    found: set[str] = set()
    for node in ast.walk(tree):
        if getattr(node, "lineno", None) in skip:
            continue
        if isinstance(node, ast.Import):
            found.update(a.name for a in node.names if a.name.startswith("tracker"))
        elif isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("tracker"):
            for alias in node.names:
                full = f"{node.module}.{alias.name}"
                found.add(full if full in known else node.module)
    return {m for m in found if m in known and m != name}


def graph(typed: bool = False) -> dict[str, set[str]]:
    """Return the import graph of the package (with `typed`, the imports made only for type hints too)."""
    return {name: imports_of(name, path, typed) for name, path in modules()}


def folder(module: str) -> str:
    """Return the folder (or top-level module) a module belongs to."""
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else "__init__"


def test_no_import_cycle() -> None:
    """Depth-first search over every import, lazy ones included: no module reaches itself again."""
    edges = graph()
    state: dict[str, int] = {}

    def visit(node: str, trail: list[str]) -> None:
        state[node] = 1
        for nxt in sorted(edges[node]):
            if state.get(nxt) == 1:
                raise AssertionError("import cycle: " + " -> ".join([*trail[trail.index(nxt):], nxt]))
            if nxt not in state:
                visit(nxt, [*trail, nxt])
        state[node] = 2

    for start in sorted(edges):
        if start not in state:
            visit(start, [start])


def test_imports_run_one_way() -> None:
    """cli -> service -> interop -> views -> store -> domain -> pledges; render reads views' data, never the store."""
    wrong = []
    for module, targets in graph(typed=True).items():
        own = folder(module)
        for target in targets:
            other = folder(target)
            if other in TOP_LEVEL or other == own:
                continue
            if (own in TOP_LEVEL - {"__main__"} and other != "pledges") or (own in ALLOWED and other not in ALLOWED[own]):
                wrong.append(f"{module} -> {target}")
    assert not wrong, wrong


def test_tracker_itself_keeps_only_a_handful_of_modules() -> None:
    """Everything else lives in a folder whose __init__ docstring says what it holds."""
    assert {p.stem for p in PACKAGE.glob("*.py")} == TOP_LEVEL
    for sub in ALLOWED:
        assert ast.get_docstring(ast.parse((PACKAGE / sub / "__init__.py").read_text(encoding="utf-8"))), sub


def _source(path: Path) -> str:
    return path.read_text(encoding="utf-8")


def test_sql_only_in_the_store() -> None:
    """No SQL text and no execute( outside tracker/store/."""
    found = [str(p) for name, p in modules() if folder(name) != "store" and ("execute(" in _source(p) or SQL.search(_source(p)))]
    assert not found, found


def _importers(library: str) -> list[str]:
    pattern = re.compile(rf"^\s*(import {library}\b|from {library}\b)", re.MULTILINE)
    return [name for name, p in modules() if pattern.search(_source(p))]


def test_click_only_in_the_cli() -> None:
    assert {folder(m) for m in _importers("click")} == {"cli"}


@pytest.mark.parametrize("library", ["apscheduler", "apprise"])
def test_one_module_each_for_the_scheduler_and_the_chat_channels(library: str) -> None:
    assert len(_importers(library)) == 1, _importers(library)


def test_no_exit_that_skips_teardown() -> None:
    assert not [name for name, p in modules() if "os._exit" in _source(p)]


def test_views_and_renderers_never_read_the_clock() -> None:
    found = [f"{name}: {c}" for name, p in modules() if folder(name) in ("views", "render") for c in CLOCK if c in _source(p)]
    assert not found, found


def _function_lengths() -> list[tuple[int, str]]:
    lengths = []
    for name, path in modules():
        for node in ast.walk(ast.parse(_source(path))):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                lengths.append(((node.end_lineno or node.lineno) - node.lineno + 1, f"{name}.{node.name}"))
    return lengths


def test_short_functions_and_modules() -> None:
    """Median function at most 10 lines, none over 60; no module over 400 lines."""
    lengths = _function_lengths()
    assert statistics.median(n for n, _ in lengths) <= 10
    assert max(lengths)[0] <= 60, max(lengths)
    long = [f"{name}: {n}" for name, p in modules() if (n := len(_source(p).splitlines())) > 400]
    assert not long, long
