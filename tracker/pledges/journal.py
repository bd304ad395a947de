"""The journal: everything recorded, as plain-text files under `journal/` that git or a shared folder carries.

One file per command that records something, one JSON object per line, never changed once written. A file is named
by the time it was written, the host and a random token, so two people or machines never write the same file and a
merge never conflicts. Every entry has a stable `id`, its `type`, the `pledge`, its `author` and `entered_at` (UTC).

    journal/2026/2026-12-01T021500Z-desk-7f3a9c2e01b4d6f8.jsonl
    {"id": "2026-12-01T021500Z-7f3a9c2e01b4d6f8-1", "type": "update", "pledge": "gcm-implementation-plan", ...}

A file of many entries (a bulk import) starts with a `defaults` line giving the `author` and `entered_at` its entries
share; an entry then leaves out what equals the defaults, and optional keys that are null: the journal of half a
million readings stays near the size of their CSV, and each entry still reads as a whole with the line above it.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Iterable, Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from tracker.errors import PledgeFileError

FOLDER = "journal"
SUFFIX = ".jsonl"
MAX_FILE_BYTES = 512 << 20  # a bulk import of a few million readings; larger files are refused before reading
# The keys each type of entry must have, besides id, type, pledge, author and entered_at.
TYPES: dict[str, tuple[str, ...]] = {
    "update": ("date", "status", "note"),
    "reading": ("indicator", "date", "value"),
    "done": ("milestone", "date"),
    "revision": ("item_kind", "item", "field", "old", "new", "date"),
    "retract": ("target", "reason"),
    "snooze": ("item_kind", "item", "until", "reason"),
    "round-open": ("round", "due", "pledges"),
    "round-close": ("round",),
}
OPTIONAL = {"update": ("source", "corrects"), "reading": ("source", "note", "corrects"), "done": ("evidence", "corrects"),
            "revision": ("reason",), "retract": (), "snooze": (), "round-open": ("review", "owner", "framework", "message", "asked"),
            "round-close": ()}
ROUNDS = ("round-open", "round-close")  # entries about a reporting round, not one pledge: they carry no `pledge`


def new_name(now: datetime) -> tuple[str, str]:
    """Return a new journal file's path inside the journal folder, and the prefix of its entries' ids."""
    stamp = now.astimezone(UTC).strftime("%Y-%m-%dT%H%M%SZ")
    token = os.urandom(8).hex()  # os.urandom, not secrets: that module loads OpenSSL for every write
    host = re.sub(r"[^A-Za-z0-9-]+", "-", _hostname().split(".")[0]).strip("-")[:30] or "host"
    return f"{stamp[:4]}/{stamp}-{host}-{token}{SUFFIX}", f"{stamp}-{token}"


SHARED = ("author", "entered_at")  # what a `defaults` line gives the entries after it


class Writer:
    """Turn the entries of one file into journal lines (compact JSON, UTF-8 text kept as is), across several calls.

    A file of one entry is that entry in full; with a second entry, a `defaults` line first takes the shared keys of
    the first entry, and every entry leaves out what equals them and its null optional keys.
    """

    def __init__(self) -> None:
        self.first: dict[str, Any] | None = None
        self.defaults: dict[str, Any] | None = None

    def lines(self, entries: Iterable[dict[str, Any]]) -> Iterator[str]:
        """Yield the lines of these entries (the next ones of the file)."""
        for entry in entries:
            if self.defaults is None and self.first is None:
                self.first = entry
                continue
            if self.defaults is None and self.first is not None:
                self.defaults = {key: self.first.get(key) for key in SHARED}
                yield _dump({"type": "defaults", **self.defaults})
                yield _dump(self._compact(self.first))
            yield _dump(self._compact(entry))

    def end(self) -> Iterator[str]:
        """Yield what is held back: a lone first entry, in full."""
        if self.defaults is None and self.first is not None:
            yield _dump(self.first)

    def _compact(self, entry: dict[str, Any]) -> dict[str, Any]:
        optional = OPTIONAL.get(entry.get("type", ""), ())
        defaults = self.defaults or {}
        return {k: v for k, v in entry.items()
                if not (k in SHARED and k in defaults and defaults[k] == v) and not (v is None and k in optional)}


def _hostname() -> str:
    """Return this machine's name; os.uname where there is one (importing socket costs every write ~2 ms)."""
    if hasattr(os, "uname"):
        return os.uname().nodename
    import socket

    return socket.gethostname()


def lines(entries: Iterable[dict[str, Any]]) -> Iterator[str]:
    """Yield the lines of a whole file of entries."""
    writer = Writer()
    yield from writer.lines(entries)
    yield from writer.end()


def _dump(entry: dict[str, Any]) -> str:
    return json.dumps(entry, ensure_ascii=False, separators=(",", ":")) + "\n"


def read(path: Path, name: str) -> Iterator[dict[str, Any]]:
    """Yield the entries of a journal file one at a time, or raise PledgeFileError naming `name:line` at a bad one."""
    size = path.stat().st_size
    if size > MAX_FILE_BYTES:
        raise PledgeFileError([f"{name}:1: the journal file is {size:,} bytes; at most {MAX_FILE_BYTES:,} are read"])
    number = 0
    defaults: dict[str, Any] = {}
    try:
        with path.open(encoding="utf-8", newline="\n") as handle:
            for number, line in enumerate(handle, start=1):  # noqa: B007  (the number names a bad line below)
                if not line.strip():
                    continue
                entry = _entry(line, defaults)
                if entry["type"] == "defaults":
                    defaults = {key: entry.get(key) for key in SHARED if key in entry}
                else:
                    yield entry
    except UnicodeDecodeError as exc:
        raise PledgeFileError([f"{name}:{number + 1}: not UTF-8 text ({exc.reason})"]) from None
    except ValueError as exc:
        raise PledgeFileError([f"{name}:{number}: {exc}"]) from None


def _entry(line: str, defaults: dict[str, Any]) -> dict[str, Any]:
    try:
        entry = json.loads(line)
    except json.JSONDecodeError as exc:
        raise ValueError(f"not a JSON object ({exc.msg})") from None
    if not isinstance(entry, dict):
        raise ValueError("not a JSON object")
    if entry.get("type") == "defaults":
        return entry
    entry = {**defaults, **entry}
    kind = entry.get("type")
    if kind not in TYPES:
        raise ValueError(f"unknown entry type {kind!r} (known: {', '.join(TYPES)}, and defaults)")
    common = ("id", "entered_at") if kind in ROUNDS else ("id", "pledge", "entered_at")
    missing = [k for k in (*common, *TYPES[kind]) if k not in entry]
    if missing:
        raise ValueError(f"a {kind} entry lacks {', '.join(missing)}")
    if not all(isinstance(entry[k], str) for k in common):
        raise ValueError(f"{', '.join(common)} must be text")
    if kind == "snooze":
        _check_snooze(entry)
    if kind == "round-open":
        _check_round(entry)
    return entry


def _check_round(entry: dict[str, Any]) -> None:
    """Refuse a round the index could not take in: a name, a due day, a list of pledge ids."""
    from tracker.pledges.days import parse_day

    if not isinstance(entry["round"], str) or not entry["round"].strip():
        raise ValueError("a round's name must be text")
    try:
        if not isinstance(entry["due"], str) or parse_day(entry["due"]).isoformat() != entry["due"]:
            raise ValueError
    except ValueError:
        raise ValueError(f"a round's due must be a day YYYY-MM-DD, not {entry['due']!r}") from None
    if not isinstance(entry["pledges"], list) or not all(isinstance(p, str) for p in entry["pledges"]):
        raise ValueError("a round's pledges must be a list of pledge ids")
    asked = entry.get("asked") or {}
    if not isinstance(asked, dict) or not all(isinstance(v, list) and all(isinstance(i, str) for i in v) for v in asked.values()):
        raise ValueError("a round's asked must map pledge ids to lists of indicator ids")


def _check_snooze(entry: dict[str, Any]) -> None:
    """Refuse a snooze the index could not turn into a deadline key and a day."""
    from tracker.pledges.days import parse_day

    kind, item, until = entry["item_kind"], entry["item"], entry["until"]
    if kind not in ("pledge", "milestone"):
        raise ValueError(f"a snooze's item_kind must be pledge or milestone, not {kind!r}")
    if not (item is None if kind == "pledge" else isinstance(item, str) and item):
        raise ValueError("a snooze's item must be the milestone's id for a milestone, and null for the pledge")
    try:
        if not isinstance(until, str) or parse_day(until).isoformat() != until:
            raise ValueError
    except ValueError:
        raise ValueError(f"a snooze's until must be a day YYYY-MM-DD, not {until!r}") from None
    if not isinstance(entry["reason"], str):
        raise ValueError("a snooze's reason must be text")


def scan(folder: Path, states: dict[str, tuple[int, int]] | None = None) -> str:
    """Return a checksum of the journal files' names, sizes and mtimes (every command compares it, cheaply);
    given `states`, fill it with (size, mtime_ns) by path relative to `folder`."""
    import zlib

    records: list[str] = []
    for path in sorted(folder.glob(f"*/*{SUFFIX}")):
        if path.name.startswith("."):
            continue
        try:
            info = path.stat()
        except FileNotFoundError:
            continue
        relative = f"{path.parent.name}/{path.name}"
        records.append(f"{relative}/{info.st_size}/{info.st_mtime_ns}\0")
        if states is not None:
            states[relative] = (info.st_size, info.st_mtime_ns)
    data = "".join(records).encode("utf-8", "surrogateescape")
    return f"{zlib.crc32(data):08x}{zlib.adler32(data):08x}{len(data):x}"
