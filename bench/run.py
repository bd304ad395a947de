"""Measure `tracker` against its speed and memory budgets at national and global scale; write bench/RESULTS.md.

Method
------
1. Workspaces (bench/generate.py, fixed seed): `national` (50 pledges), `global` (10,000 pledges, 50,000 milestones,
   500,000 readings) and `global-no-contacts` (the same pledges without contacts or escalation, for the reminder
   tick with nothing due). They are generated in a temporary folder, or in `--workspace DIR` where complete ones
   (with their bench-workspace.json) are reused. Commands that write (`update`, `record`, `remind`) run on copies
   of the databases (TRACKER_DB) in a scratch folder, so a reused workspace stays as generated.
2. Every budget row pairs a measured command with a baseline. Each is a whole new process with stdin from
   /dev/null and stdout to /dev/null (or to a file, where the row says so), with TRACKER_TODAY fixed. Both run once
   untimed (warm-up: Python's byte code is compiled into a private PYTHONPYCACHEPREFIX), the command once more
   untimed under `/usr/bin/time -v` for its peak memory, then `--repeat` timed pairs alternating: command,
   baseline, command, baseline... The table gives the medians and the median of the per-pair ratios.
3. Baselines: bare `python -c pass` (this interpreter); "raw status query" and "raw aggregate" = the `sqlite3`
   shell running the SQL of bench_status.RAW_QUERY / bench_report.RAW_AGGREGATE (bench/queries.py), or, without
   the shell, a `python -c` process running the same SQL with the standard-library sqlite3 module (the table
   says which); Taskwarrior's `task list` over 10,000 tasks if `task` is installed.
4. The read commands are timed with the day's status cache warm (the warm-up run fills it); the first command
   of a day, which computes every pledge's status again, is timed once on a copy and reported in the notes.
5. "Nothing due" for `tracker remind`: a first tick runs untimed on the copy, then a check tick with --json must
   report nothing planned, sent or failed; the timed runs are later ticks of the same day.

Usage: python bench/run.py [--workspace DIR] [--repeat N] [--results FILE]
Stdlib only, plus the `tracker` package installed next to this interpreter. Nothing leaves the machine.
"""

from __future__ import annotations

import argparse
import hashlib
import importlib.metadata
import json
import os
import platform
import re
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import bench_journal
import generate
import queries
from bench_status import tracker_command

MIB = 1024 * 1024
MEMORY_BUDGET_MIB = 100
WORKSPACES = {"national": ("national", True), "global": ("global", True), "global-no-contacts": ("global", False)}
TIME_V = "/usr/bin/time"
RUSAGE_WRAPPER = (
    "import resource, subprocess, sys\n"
    "code = subprocess.run(sys.argv[1:], stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL).returncode\n"
    "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)\n"
    "sys.exit(code)\n"
)


@dataclass
class Cmd:
    """One process to run: argv, environment, folder, where stdout goes (None: /dev/null), accepted exit codes."""

    argv: list[str]
    env: dict[str, str]
    cwd: Path
    stdout: Path | None = None
    ok: tuple[int, ...] = (0,)


@dataclass
class Row:
    """A budget row: a measured command, its baseline and how the budget is judged."""

    name: str
    cmd: Cmd
    baseline_name: str
    baseline: Cmd
    budget: str
    met: Callable[[Result], bool]
    note: str = ""


@dataclass
class Result:
    """Timed runs of a row, in milliseconds, and the command's peak resident memory in KiB."""

    times: list[float] = field(default_factory=list)
    base: list[float] = field(default_factory=list)
    peak_kib: int | None = None
    peak_exact: bool = True

    @property
    def median(self) -> float:
        """Median wall time of the command."""
        return statistics.median(self.times)

    @property
    def base_median(self) -> float:
        """Median wall time of the baseline."""
        return statistics.median(self.base)

    @property
    def ratio(self) -> float:
        """Median of the per-pair ratios command / baseline."""
        return statistics.median(t / b for t, b in zip(self.times, self.base, strict=True))


def run_once(cmd: Cmd) -> float:
    """Run a process; return its wall time in ms; stop the benchmark if it exits with an unexpected code."""
    with Path(cmd.stdout or os.devnull).open("wb") as out:
        start = time.perf_counter()
        proc = subprocess.run(cmd.argv, env=cmd.env, cwd=cmd.cwd, stdin=subprocess.DEVNULL, stdout=out, stderr=subprocess.PIPE, check=False)
        elapsed = (time.perf_counter() - start) * 1000
    if proc.returncode not in cmd.ok:
        raise SystemExit(f"command failed (exit {proc.returncode}): {' '.join(cmd.argv)}\n{proc.stderr.decode('utf-8', 'replace').strip()}")
    return elapsed


def parse_max_rss(text: str) -> int | None:
    """Return the "Maximum resident set size (kbytes)" of GNU time -v output, if present."""
    found = re.search(r"Maximum resident set size \(kbytes\):\s*(\d+)", text)
    return int(found.group(1)) if found else None


def time_v_works() -> bool:
    """Return True when /usr/bin/time is GNU time with -v."""
    if not os.access(TIME_V, os.X_OK):
        return False
    with tempfile.NamedTemporaryFile("r", suffix=".txt") as report:
        proc = subprocess.run([TIME_V, "-v", "-o", report.name, "true"], capture_output=True, check=False)
        return proc.returncode == 0 and parse_max_rss(Path(report.name).read_text()) is not None


def peak_memory(cmd: Cmd, scratch: Path, use_time_v: bool) -> tuple[int | None, bool]:
    """Run the command once, untimed; return its peak RSS in KiB and whether the figure is exact."""
    if use_time_v:
        report = scratch / "time-v.txt"
        run_once(Cmd([TIME_V, "-v", "-o", str(report), *cmd.argv], cmd.env, cmd.cwd, cmd.stdout, cmd.ok))
        return parse_max_rss(report.read_text(encoding="utf-8", errors="replace")), True
    # A fresh wrapper process has no other child, so its RUSAGE_CHILDREN maximum is this command's peak.
    proc = subprocess.run([sys.executable, "-c", RUSAGE_WRAPPER, *cmd.argv], env=cmd.env, cwd=cmd.cwd, capture_output=True, text=True, check=False)
    if proc.returncode not in cmd.ok:
        raise SystemExit(f"command failed (exit {proc.returncode}): {' '.join(cmd.argv)}")
    kib = int(proc.stdout.strip().splitlines()[-1])
    return (kib // 1024 if sys.platform == "darwin" else kib), True


def measure(row: Row, repeat: int, scratch: Path, use_time_v: bool) -> Result:
    """Warm up, take the peak memory, then time `repeat` alternating pairs (command, baseline)."""
    result = Result()
    run_once(row.cmd)
    run_once(row.baseline)
    result.peak_kib, result.peak_exact = peak_memory(row.cmd, scratch, use_time_v)
    for _ in range(repeat):
        result.times.append(run_once(row.cmd))
        result.base.append(run_once(row.baseline))
    return result


# --- workspaces -------------------------------------------------------------------------------------------------


def ensure_workspace(folder: Path, scale: str, contacts: bool, seed: int) -> tuple[dict[str, object], str]:
    """Reuse a complete workspace with the same scale, seed and contacts, or generate it; return its info and how."""
    marker = folder / generate.MARKER
    if marker.is_file():
        info = json.loads(marker.read_text(encoding="utf-8"))
        if (info.get("scale"), info.get("seed"), info.get("contacts")) == (scale, seed, contacts):
            return info, "reused"
        raise SystemExit(f"{folder} holds a different workspace ({info.get('scale')}, seed {info.get('seed')}); use another --workspace")
    if folder.exists() and any(folder.iterdir()):
        raise SystemExit(f"{folder} is not a complete benchmark workspace (no {generate.MARKER}); remove it or use another --workspace")
    info = generate.generate(folder, scale, seed, contacts)
    timings = info.pop("timings_s")
    assert isinstance(timings, dict)
    return info, f"generated: files {timings['files']:.1f} s, first `tracker sync` {timings['sync']:.1f} s, history rows {timings['history']:.1f} s"


def copy_db(source: Path, target: Path) -> Path:
    """Copy a database with SQLite's backup API (consistent even in WAL mode); return the copy's path."""
    for stale in (target, target.with_name(target.name + "-wal"), target.with_name(target.name + "-shm")):
        stale.unlink(missing_ok=True)
    src, dst = sqlite3.connect(source), sqlite3.connect(target)
    try:
        src.backup(dst)
    finally:
        src.close()
        dst.close()
    return target


def tick_json(cmd: Cmd) -> dict[str, object]:
    """Run `tracker remind --json` (cmd without --json) and return its JSON; exit 6 (delivery failed) is allowed."""
    proc = subprocess.run([*cmd.argv, "--json"], env=cmd.env, cwd=cmd.cwd, stdin=subprocess.DEVNULL, capture_output=True, text=True, check=False)
    if proc.returncode not in (0, 6):
        raise SystemExit(f"tracker remind failed (exit {proc.returncode}):\n{proc.stderr.strip()}")
    data: dict[str, object] = json.loads(proc.stdout)
    return data


def summary(tick: dict[str, object]) -> dict[str, int]:
    """Return a tick's counts: planned, superseded, alerts, and the length of each list."""
    return {k: len(v) if isinstance(v, list) else int(v) for k, v in tick.items() if isinstance(v, list | int)}


def listing_cost(folder: Path, repeat: int = 7) -> str:
    """Say what checking a pledge folder for edits costs on its own (one `stat` per file), in this process."""
    from tracker.pledges.layout import scan

    times = []
    for _ in range(repeat):
        began = time.perf_counter()
        scan(folder)
        times.append((time.perf_counter() - began) * 1000)
    files = sum(1 for _ in folder.iterdir())
    return (f"Every command first checks the pledge folder for edited files: on these {files:,} files that check alone "
            f"(one `stat` each, in this process, median of {repeat}) takes {statistics.median(times):.1f} ms.")


def said(tick: dict[str, object]) -> str:
    """Return a tick's counts as text."""
    return ", ".join(f"{k} {v:,}" for k, v in summary(tick).items())


def nothing_due(tick: dict[str, object]) -> bool:
    """Return True when a tick planned, sent, failed and skipped nothing."""
    return all(v == 0 for v in summary(tick).values())


def outbox_counts(db: Path) -> dict[str, int]:
    """Return the number of outbox rows per status."""
    conn = sqlite3.connect(db)
    try:
        return dict(conn.execute("SELECT status, count(*) FROM outbox GROUP BY status ORDER BY status").fetchall())
    finally:
        conn.close()


def mark_delivered(db: Path) -> int:
    """Record every reminder still pending, failed or sending as sent, as if the SMTP server had accepted it."""
    conn = sqlite3.connect(db)
    try:
        with conn:
            cursor = conn.execute(
                "UPDATE outbox SET status = 'sent', sent_at = planned_at, last_error = NULL, next_attempt_at = NULL, "
                "lease_owner = NULL, lease_until = NULL WHERE status IN ('pending', 'failed', 'sending')"
            )
        return cursor.rowcount
    finally:
        conn.close()


# --- baselines ----------------------------------------------------------------------------------------------------


@dataclass
class Baselines:
    """Builds baseline commands: bare python and the raw SQL through the sqlite3 shell or its python fallback."""

    env: dict[str, str]
    scratch: Path
    shell: str | None = field(default_factory=lambda: shutil.which("sqlite3"))

    @property
    def raw_label(self) -> str:
        """How the raw SQL is run, for the table."""
        return "sqlite3 shell" if self.shell else "python -c + stdlib sqlite3 (no sqlite3 shell)"

    def bare(self, cwd: Path) -> Cmd:
        """Bare `python -c pass`, same interpreter and environment."""
        return Cmd([sys.executable, "-c", "pass"], self.env, cwd)

    def raw(self, name: str, db: Path, statements: tuple[str, ...], mode: str = "list", stdout: Path | None = None) -> Cmd:
        """The raw SQL as of TODAY on `db`, printing every row in `mode`."""
        script = self.scratch / f"{name}.sql"
        script.write_text(queries.shell_script(statements, generate.TODAY.isoformat(), mode), encoding="utf-8")
        if self.shell:
            return Cmd([self.shell, "-batch", str(db), f".read {script}"], self.env, db.parent, stdout)
        return Cmd([sys.executable, "-c", queries.PYTHON_FALLBACK, str(db), str(script)], self.env, db.parent, stdout)


def taskwarrior(scratch: Path, env: dict[str, str], tasks: int = 10_000) -> tuple[Cmd | None, str]:
    """Return `task list` over `tasks` generated tasks if Taskwarrior is installed (else None), and what happened."""
    task = shutil.which("task")
    if task is None:
        return None, "Taskwarrior (`task`) is not installed: the `status --all` row uses the ≤ 5× raw query budget alone"
    data = scratch / "taskdata"
    data.mkdir()
    rc = scratch / "taskrc"
    rc.write_text(f"data.location={data}\nconfirmation=off\nhooks=off\nverbose=nothing\n", encoding="utf-8")
    task_env = {**env, "TASKRC": str(rc), "TASKDATA": str(data)}
    items = [{"description": f"Synthetic pledge {n} on migrant services", "status": "pending", "project": f"owner{n % 10}",
              "due": f"20{27 + n % 6}0{1 + n % 9}15T000000Z", "entry": "20261101T000000Z", "uuid": f"00000000-0000-4000-8000-{n:012d}"}
             for n in range(1, tasks + 1)]
    feed = scratch / "tasks.json"
    feed.write_text(json.dumps(items), encoding="utf-8")
    try:
        subprocess.run([task, "import", str(feed)], env=task_env, cwd=scratch, stdin=subprocess.DEVNULL, capture_output=True, check=True, timeout=300)
    except (subprocess.SubprocessError, OSError) as exc:
        return None, f"Taskwarrior is installed but importing {tasks:,} tasks failed ({exc}): the ≤ 5× raw query budget is used alone"
    return Cmd([task, "list"], task_env, scratch, scratch / "task-list.txt"), f"`task list` over {tasks:,} tasks imported into a private TASKDATA"


# --- the rows -------------------------------------------------------------------------------------------------------


def cold_status(folder: Path, db: Path, scratch: Path, env: dict[str, str], tracker: list[str]) -> str:
    """Time the first `tracker status` of a day on a copy of the database (its status cache empty) and say how it went."""
    conn = sqlite3.connect(db)
    with conn:
        conn.execute("DELETE FROM status_cache")
    conn.close()
    cmd = Cmd([*tracker, "status"], env, folder)
    elapsed = run_once(cmd)
    peak, _ = peak_memory(cmd, scratch, time_v_works())  # the cache is warm again by now: time the cold run once more
    conn = sqlite3.connect(db)
    with conn:
        conn.execute("DELETE FROM status_cache")
    conn.close()
    cold_peak, _ = peak_memory(cmd, scratch, time_v_works())
    return (f"The status rows below read the day's status cache, which the untimed warm-up run filled. The first `tracker status` of a "
            f"day on the global workspace (empty cache: every pledge assessed and stored) took {elapsed / 1000:.1f} s with a peak of "
            f"{_mib(cold_peak)} (a warm run: {_mib(peak)}); the daemon's first tick after midnight does this before anyone asks.")


def write_db_times(copies: dict[str, Path], repeat: int = 21) -> str:
    """Time, in this process, the database work of `update` and `record` (checks, insert, commit) on copies."""
    from tracker.store import core, history

    found, medians = [], []
    for name, path in copies.items():
        db = core.open_db(path)
        times: dict[str, list[float]] = {"update": [], "record": []}
        try:
            for _ in range(repeat):
                began = time.perf_counter()
                history.add_update(db, path.parent, "pledge-00002", "in-progress", "benchmark update", None, generate.TODAY, "benchmark")
                times["update"].append((time.perf_counter() - began) * 1000)
                began = time.perf_counter()
                history.add_reading(db, path.parent, "pledge-00002", "people-served", 4321.0, generate.TODAY, None, None, "benchmark")
                times["record"].append((time.perf_counter() - began) * 1000)
        finally:
            db.close()
        update, record = statistics.median(times["update"]), statistics.median(times["record"])
        medians += [update, record]
        found.append(f"{name} {update:.2f} / {record:.2f} ms")
    met = "met" if max(medians) <= 10 else "NOT met"
    return (f"Database time of `update` / `record` (history.add_update / add_reading: the pledge and indicator checks, the insert, "
            f"the commit; in this process, on copies, median of {repeat}): {'; '.join(found)} (budget ≤ 10 ms: {met}).")


@dataclass
class Swept:
    """One run of a command outside the timed rows: its wall time and peak memory."""

    name: str
    ms: float
    peak_kib: int | None


def readings_csv(path: Path, rows: int = 100_000) -> Path:
    """Write a readings CSV of `rows` valid rows for one indicator of the generated workspaces."""
    start = generate.TODAY.toordinal() - rows // 10
    lines = ["pledge,indicator,date,value,source,note"]
    lines += [f"pledge-00003,people-served,{date.fromordinal(start + i // 10).isoformat()},{1000 + i},benchmark,row {i}" for i in range(rows)]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def memory_sweep(folder: Path, scratch: Path, env: dict[str, str], tracker: list[str], use_time_v: bool) -> list[Swept]:
    """Run every other command once on a copy of the global workspace (the first `status` with its cache empty): the
    import writes a journal file, which must not reach the workspace the next run reuses."""
    db = copy_db(folder / "tracker.db", scratch / "sweep-global.db")
    folder = _copy_folder(folder, scratch / "sweep-global")
    with sqlite3.connect(db) as conn:
        conn.execute("DELETE FROM status_cache")
    conn.close()
    on = {**env, "TRACKER_WORKSPACE": str(folder), "TRACKER_DB": str(db)}
    week = ["report", "weekly", "--week", generate.WEEK]
    past = (generate.TODAY - timedelta(days=7)).strftime("%G-W%V")
    commands = [
        ["status"], ["status", "--all"], ["show", "pledge-00002"], ["history", "pledge-00002"], ["explain", "pledge-00002"],
        ["timeline"], ["timeline", "--json"], ["validate"], ["doctor"], ["outbox"], ["export", "json"],
        *(["export", "csv", "--table", t] for t in ("pledges", "readings", "updates", "milestones")), ["export", "ics"],
        ["export", "iati", "pledge-00002"], [*week, "--format", "html"], [*week, "--format", "md"], [*week, "--save"],
        ["report", "weekly", "--week", past, "--format", "json"], ["remind", "--dry-run"], ["remind"], ["remind"],
        ["import", "readings", str(readings_csv(scratch / "readings-100k.csv"))], ["backup", str(scratch / "backup.db")],
    ]
    found = []
    for args in commands:
        label = "`tracker " + " ".join(a if not a.startswith(str(scratch)) else Path(a).name for a in args) + "`"
        if args == ["status"]:
            label += " (first of the day: empty cache)"
        elif args == ["remind"]:
            label += " (first tick, 10,000 pledges with contacts)" if not any(s.name.startswith("`tracker remind`") for s in found) else " (next tick)"
        cmd = Cmd([*tracker, *args], on, folder, ok=(0, 6))
        began = time.perf_counter()
        peak, _ = peak_memory(cmd, scratch, use_time_v)
        found.append(Swept(label, (time.perf_counter() - began) * 1000, peak))
        print(f"sweep {label}: {_mib(peak)}", file=sys.stderr)
    return found


def _copy_folder(folder: Path, target: Path) -> Path:
    """Copy a workspace's files with their times (so the copy's index finds nothing to re-read), not its database."""
    shutil.rmtree(target, ignore_errors=True)
    shutil.copytree(folder, target, ignore=shutil.ignore_patterns("tracker.db*"))
    return target


def ratio_at_most(limit: float) -> Callable[[Result], bool]:
    """Budget: median per-pair ratio ≤ limit."""
    return lambda r: r.ratio <= limit


def build_rows(ws: dict[str, Path], scratch: Path, env: dict[str, str], base: Baselines, notes: list[str]) -> list[Row]:
    """Set up the copies and the remind state, and return the budget rows in the order they run."""
    tracker = tracker_command()
    week = ["report", "weekly", "--week", generate.WEEK, "--format", "json"]

    def on(name: str, db: Path | None = None) -> dict[str, str]:
        extra = {"TRACKER_WORKSPACE": str(ws[name])}
        if db is not None:
            extra["TRACKER_DB"] = str(db)
        return {**env, **extra}

    nat, glo, quiet = ws["national"], ws["global"], ws["global-no-contacts"]
    rows = [
        Row("`tracker --help`", Cmd([*tracker, "--help"], on("national"), nat), "bare python", base.bare(nat), "≤ 6× bare python", ratio_at_most(6)),
        Row("`tracker status` (national, 50 pledges)", Cmd([*tracker, "status"], on("national"), nat), "bare python", base.bare(nat),
            "≤ 8× bare python", ratio_at_most(8)),
    ]

    # tracker remind with nothing due, global: the pledges have no contacts, so no reminder has a recipient.
    remind_db = copy_db(quiet / "tracker.db", scratch / "remind-global.db")
    remind = Cmd([*tracker, "remind"], on("global-no-contacts", remind_db), quiet)
    first = said(tick_json(remind))
    check = tick_json(remind)
    notes.append(f"`tracker remind`, global: on a copy of the no-contacts workspace, first tick: {first}; check tick: {said(check)}"
                 f" → nothing due: {'yes' if nothing_due(check) else 'NO'}. The timed runs are further ticks of the same day,"
                 " which find the last tick's key unchanged and return before reading any status. " + listing_cost(quiet / "pledges"))
    rows.append(Row("`tracker remind`, nothing due (global, 10,000 pledges without contacts)", remind, "bare python", base.bare(quiet),
                    "≤ 8× bare python", ratio_at_most(8), "" if nothing_due(check) else "something was due"))

    # The same as cron runs it: no TRACKER_TODAY, so the day comes from the clock in the workspace time zone.
    clock_env = {k: v for k, v in on("global-no-contacts", copy_db(quiet / "tracker.db", scratch / "remind-clock.db")).items() if k != "TRACKER_TODAY"}
    clock = Cmd([*tracker, "remind"], clock_env, quiet)
    first, check = said(tick_json(clock)), tick_json(clock)
    notes.append(f"`tracker remind`, global, today from the clock (no TRACKER_TODAY): on another copy, first tick: {first}; check tick: "
                 f"{said(check)} → nothing due: {'yes' if nothing_due(check) else 'NO'}.")
    rows.append(Row("`tracker remind`, nothing due (global, today from the clock: no TRACKER_TODAY; extra row)", clock, "bare python",
                    base.bare(quiet), "≤ 8× bare python (the global row's budget)", ratio_at_most(8),
                    "" if nothing_due(check) else "something was due"))

    # The same on the national workspace with contacts: first tick (deliveries fail: no SMTP is configured, nothing leaves
    # the machine), every entry then recorded as delivered, and a check tick.
    nat_db = copy_db(nat / "tracker.db", scratch / "remind-national.db")
    nat_remind = Cmd([*tracker, "remind"], on("national", nat_db), nat)
    before = sum(outbox_counts(nat_db).values())
    began = time.perf_counter()
    first = said(tick_json(nat_remind))
    first_s = time.perf_counter() - began
    delivered = mark_delivered(nat_db)
    check = tick_json(nat_remind)
    counts = outbox_counts(nat_db)
    grown, small, large = sum(counts.values()) - before, generate.SCALES["national"].pledges, generate.SCALES["global"].pledges
    notes.append(
        f"`tracker remind`, national with contacts, on a copy: the first tick ({first}; deliveries fail at once since no SMTP server is "
        f"configured, nothing leaves the machine) took {first_s:.1f} s and grew the outbox from {before:,} to {sum(counts.values()):,} "
        f"rows, {grown / small:,.0f} per pledge; at {large:,} pledges that would be about {grown * large // small:,} rows, which is why the global "
        f"row uses pledges without contacts. The {delivered:,} entries pending or failed were then marked sent as if delivered "
        f"(now {', '.join(f'{v:,} {k}' for k, v in counts.items())}); check tick: {said(check)} → nothing due: "
        f"{'yes' if nothing_due(check) else 'NO'}."
    )
    rows.append(Row("`tracker remind`, nothing due (national, with contacts; extra row)", nat_remind, "bare python", base.bare(nat),
                    "≤ 8× bare python (the global row's budget)", ratio_at_most(8), "" if nothing_due(check) else "something was due"))

    glo_env = on("global")
    notes.append(cold_status(glo, copy_db(glo / "tracker.db", scratch / "cold-global.db"), scratch, on("global", scratch / "cold-global.db"), tracker))
    rows += [
        Row("`tracker status` default view (global)", Cmd([*tracker, "status"], glo_env, glo), f"raw status query ({base.raw_label})",
            base.raw("status", glo / "tracker.db", queries.STATUS_SQL), "≤ 3× raw query", ratio_at_most(3)),
        Row("`tracker status --all > file` (global)", Cmd([*tracker, "status", "--all"], glo_env, glo, scratch / "status-all.txt"),
            f"raw status query > file ({base.raw_label})", base.raw("status-file", glo / "tracker.db", queries.STATUS_SQL, "list", scratch / "raw-status.txt"),
            "≤ 5× raw query (or faster than `task list`)", ratio_at_most(5)),
        Row("`tracker status --all --json` (global)", Cmd([*tracker, "status", "--all", "--json"], glo_env, glo),
            f"raw status query, JSON mode ({base.raw_label})", base.raw("status-json", glo / "tracker.db", queries.STATUS_SQL, "json"),
            "≤ 2× raw query", ratio_at_most(2)),
        Row("`tracker report weekly --format json` (global)", Cmd([*tracker, *week], glo_env, glo), f"raw aggregate ({base.raw_label})",
            base.raw("report", glo / "tracker.db", queries.REPORT_SQL), "≤ 1 s (ratio: no budget)", lambda r: r.median <= 1000),
        Row("`tracker remind --dry-run` (global, 10,000 pledges with contacts)", Cmd([*tracker, "remind", "--dry-run"], glo_env, glo, ok=(0, 6)),
            "bare python", base.bare(glo), "≤ 2 s (ratio: no budget)", lambda r: r.median <= 2000),
    ]
    task_cmd, task_note = taskwarrior(scratch, env)
    notes.append(task_note + ".")
    if task_cmd is not None:
        rows.append(Row("`tracker status --all > file` (global) vs Taskwarrior", Cmd([*tracker, "status", "--all"], glo_env, glo, scratch / "status-all.txt"),
                        "`task list`, 10,000 tasks", task_cmd, "faster than `task list`", ratio_at_most(1)))

    notes.append(write_db_times({name: copy_db(ws[name] / "tracker.db", scratch / f"db-time-{name}.db") for name in ("national", "global")}))
    for name in ("national", "global"):
        db = copy_db(ws[name] / "tracker.db", scratch / f"writes-{name}.db")
        folder = _copy_folder(ws[name], scratch / f"writes-{name}")  # the journal files written stay out of the workspace
        write_env = {**env, "TRACKER_WORKSPACE": str(folder), "TRACKER_DB": str(db)}
        rows += [
            Row(f"`tracker update` ({name})", Cmd([*tracker, "update", "pledge-00002", "--status", "in-progress", "--note", "benchmark update"], write_env, folder),
                "bare python", base.bare(folder), "≤ 10× bare python", ratio_at_most(10)),
            Row(f"`tracker record` ({name})", Cmd([*tracker, "record", "pledge-00002", "people-served", "4321"], write_env, folder),
                "bare python", base.bare(folder), "≤ 10× bare python", ratio_at_most(10)),
        ]
    return rows


# --- report -----------------------------------------------------------------------------------------------------------


def _ms(value: float) -> str:
    return f"{value:,.0f} ms" if value >= 10 else f"{value:.1f} ms"


def _mib(kib: int | None) -> str:
    return "?" if kib is None else f"{kib / 1024:.0f} MiB"


def machine() -> list[str]:
    """Return lines describing the machine and the software measured."""
    nproc = subprocess.run(["nproc"], capture_output=True, text=True, check=False).stdout.strip() if shutil.which("nproc") else str(os.cpu_count())
    cpu = ""
    cpuinfo = Path("/proc/cpuinfo")
    if cpuinfo.is_file():
        found = re.search(r"^model name\s*:\s*(.+)$", cpuinfo.read_text(errors="replace"), re.MULTILINE)
        cpu = found.group(1).strip() if found else ""
    shell = shutil.which("sqlite3")
    shell_version = subprocess.run([shell, "--version"], capture_output=True, text=True, check=False).stdout.split()[:1] if shell else []

    def version(dist: str) -> str:
        try:
            return importlib.metadata.version(dist)
        except importlib.metadata.PackageNotFoundError:
            return "not installed"

    import tracker

    package = Path(tracker.__file__).resolve().parent
    digest = hashlib.sha256(b"".join(p.read_bytes() for p in sorted(package.glob("*.py")))).hexdigest()[:12]
    commit = ""
    if shutil.which("git"):
        commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=HERE, capture_output=True, text=True, check=False).stdout.strip()
    return [
        f"- Machine: `nproc` = {nproc}; {platform.platform()}; {platform.machine()}" + (f"; {cpu}" if cpu else ""),
        f"- Python {platform.python_version()} ({sys.executable}); SQLite library {sqlite3.sqlite_version}; "
        + (f"sqlite3 shell {shell_version[0]}" if shell_version else "no sqlite3 shell"),
        (
            f"- pledge-tracker {version('pledge-tracker')} (commit {commit or '?'}, tracker/*.py sha256 {digest}); "
            f"click {version('click')}, pydantic {version('pydantic')}, sqlite-utils {version('sqlite-utils')}, rich {version('rich')}"
        ),
    ]


def write_results(path: Path, rows: list[Row], results: dict[str, Result], infos: dict[str, tuple[dict[str, object], str]],
                  notes: list[str], repeat: int, timing: str, use_time_v: bool, sweep: list[Swept]) -> str:
    """Write RESULTS.md and return the table."""
    lines = ["| row | measured median | baseline (median) | ratio | budget | met? | peak RSS |", "|---|---:|---|---:|---|:---:|---:|"]
    for row in rows:
        r = results[row.name]
        met = "yes" if row.met(r) and not row.note else "no"
        lines.append(f"| {row.name} | {_ms(r.median)} | {row.baseline_name}: {_ms(r.base_median)} | {r.ratio:.2f}× | {row.budget} | {met} | {_mib(r.peak_kib)} |")
    peaks = {row.name: results[row.name].peak_kib for row in rows}
    over = [name for name, kib in peaks.items() if kib is None or kib > MEMORY_BUDGET_MIB * 1024]
    worst = max((kib for kib in peaks.values() if kib is not None), default=None)
    lines.append(f"| peak memory of every command above | max {_mib(worst)} | — | — | ≤ {MEMORY_BUDGET_MIB} MiB each | {'no' if over else 'yes'} | "
                 f"{len(over)} of {len(peaks)} over |")
    swept_over = [x for x in sweep if x.peak_kib is None or x.peak_kib > MEMORY_BUDGET_MIB * 1024]
    swept_worst = max((x.peak_kib for x in sweep if x.peak_kib is not None), default=None)
    lines.append(f"| peak memory of the {len(sweep)} other commands below (global) | max {_mib(swept_worst)} | — | — | "
                 f"≤ {MEMORY_BUDGET_MIB} MiB each | {'no' if swept_over else 'yes'} | {len(swept_over)} of {len(sweep)} over |")
    swept = "\n".join(["| command | wall time (one run) | peak RSS | ≤ 100 MiB? |", "|---|---:|---:|:---:|",
                        *(f"| {x.name} | {_ms(x.ms)} | {_mib(x.peak_kib)} | {'no' if x in swept_over else 'yes'} |" for x in sweep)])
    table = "\n".join(lines)
    workspaces = "\n".join(
        f"- `{name}`: {info['pledges']:,} pledges, {info['milestones']:,} milestones, {info['indicators']:,} indicators, "
        f"{info['readings']:,} readings, {info['status_updates']:,} status updates, {info['milestone_completions']:,} milestone completions, "
        f"{info['outbox']:,} sent reminders; contacts: {'yes' if info['contacts'] else 'no'}; seed {info['seed']}; {how}"
        for name, (info, how) in infos.items()
    )
    memory = ("`/usr/bin/time -v` (\"Maximum resident set size\")" if use_time_v
              else "resource.getrusage(RUSAGE_CHILDREN) in a fresh wrapper process (no GNU time here)")
    raw_times = "\n".join(
        f"- {row.name}: command {', '.join(f'{t:.0f}' for t in results[row.name].times)} ms; "
        f"baseline {', '.join(f'{t:.0f}' for t in results[row.name].base)} ms" for row in rows
    )
    text = f"""# Benchmark results: speed at national and global scale

Written by `python bench/run.py` on {datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")}; {timing}.

{chr(10).join(machine())}
- Every command runs as of {generate.TODAY.isoformat()} (TRACKER_TODAY) except the `remind` row marked "today from the clock"; the weekly report is {generate.WEEK}.

## Workspaces (bench/generate.py)

{workspaces}

## Budgets

{repeat} timed pairs per row, alternating command and baseline, each a new process, stdout to /dev/null (to a
file in the `> file` row and its baseline), after one untimed warm-up of each. "ratio" is the median of the
per-pair ratios command / baseline; "met?" compares it (or, for the weekly report, the median) with the budget.
Peak RSS is the command's, from one more untimed run, by {memory}.

{table}

## Peak memory of every other command (global workspace)

Each command once, on a copy of the global database, in this order; the first `status` finds the status cache
empty (the first command of a day), the first `remind` plans every reminder of 10,000 pledges with contacts
(deliveries fail at once: no SMTP server is configured). Wall times are single runs, for orientation only.

{swept}

## Notes

{chr(10).join(f"- {n}" for n in notes)}

## Raw times (ms, in run order)

{raw_times}
"""
    path.write_text(text, encoding="utf-8")
    return table


def main() -> None:
    """Parse options, build or reuse the workspaces, measure every row, print the table and write RESULTS.md."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--workspace", type=Path, metavar="DIR", help="keep the workspaces in DIR/{national,global,global-no-contacts} and reuse them")
    parser.add_argument("--repeat", type=int, default=7, help="timed pairs per row (default 7)")
    parser.add_argument("--seed", type=int, default=generate.DEFAULT_SEED, help=f"generator seed (default {generate.DEFAULT_SEED})")
    parser.add_argument("--results", type=Path, default=HERE / "RESULTS.md", help="where to write the results (default bench/RESULTS.md)")
    args = parser.parse_args()
    if args.repeat < 1:
        parser.error("--repeat must be at least 1")
    began = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="tracker-bench-run-") as tmp:
        root = args.workspace.resolve() if args.workspace else Path(tmp) / "workspaces"
        scratch = Path(tmp) / "scratch"
        scratch.mkdir()
        infos = {}
        for name, (scale, contacts) in WORKSPACES.items():
            infos[name] = ensure_workspace(root / name, scale, contacts, args.seed)
            print(f"workspace {name}: {infos[name][1]}", file=sys.stderr)
        env = {k: v for k, v in os.environ.items() if not k.startswith(("TRACKER_", "PYTHON"))}
        env.update(TRACKER_TODAY=generate.TODAY.isoformat(), PYTHONPYCACHEPREFIX=str(scratch / "pycache"), COLUMNS="80", NO_COLOR="1",
                   HOME=str(scratch))
        base = Baselines(env, scratch)
        notes: list[str] = []
        if base.shell is None:
            notes.append("No `sqlite3` shell on this machine: the raw queries ran in a `python -c` process with the standard-library sqlite3 module.")
            print("note: no sqlite3 shell; the raw-query baselines use python -c with stdlib sqlite3", file=sys.stderr)
        rows = build_rows({name: root / name for name in WORKSPACES}, scratch, env, base, notes)
        use_time_v = time_v_works()
        results = {}
        for row in rows:
            results[row.name] = measure(row, args.repeat, scratch, use_time_v)
            r = results[row.name]
            print(f"{row.name}: {_ms(r.median)} vs {_ms(r.base_median)} → {r.ratio:.2f}×, peak {_mib(r.peak_kib)}", file=sys.stderr)
        sweep = memory_sweep(root / "global", scratch, env, tracker_command(), use_time_v)
        status_bytes = (scratch / "status-all.txt").stat().st_size
        raw_bytes = (scratch / "raw-status.txt").stat().st_size
        notes.append(f"`tracker status --all` wrote {status_bytes:,} bytes to its file; the raw query wrote {raw_bytes:,} bytes.")
        notes += bench_journal.measure(root / "global", scratch, env, tracker_command(), args.repeat)
        print("\n".join(notes[-3:]), file=sys.stderr)
        elapsed = time.perf_counter() - began
        timing = f"{args.repeat} pairs per row, whole run {elapsed / 60:.1f} min"
        table = write_results(args.results, rows, results, infos, notes, args.repeat, timing, use_time_v, sweep)
    print(f"\n{table}\n\nwrote {args.results} ({elapsed:.0f} s)")


if __name__ == "__main__":
    main()
