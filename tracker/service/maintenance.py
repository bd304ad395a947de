"""`tracker backup` and `tracker doctor`: an online consistent copy, and checks a maintainer can act on."""

from __future__ import annotations

import stat
from datetime import UTC, datetime
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


def doctor(workspace: Workspace, now: datetime | None = None) -> list[Finding]:
    """Check the database, its schema, the outbox, the daemon, file permissions and the pledge files."""
    moment = now or datetime.now(UTC)
    path = workspace.db_path
    if not path.exists():
        return [Finding("database", "warn", f"{path} does not exist yet; any command creates it")]
    checks = [_permissions(path), _pending(path)]
    from tracker.store import core
    from tracker.store import outbox as store_outbox

    db = core.open_db(path)
    try:
        beat = store_outbox.heartbeat(db, "daemon")
        checks += [_integrity(path), outbox_finding(store_outbox.outbox_counts(db)), daemon_finding(beat["at"] if beat else None, moment)]
    finally:
        db.close()
    checks.append(_files(workspace))
    return checks


def _permissions(path: Path) -> Finding:
    mode = stat.S_IMODE(path.stat().st_mode)
    if mode & 0o077:
        return Finding("permissions", "warn", f"{path} is mode {mode:o}; run `chmod 600 {path}` so only its owner can read it")
    return Finding("permissions", "ok", f"{path} is readable by its owner only ({mode:o})")


def _pending(path: Path) -> Finding:
    from tracker.store import migrations

    names = upkeep.applied_names(path)
    pending = [name for name in migrations.names() if name not in names]
    if pending:
        return Finding("migrations", "warn", f"{len(pending)} pending ({', '.join(pending)}); they were applied now")
    return Finding("migrations", "ok", f"schema up to date ({len(names)} migrations)")


def _integrity(path: Path) -> Finding:
    problems = upkeep.integrity(path)
    if problems:
        return Finding("integrity", "fail", "; ".join(problems))
    return Finding("integrity", "ok", "integrity check passed, no foreign-key violations")


def _files(workspace: Workspace) -> Finding:
    from tracker.errors import PledgeFileError
    from tracker.pledges.loader import check_folder

    try:
        pledges, reviews = check_folder(workspace.pledges_dir)
    except PledgeFileError as exc:
        return Finding("pledge files", "fail", f"{len(exc.problems)} problem(s); first: {exc.problems[0]}")
    return Finding("pledge files", "ok", f"{pledges} pledges and {reviews} reviews are valid")
