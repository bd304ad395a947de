"""Upgrades: a database written by the first schema opens under the current code with every row intact."""

from __future__ import annotations

import json
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

from conftest import REPO, Tracker

from tracker.store import core, migrations

V1 = REPO / "tests" / "data" / "v1.db"
TABLES = ("pledges", "milestones", "indicators", "status_updates", "readings", "milestone_completions", "revisions", "source_files")


def _rows(path: Path) -> dict[str, list[dict[str, object]]]:
    conn = sqlite3.connect(path)
    conn.row_factory = sqlite3.Row
    try:
        return {t: [dict(r) for r in conn.execute(f"SELECT * FROM {t} ORDER BY rowid")] for t in TABLES}
    finally:
        conn.close()


def test_every_row_survives_the_migrations(tmp_path: Path) -> None:
    """All rows of the v1 database are still there, column for column, after migrating to the current schema."""
    copy = tmp_path / "v1.db"
    shutil.copyfile(V1, copy)
    before = _rows(copy)
    db = core.open_db(copy)
    assert core.applied_migrations(db) == list(migrations.names())
    after = _rows(copy)
    for table in TABLES:
        assert len(after[table]) == len(before[table]) > 0, table
        for old, new in zip(before[table], after[table], strict=True):
            assert {k: new[k] for k in old} == old, table
    methods = {r["id"]: r["method"] for r in after["indicators"]}
    assert methods["contaminated-area-remaining"] == "linear"


def test_the_upgraded_database_serves_the_cli(workspace: Path, tracker: Tracker) -> None:
    """History, readings and completions written under v1 show through today's commands."""
    shutil.copyfile(V1, workspace / "tracker.db")
    events = json.loads(tracker("history", "gcm-implementation-plan", "--json").stdout)
    assert [e["kind"] for e in events] == ["revision", "reading", "update", "done", "revision"]
    # The last is today's: the catalog has since moved the plan's due date, from 2025 to 2027 (with its Action Plan).
    assert {k: events[-1][k] for k in ("field", "old", "new")} == {"field": "due", "old": "2025", "new": "2027"}
    detail = json.loads(tracker("show", "mine-action-csdg", "--json").stdout)
    assert [r["value"] for r in detail["indicators"][0]["readings"]] == [1200.0, 1050.5, 930.0]


def test_two_processes_migrating_at_once(tmp_path: Path) -> None:
    """Two processes opening the same v1 database together apply each migration exactly once."""
    copy = tmp_path / "v1.db"
    shutil.copyfile(V1, copy)
    code = "import sys; from pathlib import Path; from tracker.store.core import open_db; open_db(Path(sys.argv[1]))"
    procs = [subprocess.Popen([sys.executable, "-c", code, str(copy)], stderr=subprocess.PIPE, text=True) for _ in range(3)]
    errors = [p.communicate(timeout=60)[1] for p in procs]
    assert [p.returncode for p in procs] == [0, 0, 0], errors
    conn = sqlite3.connect(copy)
    names = [r[0] for r in conn.execute("SELECT name FROM _sqlite_migrations ORDER BY rowid")]
    assert names == list(migrations.names())


def test_the_history_of_an_older_database_is_written_to_the_journal_once(workspace: Path, tracker: Tracker) -> None:
    """The first run of this version writes the database's history out to one journal file; a rebuild then keeps it."""
    shutil.copyfile(V1, workspace / "tracker.db")
    before = json.loads(tracker("history", "gcm-implementation-plan", "--json").stdout)
    files = sorted((workspace / "journal").glob("*/*.jsonl"))
    # One file holds the old history; another the revision this catalog's edit of the GCM due date makes today.
    kinds = [sorted(json.loads(line)["type"] for line in f.read_text(encoding="utf-8").splitlines()) for f in files]
    adopted = [k for k in kinds if "reading" in k]
    assert len(files) == 2 and len(adopted) == 1
    assert adopted[0].count("reading") >= 3 and "update" in adopted[0] and "done" in adopted[0] and "revision" in adopted[0]
    assert tracker("status").exit_code == 0 and len(sorted((workspace / "journal").glob("*/*.jsonl"))) == 2, "once"
    (workspace / "tracker.db").unlink()
    assert json.loads(tracker("history", "gcm-implementation-plan", "--json").stdout) == before
