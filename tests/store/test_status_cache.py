"""The per-day status cache: whatever changes, what it serves equals what computing from scratch gives."""

from __future__ import annotations

import json
import sqlite3
from datetime import date
from pathlib import Path

from conftest import TODAY, Tracker

from tracker.service.remind import tick
from tracker.store import core, sync
from tracker.store import outbox as store_outbox
from tracker.store.db import Database
from tracker.views.portfolio import statuses
from tracker.views.states import PledgeStatus
from tracker.workspace import open_workspace

DAY = date.fromisoformat(TODAY)
GCM = "gcm-implementation-plan"
MINES = "mine-action-csdg"


def _both(root: Path, day: date = DAY) -> tuple[list[dict[str, object]], list[dict[str, object]]]:
    """Return (served by the cache, computed afresh) for every pledge, as status --json and the report see them."""
    ws = open_workspace(str(root), None)
    db = core.open_db(ws.db_path)
    sync.sync(db, ws.pledges_dir, day)
    try:
        def view(states: list[PledgeStatus]) -> list[dict[str, object]]:
            return [{**s.row, "trend": json.loads(s.trend_json), "deadlines": [d.as_json(day) for d in s.deadlines],
                     "flags": [s.chartable, s.contradiction, s.stale]} for s in states]

        with statuses(db, day, ws.settings) as found:
            cached = list(found)
        with statuses(db, day, ws.settings, cached=False) as found:
            return view(cached), view(list(found))
    finally:
        db.close()


def _cached_rows(root: Path) -> int:
    conn = sqlite3.connect(root / "tracker.db")
    try:
        return int(conn.execute("SELECT count(*) FROM status_cache").fetchone()[0])
    finally:
        conn.close()


def _same(root: Path, day: date = DAY) -> list[dict[str, object]]:
    cached, fresh = _both(root, day)
    assert cached == fresh
    return cached


def test_every_kind_of_change_reaches_the_cached_status(tracker: Tracker) -> None:
    """Updates, readings, completions, edited pledge files, the review calendar, settings and the day all show."""
    first = _same(tracker.root)
    assert _cached_rows(tracker.root) == len(first) == 14
    steps = [
        lambda: tracker("update", GCM, "--status", "stalled", "--note", "funding gap"),
        lambda: tracker("record", MINES, "contaminated-area-remaining", "100", "--date", "2026-11-01"),
        lambda: tracker("done", GCM, "action-plan-adopted", "--date", "2026-11-02"),
    ]
    for step in steps:
        before = _same(tracker.root)
        assert step().exit_code == 0
        assert _same(tracker.root) != before
    pledge = tracker.root / "pledges" / f"{GCM}.yaml"
    pledge.write_text(pledge.read_text(encoding="utf-8").replace("title: ", "title: Renamed ", 1), encoding="utf-8")
    assert tracker("validate").exit_code == 0
    assert next(r for r in _same(tracker.root) if r["id"] == GCM)["title"].startswith("Renamed ")
    reviews = tracker.root / "pledges" / "_reviews.yaml"
    reviews.write_text(reviews.read_text(encoding="utf-8").replace("title: ", "title: Moved ", 1), encoding="utf-8")
    assert tracker("validate").exit_code == 0
    assert any(d["what"].startswith("review: Moved ") for r in _same(tracker.root) for d in r["deadlines"])
    toml = tracker.root / "tracker.toml"
    toml.write_text(toml.read_text(encoding="utf-8").replace("due_soon_days = 30", "due_soon_days = 400"), encoding="utf-8")
    assert any(r["schedule_status"] == "due-soon" for r in _same(tracker.root))
    assert _same(tracker.root, date(2027, 6, 1)) != _same(tracker.root)


def test_a_change_recomputes_only_its_pledge(tracker: Tracker) -> None:
    """A reading drops one cached row (the trigger); the next read computes just that one again."""
    _same(tracker.root)
    conn = sqlite3.connect(tracker.root / "tracker.db")
    conn.execute("UPDATE status_cache SET row_json = json_set(row_json, '$.title', 'kept') WHERE pledge_id != ?", [MINES])
    conn.commit()
    conn.close()
    assert tracker("record", MINES, "contaminated-area-remaining", "100", "--date", "2026-11-01").exit_code == 0
    cached, fresh = _both(tracker.root)
    assert [r["title"] == "kept" for r in cached] == [r["id"] != MINES for r in cached]
    assert [r for r in cached if r["id"] == MINES] == [r for r in fresh if r["id"] == MINES]


def test_status_json_is_the_cache_of_the_day(tracker: Tracker) -> None:
    """`status --json` (served from the cache) lists exactly the freshly computed rows, twice in a row."""
    fresh = [{k: v for k, v in r.items() if k not in ("trend", "deadlines", "flags")} for r in _both(tracker.root)[1]]
    for _ in range(2):
        result = tracker("status", "--json")
        assert result.exit_code == 0
        assert json.loads(result.stdout) == fresh


def test_a_read_only_database_is_computed_without_the_cache(tracker: Tracker) -> None:
    """When the cache cannot be written (a read-only connection), the status is computed and nothing is stored."""
    ws = open_workspace(str(tracker.root), None)
    core.open_db(ws.db_path).close()
    conn = sqlite3.connect(f"file:{ws.db_path}?mode=ro", uri=True)
    try:
        db = Database(conn)
        with statuses(db, DAY, ws.settings) as found:
            served = [s.row for s in found]
        with statuses(db, DAY, ws.settings, cached=False) as found:
            assert served == [s.row for s in found]
    finally:
        conn.close()
    assert _cached_rows(tracker.root) == 0


def test_a_repeated_tick_with_nothing_new_is_quiet_until_something_changes(tracker: Tracker) -> None:
    """The tick mark: same day, settings and data, nothing ready in the outbox → no planning; any change → a full tick."""
    ws = open_workspace(str(tracker.root), None)
    db = core.open_db(ws.db_path)
    try:
        tick(db, ws.settings, DAY, dry_run=False)
        mark = db.execute("SELECT tick_mark FROM cache_state").fetchone()[0]
        assert mark.startswith(f"{TODAY}|")
        planned = store_outbox.outbox_counts(db)
        db.execute("DELETE FROM status_cache")  # a quiet tick must not even read the statuses
        db.commit()
        assert tick(db, ws.settings, DAY).as_json() == tick(db, ws.settings, DAY, dry_run=False).as_json()
        assert _cached_rows(tracker.root) == 0
        assert store_outbox.outbox_counts(db) == planned
        version = store_outbox.data_version(db)
        assert tracker("update", GCM, "--status", "stalled", "--note", "n").exit_code == 0
        assert store_outbox.data_version(db) > version
        tick(db, ws.settings, DAY)
        assert _cached_rows(tracker.root) == 14
        assert db.execute("SELECT tick_mark FROM cache_state").fetchone()[0] != mark
    finally:
        db.close()
