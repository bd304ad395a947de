"""Safe YAML loading with line numbers, built from parser events (libyaml's C parser when available).

Nothing is ever constructed from tags: plain scalars follow the YAML 1.2 core schema (so `NO` and `on` stay
text, and dates stay text for the pledge model to parse); anchors, aliases, explicit tags, duplicate keys and
multiple documents are refused with the line they are on.
"""

from __future__ import annotations

import re
from typing import Any

import yaml

from tracker.pledges.values import MAX_DIGITS

MAX_BYTES = 1_000_000
MAX_DEPTH = 64
_Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

_NULL = re.compile(r"(?:~|null|Null|NULL|)")
_BOOL = {"true": True, "True": True, "TRUE": True, "false": False, "False": False, "FALSE": False}
_INT = re.compile(r"[-+]?[0-9]+")
_FLOAT = re.compile(r"[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?")
_SPECIAL_FLOAT = {".inf": float("inf"), "+.inf": float("inf"), "-.inf": float("-inf"), ".nan": float("nan")}


class YamlProblem(Exception):
    """A YAML syntax or safety problem at a 1-based line."""

    def __init__(self, line: int | None, message: str) -> None:
        super().__init__(message)
        self.line = line
        self.message = message


class Map(dict[str, Any]):
    """A mapping that remembers the line of each key (1-based)."""

    def __init__(self, line: int) -> None:
        super().__init__()
        self.line = line
        self.lines: dict[str, int] = {}


class Seq(list[Any]):
    """A sequence that remembers the line of each item (1-based)."""

    def __init__(self, line: int) -> None:
        super().__init__()
        self.line = line
        self.lines: list[int] = []


def load(text: str) -> Any:
    """Parse one YAML document into Map, Seq and plain scalars, raising YamlProblem."""
    if len(text) > MAX_BYTES:
        raise YamlProblem(None, f"file is larger than {MAX_BYTES} bytes")
    if "\x00" in text:
        raise YamlProblem(None, "file contains a NUL byte")
    try:
        return _Builder().run(yaml.parse(text, Loader=_Loader))
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        problem = (exc.problem or exc.context or "invalid YAML").strip().replace("\n", " ")
        if mark is not None:
            problem = explain(problem, exc.context or "", text, mark.line, mark.column, exc.context_mark.line + 1 if exc.context_mark else None)
        raise YamlProblem(mark.line + 1 if mark else None, problem) from None
    except yaml.YAMLError as exc:
        raise YamlProblem(None, f"invalid YAML: {str(exc).splitlines()[0] if str(exc) else type(exc).__name__}") from None


def explain(problem: str, context: str, text: str, line: int, column: int, opened: int | None) -> str:
    """Return a YAML parser's problem in plain words where it is a matter of indentation or quoting (0-based line)."""
    lines = text.splitlines()
    current = lines[line] if line < len(lines) else ""
    indent = _indent(current)
    if "tab" in problem or "'\\t'" in problem:
        return "this line is indented with a tab; YAML indents with spaces only"
    if problem.startswith("mapping values are not allowed"):
        if ": " in current[:column] or current[:column].rstrip().endswith(":"):
            return "a value holding ': ' must be quoted, e.g. title: \"Plan: phase 2\""
        above = next((n for n in range(min(line, len(lines)) - 1, -1, -1) if lines[n].strip() and not lines[n].lstrip().startswith("#")), None)
        if above is not None and indent > _indent(lines[above]):
            return f"this line is indented more than line {above + 1} above it, which already has a value; indent it like the keys it belongs with"
        return problem
    if "quoted scalar" in context and opened:
        return f"the quote opened on line {opened} is never closed"
    if not any(word in problem for word in ("expected key", "indicator", "<block end>", "document start")):
        return problem
    if column != indent or not current.strip():
        return "unexpected text after a quoted or bracketed value; put the whole value in quotes"
    return _misaligned(problem, context, current, opened)


def _indent(line: str) -> int:
    return len(line) - len(line.lstrip(" "))


def _misaligned(problem: str, context: str, current: str, opened: int | None) -> str:
    """Say how a line that starts where no key or list item can start is out of line."""
    if "document start" in problem:
        return "this line is indented less than the first line; the top-level keys must all start at the same column"
    where = f" starting on line {opened}" if opened else ""
    if current.lstrip().startswith("-") or "collection" in context:
        where = where if "collection" in context else " above"
        return (f"this line does not line up with the list{where}: each item's '- ' starts at the same column, "
                "and an item's keys line up under its first key")
    return f"this line is indented differently from the keys of the mapping{where}; keys of one mapping start at the same column"


def scalar(value: str, plain: bool) -> Any:
    """Resolve a scalar: quoted ones are text, plain ones follow the YAML 1.2 core schema."""
    if not plain:
        return value
    if _NULL.fullmatch(value):
        return None
    if value in _BOOL:
        return _BOOL[value]
    if _INT.fullmatch(value):
        if len(value.lstrip("+-")) > MAX_DIGITS:
            raise ValueError(f"a number of more than {MAX_DIGITS} digits is not accepted ({value[:20]}...)")
        return int(value)
    if re.fullmatch(r"0o[0-7]+|0x[0-9a-fA-F]+", value):
        return int(value, 0)
    if _FLOAT.fullmatch(value):
        return float(value)
    return _SPECIAL_FLOAT.get(value.lower(), value)


class _Builder:
    """Turn a stream of parser events into Map/Seq/scalars, checking safety as it goes."""

    def __init__(self) -> None:
        self.stack: list[Map | Seq] = []
        self.pending_key: list[str | None] = []
        self.root: Any = None
        self.documents = 0

    def run(self, events: Any) -> Any:
        for event in events:
            self.event(event)
        return self.root

    def event(self, event: Any) -> None:
        line = event.start_mark.line + 1
        if isinstance(event, yaml.AliasEvent) or getattr(event, "anchor", None):
            raise YamlProblem(line, "anchors and aliases (&name, *name) are not allowed")
        tag = getattr(event, "tag", None)
        if tag is not None and tag != "!" and isinstance(event, (yaml.ScalarEvent, yaml.CollectionStartEvent)):
            raise YamlProblem(line, f"YAML tags such as {tag} are not allowed")
        if isinstance(event, yaml.DocumentStartEvent):
            self.documents += 1
            if self.documents > 1:
                raise YamlProblem(line, "a pledge file holds one YAML document (remove the second ---)")
        elif isinstance(event, yaml.ScalarEvent):
            try:
                resolved = scalar(event.value, event.style in (None, "") and event.implicit[0])
            except ValueError as exc:
                raise YamlProblem(line, str(exc)) from None
            self.add(resolved, line, event.value)
        elif isinstance(event, (yaml.MappingStartEvent, yaml.SequenceStartEvent)):
            self.open(Map(line) if isinstance(event, yaml.MappingStartEvent) else Seq(line), line)
        elif isinstance(event, (yaml.MappingEndEvent, yaml.SequenceEndEvent)):
            self.close()

    def open(self, node: Map | Seq, line: int) -> None:
        if len(self.stack) >= MAX_DEPTH:
            raise YamlProblem(line, f"nesting deeper than {MAX_DEPTH} levels")
        self.add(node, line, None)
        self.stack.append(node)
        self.pending_key.append(None)

    def close(self) -> None:
        self.stack.pop()
        self.pending_key.pop()

    def add(self, value: Any, line: int, raw: str | None) -> None:
        if not self.stack:
            self.root = value
            return
        parent = self.stack[-1]
        if isinstance(parent, Seq):
            parent.append(value)
            parent.lines.append(line)
        elif self.pending_key[-1] is None:
            self.set_key(parent, value, line, raw)
        else:
            parent[self.pending_key[-1]] = value
            self.pending_key[-1] = None

    def set_key(self, parent: Map, value: Any, line: int, raw: str | None) -> None:
        if isinstance(value, (Map, Seq)):
            raise YamlProblem(line, "mapping keys must be plain text")
        key = raw if raw is not None else str(value)
        if key in parent.lines:
            raise YamlProblem(line, f'found duplicate key "{key}" (first on line {parent.lines[key]})')
        parent.lines[key] = line
        self.pending_key[-1] = key


def locate(root: Any, loc: tuple[int | str, ...]) -> int | None:
    """Return the 1-based line of the node at a pydantic error `loc`, or the nearest parent's."""
    return walk(root, loc)[0]


def walk(root: Any, loc: tuple[int | str, ...]) -> tuple[int | None, int]:
    """Return the line reached and how many parts of `loc` exist in the file (stopping at a scalar)."""
    node, line, depth = root, getattr(root, "line", None), 0
    for part in loc:
        if isinstance(node, Map) and part in node:
            line, node = node.lines[str(part)], node[str(part)]
        elif isinstance(node, Seq) and isinstance(part, int) and 0 <= part < len(node):
            line, node = node.lines[part], node[part]
        elif isinstance(node, (Map, Seq)):
            break
        else:
            return line, depth
        depth += 1
    return line, depth if not isinstance(node, (Map, Seq)) or depth == len(loc) else len(loc)
