"""Benchmark the weekly report on a global-scale portfolio: 10,000 pledges and 500,000 readings.

Method
------
1. Build a throw-away workspace with `bench_status.build_workspace` (N pledge files, 3 milestones and
   2 indicators each) and sync it once with `tracker sync`.
2. Insert the readings directly with the standard-library `sqlite3` module (as if imported earlier):
   `--readings` in total (default 500,000) spread over the numeric indicators, dated 2019 to the report
   week, plus one status update per pledge. The readings never pass through pydantic.
3. Time, as whole processes with stdout to /dev/null, `--repeat` rounds (default 3) of:
   the raw SQL aggregate baseline (a `python -c` process running, with stdlib `sqlite3`, the query the
   report's assessment rests on: per indicator its first, previous and latest reading up to the day),
   `tracker report weekly --format json`, `tracker report weekly --format html` and
   `tracker report weekly --save`. Bare `python -c pass` is timed too.
4. Print medians and the per-round ratios to the raw SQL aggregate and to bare Python.

Usage: python bench/bench_report.py [--pledges N] [--readings R] [--repeat K]
"""

from __future__ import annotations

import argparse
import os
import random
import sqlite3
import statistics
import sys
import tempfile
from datetime import date, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_status import build_workspace, timed, tracker_command

TODAY = date(2026, 11, 27)
WEEK = "2026-W48"

RAW_AGGREGATE = r"""
import sqlite3, sys
conn = sqlite3.connect(sys.argv[1])
pick = ("SELECT r.id FROM readings r WHERE r.pledge_id = i.pledge_id AND r.indicator_id = i.id "
        "AND r.date <= :t ORDER BY r.date {o}, r.id {o} LIMIT 1")
rows = conn.execute(f'''
    WITH pick AS (SELECT i.pledge_id, i.id, ({pick.format(o="ASC")}) AS f, ({pick.format(o="DESC")} OFFSET 1) AS p,
                         ({pick.format(o="DESC")}) AS l FROM indicators i WHERE i.removed_at IS NULL)
    SELECT pick.pledge_id, pick.id, f.value_num, p.value_num, l.value_num, l.date FROM pick
    LEFT JOIN readings f ON f.id = pick.f LEFT JOIN readings p ON p.id = pick.p LEFT JOIN readings l ON l.id = pick.l''',
    {"t": sys.argv[2]}).fetchall()
print(len(rows))
"""


def add_readings(db_path: Path, total: int, seed: int = 11) -> int:
    """Insert `total` readings of the numeric indicators and one status update per pledge."""
    rng = random.Random(seed)
    conn = sqlite3.connect(db_path)
    try:
        ids = [r[0] for r in conn.execute("SELECT id FROM pledges ORDER BY id")]
        per = max(1, total // len(ids))
        start = date(2019, 1, 1)
        span = (TODAY - start).days
        rows = []
        for pledge_id in ids:
            level = rng.uniform(10, 100)
            for n in range(per):
                day = start + timedelta(days=span * (n + 1) // per)
                level *= rng.uniform(0.97, 1.08)
                rows.append((pledge_id, "people-served", day.isoformat(), round(level, 2), None, None, None, "2026-11-27T00:00:00+00:00"))
        updates = [(p, "2026-11-24", "in-progress", "generated", None, "2026-11-27T00:00:00+00:00") for p in ids]
        with conn:
            conn.executemany(
                "INSERT INTO readings (pledge_id, indicator_id, date, value_num, value_text, source, note, recorded_at) VALUES (?,?,?,?,?,?,?,?)",
                rows,
            )
            conn.executemany("INSERT INTO status_updates (pledge_id, date, status, note, source, recorded_at) VALUES (?,?,?,?,?,?)", updates)
    finally:
        conn.close()
    return len(rows)


def main() -> None:
    """Parse options, build the portfolio, time the commands, print a Markdown table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pledges", type=int, default=10_000)
    parser.add_argument("--readings", type=int, default=500_000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="tracker-bench-report-") as tmp:
        run(Path(tmp), args.pledges, args.readings, args.repeat)


def run(tmp: Path, pledges: int, readings: int, repeat: int) -> None:
    """Build, sync, fill and time; print the results."""
    root = tmp / "ws"
    build_workspace(root, pledges)
    env = {**os.environ, "TRACKER_WORKSPACE": str(root), "TRACKER_TODAY": TODAY.isoformat(), "PYTHONPYCACHEPREFIX": str(tmp / "pyc")}
    tracker = tracker_command()
    sync_ms = timed([*tracker, "sync"], env, root)
    inserted = add_readings(root / "tracker.db", readings)
    commands = {
        "python -c pass": [sys.executable, "-c", "pass"],
        "raw SQL aggregate (sqlite3)": [sys.executable, "-c", RAW_AGGREGATE, str(root / "tracker.db"), TODAY.isoformat()],
        "report weekly --format json": [*tracker, "report", "weekly", "--week", WEEK, "--format", "json"],
        "report weekly --format html": [*tracker, "report", "weekly", "--week", WEEK, "--format", "html"],
        "report weekly --save": [*tracker, "report", "weekly", "--week", WEEK, "--save"],
    }
    for argv in commands.values():
        timed(argv, env, root)
    times: dict[str, list[float]] = {name: [] for name in commands}
    for _ in range(repeat):
        for name, argv in commands.items():
            times[name].append(timed(argv, env, root))
    _print(times, pledges, inserted, sync_ms, repeat)


def _print(times: dict[str, list[float]], pledges: int, readings: int, sync_ms: float, repeat: int) -> None:
    raw, bare = times["raw SQL aggregate (sqlite3)"], times["python -c pass"]
    print(f"{pledges:,} pledges, {readings:,} readings, {repeat} rounds; cold `tracker sync` of the files: {sync_ms / 1000:.1f} s\n")
    print("| command | median | × raw SQL aggregate | × bare python |")
    print("|---|---:|---:|---:|")
    for name, values in times.items():
        vs_raw = statistics.median(v / r for v, r in zip(values, raw, strict=True))
        vs_bare = statistics.median(v / b for v, b in zip(values, bare, strict=True))
        print(f"| `{name}` | {statistics.median(values):,.0f} ms | {vs_raw:.2f} | {vs_bare:.1f} |")


if __name__ == "__main__":
    main()
