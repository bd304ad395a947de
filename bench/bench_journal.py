"""Measure the journal's budgets on a global-scale workspace (the one `bench/run.py` builds).

Method
------
1. Export the workspace's readings with `tracker export csv --table readings` (the CSV of the same readings).
2. In a new workspace holding only the same pledge files: time `tracker import readings` of that CSV, then
   `tracker rebuild` of the result. Budget: the rebuild at most twice the import.
3. Compare the size of the journal file the import wrote with the CSV. Budget: at most twice.
4. On a copy of the workspace, time pairs of `tracker status --all` (stdout to /dev/null): the first run of each
   pair after 10 new one-entry journal files appeared (as a `git pull` brings them), the second with none new.
   Budget: the median difference ≤ 50 ms.

Usage: python bench/bench_journal.py WORKSPACE [--repeat K]
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

TODAY = "2026-11-27"


def _timed(argv: list[str], env: dict[str, str]) -> float:
    start = time.perf_counter()
    subprocess.run(argv, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True)
    return (time.perf_counter() - start) * 1000


def _env(workspace: Path, base: dict[str, str]) -> dict[str, str]:
    return {**base, "TRACKER_WORKSPACE": str(workspace), "TRACKER_TODAY": TODAY}


def rebuild_and_size(workspace: Path, scratch: Path, base: dict[str, str], tracker: list[str]) -> list[str]:
    """Return result lines for the rebuild-vs-import and journal-size budgets."""
    csv = scratch / "journal-readings.csv"
    subprocess.run([*tracker, "export", "csv", "--table", "readings", "-o", str(csv)], env=_env(workspace, base),
                   stdout=subprocess.DEVNULL, check=True)
    fresh = scratch / "journal-fresh"
    shutil.rmtree(fresh, ignore_errors=True)
    fresh.mkdir()
    shutil.copytree(workspace / "pledges", fresh / "pledges")
    shutil.copyfile(workspace / "tracker.toml", fresh / "tracker.toml")
    env = _env(fresh, base)
    subprocess.run([*tracker, "sync"], env=env, stdout=subprocess.DEVNULL, check=True)
    imported = _timed([*tracker, "import", "readings", str(csv)], env)
    rebuilt = _timed([*tracker, "rebuild"], env)
    journal = sum(p.stat().st_size for p in (fresh / "journal").rglob("*.jsonl"))
    rows = sum(1 for _ in csv.open(encoding="utf-8")) - 1
    size, ratio = csv.stat().st_size, rebuilt / imported
    shutil.rmtree(fresh)
    rebuild = (f"Rebuilding the index of {rows:,} imported readings: {rebuilt / 1000:.1f} s against {imported / 1000:.1f} s "
               f"to import them: {ratio:.2f}× (budget ≤ 2×: {'met' if ratio <= 2 else 'NOT met'}).")
    sized = (f"Their journal file: {journal / 2**20:.1f} MiB against {size / 2**20:.1f} MiB of CSV: {journal / size:.2f}× "
             f"(budget ≤ 2×: {'met' if journal <= 2 * size else 'NOT met'}).")
    return [rebuild, sized]


def new_files(workspace: Path, scratch: Path, base: dict[str, str], tracker: list[str], repeat: int) -> str:
    """Return the result line for the 10-new-journal-files budget (on a copy: the workspace is not changed)."""
    copy = scratch / "journal-pull"
    shutil.rmtree(copy, ignore_errors=True)
    shutil.copytree(workspace, copy)
    env, argv = _env(copy, base), [*tracker, "status", "--all"]
    _timed(argv, env)
    deltas = []
    for rep in range(repeat):
        _pull(copy / "journal", rep)
        deltas.append(_timed(argv, env) - _timed(argv, env))
    shutil.rmtree(copy)
    delta = statistics.median(deltas)
    return (f"`status --all` after a pull of 10 new journal files: {delta:+.1f} ms against none new (median of {repeat} pairs; "
            f"budget ≤ 50 ms: {'met' if delta <= 50 else 'NOT met'}).")


def _pull(folder: Path, rep: int) -> None:
    """Add 10 one-entry journal files, as a colleague's commits would."""
    (folder / "2026").mkdir(parents=True, exist_ok=True)
    for k in range(10):
        token = f"{rep:04d}{k:04d}".rjust(16, "0")
        entry = {"id": f"2026-11-27T090000Z-{token}-1", "type": "update", "pledge": f"pledge-{k + 1:05d}", "date": TODAY,
                 "status": "in-progress", "note": f"pulled {rep}", "author": "Colleague", "entered_at": "2026-11-27T09:00:00+00:00"}
        (folder / "2026" / f"2026-11-27T090000Z-colleague-{token}.jsonl").write_text(json.dumps(entry) + "\n", encoding="utf-8")


def measure(workspace: Path, scratch: Path, base: dict[str, str], tracker: list[str], repeat: int = 7) -> list[str]:
    """Return every journal result line."""
    return [*rebuild_and_size(workspace, scratch, base, tracker), new_files(workspace, scratch, base, tracker, repeat)]


def main() -> None:
    """Measure the journal budgets on WORKSPACE and print the results."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("workspace", type=Path)
    parser.add_argument("--repeat", type=int, default=7)
    args = parser.parse_args()
    base = {k: v for k, v in os.environ.items() if not k.startswith("TRACKER_")}
    with tempfile.TemporaryDirectory(prefix="tracker-bench-journal-") as tmp:
        print("\n".join(measure(args.workspace.resolve(), Path(tmp), base, [sys.executable, "-m", "tracker"], args.repeat)))


if __name__ == "__main__":
    main()
