"""Safe YAML loading with positions: no tags, no aliases, no duplicate keys, dates kept as text."""

from __future__ import annotations

from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.composer import Composer, ComposerError
from ruamel.yaml.constructor import RoundTripConstructor
from ruamel.yaml.error import MarkedYAMLError, YAMLError
from ruamel.yaml.events import AliasEvent

MAX_BYTES = 1_000_000


class YamlProblem(Exception):
    """A YAML syntax or safety problem at a 1-based line."""

    def __init__(self, line: int | None, message: str) -> None:
        super().__init__(message)
        self.line = line
        self.message = message


class _StrictComposer(Composer):
    """Refuse anchors, aliases and explicit tags: pledge files are plain data."""

    def compose_node(self, parent: Any, index: Any) -> Any:
        event = self.parser.peek_event()
        if isinstance(event, AliasEvent) or getattr(event, "anchor", None):
            raise ComposerError(None, None, "anchors and aliases (&name, *name) are not allowed", event.start_mark)
        tag = getattr(event, "tag", None)
        if tag is not None and str(getattr(tag, "value", tag)) not in ("!", ""):
            raise ComposerError(None, None, f"YAML tags such as {getattr(tag, 'value', tag)} are not allowed", event.start_mark)
        return super().compose_node(parent, index)


class _TextDates(RoundTripConstructor):
    """Keep `2026-05-17` as text so the pledge model parses it with a clear message."""


_TextDates.add_constructor("tag:yaml.org,2002:timestamp", lambda self, node: self.construct_scalar(node))


def _yaml() -> YAML:
    yaml = YAML(typ="rt")
    yaml.Composer = _StrictComposer
    yaml.Constructor = _TextDates
    yaml.allow_duplicate_keys = False
    return yaml


def load(text: str) -> Any:
    """Parse YAML text into ruamel's commented containers, raising YamlProblem."""
    if len(text) > MAX_BYTES:
        raise YamlProblem(None, f"file is larger than {MAX_BYTES} bytes")
    if "\x00" in text:
        raise YamlProblem(None, "file contains a NUL byte")
    try:
        return _yaml().load(text)
    except MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark is not None else None
        problem = (exc.problem or exc.context or "invalid YAML").strip().replace("\n", " ")
        raise YamlProblem(line, problem) from None
    except (YAMLError, ValueError, RecursionError) as exc:
        raise YamlProblem(None, f"invalid YAML: {str(exc).splitlines()[0] if str(exc) else type(exc).__name__}") from None


def plain(node: Any) -> Any:
    """Convert ruamel containers into plain dicts, lists and scalars."""
    if isinstance(node, CommentedMap):
        return {str(k): plain(v) for k, v in node.items()}
    if isinstance(node, CommentedSeq):
        return [plain(v) for v in node]
    if isinstance(node, str):
        return str(node)
    return node


def locate(root: Any, loc: tuple[int | str, ...]) -> int | None:
    """Return the 1-based line of the node at a pydantic error `loc`, or the nearest parent's."""
    return walk(root, loc)[0]


def walk(root: Any, loc: tuple[int | str, ...]) -> tuple[int | None, int]:
    """Return the line reached and how many parts of `loc` exist in the file (stopping at a scalar)."""
    node, line, depth = root, _line_of(root), 0
    for part in loc:
        if isinstance(node, CommentedMap) and part in node:
            pos = node.lc.value(part) if not isinstance(node[part], (CommentedMap, CommentedSeq)) else node.lc.key(part)
            node = node[part]
        elif isinstance(node, CommentedSeq) and isinstance(part, int) and 0 <= part < len(node):
            pos = node.lc.item(part)
            node = node[part]
        elif isinstance(node, (CommentedMap, CommentedSeq)):
            break
        else:
            return line, depth
        line, depth = (pos[0] + 1 if pos else line), depth + 1
    return line, depth if not isinstance(node, (CommentedMap, CommentedSeq)) or depth == len(loc) else len(loc)


def _line_of(node: Any) -> int | None:
    if isinstance(node, (CommentedMap, CommentedSeq)):
        return int(node.lc.line) + 1
    return None
