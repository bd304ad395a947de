"""`tracker backup` and `tracker doctor`: an online consistent copy, and checks a maintainer can act on."""

from __future__ import annotations

import os
import sqlite3
import stat
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from tracker.errors import StoreError, TrackerError
from tracker.workspace import Workspace


class BackupExists(TrackerError):
    """The backup target exists and --force was not given."""


def backup(db_path: Path, target: Path, force: bool = False) -> int:
    """Copy the live database consistently (VACUUM INTO) to `target`, owner-only; return its size in bytes."""
    if target.exists() and not force:
        raise BackupExists(f"{target} exists; choose another name or pass --force")
    if not db_path.exists():
        raise StoreError(f"{db_path}: no database to back up")
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_name(f".{target.name}.tmp")
    tmp.unlink(missing_ok=True)
    old = os.umask(0o077)
    try:
        conn = sqlite3.connect(db_path, timeout=30)
        try:
            conn.execute("VACUUM INTO ?", [str(tmp)])
        finally:
            conn.close()
        tmp.chmod(0o600)
        _verify(tmp)
        tmp.replace(target)
    except sqlite3.Error as exc:
        tmp.unlink(missing_ok=True)
        raise StoreError(f"backup failed: {exc}") from None
    finally:
        os.umask(old)
    return target.stat().st_size


def _verify(path: Path) -> None:
    conn = sqlite3.connect(path)
    try:
        result = conn.execute("PRAGMA integrity_check").fetchone()[0]
    finally:
        conn.close()
    if result != "ok":
        raise StoreError(f"the backup did not pass an integrity check: {result}")


@dataclass(frozen=True)
class Check:
    """One finding of `tracker doctor`."""

    name: str
    state: str  # ok | warn | fail
    detail: str

    def as_json(self) -> dict[str, str]:
        """Return the documented JSON shape."""
        return {"check": self.name, "state": self.state, "detail": self.detail}


def doctor(workspace: Workspace, now: datetime | None = None) -> list[Check]:
    """Check the database, its schema, the outbox, the daemon, file permissions and the pledge files."""
    moment = now or datetime.now(UTC)
    path = workspace.db_path
    if not path.exists():
        return [Check("database", "warn", f"{path} does not exist yet; any command creates it")]
    checks = [_permissions(path), _pending(path)]
    from tracker.store import core as store
    from tracker.store import outbox as store_outbox

    db = store.open_db(path)
    try:
        checks += [_integrity(db.conn), _outbox(store_outbox.outbox_counts(db)), _daemon(store_outbox.heartbeat(db, "daemon"), moment)]
    finally:
        db.close()
    checks.append(_files(workspace))
    return checks


def _permissions(path: Path) -> Check:
    mode = stat.S_IMODE(path.stat().st_mode)
    if mode & 0o077:
        return Check("permissions", "warn", f"{path} is mode {mode:o}; run `chmod 600 {path}` so only its owner can read it")
    return Check("permissions", "ok", f"{path} is readable by its owner only ({mode:o})")


def _pending(path: Path) -> Check:
    from tracker.store import migrations

    conn = sqlite3.connect(path)
    try:
        names = {r[0] for r in conn.execute("SELECT name FROM _sqlite_migrations WHERE migration_set = 'tracker'")}
    except sqlite3.OperationalError:
        names = set()
    finally:
        conn.close()
    pending = [name for name in migrations.names() if name not in names]
    if pending:
        return Check("migrations", "warn", f"{len(pending)} pending ({', '.join(pending)}); they were applied now")
    return Check("migrations", "ok", f"schema up to date ({len(names)} migrations)")


def _integrity(conn: sqlite3.Connection) -> Check:
    result = [r[0] for r in conn.execute("PRAGMA integrity_check").fetchall()]
    broken = conn.execute("PRAGMA foreign_key_check").fetchall()
    if result != ["ok"] or broken:
        return Check("integrity", "fail", f"integrity: {'; '.join(result)[:300]}; foreign-key violations: {len(broken)}")
    return Check("integrity", "ok", "integrity check passed, no foreign-key violations")


def _outbox(counts: dict[str, int]) -> Check:
    if counts.get("dead"):
        return Check("outbox", "fail", f"{counts['dead']} dead reminder(s): `tracker outbox --status dead`, then `tracker outbox retry ID`")
    if counts.get("failed"):
        return Check("outbox", "warn", f"{counts['failed']} reminder(s) failed and will be retried")
    return Check("outbox", "ok", ", ".join(f"{n} {s}" for s, n in sorted(counts.items())) or "empty")


def _daemon(beat: dict[str, Any] | None, now: datetime) -> Check:
    if beat is None:
        return Check("daemon", "ok", "no daemon has run here (reminders can come from cron: `tracker remind`)")
    age = now - datetime.fromisoformat(beat["at"])
    if age > timedelta(days=1):
        return Check("daemon", "fail", f"last tick {beat['at'][:16]} UTC, {age.days} day(s) ago; is `tracker run` still running?")
    return Check("daemon", "ok", f"last tick {beat['at'][:16]} UTC")


def _files(workspace: Workspace) -> Check:
    from tracker.errors import PledgeFileError
    from tracker.pledges.loader import check_folder

    try:
        pledges, reviews = check_folder(workspace.pledges_dir)
    except PledgeFileError as exc:
        return Check("pledge files", "fail", f"{len(exc.problems)} problem(s); first: {exc.problems[0]}")
    return Check("pledge files", "ok", f"{pledges} pledges and {reviews} reviews are valid")
