"""`tracker backup` and `tracker doctor`: an online consistent copy, and checks a maintainer can act on."""

from __future__ import annotations

import os
import sqlite3
import stat
from datetime import UTC, date, datetime
from pathlib import Path

from tracker.domain.warnings import Finding, daemon_finding, outbox_finding
from tracker.errors import StoreError, TrackerError
from tracker.files import check_target, replace, temporary
from tracker.store import upkeep
from tracker.workspace import Workspace


class BackupExists(TrackerError):
    """The backup target exists and --force was not given."""


class BackupRefused(TrackerError):
    """The backup target is the live database itself, or one of its files."""


def backup(db_path: Path, target: Path, force: bool = False) -> int:
    """Copy the live database consistently (VACUUM INTO) to `target`, owner-only; return its size in bytes."""
    _refuse_live(db_path, target)
    if check_target(target) is not None and not force:
        raise BackupExists(f"{target} exists; choose another name or pass --force")
    if not db_path.exists():
        raise StoreError(f"{db_path}: no database to back up")
    tmp = temporary(target, private=True)
    try:
        upkeep.copy_into(db_path, tmp)
        replace(tmp, target)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return target.stat().st_size


def _refuse_live(db_path: Path, target: Path) -> None:
    """Refuse the live database, its -wal, -shm and -journal files, and any path that resolves to one of them."""
    live = {Path(f"{db_path.resolve()}{suffix}") for suffix in ("", "-wal", "-shm", "-journal")}
    resolved = target.resolve()
    same = any(resolved == p or (p.exists() and target.exists() and target.samefile(p)) for p in live)
    if same:
        raise BackupRefused(f"{target}: is the live database or one of its files; a backup must go elsewhere")


def rebuild(workspace: Workspace, today: date) -> Path:
    """Build the index again from pledges/ and journal/ beside the old one, keep what belongs to this machine (the
    outbox, heartbeats, report runs), then put it in the old one's place; return the database's path."""
    from tracker.store import core
    from tracker.store.sync import sync_all

    path = workspace.db_path
    if path.exists():
        core.open_db(path).close()  # migrated and checkpointed: the file alone holds everything
    fresh = path.with_name(f".{path.name}.rebuild-{os.getpid()}")
    for leftover in (fresh, Path(f"{fresh}-wal"), Path(f"{fresh}-shm")):
        leftover.unlink(missing_ok=True)
    db = core.open_db(fresh)
    try:
        sync_all(db, workspace.root, today)
        if path.exists():
            upkeep.copy_machine_state(db.conn, path)
    except BaseException:
        db.close()
        fresh.unlink(missing_ok=True)
        raise
    db.close()
    fresh.replace(path)
    return path


def doctor(workspace: Workspace, now: datetime | None = None) -> list[Finding]:
    """Check the database, its schema, the outbox, the daemon, file permissions and the pledge files.

    Every check runs even when the database cannot be opened: that one fails with what to do, the others still speak.
    """
    moment = now or datetime.now(UTC)
    path = workspace.db_path
    if not path.exists():
        return [Finding("database", "warn", f"{path} does not exist yet; any command creates it"), _files(workspace)]
    return [_permissions(path), *_database(path, moment), _files(workspace)]


def _database(path: Path, moment: datetime) -> list[Finding]:
    from tracker.store import core
    from tracker.store import outbox as store_outbox

    before = upkeep.applied_names(path)
    try:
        db = core.open_db(path)
    except StoreError as exc:
        return [Finding("database", "fail", f"{exc}. {DAMAGED_ADVICE.format(path=path)}")]
    try:
        beat = store_outbox.heartbeat(db, "daemon")
        return [_pending(before, core.applied_migrations(db)), _integrity(db.conn), outbox_finding(store_outbox.outbox_counts(db)),
                daemon_finding(beat["at"] if beat else None, moment)]
    finally:
        db.close()


DAMAGED_ADVICE = ("Restore the latest backup (`cp BACKUP.db {path}`), or move {path} aside: the next command builds a new "
                  "database from the pledge files (history recorded only in the old database is then lost)")


def _permissions(path: Path) -> Finding:
    mode = stat.S_IMODE(path.stat().st_mode)
    if mode & 0o077:
        return Finding("permissions", "warn", f"{path} is mode {mode:o}; run `chmod 600 {path}` so only its owner can read it")
    return Finding("permissions", "ok", f"{path} is readable by its owner only ({mode:o})")


def _pending(before: set[str] | None, after: list[str]) -> Finding:
    """Say whether opening the database applied migrations (`before`: what it had, None when that could not be read)."""
    pending = [] if before is None else [name for name in after if name not in before]
    if pending:
        return Finding("migrations", "warn", f"{len(pending)} pending ({', '.join(pending)}); they were applied now")
    return Finding("migrations", "ok", f"schema up to date ({len(after)} migrations)")


def _integrity(conn: sqlite3.Connection) -> Finding:
    problems = upkeep.integrity(conn)
    if problems:
        return Finding("integrity", "fail", "; ".join(problems) + f". {DAMAGED_ADVICE.format(path='the database')}")
    return Finding("integrity", "ok", "integrity check passed, no foreign-key violations")


def _files(workspace: Workspace) -> Finding:
    from tracker.errors import PledgeFileError
    from tracker.pledges.loader import check_folder

    try:
        pledges, reviews = check_folder(workspace.pledges_dir)
    except PledgeFileError as exc:
        return Finding("pledge files", "fail", f"{len(exc.problems)} problem(s); first: {exc.problems[0]}")
    return Finding("pledge files", "ok", f"{pledges} pledges and {reviews} reviews are valid")
