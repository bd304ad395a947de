"""Generate a deterministic benchmark workspace at national or global scale.

A workspace is `tracker.toml`, `pledges/_reviews.yaml`, one YAML file per pledge (5 milestones and
2 indicators each, valid per `tracker/models.py`), an empty `reports/` folder and `tracker.db`:

1. The pledge files are written from a seeded `random.Random`, so the same seed gives byte-identical files.
2. `tracker sync` is run once, as a subprocess, to create and fill the database from the files.
3. History only the database holds is inserted directly with the standard-library `sqlite3` module, from a
   second seeded generator and the due dates the sync stored: status updates, readings, milestone completions
   and reminders already sent (outbox rows with status 'sent'). Every timestamp in those rows is a fixed string
   derived from the row's date, so the same seed gives identical rows, ids included.
4. `bench-workspace.json` is written last: its presence means the workspace is complete.

| scale    | pledges | milestones | indicators | readings | status updates |
|----------|--------:|-----------:|-----------:|---------:|---------------:|
| national |      50 |        250 |        100 |    2,500 |            150 |
| global   |  10,000 |     50,000 |     20,000 |  500,000 |         30,000 |

`--no-contacts` writes the same pledges without `contacts:` and `escalation:` (a workspace whose reminders
have no recipient, so a `tracker remind` tick has nothing to send); every other byte and row is the same.

Usage: python bench/generate.py --scale {national,global} --out DIR [--seed N] [--no-contacts]
Stdlib only, plus the `tracker` console script next to this interpreter.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import sqlite3
import subprocess
import sys
import time
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_status import REVIEWS_YAML, TRACKER_TOML, tracker_command
from bench_status import pledge_yaml as bench_status_pledge_yaml

TODAY = date(2026, 11, 27)  # a Friday: the weekly report's week is 2026-W48
WEEK = "2026-W48"
DEFAULT_SEED = 20261127
MARKER = "bench-workspace.json"
MILESTONES = 5
UPDATES_PER_PLEDGE = 3
NUMBER_READINGS = 48  # of `people-served`; plus 2 of `law-adopted`: 50 readings per pledge
YES_NO_READINGS = 2
REMINDER_LEADS = (90, 30, 7, 1, 0)
STATUSES = ("not-started", "in-progress", "in-progress", "in-progress", "stalled", "achieved", "partly-achieved", "missed", "withdrawn")


@dataclass(frozen=True)
class Scale:
    """How big a workspace is."""

    name: str
    pledges: int


SCALES = {"national": Scale("national", 50), "global": Scale("global", 10_000)}


def contact_of(index: int) -> str:
    """Return the contact address written in pledge `index` (also the recipient of its sent reminders)."""
    return f"desk-{index % 50}@example.org"


def pledge_id(index: int) -> str:
    """Return the id (file stem) of pledge `index`."""
    return f"pledge-{index:05d}"


def pledge_yaml(rng: random.Random, index: int, contacts: bool = True) -> str:
    """Return one valid pledge file: bench_status.pledge_yaml's template, with 5 milestones."""
    people = f"contacts: [{contact_of(index)}]\nescalation: [oversight@example.org]\n" if contacts else ""
    return bench_status_pledge_yaml(rng, index, MILESTONES, people)


def write_files(root: Path, pledges: int, seed: int, contacts: bool = True) -> None:
    """Write tracker.toml, pledges/_reviews.yaml, reports/ and the pledge files (byte-identical for a seed)."""
    rng = random.Random(seed)
    folder = root / "pledges"
    folder.mkdir(parents=True)
    (root / "reports").mkdir()
    (root / "tracker.toml").write_bytes(TRACKER_TOML.encode("utf-8"))
    (folder / "_reviews.yaml").write_bytes(REVIEWS_YAML.encode("utf-8"))
    for index in range(1, pledges + 1):
        (folder / f"{pledge_id(index)}.yaml").write_bytes(pledge_yaml(rng, index, contacts).encode("utf-8"))


def bench_env(root: Path, db: Path | None = None) -> dict[str, str]:
    """Return the environment of a `tracker` process on workspace `root` as of TODAY (no inherited TRACKER_ settings)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("TRACKER_")}
    env.update(TRACKER_WORKSPACE=str(root), TRACKER_TODAY=TODAY.isoformat(), COLUMNS="80", NO_COLOR="1")
    if db is not None:
        env["TRACKER_DB"] = str(db)
    return env


def sync(root: Path) -> float:
    """Run `tracker sync` once on the workspace; return its wall time in seconds."""
    began = time.perf_counter()
    proc = subprocess.run([*tracker_command(), "sync"], cwd=root, env=bench_env(root), stdin=subprocess.DEVNULL,
                          capture_output=True, text=True, check=False)
    if proc.returncode != 0:
        raise SystemExit(f"tracker sync failed (exit {proc.returncode}):\n{proc.stderr.strip()}")
    return time.perf_counter() - began


def _stamp(day: date, clock: str) -> str:
    return f"{day.isoformat()}T{clock}+00:00"


def history_rows(conn: sqlite3.Connection, seed: int) -> dict[str, list[tuple[object, ...]]]:
    """Return the rows to insert per table, from a generator seeded apart from the files' and the synced due dates."""
    rng = random.Random(f"{seed}-history")
    pledges = conn.execute("SELECT id, title, due_date, due_text, due_precision FROM pledges ORDER BY id").fetchall()
    milestones = conn.execute("SELECT pledge_id, id, due_date FROM milestones ORDER BY pledge_id, position").fetchall()
    by_pledge: dict[str, list[tuple[str, str]]] = {}
    for pid, mid, due in milestones:
        by_pledge.setdefault(pid, []).append((mid, due))
    updates: list[tuple[object, ...]] = []
    readings: list[tuple[object, ...]] = []
    completions: list[tuple[object, ...]] = []
    outbox: list[tuple[object, ...]] = []
    first_reading = date(2019, 1, 1)
    for pid, title, due_date, due_text, precision in pledges:
        index = int(pid.rsplit("-", 1)[1])
        # Status updates: the last one falls in the report week for every tenth pledge.
        days = sorted(TODAY - timedelta(days=rng.randrange(5, 900)) for _ in range(UPDATES_PER_PLEDGE))
        if index % 10 == 0:
            days[-1] = TODAY - timedelta(days=rng.randrange(0, 4))
        for n, day in enumerate(days):
            source = f"https://example.org/reports/{pid}/{n + 1}" if rng.random() < 0.5 else None
            updates.append((pid, day.isoformat(), rng.choice(STATUSES), f"generated update {n + 1}", source, _stamp(day, "09:00:00")))
        # Readings: a growing count of people served up to a recent day, and two yes-no readings of the law.
        last = TODAY - timedelta(days=rng.randrange(0, 120))
        span = (last - first_reading).days
        level = rng.uniform(10, 100)
        for n in range(NUMBER_READINGS):
            day = first_reading + timedelta(days=span * (n + 1) // NUMBER_READINGS)
            level *= rng.uniform(0.97, 1.08)
            readings.append((pid, "people-served", day.isoformat(), round(level, 2), None, None, None, _stamp(day, "10:00:00")))
        for n in range(YES_NO_READINGS):
            day = first_reading + timedelta(days=span * (n + 1) // YES_NO_READINGS)
            value = "yes" if n == YES_NO_READINGS - 1 and rng.random() < 0.3 else "no"
            readings.append((pid, "law-adopted", day.isoformat(), None, value, f"https://example.org/gazette/{pid}", None, _stamp(day, "10:30:00")))
        # Milestone completions: about half of the milestones due before the next half year.
        for mid, mdue in by_pledge.get(pid, []):
            due = date.fromisoformat(mdue)
            if due <= TODAY + timedelta(days=180) and rng.random() < 0.5:
                day = min(TODAY, due + timedelta(days=rng.randrange(-120, 60)))
                completions.append((pid, mid, day.isoformat(), f"https://example.org/evidence/{pid}/{mid}", _stamp(day, "11:00:00")))
        # Reminders already sent for the pledge's own deadline, one per lead time whose day has come.
        due = date.fromisoformat(due_date)
        recipient = contact_of(index)
        for lead in REMINDER_LEADS:
            slot = due - timedelta(days=lead)
            if slot > TODAY:
                continue
            when = "due today" if lead == 0 else f"due in {lead} day{'' if lead == 1 else 's'}"
            outbox.append((
                f"pledge:{pid}|{due_date}|{lead}|{recipient}", "due" if lead == 0 else "before", pid, f"pledge:{pid}",
                due_date, due_text, precision, "pledge due", lead, slot.isoformat(), recipient, "email",
                f"[tracker] pledge due — {title}: {when}", "sent", 1, _stamp(slot, "01:00:00"), slot.isoformat(),
                _stamp(slot, "01:00:05"),
            ))
    return {"status_updates": updates, "readings": readings, "milestone_completions": completions, "outbox": outbox}


INSERTS = {
    "status_updates": "INSERT INTO status_updates (pledge_id, date, status, note, source, recorded_at) VALUES (?, ?, ?, ?, ?, ?)",
    "readings": "INSERT INTO readings (pledge_id, indicator_id, date, value_num, value_text, source, note, recorded_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
    "milestone_completions": "INSERT INTO milestone_completions (pledge_id, milestone_id, date, evidence, recorded_at) VALUES (?, ?, ?, ?, ?)",
    "outbox": (
        "INSERT INTO outbox (dedupe_key, kind, pledge_id, deadline_key, deadline_date, deadline_text, precision, what, lead_days, "
        "slot_date, recipient, channel, subject, status, attempts, planned_at, planned_on, sent_at) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
    ),
}


def add_history(db_path: Path, seed: int) -> dict[str, int]:
    """Insert the generated history in one transaction; return the number of rows per table."""
    conn = sqlite3.connect(db_path)
    try:
        rows = history_rows(conn, seed)
        with conn:
            for table, sql in INSERTS.items():
                conn.executemany(sql, rows[table])
            # Rows inserted here, not through the journal, are written out to it by the next sync, as an upgrade does.
            conn.execute("UPDATE cache_state SET journal_adopted = 0")
    finally:
        conn.close()
    return {table: len(found) for table, found in rows.items()}


def generate(out: Path, scale: str, seed: int = DEFAULT_SEED, contacts: bool = True) -> dict[str, object]:
    """Build a complete workspace in `out` (absent or empty); return what bench-workspace.json records."""
    size = SCALES[scale]
    if out.exists() and any(out.iterdir()):
        raise SystemExit(f"{out} is not empty: generate into a new folder")
    out.mkdir(parents=True, exist_ok=True)
    began = time.perf_counter()
    write_files(out, size.pledges, seed, contacts)
    files_s = time.perf_counter() - began
    sync_s = sync(out)
    began = time.perf_counter()
    counts = add_history(out / "tracker.db", seed)
    sync(out)  # writes the inserted history out to the journal once, as an upgrade from a database without one does
    history_s = time.perf_counter() - began
    info: dict[str, object] = {"scale": scale, "seed": seed, "contacts": contacts, "today": TODAY.isoformat(), "pledges": size.pledges,
                               "milestones": size.pledges * MILESTONES, "indicators": size.pledges * 2, **counts}
    (out / MARKER).write_text(json.dumps(info, indent=2) + "\n", encoding="utf-8")
    print(f"{scale} workspace in {out}: files {files_s:.1f} s, first tracker sync {sync_s:.1f} s, history {history_s:.1f} s; "
          + ", ".join(f"{v:,} {k}" for k, v in counts.items()), file=sys.stderr)
    return {**info, "timings_s": {"files": files_s, "sync": sync_s, "history": history_s}}


def main() -> None:
    """Parse the options and generate one workspace."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", choices=sorted(SCALES), required=True, help="national (50 pledges) or global (10,000)")
    parser.add_argument("--out", type=Path, required=True, metavar="DIR", help="new or empty folder to write the workspace into")
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED, help=f"random seed (default {DEFAULT_SEED})")
    parser.add_argument("--no-contacts", action="store_true", help="write the pledges without contacts or escalation")
    args = parser.parse_args()
    generate(args.out.resolve(), args.scale, args.seed, contacts=not args.no_contacts)


if __name__ == "__main__":
    main()
