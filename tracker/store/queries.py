"""Read queries: per-pledge rows for the lenses and assessment, history, the week's events, chart readings."""

from __future__ import annotations

import json
from datetime import date
from typing import Any

from tracker.store.core import fast_rows, rows
from tracker.store.db import Database


def _scope(column: str, pledge_id: str | None, pledge_ids: list[str] | None) -> str:
    """Return the SQL condition limiting rows to one pledge (:p) or to some (:ids, a JSON list); empty for all."""
    if pledge_id is not None:
        return f"AND {column} = :p"
    return f"AND {column} IN (SELECT value FROM json_each(:ids))" if pledge_ids is not None else ""


def status_rows(db: Database, today: date, pledge_id: str | None = None, pledge_ids: list[str] | None = None) -> list[dict[str, Any]]:
    """Return one row per active pledge (or one, or some) with its latest reported status up to `today`."""

    return fast_rows(
        db,
        f"""
        SELECT p.id, p.title, p.owner, p.due_text, p.due_date, p.due_precision, p.frameworks, p.reviews,
               (SELECT u.status FROM status_updates u WHERE u.pledge_id = p.id AND u.date <= :t
                ORDER BY u.date DESC, u.id DESC LIMIT 1) AS reported_status,
               (SELECT u.date FROM status_updates u WHERE u.pledge_id = p.id AND u.date <= :t
                ORDER BY u.date DESC, u.id DESC LIMIT 1) AS reported_on,
               p.report_every_days, p.start_text, coalesce(json_extract(p.definition, '$.kind'), 'pledge') AS kind,
               (SELECT CASE WHEN count(DISTINCT u.status) > 1 AND count(DISTINCT coalesce(u.author, '')) > 1
                            THEN group_concat(u.status || ' by ' || coalesce(u.author, 'an unknown author'), '; ') END
                FROM status_updates u WHERE u.pledge_id = p.id AND u.date = (SELECT v.date FROM status_updates v
                WHERE v.pledge_id = p.id AND v.date <= :t ORDER BY v.date DESC LIMIT 1)) AS conflicting_reports
        FROM pledges p WHERE p.removed_at IS NULL {_scope("p.id", pledge_id, pledge_ids)}
        """,
        {"t": today.isoformat(), "p": pledge_id, "ids": json.dumps(pledge_ids or [])},
    )


def milestone_rows(db: Database, today: date, pledge_id: str | None = None, pledge_ids: list[str] | None = None) -> list[dict[str, Any]]:
    """Return active milestones (of every pledge, one or some) with their completion date up to `today` (NULL while open)."""

    where = _scope("m.pledge_id", pledge_id, pledge_ids)
    return fast_rows(
        db,
        f"""
        SELECT m.pledge_id, m.id, m.title, m.due_text, m.due_date, m.due_precision, m.assumed,
               c.date AS done_on, c.evidence
        FROM milestones m
        JOIN pledges p ON p.id = m.pledge_id AND p.removed_at IS NULL
        LEFT JOIN milestone_completions c ON c.pledge_id = m.pledge_id AND c.milestone_id = m.id AND c.date <= :t
        WHERE m.removed_at IS NULL {where} ORDER BY m.pledge_id, m.position
        """,
        {"t": today.isoformat(), "p": pledge_id, "ids": json.dumps(pledge_ids or [])},
    )


def review_rows(db: Database) -> list[dict[str, Any]]:
    """Return the review calendar."""
    return rows(db, "SELECT id, title, first, every_years FROM reviews WHERE removed_at IS NULL ORDER BY id")


def indicator_rows(db: Database, pledge_id: str) -> list[dict[str, Any]]:
    """Return a pledge's active indicators in file order."""
    return rows(db, "SELECT * FROM indicators WHERE pledge_id = ? AND removed_at IS NULL ORDER BY position", [pledge_id])


def readings_of(db: Database, pledge_id: str, indicator_id: str, today: date) -> list[dict[str, Any]]:
    """Return every reading of one indicator up to `today`, oldest first."""
    return rows(
        db,
        """SELECT date, value_num, value_text, source, note FROM readings
           WHERE pledge_id = ? AND indicator_id = ? AND date <= ? ORDER BY date, id""",
        [pledge_id, indicator_id, today.isoformat()],
    )


def history_rows(db: Database, pledge_id: str) -> list[dict[str, Any]]:
    """Return updates, readings, completions, revisions and snoozes of a pledge in time order."""
    return rows(
        db,
        f"SELECT * FROM ({ENTRIES}) WHERE pledge_id = :p ORDER BY date, recorded_at, kind, id",
        {"p": pledge_id},
    )


# Every entry of the history, as one table: what `history` lists per pledge and `changes` across the workspace.
ENTRIES = """
    SELECT 'update' AS kind, pledge_id, date, recorded_at, NULL AS item, status AS value, NULL AS num, note, source,
           NULL AS old, id, author, entry_id FROM status_updates
    UNION ALL
    SELECT 'reading', pledge_id, date, recorded_at, indicator_id, value_text, value_num, note, source, NULL, id, author, entry_id
      FROM readings
    UNION ALL
    SELECT 'done', pledge_id, date, recorded_at, milestone_id, NULL, NULL, NULL, evidence, NULL, id, author, entry_id
      FROM milestone_completions
    UNION ALL
    SELECT 'revision', pledge_id, date, recorded_at, item_kind || ':' || item_id || ':' || field, new, NULL, reason, NULL, old, id,
           author, entry_id FROM revisions
    UNION ALL
    SELECT 'snooze', pledge_id, substr(entered_at, 1, 10), entered_at, deadline_key, until, NULL, reason, NULL, NULL, rowid, author,
           entry_id FROM snoozes
"""


# A retraction, as an entry of `changes` (history shows it on the entry it took out instead).
RETRACTIONS = """
    SELECT 'retract', pledge_id, substr(entered_at, 1, 10), entered_at, target, replaced_by, NULL, reason, NULL, NULL, rowid, author,
           entry_id FROM retractions WHERE pledge_id IS NOT NULL
"""


# Reporting rounds opened and closed, as entries of `changes` (they concern many pledges, so none is named).
ROUNDS = """
    SELECT 'round-open', NULL, substr(opened_at, 1, 10), opened_at, name, due, NULL, message, NULL, NULL, rowid, author, entry_id
      FROM rounds
    UNION ALL
    SELECT 'round-close', NULL, substr(entered_at, 1, 10), entered_at, round, NULL, NULL, NULL, NULL, NULL, rowid, author, entry_id
      FROM round_closes
"""


def changes_rows(db: Database, since: str, author: str | None, limit: int) -> list[dict[str, Any]]:
    """Return the entries recorded at or after `since` (a UTC instant), by an author containing `author`, newest first."""
    return rows(
        db,
        f"""SELECT e.*, p.title FROM ({ENTRIES} UNION ALL {RETRACTIONS} UNION ALL {ROUNDS}) e LEFT JOIN pledges p ON p.id = e.pledge_id
            WHERE (e.pledge_id IS NULL OR p.id IS NOT NULL) AND e.recorded_at >= :since
              AND (:author IS NULL OR instr(lower(coalesce(e.author, '')), lower(:author)) > 0)
            ORDER BY e.recorded_at DESC, e.kind, e.id DESC LIMIT :limit""",
        {"since": since, "author": author, "limit": limit},
    )


def update_rows(db: Database, pledge_id: str, today: date, limit: int = 5) -> list[dict[str, Any]]:
    """Return a pledge's latest status updates up to `today`, newest first."""
    return rows(
        db,
        "SELECT date, status, note, source, author FROM status_updates WHERE pledge_id = ? AND date <= ? ORDER BY date DESC, id DESC LIMIT ?",
        [pledge_id, today.isoformat(), limit],
    )


def assessment_rows(db: Database, today: date, pledge_id: str | None = None, pledge_ids: list[str] | None = None) -> list[dict[str, Any]]:
    """Return per active indicator (of one pledge, or of some) its spec and first, previous and latest readings up to `today`."""

    where = _scope("i.pledge_id", pledge_id, pledge_ids)
    pick = "SELECT r.id FROM readings r WHERE r.pledge_id = i.pledge_id AND r.indicator_id = i.id AND r.date <= :today ORDER BY r.date {order}, r.id {order} LIMIT 1"
    return fast_rows(
        db,
        f"""
        WITH pick AS (
            SELECT i.*, ({pick.format(order="ASC")}) AS first_id, ({pick.format(order="DESC")} OFFSET 1) AS prev_id,
                   ({pick.format(order="DESC")}) AS last_id
            FROM indicators i WHERE i.removed_at IS NULL {where})
        SELECT pick.*, f.date AS first_date, coalesce(f.value_text, f.value_num) AS first_value,
               p.date AS prev_date, coalesce(p.value_text, p.value_num) AS prev_value,
               l.date AS last_date, coalesce(l.value_text, l.value_num) AS last_value
        FROM pick LEFT JOIN readings f ON f.id = pick.first_id LEFT JOIN readings p ON p.id = pick.prev_id
        LEFT JOIN readings l ON l.id = pick.last_id
        ORDER BY pick.pledge_id, pick.position
        """,
        {"today": today.isoformat(), "p": pledge_id, "ids": json.dumps(pledge_ids or [])},
    )


def week_events(db: Database, start: date, end: date) -> dict[str, list[dict[str, Any]]]:
    """Return updates, readings, completions and revisions dated from `start` to `end` (inclusive)."""
    span = {"a": start.isoformat(), "b": end.isoformat()}
    return {
        "updates": rows(db, """SELECT u.pledge_id, p.title, u.date, u.status, u.note, u.source, u.author FROM status_updates u
            JOIN pledges p ON p.id = u.pledge_id WHERE u.date BETWEEN :a AND :b AND p.removed_at IS NULL ORDER BY u.date, u.id""", span),
        "readings": rows(db, """SELECT r.pledge_id, p.title, r.indicator_id, i.title AS indicator, i.unit, r.date,
            coalesce(r.value_text, r.value_num) AS value, r.source, r.note, r.author FROM readings r
            JOIN pledges p ON p.id = r.pledge_id JOIN indicators i ON i.pledge_id = r.pledge_id AND i.id = r.indicator_id
            WHERE r.date BETWEEN :a AND :b AND p.removed_at IS NULL ORDER BY r.date, r.id""", span),
        "milestones_done": rows(db, """SELECT c.pledge_id, p.title, c.milestone_id, m.title AS milestone, c.date, c.evidence, c.author
            FROM milestone_completions c JOIN pledges p ON p.id = c.pledge_id
            JOIN milestones m ON m.pledge_id = c.pledge_id AND m.id = c.milestone_id
            WHERE c.date BETWEEN :a AND :b AND p.removed_at IS NULL ORDER BY c.date, c.id""", span),
        "revisions": rows(db, """SELECT v.pledge_id, p.title, v.item_kind, v.item_id, v.field, v.old, v.new, v.date
            FROM revisions v JOIN pledges p ON p.id = v.pledge_id
            WHERE v.date BETWEEN :a AND :b AND p.removed_at IS NULL ORDER BY v.date, v.id""", span),
    }


# Each live entry recorded from :start to before :end (UTC instants), whatever day it carries, with what it records as a
# JSON object; the time condition sits in each part so the `recorded_at` indexes serve it.
_ENTERED = """
    SELECT 'update' AS kind, u.id, u.entry_id, u.pledge_id, u.date, u.recorded_at AS entered_at, u.author,
           json_object('status', u.status, 'note', u.note, 'source', u.source) AS detail
      FROM status_updates u WHERE u.recorded_at >= :start AND u.recorded_at < :end
    UNION ALL
    SELECT 'reading', r.id, r.entry_id, r.pledge_id, r.date, r.recorded_at, r.author,
           json_object('indicator_id', r.indicator_id, 'indicator', coalesce(i.title, r.indicator_id),
                       'value', coalesce(r.value_text, r.value_num), 'unit', i.unit, 'note', r.note, 'source', r.source)
      FROM readings r LEFT JOIN indicators i ON i.pledge_id = r.pledge_id AND i.id = r.indicator_id
     WHERE r.recorded_at >= :start AND r.recorded_at < :end
    UNION ALL
    SELECT 'done', c.id, c.entry_id, c.pledge_id, c.date, c.recorded_at, c.author,
           json_object('milestone_id', c.milestone_id, 'milestone', coalesce(m.title, c.milestone_id), 'evidence', c.evidence)
      FROM milestone_completions c LEFT JOIN milestones m ON m.pledge_id = c.pledge_id AND m.id = c.milestone_id
     WHERE c.recorded_at >= :start AND c.recorded_at < :end
    UNION ALL
    SELECT 'revision', v.id, v.entry_id, v.pledge_id, v.date, v.recorded_at, v.author,
           json_object('item_kind', v.item_kind, 'item_id', v.item_id, 'field', v.field, 'old', v.old, 'new', v.new, 'reason', v.reason)
      FROM revisions v WHERE v.recorded_at >= :start AND v.recorded_at < :end
"""


def entered_rows(db: Database, start: str, end: str, before: date, limit: int) -> dict[str, Any]:
    """Return entries recorded from `start` to before `end` (UTC): `total`, `backdated` (dated before `before`), newest `limit` `items`."""
    found = rows(
        db,
        f"""SELECT e.*, p.title, count(*) OVER () AS total, sum(e.date < :before) OVER () AS backdated
            FROM ({_ENTERED}) e JOIN pledges p ON p.id = e.pledge_id AND p.removed_at IS NULL
            ORDER BY e.entered_at DESC, e.kind, e.id DESC LIMIT :limit""",
        {"start": start, "end": end, "before": before.isoformat(), "limit": limit},
    )
    total, backdated = (found[0]["total"], found[0]["backdated"]) if found else (0, 0)
    return {"total": total, "backdated": backdated, "items": found}


def chart_readings(db: Database, pledge_ids: list[str], today: date) -> dict[tuple[str, str], list[tuple[str, float]]]:
    """Return the numeric readings up to `today` of the given pledges, per (pledge, indicator), oldest first."""
    found: dict[tuple[str, str], list[tuple[str, float]]] = {}
    for pledge_id in pledge_ids:
        for r in rows(db, """SELECT indicator_id, date, value_num FROM readings WHERE pledge_id = ? AND date <= ?
                AND value_num IS NOT NULL ORDER BY indicator_id, date, id""", [pledge_id, today.isoformat()]):
            found.setdefault((pledge_id, r["indicator_id"]), []).append((r["date"], r["value_num"]))
    return found
