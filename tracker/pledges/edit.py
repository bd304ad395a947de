"""Change one value of a pledge file in place, keeping every other byte: comments, order, folding and quoting.

Only block-style YAML as the catalog writes it is edited (`key: value` lines, list items under `milestones:` and
`indicators:`); a value written in flow style (`target: {value: 3, date: 2026}`) is refused with the line to edit
by hand. The caller validates the result with the real loader before writing it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_KEY = re.compile(r"^(?P<indent> *)(?:- +)?(?P<key>[A-Za-z_][\w-]*):(?P<rest>.*)$")
_VALUE = re.compile(r"^(?P<space> *)(?P<value>\"[^\"]*\"|'[^']*'|[^#]*?)(?P<tail> *(?:#.*)?)$")


@dataclass(frozen=True)
class Where:
    """The value to change: a pledge-level key, or a key of one milestone or indicator (`sub` for `target: value:`)."""

    key: str
    section: str | None = None
    item: str | None = None
    sub: str | None = None


def set_value(text: str, where: Where, value: str) -> tuple[str, int]:
    """Return the text with the value at `where` replaced by `value`, and the (1-based) line changed."""
    lines = text.splitlines(keepends=True)
    start, end, indent = (0, len(lines), 0) if where.section is None else _item(lines, where)
    number = _find(lines, start, end, indent, where.key)
    inline = _VALUE.match(_rest(lines[number]))["value"].strip()  # type: ignore[index]
    sub = where.sub or (None if inline else "date")  # `due:` may be written as a mapping with `date:`
    if sub is not None:
        if inline:
            raise ValueError(f"line {number + 1}: `{where.key}` is written on one line; edit it by hand")
        column = _key_column(lines[number])
        number = _find(lines, number + 1, _block_end(lines, number + 1, column + 1), _indent_of(lines, number + 1), sub)
    lines[number] = _replaced(lines[number], value, number)
    return "".join(lines), number + 1


def _item(lines: list[str], where: Where) -> tuple[int, int, int]:
    """Return the lines of the list item with id `where.item` under the top-level `where.section`, and its key indent."""
    section = _find(lines, 0, len(lines), 0, str(where.section))
    end = _section_end(lines, section + 1)
    starts = [n for n in range(section + 1, end) if lines[n].lstrip().startswith("- ")]
    for i, first in enumerate(starts):
        stop = starts[i + 1] if i + 1 < len(starts) else end
        indent = len(lines[first]) - len(lines[first].lstrip()) + 2
        found = _try_find(lines, first, stop, indent, "id")
        if found is not None and _plain(_VALUE.match(_rest(lines[found]))["value"]) == where.item:  # type: ignore[index]
            return first, stop, indent
    raise ValueError(f"no {where.section[:-1] if where.section else 'item'} with id {where.item!r} found in the file's block lists")


def _find(lines: list[str], start: int, end: int, indent: int, key: str) -> int:
    found = _try_find(lines, start, end, indent, key)
    if found is None:
        raise ValueError(f"no `{key}:` line found to change (lines {start + 1}-{end}); edit the file by hand")
    return found


def _try_find(lines: list[str], start: int, end: int, indent: int, key: str) -> int | None:
    for n in range(start, end):
        match = _KEY.match(lines[n].rstrip("\r\n"))
        if match and match["key"] == key and _key_column(lines[n]) == indent:
            return n
    return None


def _key_column(line: str) -> int:
    stripped = line.lstrip(" ")
    column = len(line) - len(stripped)
    while stripped.startswith("- "):
        rest = stripped[2:].lstrip(" ")
        column += len(stripped) - len(rest)
        stripped = rest
    return column


def _block_end(lines: list[str], start: int, indent: int) -> int:
    """Return the first line at or after `start` indented less than `indent` (blank lines and comments belong)."""
    for n in range(start, len(lines)):
        body = lines[n].strip()
        if body and not body.startswith("#") and len(lines[n]) - len(lines[n].lstrip(" ")) < indent:
            return n
    return len(lines)


def _section_end(lines: list[str], start: int) -> int:
    """Return the line after a top-level list (its items may start at column 0: `- id: x`)."""
    for n in range(start, len(lines)):
        body = lines[n].strip()
        if body and not body.startswith("#") and not lines[n].startswith((" ", "- ")) and body != "-":
            return n
    return len(lines)


def _indent_of(lines: list[str], start: int) -> int:
    for line in lines[start:]:
        if line.strip() and not line.strip().startswith("#"):
            return len(line) - len(line.lstrip(" "))
    return 0


def _rest(line: str) -> str:
    return line.rstrip("\r\n").split(":", 1)[1] if ":" in line else ""


def _plain(value: str) -> str:
    value = value.strip()
    return value[1:-1] if len(value) >= 2 and value[0] == value[-1] and value[0] in "\"'" else value


def _replaced(line: str, value: str, number: int) -> str:
    body, newline = (line[:-2], "\r\n") if line.endswith("\r\n") else (line.rstrip("\n"), "\n" if line.endswith("\n") else "")
    head, rest = body.split(":", 1)
    match = _VALUE.match(rest)
    if match is None or not match["value"].strip() or match["value"].strip()[0] in "[{|>&*!":
        raise ValueError(f"line {number + 1}: `{head.strip(' -')}` is not a plain one-line value; edit it by hand")
    old = match["value"]
    quote = old[0] if old[:1] in "\"'" else ('"' if _needs_quotes(value) else "")
    return f"{head}:{match['space']}{quote}{value}{quote}{match['tail']}{newline}"


def _needs_quotes(value: str) -> bool:
    return not re.fullmatch(r"[\w.+-]+", value)
