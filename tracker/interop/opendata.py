"""The open data of a published site: CSV tables, the pledges as JSON, the deadline calendar and a README documenting them.

Every file is a function of the workspace and the day alone (rows sorted, no clock), so publishing the same state
twice gives the same bytes. What is private is left out: contacts' and escalation e-mail addresses, reminder
settings, snoozes, and the e-mail part of authors.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, date, datetime, time
from pathlib import Path
from typing import Any

from tracker.files import atomic_write, atomic_write_chunks
from tracker.interop import columns
from tracker.interop.calendar import ICS_FILE, deadline_calendar
from tracker.interop.export import buffered, csv_export
from tracker.store.bulk import definitions
from tracker.store.db import Database
from tracker.views.portfolio import history, statuses
from tracker.views.site import public_event
from tracker.workspace import Workspace

CSV_TABLES = ("pledges", "milestones", "indicators", "readings", "updates")
JSON_FILE = "pledges.json"
README_FILE = "README.md"
JSON_VERSION = 1
PRIVATE_KEYS = ("contacts", "escalation", "reminders")  # e-mail addresses and reminder settings stay in the workspace
PRIVATE_KINDS = ("snooze",)  # when reminders pause is the team's business

JSON_KEYS = (
    ("version", f"the format of this document, now `{JSON_VERSION}`; keys are only ever added"),
    ("today", "the publication day (YYYY-MM-DD): statuses are as of this day"),
    ("workspace", "`{name, timezone}`: the workspace folder's name and its time zone"),
    ("pledges", "one object per pledge, by id: `{id, definition, status, history}` (below)"),
)
PLEDGE_KEYS = (
    ("id", "the pledge's id, as in `pledges.csv`"),
    ("definition", ("the validated pledge file (title, summary, owner, partners, frameworks, start, due, reviews, sources, "
                    f"milestones, indicators, ...), dates as written; {', '.join(f'`{k}`' for k in PRIVATE_KEYS)} are left out")),
    ("status", ("its computed status as of `today`: the columns of `pledges.csv` and more (`health_reasons`, `discrepancies`, "
                "`indicators_measured`, ...), as `tracker status --json` gives it")),
    ("history", ("what was recorded, by date then entry time: objects with `id`, `kind` (`update`, `reading`, `done`, "
                 "`revision`), `date`, `recorded_at`, `author` (a name, never an e-mail address; `null` when unknown) and "
                 "the kind's own keys, as `tracker history --json` gives them; an entry taken out by a correction or "
                 "retraction is listed with `retracted`")),
)
CSV_RULES = ("UTF-8 without a byte-order mark, comma-separated, one header row, fields quoted where needed, lines ending in CRLF "
             "(RFC 4180). An empty cell means none. A text cell starting with `=`, `+`, `-`, `@`, a tab or a carriage return "
             "is written after an apostrophe, so that spreadsheets show it as text instead of running it as a formula.")
ICS_TEXT = ("An iCalendar (RFC 5545) calendar of the open deadlines: one all-day event per pledge due date, open milestone and "
            "review occurrence, with alarms at the reminder lead times. Each event's `UID` names the deadline, never its date "
            "(`pledge:ID@WORKSPACE`, `milestone:ID/MILESTONE@WORKSPACE`, `review:REVIEW:OCCURRENCE@WORKSPACE`), so a "
            "calendar subscribed to this file updates events instead of duplicating them; `SEQUENCE` counts the due "
            "date's revisions. `DTSTAMP` is the publication day at 00:00 UTC.")


def write_data(db: Database, workspace: Workspace, today: date, folder: Path) -> list[Path]:
    """Write the CSV tables, pledges.json, deadlines.ics and README.md into `folder`, each atomically; return their paths."""
    written = []
    for table in CSV_TABLES:
        written.append(folder / f"{table}.csv")
        atomic_write_chunks(written[-1], csv_export(db, workspace, today, table))
    written.append(folder / JSON_FILE)
    atomic_write_chunks(written[-1], pledges_json(db, workspace, today))
    written.append(folder / ICS_FILE)
    _, chunks = deadline_calendar(db, workspace, today, now=midnight(today))
    atomic_write_chunks(written[-1], (chunk.decode("utf-8") for chunk in chunks))
    written.append(folder / README_FILE)
    atomic_write(written[-1], readme(workspace.root.name, today))
    return written


def midnight(today: date) -> datetime:
    """Return the instant that stands for the publication day in every time stamp: `today` at 00:00 UTC."""
    return datetime.combine(today, time(), tzinfo=UTC)


def pledges_json(db: Database, workspace: Workspace, today: date) -> Iterator[str]:
    """Yield pledges.json in pieces of about 64 KiB: each pledge's public definition, status and history, one at a time."""
    return buffered(_json_pieces(db, workspace, today))


def _json_pieces(db: Database, workspace: Workspace, today: date) -> Iterator[str]:
    # One transaction (the statuses' read) for every read, as `export json` does.
    with statuses(db, today, workspace.settings) as found:
        status = dict(found.reader.by_id())  # JSON text, used as it is
        head = {"version": JSON_VERSION, "today": today.isoformat(),
                "workspace": {"name": workspace.root.name, "timezone": workspace.settings.timezone}}
        yield _dumps(head)[:-1] + ', "pledges": ['
        for n, (pledge_id, _, spec) in enumerate(definitions(db)):
            events = [public_event(e) for e in history(db, pledge_id) if e["kind"] not in PRIVATE_KINDS]
            public = {k: v for k, v in spec.items() if k not in PRIVATE_KEYS}
            yield (f'{"," if n else ""}\n{{"id": {_dumps(pledge_id)}, "definition": {_dumps(public)}, '
                   f'"status": {status.get(pledge_id, "null")}, "history": {_dumps(events)}}}')
        yield "\n]}\n"


def _dumps(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False)


def readme(name: str, today: date) -> str:
    """Return README.md: every file, and every CSV column's name, type and meaning, from `columns.TABLES`."""
    intro = f"The state of the pledges as of {today.isoformat()}, in open formats. The same state and day always give the same bytes."
    lines = [f"# Open data: {name}", "", intro, "", "| file | content |", "|---|---|"]
    lines += [f"| `{t}.csv` | {columns.TABLES[t].rows} |" for t in CSV_TABLES]
    lines += [f"| `{JSON_FILE}` | every pledge with its definition, status and history |",
              f"| `{ICS_FILE}` | every open deadline as an iCalendar (RFC 5545) event |", "", *_csv_conventions()]
    for table in CSV_TABLES:
        lines += _table_section(table)
    return "\n".join([*lines, *_json_section(), *_ics_section()]) + "\n"


def _csv_conventions() -> list[str]:
    return ["## CSV files", "", CSV_RULES, "", "| type | values |", "|---|---|",
            *(f"| {t} | {meaning} |" for t, meaning in columns.TYPES.items()), ""]


def _table_section(table: str) -> list[str]:
    spec = columns.TABLES[table]
    rows = [f"| `{c.name}` | {c.type} | {c.meaning} |" for c in spec.columns]
    return [f"## `{table}.csv`", "", f"{spec.rows[:1].upper()}{spec.rows[1:]}.", "", "| column | type | meaning |", "|---|---|---|",
            *rows, ""]


def _json_section() -> list[str]:
    return [f"## `{JSON_FILE}`", "", "One JSON object (UTF-8):", "", "| key | content |", "|---|---|",
            *(f"| `{k}` | {v} |" for k, v in JSON_KEYS), "", "Each pledge:", "", "| key | content |", "|---|---|",
            *(f"| `{k}` | {v} |" for k, v in PLEDGE_KEYS), ""]


def _ics_section() -> list[str]:
    return [f"## `{ICS_FILE}`", "", ICS_TEXT]
