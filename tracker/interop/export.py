"""Export the workspace as JSON (everything) or CSV (one table), produced piece by piece so large portfolios stream."""

from __future__ import annotations

import csv
import io
import json
import re
import sqlite3
from collections.abc import Iterable, Iterator, Sequence
from datetime import date
from typing import Any

from tracker.interop import columns
from tracker.store import core, index, queries
from tracker.store import outbox as store_outbox
from tracker.store.bulk import active_pledge_ids, definitions, iter_indicators, iter_readings, iter_updates, read_snapshot
from tracker.store.db import Database
from tracker.views.portfolio import history, statuses
from tracker.workspace import Workspace

JSON_VERSION = 1
CHUNK_CHARS = 1 << 16
CSV_COLUMNS: dict[str, tuple[str, ...]] = {table: columns.names(table) for table in columns.TABLES}
# A spreadsheet runs a cell starting with one of these as a formula (OWASP "CSV injection").
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
NUMBER = re.compile(r"-?\d+(\.\d+)?([eE][-+]?\d+)?")


def json_export(db: Database, workspace: Workspace, today: date, exported_at: str | None = None) -> Iterator[str]:
    """Yield the whole workspace state as one JSON document, in pieces of about 64 KiB: pledges, history, readings, outbox.

    `exported_at` (a UTC ISO 8601 instant) stands in for the clock, so the same state can give the same bytes.
    """
    return buffered(_json_pieces(db, workspace, today, exported_at or core.utc_now()))


def buffered(pieces: Iterable[str], size: int = CHUNK_CHARS) -> Iterator[str]:
    """Join small pieces of text into chunks of about `size` characters."""
    chunk: list[str] = []
    length = 0
    for piece in pieces:
        chunk.append(piece)
        length += len(piece)
        if length >= size:
            yield "".join(chunk)
            chunk, length = [], 0
    yield "".join(chunk)


def _json_pieces(db: Database, workspace: Workspace, today: date, exported_at: str) -> Iterator[str]:
    settings = workspace.settings
    # One transaction (the statuses' read) for every read: a long export sees one state while others write.
    with statuses(db, today, settings) as found:
        status = dict(found.reader.by_id())  # JSON text, used as it is
        head = {"version": JSON_VERSION, "exported_at": exported_at, "today": today.isoformat(),
                "workspace": {"name": workspace.root.name, "timezone": settings.timezone, "before_days": list(settings.before_days)}}
        yield _dumps(head)[:-1] + ', "pledges": ['
        yield from _joined(f'{{"id": {_dumps(pledge_id)}, "definition": {_dumps(spec)}, "status": {status.get(pledge_id, "null")}}}'
                           for pledge_id, _, spec in definitions(db))
        yield '\n], "history": {'
        yield from _joined(f"{_dumps(pledge_id)}: {_dumps(history(db, pledge_id))}" for pledge_id in sorted(status))
        yield '\n}, "readings": ['
        yield from _joined(_dumps(_reading_json(r)) for r in iter_readings(db))
        yield '\n], "outbox": ' + _dumps(store_outbox.outbox_counts(db)) + "}\n"


def _joined(items: Iterable[str]) -> Iterator[str]:
    for n, item in enumerate(items):
        yield ("," if n else "") + "\n" + item


def _reading_json(r: sqlite3.Row) -> dict[str, Any]:
    value = r["value_num"] if r["value_num"] is not None else r["value_text"]
    return {"id": r["id"], "pledge_id": r["pledge_id"], "indicator_id": r["indicator_id"], "date": r["date"], "value": value,
            "source": r["source"], "note": r["note"], "recorded_at": r["recorded_at"]}


def _dumps(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False)


def csv_export(db: Database, workspace: Workspace, today: date, table: str) -> Iterator[str]:
    """Yield one table as CSV (RFC 4180, UTF-8, header first), text cells made safe for spreadsheets."""
    if table == "pledges":
        with statuses(db, today, workspace.settings) as found:
            yield from csv_chunks(CSV_COLUMNS[table], _pledge_rows(found.reader.by_id()))
        return
    source = {"readings": _reading_rows, "updates": _update_rows, "milestones": _milestone_rows, "indicators": _indicator_rows}[table]
    with read_snapshot(db):
        yield from csv_chunks(CSV_COLUMNS[table], source(db, today))


def csv_chunks(header: Sequence[str], rows: Iterable[Sequence[Any]]) -> Iterator[str]:
    """Yield a header and rows as CSV text in pieces of about 64 KiB."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(header)
    for row in rows:
        writer.writerow([safe_cell(v) for v in row])
        if buffer.tell() >= CHUNK_CHARS:
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue()


def safe_cell(value: object) -> str:
    """Return a CSV cell: numbers as numbers (-5 stays -5), text that a spreadsheet would run as a formula behind an apostrophe."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return index.canonical(value)
    text = str(value)
    return "'" + text if text.startswith(FORMULA_START) else text


def _pledge_rows(texts: Iterable[tuple[str, str]]) -> Iterator[tuple[Any, ...]]:
    for _, text in texts:
        j = json.loads(text)
        nxt = j["next_deadline"] or {}
        yield (j["id"], j["title"], j["owner"], "; ".join(j["frameworks"]), j["due"], j["due_date"], j["reported_status"],
               j["reported_on"], j["schedule_status"], nxt.get("what"), nxt.get("date"), j["days_left"], j["assessed_status"],
               j["health"], j["progress"], j["milestones_done"], j["milestones_total"], j["discrepancy"], j["last_evidence"])


def _reading_rows(db: Database, today: date) -> Iterator[tuple[Any, ...]]:
    for r in iter_readings(db):
        value = r["value_num"] if r["value_num"] is not None else r["value_text"]
        yield (r["pledge_id"], r["indicator_id"], r["date"], value, r["source"], r["note"], r["unit"], r["recorded_at"])


def _update_rows(db: Database, today: date) -> Iterator[tuple[Any, ...]]:
    for r in iter_updates(db):
        yield (r["pledge_id"], r["date"], r["status"], r["note"], r["source"], r["recorded_at"])


def _milestone_rows(db: Database, today: date) -> Iterator[tuple[Any, ...]]:
    active = active_pledge_ids(db)
    for m in queries.milestone_rows(db, today):
        if m["pledge_id"] in active:
            days_left = None if m["done_on"] else (date.fromisoformat(m["due_date"]) - today).days
            yield (m["pledge_id"], m["id"], m["title"], m["due_text"], m["due_date"], m["due_precision"], bool(m["assumed"]),
                   m["done_on"], m["evidence"], days_left)


def _indicator_rows(db: Database, today: date) -> Iterator[tuple[Any, ...]]:
    for i in iter_indicators(db):
        levels = "; ".join(json.loads(i["levels"]) or []) if i["levels"] else None
        yield (i["pledge_id"], i["id"], i["title"], i["kind"], i["unit"], i["direction"], i["method"], levels,
               _stored_value(i["baseline_value"]), i["baseline_date"], _stored_value(i["target_value"]), i["target_date"])


def _stored_value(text: str | None) -> float | str | None:
    """Return a baseline or target stored as text as a number when it is one, so -5 is not taken for a formula."""
    if text is None or not NUMBER.fullmatch(text):
        return text
    return int(text) if text.lstrip("-").isdigit() else float(text)
