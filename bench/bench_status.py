"""Benchmark the `tracker` command line on a large synthetic portfolio.

Method
------
1. Build a throw-away workspace in a temporary folder: `tracker.toml`, `pledges/_reviews.yaml`
   and N pledge files (default 10,000), each with 3 milestones and 2 indicators, valid per
   `tracker/models.py`. Due dates are spread over 2023-2032 with every precision (year,
   quarter, month, day) so the schedule lens sees overdue, due-soon and upcoming pledges.
2. Time the first `tracker sync` (cold: every file is read, hashed, parsed and validated,
   then written in one transaction). This is a single run: only the first sync is cold.
3. Add some history with the standard-library `sqlite3` module, as if recorded earlier:
   `--updates` status updates per pledge (default 2) and one milestone completion for every
   third pledge, so the latest-status subquery and the milestone join have rows to read.
4. Run every other command once as a warm-up, then `--repeat` rounds (default 5). Each round
   runs every command once, in the same order, as a whole new process (`subprocess`, stdout
   to /dev/null, never a terminal), so all commands see the same machine conditions.
   Commands: bare `python -c pass`; `tracker --help`; `tracker status --json` and
   `tracker status` (table of the 50 most urgent) on the synced database with no file
   changed; a raw `sqlite3` baseline (a `python -c` process running the same two queries
   `tracker status` runs: pledges with a correlated subquery for the latest status, and
   milestones left-joined to their completions); `tracker status --json` after one pledge
   file was edited (incremental sync); and `tracker update ID --status in-progress --note x`.
5. Report per command the median wall time, and the medians of the per-round ratios to
   bare Python and to the raw sqlite3 query (paired: each ratio compares runs of the same
   round). The cold sync, run once, is compared with the median baselines.

Everything is written inside the temporary folder, including Python's byte-code cache
(PYTHONPYCACHEPREFIX), which is why the warm-up runs come first. Stdlib only, plus the
`tracker` package installed next to the running interpreter.

Usage: python bench/bench_status.py [--pledges N] [--repeat R] [--updates K]
"""

from __future__ import annotations

import argparse
import os
import random
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

TODAY = date(2026, 11, 23)

OWNERS = [
    "Royal Government of Cambodia",
    "Ministry of Interior",
    "Ministry of Health",
    "Ministry of Labour and Vocational Training",
    "National Election Committee (NEC)",
    "Cambodian Mine Action and Victim Assistance Authority (CMAA)",
    "Council for the Development of Cambodia (CDC)",
    "Japan International Cooperation Agency (JICA)",
    "UNICEF Cambodia",
    "International Organization for Migration (IOM)",
]
FRAMEWORKS = ["GCM:1", "GCM:4", "GCM:11", "GCM:14", "GCM:15", "GCM:23", "SDG:3.8", "SDG:16.9", "CSDG:18"]

REVIEWS_YAML = """\
# Synthetic review calendar for the benchmark.
imrf:
  title: International Migration Review Forum
  first: 2022-05-17
  every_years: 4
  sources:
    - document: bench.txt
      quote: "By the next IMRF (2026)"
csdg-2030:
  title: End of the Cambodian SDG framework 2016-2030
  first: 2030
  sources:
    - document: bench.txt
      quote: "the Cambodian SDG framework 2016-2030"
mid-term:
  title: Donor mid-term review
  first: 2027-Q2
"""

TRACKER_TOML = """\
timezone = "Asia/Phnom_Penh"
due_soon_days = 30

[reminders]
before_days = [90, 30, 7, 1, 0]
overdue_every_days = 7
escalate_after_days = 14
"""


def fuzzy(rng: random.Random, day: date) -> str:
    """Return `day` written at a random precision: year, quarter, month or day."""
    precision = rng.choice(("year", "quarter", "month", "day", "day"))
    if precision == "year":
        return str(day.year)
    if precision == "quarter":
        return f"{day.year}-Q{(day.month - 1) // 3 + 1}"
    if precision == "month":
        return f"{day.year}-{day.month:02d}"
    return day.isoformat()


WORDS = {3: "three", 5: "five"}


def pledge_yaml(rng: random.Random, index: int, count: int = 3, people: str | None = None) -> str:
    """Return the text of one valid pledge file with `count` milestones and 2 indicators (`people`: contact lines)."""
    start = date(2021, 1, 1) + timedelta(days=rng.randrange(0, 3 * 365))
    due = TODAY + timedelta(days=rng.randrange(-3 * 365, 6 * 365))
    due_text = fuzzy(rng, due)
    span = max((due - start).days, count + 1)
    steps = sorted(start + timedelta(days=rng.randrange(1, span)) for _ in range(count))
    owner = rng.choice(OWNERS)
    frameworks = ", ".join(f'"{f}"' for f in rng.sample(FRAMEWORKS, rng.randrange(1, 4)))
    reviews = rng.choice(("[imrf]", "[csdg-2030]", "[imrf, mid-term]", "[]"))
    milestones = "".join(
        f"""\
  - id: step-{n + 1}
    title: Step {n + 1} of synthetic pledge {index}
    due: {step.isoformat() if n == count - 1 else fuzzy(rng, step)}
    sources:
      - document: bench-{index % 97:03d}.txt
        quote: "step {n + 1} is planned"
"""
        for n, step in enumerate(steps)
    )
    target = rng.randrange(50, 5000)
    if people is None:
        people = f"contacts: [desk-{index % 50}@example.org]\nescalation: [oversight@example.org]\n"
    return f"""\
title: Synthetic pledge {index} on migrant services and civil registration
summary: >-
  A generated pledge used to measure the tracker on a large portfolio. It has
  {WORDS.get(count, count)} milestones, a numeric indicator and a yes-no indicator.
owner: {owner}
{people}partners: [IOM, UNICEF]
frameworks: [{frameworks}]
start: {start.year}
due:
  date: {due_text}
  assumed: {"true" if index % 5 == 0 else "false"}
  reason: generated for the benchmark
reviews: {reviews}
report_every_days: {rng.choice((90, 180, 365))}
sources:
  - document: bench-{index % 97:03d}.txt
    quote: "pledge {index} will be achieved by {due_text}"
milestones:
{milestones}indicators:
  - id: people-served
    title: People served
    kind: number
    unit: people
    direction: increase
    baseline: {{value: {rng.randrange(0, 50)}, date: {start.year}}}
    target: {{value: {target}, date: {due.year}}}
    method: auto
  - id: law-adopted
    title: Law adopted
    kind: yes-no
    target: {{value: "yes", date: {due.year}}}
"""


def build_workspace(root: Path, pledges: int, seed: int = 20261123) -> None:
    """Write tracker.toml, pledges/_reviews.yaml and the pledge files."""
    rng = random.Random(seed)
    folder = root / "pledges"
    folder.mkdir(parents=True)
    (root / "reports").mkdir()
    (root / "tracker.toml").write_text(TRACKER_TOML, encoding="utf-8")
    (folder / "_reviews.yaml").write_text(REVIEWS_YAML, encoding="utf-8")
    for index in range(1, pledges + 1):
        (folder / f"pledge-{index:05d}.yaml").write_text(pledge_yaml(rng, index), encoding="utf-8")


def add_history(db_path: Path, updates: int, seed: int = 7) -> tuple[int, int]:
    """Insert status updates and milestone completions directly, as if recorded earlier."""
    rng = random.Random(seed)
    statuses = ("not-started", "in-progress", "in-progress", "stalled", "achieved", "partly-achieved")
    conn = sqlite3.connect(db_path)
    try:
        ids = [r[0] for r in conn.execute("SELECT id FROM pledges ORDER BY id")]
        now = "2026-11-01T00:00:00+00:00"
        update_rows = [
            (pid, (TODAY - timedelta(days=rng.randrange(1, 900))).isoformat(), rng.choice(statuses), "generated update", None, now)
            for pid in ids
            for _ in range(updates)
        ]
        done_rows = [(pid, "step-1", (TODAY - timedelta(days=rng.randrange(1, 900))).isoformat(), None, now) for pid in ids[::3]]
        with conn:
            conn.executemany(
                "INSERT INTO status_updates (pledge_id, date, status, note, source, recorded_at) VALUES (?, ?, ?, ?, ?, ?)", update_rows
            )
            conn.executemany(
                "INSERT INTO milestone_completions (pledge_id, milestone_id, date, evidence, recorded_at) VALUES (?, ?, ?, ?, ?)",
                done_rows,
            )
    finally:
        conn.close()
    return len(update_rows), len(done_rows)


RAW_QUERY = r"""
import sqlite3, sys
conn = sqlite3.connect(sys.argv[1])
conn.row_factory = sqlite3.Row
pledges = conn.execute('''
    SELECT p.id, p.title, p.owner, p.due_text, p.due_date, p.due_precision, p.frameworks, p.reviews,
           (SELECT u.status FROM status_updates u WHERE u.pledge_id = p.id AND u.date <= :t ORDER BY u.date DESC, u.id DESC LIMIT 1) AS reported_status,
           (SELECT u.date FROM status_updates u WHERE u.pledge_id = p.id AND u.date <= :t ORDER BY u.date DESC, u.id DESC LIMIT 1) AS reported_on
    FROM pledges p WHERE p.removed_at IS NULL''', {'t': sys.argv[2]}).fetchall()
milestones = conn.execute('''
    SELECT m.pledge_id, m.id, m.title, m.due_text, m.due_date, m.due_precision, m.assumed, c.date AS done_on, c.evidence
    FROM milestones m
    LEFT JOIN milestone_completions c ON c.pledge_id = m.pledge_id AND c.milestone_id = m.id AND c.date <= :t
    WHERE m.removed_at IS NULL ORDER BY m.pledge_id, m.position''', {'t': sys.argv[2]}).fetchall()
print(len(pledges), len(milestones))
"""


def tracker_command() -> list[str]:
    """Return the `tracker` console script next to this interpreter, else `python -m tracker`."""
    script = Path(sys.executable).with_name("tracker")
    if script.is_file() and os.access(script, os.X_OK):
        return [str(script)]
    return [sys.executable, "-m", "tracker"]


def timed(argv: list[str], env: dict[str, str], cwd: Path) -> float:
    """Run one process with stdout to /dev/null; return its wall time in milliseconds."""
    start = time.perf_counter()
    proc = subprocess.run(argv, env=env, cwd=cwd, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, check=False)
    elapsed = (time.perf_counter() - start) * 1000
    if proc.returncode != 0:
        error = proc.stderr.decode("utf-8", "replace").strip()
        raise SystemExit(f"benchmark command failed (exit {proc.returncode}): {' '.join(argv)}\n{error}")
    return elapsed


def edit_one_file(folder: Path, round_no: int) -> None:
    """Change the title of one pledge file, so the next command re-reads exactly that file."""
    path = folder / "pledge-00001.yaml"
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    lines[0] = f"title: Synthetic pledge 1, edited in round {round_no}\n"
    path.write_text("".join(lines), encoding="utf-8")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("--pledges", type=int, default=10_000, help="number of synthetic pledge files (default 10000)")
    parser.add_argument("--repeat", type=int, default=5, help="timed rounds per command (default 5)")
    parser.add_argument("--updates", type=int, default=2, help="status updates inserted per pledge before timing (default 2)")
    args = parser.parse_args()
    if args.pledges < 1 or args.repeat < 1 or args.updates < 0:
        parser.error("--pledges and --repeat must be at least 1, --updates at least 0")

    tmp = Path(tempfile.mkdtemp(prefix="tracker-bench-"))
    try:
        run(tmp, args.pledges, args.repeat, args.updates)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def run(tmp: Path, pledges: int, repeat: int, updates: int) -> None:
    ws, db = tmp / "workspace", tmp / "workspace" / "tracker.db"
    began = time.perf_counter()
    build_workspace(ws, pledges)
    print(f"built {pledges} pledge files in {time.perf_counter() - began:.1f} s", file=sys.stderr)

    env = {k: v for k, v in os.environ.items() if not k.startswith(("TRACKER_", "PYTHON"))}
    env.update(
        TRACKER_WORKSPACE=str(ws),
        TRACKER_DB=str(db),
        TRACKER_TODAY=TODAY.isoformat(),
        PYTHONPYCACHEPREFIX=str(tmp / "pycache"),
        COLUMNS="80",
        NO_COLOR="1",
        HOME=str(tmp),
    )
    tracker = tracker_command()
    py = [sys.executable]

    # Compile byte code into the private cache before anything is timed, using a small workspace.
    warm = tmp / "warm-up"
    build_workspace(warm, 3)
    warm_env = {**env, "TRACKER_WORKSPACE": str(warm), "TRACKER_DB": str(warm / "tracker.db")}
    for argv in ([*py, "-c", "pass"], [*tracker, "--help"], [*tracker, "sync"], [*tracker, "status"], [*tracker, "status", "--json"]):
        timed(argv, warm_env, warm)

    sync_ms = timed([*tracker, "sync"], env, ws)
    print(f"cold sync: {sync_ms / 1000:.1f} s", file=sys.stderr)
    n_updates, n_done = add_history(db, updates)
    print(f"added {n_updates} status updates and {n_done} milestone completions", file=sys.stderr)

    commands: list[tuple[str, list[str]]] = [
        ("python -c pass", [*py, "-c", "pass"]),
        ("tracker --help", [*tracker, "--help"]),
        ("tracker status --json", [*tracker, "status", "--json"]),
        ("tracker status (table, 50 most urgent)", [*tracker, "status"]),
        ("raw sqlite3 query (python -c)", [*py, "-c", RAW_QUERY, str(db), TODAY.isoformat()]),
        ("tracker status --json, 1 file edited", [*tracker, "status", "--json"]),
        ("tracker update ID --status in-progress --note x", [*tracker, "update", "pledge-00002", "--status", "in-progress", "--note", "x"]),
    ]
    for _, argv in commands:  # warm-up
        timed(argv, env, ws)

    times: dict[str, list[float]] = {label: [] for label, _ in commands}
    for round_no in range(repeat):
        for label, argv in commands:
            if label.endswith("1 file edited"):
                edit_one_file(ws / "pledges", round_no)
            times[label].append(timed(argv, env, ws))
        print(f"round {round_no + 1}/{repeat} done", file=sys.stderr)

    bare, raw = times["python -c pass"], times["raw sqlite3 query (python -c)"]
    print(
        f"\n{pledges} pledges, {3 * pledges} milestones, {2 * pledges} indicators, {n_updates} status updates; "
        f"median of {repeat} rounds; Python {sys.version.split()[0]}, {os.cpu_count()} CPUs\n"
    )
    print("| command | median ms | × bare python | × raw sqlite3 query |")
    print("|---|---:|---:|---:|")
    med_bare, med_raw = statistics.median(bare), statistics.median(raw)
    print(f"| tracker sync (first, cold; 1 run) | {sync_ms:,.0f} | {sync_ms / med_bare:,.1f} | {sync_ms / med_raw:,.1f} |")
    for label, _ in commands:
        runs = times[label]
        vs_bare = statistics.median(t / b for t, b in zip(runs, bare, strict=True))
        vs_raw = statistics.median(t / r for t, r in zip(runs, raw, strict=True))
        print(f"| {label} | {statistics.median(runs):,.0f} | {vs_bare:.1f} | {vs_raw:.1f} |")


if __name__ == "__main__":
    main()
