"""Each pledge's computed status for one day, kept in the database so that large portfolios read it back.

A pledge's status (lenses, health, assessment) depends on its rows, the review calendar, a few settings and the
day. `day` makes the `status_cache` table hold it for every active pledge as of one day: triggers (migration
0006) drop a pledge's row whenever a table it depends on changes, a new day or other settings empty the table, and
only the missing rows are computed again, by the same code (`portfolio.snapshot`) that computes them uncached.
"""

from __future__ import annotations

import contextlib
import functools
import json
import sqlite3
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Any, NamedTuple

from tracker import __version__
from tracker.domain.schedule import Deadline
from tracker.domain.statuses import SCHEDULE_ORDER
from tracker.store.db import Database

if TYPE_CHECKING:
    from tracker.views.portfolio import PledgeState
    from tracker.workspace import Settings

# Part of the fingerprint: change it whenever what a cached row holds, or how it is computed, changes.
CACHE_FORMAT = 1
BATCH = 500  # pledges computed at a time: a full rebuild never holds more than this many in memory
CACHE = "status_cache"
SCRATCH = "temp.status_scratch"
ORDER = "ORDER BY schedule_order, days_key, pledge_id"
NO_DAYS = 10**6  # sorts pledges without a next deadline after every dated one (as schedule_lens.urgency_key does)


@dataclass
class Cached:
    """A pledge's status as the status, report and reminder code reads it (cached or freshly computed)."""

    row_text: str
    deadline_rows: list[list[Any]]  # as stored: [ISO date, text, precision, what, kind, item]
    trend_json: str
    chartable: bool
    contradiction: bool
    stale: bool

    @functools.cached_property
    def deadlines(self) -> list[Deadline]:
        """Return the open deadlines and reviews, built on first use."""
        return [to_deadline(d) for d in self.deadline_rows]

    @functools.cached_property
    def json(self) -> dict[str, Any]:
        """Return the status row, parsed on first use."""
        return dict(json.loads(self.row_text))

    @property
    def row(self) -> dict[str, Any]:
        """Return the status row (it holds id, title, owner and reported_status, as the database row does)."""
        return self.json


class Brief(NamedTuple):
    """What the weekly report reads of a cached status: some fields of its row (read by SQLite), its deadlines, its texts.

    A global report reads 10,000 of these: parsing each whole row into a dict took a third of its time.
    """

    id: str
    title: str
    owner: str
    frameworks: list[str]
    health: str
    schedule_status: str
    assessed_status: str
    reported_status: str | None
    discrepancy: bool
    chartable: bool
    deadline_rows: list[list[Any]]  # as stored: [ISO date, text, precision, what, kind, item]
    row_text: str
    trend_json: str

    @property
    def deadlines(self) -> list[Deadline]:
        """Return the open deadlines and reviews."""
        return [to_deadline(d) for d in self.deadline_rows]


# The row fields a Brief starts with, in order.
BRIEF = Brief._fields[:Brief._fields.index("chartable")]


def fingerprint(settings: Settings) -> str:
    """Return what, besides the data and the day, a cached status depends on."""
    return json.dumps([CACHE_FORMAT, __version__, settings.due_soon_days, sorted(settings.thresholds.items())])


def to_deadline(row: list[Any]) -> Deadline:
    """Return the Deadline of one stored deadline row."""
    return Deadline(date.fromisoformat(row[0]), *row[1:])


def _deadline_list(deadlines: list[Deadline]) -> list[list[str]]:
    return [[d.date.isoformat(), d.text, d.precision, d.what, d.kind, d.item] for d in deadlines]


def _row(state: PledgeState) -> tuple[Any, ...]:
    """Return the status_cache row of a freshly computed pledge state."""
    from tracker.domain.evaluation import trend

    j, health = state.json, state.health
    assert health is not None
    extra = {"deadlines": _deadline_list(state.deadlines), "contradiction": health.contradiction, "stale": health.stale,
             "chartable": any(a.inputs.get("points_used") for a in state.assessment.indicators.values())}
    trends = [trend(i, a, state.assessment.labels[i]) for i, a in state.assessment.indicators.items()]
    days = j["days_left"] if j["days_left"] is not None else NO_DAYS
    return (j["id"], SCHEDULE_ORDER[j["schedule_status"]], days, j["schedule_status"], j["owner"], json.dumps(j["frameworks"]),
            _dumps(j), _dumps(trends), json.dumps(extra, ensure_ascii=False))


def _dumps(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False)


def snapshot(db: Database, day: date, settings: Settings, pledge_ids: list[str] | None = None) -> list[PledgeState]:
    """Compute pledge states (imported on first use: a warm cache never needs the assessment code)."""
    from tracker.views.portfolio import snapshot as compute

    return compute(db, day, settings, pledge_ids=pledge_ids)


def _complete(db: Database, wanted: tuple[str, str]) -> bool:
    if tuple(db.execute("SELECT as_of, fingerprint FROM cache_state WHERE id = 1").fetchone()) != wanted:
        return False
    missing = db.execute("SELECT 1 FROM pledges WHERE removed_at IS NULL AND id NOT IN (SELECT pledge_id FROM status_cache) LIMIT 1")
    return missing.fetchone() is None


def _insert(db: Database, table: str, today: date, settings: Settings, pledge_ids: list[str] | None) -> None:
    """Compute the status of the given pledges (default: every active one) into `table`, a batch at a time."""
    if pledge_ids is None:
        pledge_ids = [r[0] for r in db.execute("SELECT id FROM pledges WHERE removed_at IS NULL ORDER BY id")]
    for start in range(0, len(pledge_ids), BATCH):
        batch = snapshot(db, today, settings, pledge_ids=pledge_ids[start:start + BATCH])
        db.conn.executemany(f"INSERT INTO {table} VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)", (_row(s) for s in batch))


def _fill(db: Database, today: date, settings: Settings, wanted: tuple[str, str]) -> None:
    """Compute and store what the cache lacks for `today` (inside the caller's write transaction)."""
    if tuple(db.execute("SELECT as_of, fingerprint FROM cache_state WHERE id = 1").fetchone()) != wanted:
        db.execute("DELETE FROM status_cache")
        db.execute("UPDATE cache_state SET as_of = ?, fingerprint = ? WHERE id = 1", wanted)
        missing = None
    else:
        missing = [r[0] for r in db.execute(
            "SELECT id FROM pledges WHERE removed_at IS NULL AND id NOT IN (SELECT pledge_id FROM status_cache)")]
        if not missing:
            return
    _insert(db, CACHE, today, settings, missing)


@contextlib.contextmanager
def day(db: Database, today: date, settings: Settings) -> Iterator[str]:
    """Hold a transaction in which the cache is complete for `today` and yield the table to read.

    A complete cache is read in a plain read transaction. Otherwise the missing rows are computed under
    BEGIN IMMEDIATE, and the reads happen before that commits: a write by another process can never leave
    the caller reading a cache with a pledge missing. A read-only database gets a temporary table instead.
    """
    wanted = (today.isoformat(), fingerprint(settings))
    db.execute("BEGIN")
    if not _complete(db, wanted):
        db.conn.rollback()
        try:
            db.execute("BEGIN IMMEDIATE")
            _fill(db, today, settings, wanted)
        except sqlite3.OperationalError as exc:
            if db.conn.in_transaction:
                db.conn.rollback()
            if "readonly" not in str(exc):
                raise
            with computed_day(db, today, settings) as table:
                yield table
            return
    try:
        yield CACHE
    finally:
        db.conn.commit()


@contextlib.contextmanager
def computed_day(db: Database, day: date, settings: Settings) -> Iterator[str]:
    """Compute every active pledge's status as of `day` into a temporary table, leaving the cache alone; yield it."""
    db.execute(f"CREATE TEMP TABLE IF NOT EXISTS {SCRATCH.split('.')[1]} AS SELECT * FROM main.{CACHE} WHERE 0")
    db.execute("BEGIN")
    try:
        db.execute(f"DELETE FROM {SCRATCH}")
        _insert(db, SCRATCH, day, settings, None)
        yield SCRATCH
    finally:
        db.conn.rollback()  # the scratch rows go with the read transaction


def _cached(row_json: str, trend_json: str, state_json: str) -> Cached:
    extra = json.loads(state_json)
    return Cached(row_json, extra["deadlines"], trend_json, extra["chartable"], extra["contradiction"], extra["stale"])


def iter_cached(db: Database, table: str = CACHE) -> Iterator[Cached]:
    """Yield the statuses of a table `day` or `computed_day` yielded, one at a time, most urgent first."""
    for row in db.execute(f"SELECT row_json, trend_json, state_json FROM {table} {ORDER}"):
        yield _cached(*row)


def iter_briefs(db: Database, table: str = CACHE) -> Iterator[Brief]:
    """Yield the Brief of every status in a table `day` or `computed_day` yielded, most urgent first."""
    paths = ", ".join(f"'$.{name}'" for name in BRIEF)
    # raw_decode: the texts are our own compact JSON, so json.loads's checks for surrounding space only cost time.
    decode = json.JSONDecoder().raw_decode
    for row_json, trend_json, state_json, fields in db.execute(
        f"SELECT row_json, trend_json, state_json, json_extract(row_json, {paths}) FROM {table} {ORDER}"
    ):
        extra = decode(state_json)[0]
        yield Brief._make([*decode(fields)[0], extra["chartable"], extra["deadlines"], row_json, trend_json])


def states_for(db: Database, today: date, settings: Settings, pledge_ids: list[str]) -> list[Cached]:
    """Return the statuses of some pledges as of `today` (those that are active), most urgent first."""
    with day(db, today, settings) as table:
        rows = db.execute(f"SELECT row_json, trend_json, state_json FROM {table} WHERE pledge_id IN (SELECT value FROM json_each(?)) {ORDER}",
                          [json.dumps(pledge_ids)])
        return [_cached(*row) for row in rows]


def status_texts(db: Database, today: date, settings: Settings) -> list[tuple[str, str, str]]:
    """Return (owner, frameworks JSON, status row JSON) of every active pledge as of `today`, most urgent first."""
    with day(db, today, settings) as table:
        return db.execute(f"SELECT owner, frameworks, row_json FROM {table} {ORDER}").fetchall()


def urgent(db: Database, today: date, settings: Settings, limit: int) -> tuple[list[dict[str, Any]], list[tuple[str, str]]]:
    """Return the `limit` most urgent status rows, and (id, schedule status) of the rest, in urgency order."""
    with day(db, today, settings) as table:
        head = [json.loads(r[0]) for r in db.execute(f"SELECT row_json FROM {table} {ORDER} LIMIT ?", [limit])]
        tail = db.execute(f"SELECT pledge_id, schedule_status FROM {table} {ORDER} LIMIT -1 OFFSET ?", [limit]).fetchall()
        return head, tail
