"""Build tests/data/v1.db: a database with only the first migration (0001_initial), filled with data.

It stands for a database written by the first schema: tests/test_upgrade.py opens a copy under the current code
and checks that every row survives the later migrations. Run from the repository root:
    python tests/data/make_v1_db.py
The file is committed; rebuild it only if this script changes (never to follow a new migration).
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
from pathlib import Path

from sqlite_utils import Database

from tracker.pledges.loader import parse_pledge
from tracker.store.migrations import migrations

ROOT = Path(__file__).resolve().parents[2]
TARGET = ROOT / "tests" / "data" / "v1.db"
NOW = "2026-01-15T09:00:00.000000+00:00"
PLEDGES = ("gcm-implementation-plan", "mine-action-csdg", "migrant-health-policy")


def main() -> None:
    """Create the v1 database from three catalog pledges and some history."""
    TARGET.unlink(missing_ok=True)
    db = Database(sqlite3.connect(TARGET))
    migrations.apply(db, stop_before="0002_indicator_method")
    conn = db.conn
    with conn:
        for pledge_id in PLEDGES:
            _pledge(conn, ROOT / "pledges" / f"{pledge_id}.yaml")
        _history(conn)
    conn.execute("VACUUM")
    conn.close()


def _pledge(conn: sqlite3.Connection, path: Path) -> None:
    pledge = parse_pledge(path)
    raw = path.read_bytes()
    conn.execute("INSERT INTO source_files VALUES (?, ?, ?, ?, ?)", [path.name, len(raw), 0, hashlib.sha256(raw).hexdigest(), NOW])
    conn.execute(
        "INSERT INTO pledges VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, NULL)",
        [pledge.id, pledge.title, pledge.owner, str(pledge.start.date) if pledge.start else None, str(pledge.due.date),
         pledge.due.date.end.isoformat(), pledge.due.date.precision, json.dumps(pledge.frameworks), json.dumps(pledge.reviews),
         pledge.report_every_days, path.name, hashlib.sha256(raw).hexdigest(), pledge.model_dump_json(), NOW],
    )
    for n, m in enumerate(pledge.milestones):
        conn.execute("INSERT INTO milestones VALUES (?, ?, ?, ?, ?, ?, ?, ?, NULL)",
                     [pledge.id, m.id, n, m.title, str(m.due), m.due.end.isoformat(), m.due.precision, int(m.assumed)])
    for n, i in enumerate(pledge.indicators):
        conn.execute(
            "INSERT INTO indicators VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, NULL)",
            [pledge.id, i.id, n, i.title, i.kind, i.unit, i.direction,
             str(i.baseline.value) if i.baseline else None, str(i.baseline.date) if i.baseline else None,
             str(i.target.value) if i.target else None, str(i.target.date) if i.target else None],
        )


def _history(conn: sqlite3.Connection) -> None:
    conn.executemany(
        "INSERT INTO status_updates (pledge_id, date, status, note, source, recorded_at) VALUES (?, ?, ?, ?, ?, ?)",
        [("gcm-implementation-plan", "2025-06-30", "in-progress", "Mid-term review held", "https://example.org/review", NOW),
         ("mine-action-csdg", "2025-12-31", "in-progress", "Clearance continues in three provinces", None, NOW),
         ("migrant-health-policy", "2026-01-10", "stalled", "Awaiting budget", None, NOW)],
    )
    conn.executemany(
        "INSERT INTO readings (pledge_id, indicator_id, date, value_num, value_text, source, note, recorded_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        [("mine-action-csdg", "contaminated-area-remaining", day, value, None, "CMAA annual report", None, NOW)
         for day, value in (("2022-12-31", 1200.0), ("2023-12-31", 1050.5), ("2024-12-31", 930.0))]
        + [("gcm-implementation-plan", "objectives-with-results", "2025-06-30", 1.0, None, None, "objective 23", NOW)],
    )
    conn.execute("INSERT INTO milestone_completions (pledge_id, milestone_id, date, evidence, recorded_at) VALUES (?, ?, ?, ?, ?)",
                 ["gcm-implementation-plan", "action-plan-adopted", "2026-01-05", "https://example.org/plan", NOW])
    conn.execute("INSERT INTO revisions (pledge_id, item_kind, item_id, field, old, new, date, recorded_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                 ["gcm-implementation-plan", "pledge", "gcm-implementation-plan", "due", "2024", "2025", "2025-01-02", NOW])


if __name__ == "__main__":
    main()
