"""The SQLite store: migrations, sync, revisions, persistence and permissions."""

from __future__ import annotations

import json
import os
import sqlite3
import stat
import subprocess
import sys
from datetime import date
from pathlib import Path

from conftest import TODAY, Tracker, run_process

from tracker.pledges.layout import scan
from tracker.store import core, index, migrations
from tracker.store import sync as syncing
from tracker.store.sync import sync
from tracker.workspace import open_workspace


def test_due_date_change_records_a_revision(tracker: Tracker) -> None:
    """Moving a pledge due date, a milestone due date or a target is recorded with old and new values."""
    tracker("status")
    path = tracker.root / "pledges" / "gcm-implementation-plan.yaml"
    text = path.read_text(encoding="utf-8")
    text = text.replace("due:\n  date: 2027\n", "due:\n  date: 2026-06\n", 1).replace("value: 3", "value: 2", 1)
    path.write_text(text, encoding="utf-8")
    assert tracker("status", today="2026-11-24").exit_code == 0
    events = json.loads(tracker("history", "gcm-implementation-plan", "--json").stdout)
    revisions = [e for e in events if e["kind"] == "revision"]
    assert {"item_kind": "pledge", "item": "gcm-implementation-plan", "field": "due", "old": "2027", "new": "2026-06"}.items() <= revisions[0].items()
    assert revisions[0]["date"] == "2026-11-24"
    assert any(r["field"] == "target" and r["old"].startswith("3") and r["new"].startswith("2") for r in revisions)
    assert "pledge gcm-implementation-plan due: 2027 → 2026-06" in tracker("history", "gcm-implementation-plan").stdout


def test_unchanged_files_are_not_parsed_again(tracker: Tracker, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """A second sync with no file changed parses nothing (size and mtime match)."""
    tracker("status")
    from tracker.pledges import loader as pledgefile

    def boom(*args: object, **kwargs: object) -> None:
        raise AssertionError("parsed an unchanged file")

    monkeypatch.setattr(pledgefile, "parse_pledge", boom)
    assert tracker("status").exit_code == 0


def test_touched_but_identical_file_records_no_revision(tracker: Tracker) -> None:
    """A new mtime with the same content is recognised by its hash."""
    tracker("status")
    path = tracker.root / "pledges" / "gcm-implementation-plan.yaml"
    os.utime(path, ns=(path.stat().st_atime_ns, path.stat().st_mtime_ns + 10**9))
    out = tracker("sync").stdout
    assert "0 changed" in out and "0 revisions" in out


def test_removed_pledge_file_keeps_its_history(tracker: Tracker) -> None:
    """Deleting a pledge file hides the pledge but keeps its rows; restoring the file brings them back."""
    tracker("update", "nec-digital-modernisation", "--status", "stalled", "--note", "No funding yet")
    path = tracker.root / "pledges" / "nec-digital-modernisation.yaml"
    saved = path.read_text(encoding="utf-8")
    path.unlink()
    assert tracker("show", "nec-digital-modernisation").exit_code == 4
    path.write_text(saved, encoding="utf-8")
    assert json.loads(tracker("show", "nec-digital-modernisation", "--json").stdout)["reported_status"] == "stalled"


def test_recorded_data_survives_a_new_process(proc, workspace: Path) -> None:  # type: ignore[no-untyped-def]
    """What one process records, another process reads back."""
    assert proc("update", "mine-action-csdg", "--status", "in-progress", "--note", "Clearance on schedule").returncode == 0
    assert proc("record", "mine-action-csdg", "contaminated-area-remaining", "1200.5", "--date", "2026-06-30").returncode == 0
    shown = json.loads(proc("show", "mine-action-csdg", "--json").stdout)
    assert shown["reported_status"] == "in-progress"
    assert shown["indicators"][0]["latest"]["value"] == 1200.5
    assert "1200.5" in proc("history", "mine-action-csdg").stdout


def test_migrations_apply_once_and_database_is_owner_only(tmp_path: Path) -> None:
    """A new database is migrated, WAL, foreign keys on, and readable by its owner only."""
    db_path = tmp_path / "new.db"
    db = core.open_db(db_path)
    assert core.applied_migrations(db) == list(migrations.names())
    assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert db.execute("PRAGMA foreign_keys").fetchone()[0] == 1
    assert stat.S_IMODE(db_path.stat().st_mode) == 0o600
    core.open_db(db_path)
    assert len(core.applied_migrations(core.open_db(db_path))) == len(migrations.names())


def test_concurrent_first_open_migrates_once(tmp_path: Path) -> None:
    """Several processes opening a new database at once all succeed and migrate it once."""
    code = "import sys; from pathlib import Path; from tracker.store.core import open_db; open_db(Path(sys.argv[1]))"
    db_path = tmp_path / "race.db"
    procs = [subprocess.Popen([sys.executable, "-c", code, str(db_path)], stderr=subprocess.PIPE, text=True) for _ in range(4)]
    errors = [p.communicate(timeout=60)[1] for p in procs]
    assert [p.returncode for p in procs] == [0, 0, 0, 0], errors
    conn = sqlite3.connect(db_path)
    assert conn.execute("SELECT count(*) FROM _sqlite_migrations").fetchone()[0] == len(migrations.names())



def test_database_from_a_newer_version_is_refused(tmp_path: Path) -> None:
    """An unknown applied migration means a newer tracker wrote the file: refuse rather than guess."""
    db = core.open_db(tmp_path / "x.db")
    db.insert("_sqlite_migrations", {"migration_set": "tracker", "name": "9999_future", "applied_at": "2030-01-01"})
    db.commit()
    try:
        core.open_db(tmp_path / "x.db")
    except core.StoreError as exc:
        assert "9999_future" in str(exc)
    else:
        raise AssertionError("a newer database was opened")


def test_sync_is_all_or_nothing(workspace: Path) -> None:
    """One invalid file among several changed ones means no file is loaded."""
    from datetime import date

    from tracker.errors import PledgeFileError

    db = core.open_db(workspace / "tracker.db")
    (workspace / "pledges" / "zz-broken.yaml").write_text("title: x\n", encoding="utf-8")
    try:
        sync(db, workspace / "pledges", date.fromisoformat(TODAY))
    except PledgeFileError as exc:
        assert "zz-broken.yaml" in str(exc)
    assert db.execute("SELECT count(*) FROM pledges").fetchone()[0] == 0
    assert db.execute("SELECT count(*) FROM source_files").fetchone()[0] == 0


def test_completing_a_milestone_twice_is_refused(tracker: Tracker) -> None:
    """A milestone is done once; a second `done` says when it was recorded."""
    assert tracker("done", "gcm-implementation-plan", "action-plan-adopted", "--date", "2026-01-10").exit_code == 0
    again = tracker("done", "gcm-implementation-plan", "action-plan-adopted")
    assert again.exit_code == 1
    assert "already recorded done on 2026-01-10" in again.stderr


def test_same_id_in_two_files_is_refused_by_every_command(tracker: Tracker) -> None:
    """a.yaml and a.yml would both define pledge `a`: sync refuses, like validate, and nothing is hidden."""
    folder = tracker.root / "pledges"
    (folder / "nec-digital-modernisation.yml").write_text((folder / "nec-digital-modernisation.yaml").read_text(encoding="utf-8"), encoding="utf-8")
    for command in (["sync"], ["status"], ["validate"]):
        result = tracker(*command)
        assert result.exit_code == 3 and "is also defined by" in result.stderr


def test_rewriting_a_number_records_no_revision(tracker: Tracker) -> None:
    """A target written 3 and then 3.0 is the same target."""
    tracker("status")
    path = tracker.root / "pledges" / "gcm-implementation-plan.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("value: 3", "value: 3.0", 1), encoding="utf-8")
    assert "0 revisions" in tracker("sync").stdout


def test_editing_one_file_leaves_the_others_alone(tracker: Tracker) -> None:
    """Only the edited file's row in source_files changes."""
    tracker("status")
    before = dict(tracker.db_dump())["source_files"]
    path = tracker.root / "pledges" / "mine-action-csdg.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("title: ", "title: Edited ", 1), encoding="utf-8")
    tracker("sync")
    after = dict(tracker.db_dump())["source_files"]
    changed = {row[0] for row in after} ^ {row[0] for row in before} | {a[0] for a, b in zip(after, before, strict=True) if a != b}
    assert changed == {"mine-action-csdg.yaml"}


def test_a_command_leaves_every_write_in_the_database_file(workspace: Path) -> None:
    """After `tracker update` ends, tracker.db alone (read ignoring the WAL file, as a plain file copy would be) holds it."""
    result = run_process("update", "gcm-implementation-plan", "--status", "stalled", "--note", "copied", cwd=workspace,
                         env={"TRACKER_TODAY": "2026-11-23"})
    assert result.returncode == 0, result.stderr
    conn = sqlite3.connect(f"file:{workspace / 'tracker.db'}?immutable=1", uri=True)
    try:
        found = conn.execute("SELECT status, note FROM status_updates WHERE pledge_id = 'gcm-implementation-plan'").fetchall()
    finally:
        conn.close()
    assert found == [("stalled", "copied")]


def test_sync_keeps_a_digest_of_the_listing_it_applied(workspace: Path) -> None:
    """An unchanged folder is recognised by its digest; one the database lost is restored unread; an in-place edit is seen."""
    ws = open_workspace(str(workspace))
    db = core.open_db(ws.db_path)
    day = date.fromisoformat(TODAY)
    try:
        syncing.sync(db, ws.pledges_dir, day)
        assert index.files_digest(db) == scan(ws.pledges_dir)
        db.execute("UPDATE cache_state SET files_digest = NULL")
        db.commit()
        assert syncing.sync(db, ws.pledges_dir, day).changed == [] and index.files_digest(db) == scan(ws.pledges_dir)
        path = ws.pledges_dir / "gcm-implementation-plan.yaml"
        text = path.read_text(encoding="utf-8")
        edited = "\n".join("title: " + line[7:].upper() if line.startswith("title: ") else line for line in text.split("\n"))
        path.write_text(edited, encoding="utf-8")
        assert path.read_text(encoding="utf-8") != text and len(path.read_bytes()) == len(text.encode("utf-8"))
        os.utime(path, ns=(path.stat().st_atime_ns, path.stat().st_mtime_ns + 1_000_000))
        assert syncing.sync(db, ws.pledges_dir, day).changed == ["gcm-implementation-plan.yaml"]
        assert index.files_digest(db) == scan(ws.pledges_dir)
    finally:
        db.close()
