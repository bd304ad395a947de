"""Import indicator readings from CSV: read the whole file, check every row, and only then record them all at once."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from tracker.errors import ConflictError, UsageError
from tracker.pledges.days import past_day
from tracker.pledges.models import Indicator
from tracker.pledges.values import check_source, check_text, check_value
from tracker.store.bulk import active_pledge_ids, definition_of
from tracker.store.core import did_you_mean
from tracker.store.db import Database
from tracker.store.history import ReadingRow, reading_row

REQUIRED = ("pledge", "indicator", "date", "value")
OPTIONAL = ("source", "note")
# Written by `tracker export csv --table readings` for people, ignored on import so an export imports as is.
INFORMATIONAL = ("id", "unit", "recorded_at")
MAX_SHOWN = 50


@dataclass(frozen=True)
class CsvFile:
    """A readings file checked for encoding and header: where each column is, and how many data rows it has.

    The rows are parsed again on each pass (`rows()`) instead of being kept: a file of 100,000 rows held as lists
    of cells takes about 90 MiB.
    """

    name: str
    columns: dict[str, int]
    width: int
    raw: bytes
    count: int

    def rows(self) -> Iterator[tuple[int, list[str]]]:
        """Yield each data row with its physical line number."""
        reader = _reader(self.raw)
        _next_row(reader, self.name)  # the header
        yield from _data_rows(reader, self.name)


@dataclass
class Checked:
    """The outcome of checking every row: how many readings are good, or problems as `file:line: message`."""

    count: int = 0
    problems: list[str] = field(default_factory=list)
    pledges: dict[str, str] = field(default_factory=dict)
    indicators: set[tuple[str, str]] = field(default_factory=set)


def read_csv(path: Path, name: str) -> CsvFile:
    """Read a readings CSV file; a file that is not UTF-8 CSV with the expected header raises UsageError."""
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise UsageError(f"{name}: cannot read: {exc.strerror}") from None
    _decode(raw, name)
    reader = _reader(raw)
    header = _next_row(reader, name)
    if header is None:
        raise UsageError(f"{name}: the file is empty; expected a header line: {','.join(REQUIRED + OPTIONAL)}")
    columns = _columns(header, name)
    return CsvFile(name, columns, len(header), raw, sum(1 for _ in _data_rows(reader, name)))


def _reader(raw: bytes) -> Any:
    # Decoded a few kilobytes at a time (the whole text was checked by _decode first).
    return csv.reader(io.TextIOWrapper(io.BytesIO(raw), encoding="utf-8-sig", newline=""), strict=True)


def _decode(raw: bytes, name: str) -> str:
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise UsageError(f"{name}:{line}: not UTF-8 text (byte 0x{raw[exc.start]:02x}); save the file as CSV UTF-8") from None
    if "\x00" in text:
        raise UsageError(f"{name}: not a CSV text file (it holds NUL bytes); save it as CSV UTF-8")
    return text


def _next_row(reader: Any, name: str) -> list[str] | None:
    try:
        return next(reader)  # type: ignore[no-any-return]
    except StopIteration:
        return None
    except csv.Error as exc:
        raise UsageError(f"{name}:{reader.line_num}: not valid CSV: {exc}") from None


def _columns(header: list[str], name: str) -> dict[str, int]:
    names = [h.strip().lower() for h in header]
    if len(names) == 1 and any(sep in header[0] for sep in ";\t"):
        raise UsageError(f"{name}:1: the header has one column; expected comma-separated values, not semicolons or tabs")
    unknown = [h for h in names if h not in REQUIRED + OPTIONAL + INFORMATIONAL]
    missing = [h for h in REQUIRED if h not in names]
    doubled = sorted({h for h in names if names.count(h) > 1})
    expected = f"expected columns {','.join(REQUIRED)} and optionally {','.join(OPTIONAL)}"
    for problem, found in (("unknown column(s)", unknown), ("missing column(s)", missing), ("repeated column(s)", doubled)):
        if found:
            raise UsageError(f"{name}:1: {problem} {', '.join(repr(f) for f in found)}; {expected}")
    return {h: i for i, h in enumerate(names)}


def _data_rows(reader: Any, name: str) -> Iterator[tuple[int, list[str]]]:
    previous = reader.line_num
    while (cells := _next_row(reader, name)) is not None:
        line, previous = previous + 1, reader.line_num
        if any(c.strip() for c in cells):
            yield line, cells


class Catalog:
    """The indicators of the active pledges a file names, each read and validated into a model once, on first use."""

    def __init__(self, db: Database) -> None:
        self.db = db
        self.specs: dict[str, tuple[str, dict[str, Any]] | None] = {}
        self.models: dict[tuple[str, str], Indicator] = {}
        self.known_ids: list[str] | None = None

    def pledge_ids(self) -> list[str]:
        """Return the ids of the active pledges, read once (only to suggest one for a mistyped id)."""
        if self.known_ids is None:
            self.known_ids = sorted(active_pledge_ids(self.db))
        return self.known_ids

    def sha(self, pledge_id: str) -> str:
        """Return the file hash of a pledge already looked up (what the insert re-checks)."""
        spec = self.specs[pledge_id]
        assert spec is not None
        return spec[0]

    def _spec(self, pledge_id: str) -> tuple[str, dict[str, Any]] | None:
        # A global portfolio has 10,000 definitions: only the pledges the file names are read.
        if pledge_id not in self.specs:
            found = definition_of(self.db, pledge_id)
            self.specs[pledge_id] = None if found is None else (found[0], {i["id"]: i for i in found[1].get("indicators", [])})
        return self.specs[pledge_id]

    def indicator(self, pledge_id: str, indicator_id: str) -> Indicator:
        """Return the indicator model, or raise ValueError naming the unknown pledge or indicator."""
        found = self.models.get((pledge_id, indicator_id))
        if found is not None:
            return found
        spec = self._spec(pledge_id)
        if spec is None:
            hint = did_you_mean(pledge_id, self.pledge_ids()) or "; `tracker status` lists the ids"
            raise ValueError(f"pledge: unknown pledge {pledge_id!r}{hint}")
        known = spec[1]
        if indicator_id not in known:
            hint = did_you_mean(indicator_id, list(known))
            raise ValueError(f"indicator: pledge {pledge_id!r} has no indicator {indicator_id!r}{hint} (known: {', '.join(known) or 'none'})")
        model = self.models[(pledge_id, indicator_id)] = Indicator.model_validate(known[indicator_id])
        return model


def check(data: CsvFile, catalog: Catalog, today: date, advance: Callable[[int], None] | None = None) -> Checked:
    """Check every row; count the good ones and give one `file:line: message` per bad row."""
    result = Checked()
    for count, (line, cells) in enumerate(data.rows(), start=1):
        try:
            reading = _check_row(cells, data, catalog, today)
        except ValueError as exc:
            result.problems.append(f"{data.name}:{line}: {exc}")
        else:
            result.count += 1
            result.indicators.add((reading[0], reading[1]))
            result.pledges[reading[0]] = catalog.sha(reading[0])
        if advance and count % 1000 == 0:
            advance(1000)
    if advance:
        advance(data.count % 1000)
    return result


def readings(data: CsvFile, catalog: Catalog, today: date) -> Iterator[ReadingRow]:
    """Yield the reading of each row of a file that `check` found without problems (parsed and checked again)."""
    for line, cells in data.rows():
        try:
            yield _check_row(cells, data, catalog, today)
        except ValueError as exc:  # only if the definitions changed since `check`, which the insert re-checks first
            raise ConflictError(f"{data.name}:{line}: {exc}; nothing was recorded, run the import again") from None


def _check_row(cells: list[str], data: CsvFile, catalog: Catalog, today: date) -> ReadingRow:
    if len(cells) > data.width:
        raise ValueError(f"{len(cells)} fields, but the header has {data.width}")

    def cell(column: str) -> str:
        index = data.columns.get(column)
        return cells[index].strip() if index is not None and index < len(cells) else ""

    pledge_id, indicator_id = _required(cell, "pledge"), _required(cell, "indicator")
    indicator = catalog.indicator(pledge_id, indicator_id)
    day, raw = _day(_required(cell, "date"), today), _required(cell, "value")
    try:
        value = check_value(indicator, check_text(raw, 500))
    except ValueError as exc:
        raise ValueError(f"value: {exc}") from None
    source, note = _checked(check_source, cell("source"), "source"), _checked(check_text, cell("note"), "note")
    return reading_row(pledge_id, indicator_id, day, value, source, note or None)


def _checked(check: Callable[[str | None], str | None], value: str, column: str) -> str | None:
    try:
        return check(value or None)
    except ValueError as exc:
        raise ValueError(f"{column}: {exc}") from None


def _required(cell: Callable[[str], str], column: str) -> str:
    value = cell(column)
    if not value:
        raise ValueError(f"{column}: empty")
    return value


def _day(text: str, today: date) -> date:
    try:
        return past_day(text, today)
    except ValueError as exc:
        raise ValueError(f"date: {exc}") from None


def problem_lines(problems: list[str], limit: int = MAX_SHOWN) -> list[str]:
    """Return at most `limit` problems, then how many more there are."""
    shown = problems[:limit]
    if len(problems) > limit:
        more = len(problems) - limit
        shown.append(f"... and {more} more bad row{'' if more == 1 else 's'}")
    return shown
