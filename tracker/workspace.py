"""Find the workspace (tracker.toml, pledges/, reports/, tracker.db) and read its settings."""

from __future__ import annotations

import math
import os
import re
import tomllib
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from tracker.errors import WorkspaceError
from tracker.pledges.days import parse_day

CONFIG_FILE = "tracker.toml"
DEFAULT_DB = "tracker.db"


@dataclass(frozen=True)
class Settings:
    """Workspace settings from tracker.toml; every key is optional."""

    timezone: str = "UTC"
    due_soon_days: int = 30
    before_days: tuple[int, ...] = (90, 30, 7, 1, 0)
    overdue_every_days: int = 7
    escalate_after_days: int = 14
    backoff_after_days: int = 28  # overdue repeats are weekly (overdue_every_days) up to here...
    later_every_days: int = 30  # ...then on the monthly reminder days
    escalate_every_days: int = 30
    thresholds: dict[str, float] = field(default_factory=dict)
    max_attempts: int = 5
    smtp: str | None = None
    sender: str | None = None  # the one host that sends reminders ([notify] sender); None: any host
    notify_urls: tuple[str, ...] = ()
    report_urls: tuple[str, ...] = ()
    report_to: tuple[str, ...] = ()  # e-mail addresses that receive the weekly report itself
    publish_dir: str | None = None
    publish_base_url: str | None = None
    tick_minutes: int = 60
    weekly_day: str = "mon"
    weekly_time: str = "07:00"
    extra: dict[str, object] = field(default_factory=dict)

    @property
    def zone(self) -> ZoneInfo:
        """Return the workspace time zone."""
        return ZoneInfo(self.timezone)

    def publish_folder(self, root: Path) -> Path | None:
        """Return `[publish] dir` as a folder (relative to the workspace `root` unless absolute), or None when unset."""
        if not self.publish_dir:
            return None
        folder = Path(self.publish_dir)
        return folder if folder.is_absolute() else root / folder


@dataclass(frozen=True)
class Workspace:
    """Where a portfolio lives: its folder, database and settings."""

    root: Path
    db_path: Path
    settings: Settings

    @property
    def pledges_dir(self) -> Path:
        """Return the folder of pledge files."""
        return self.root / "pledges"

    @property
    def reports_dir(self) -> Path:
        """Return the folder of generated reports."""
        return self.root / "reports"

    def today(self, override: str | None = None) -> date:
        """Return `override` (YYYY-MM-DD, as --today / TRACKER_TODAY give it) or today in the workspace time zone."""
        return self.now(override).date()

    def now(self, override: str | None = None) -> datetime:
        """Return the local time now, on the day `override` names if one is given: the one way to resolve today."""
        local = datetime.now(self.settings.zone)
        if not override:
            return local
        day = parse_day(override)
        return local.replace(year=day.year, month=day.month, day=day.day)


def author_of(root: Path, override: str | None = None) -> str:
    """Return who enters records: `override` (--author, TRACKER_AUTHOR), else git's user.name and user.email for the
    workspace, else the operating-system user."""
    if override and override.strip():
        return override.strip()
    return git_identity(root) or _os_user()


def git_identity(root: Path) -> str | None:
    """Return `Name <email>` (or either alone) from git's configuration for `root`, read from its files, without git."""
    name = email = None
    for path in reversed(_git_configs(root)):  # the repository's file wins over the global ones
        found = _git_user(path)
        name, email = found.get("name") or name, found.get("email") or email
    if name and email:
        return f"{name} <{email}>"
    return name or email


def _git_configs(root: Path) -> list[Path]:
    home = Path.home()
    xdg = Path(os.environ.get("XDG_CONFIG_HOME") or home / ".config") / "git" / "config"
    paths = [home / ".gitconfig", xdg]
    for folder in (root, *root.parents):
        dot_git = folder / ".git"
        if dot_git.is_file():  # a worktree or submodule: `gitdir: PATH`
            text = dot_git.read_text(encoding="utf-8", errors="replace").strip()
            dot_git = (folder / text.removeprefix("gitdir:").strip()).resolve()
        if dot_git.is_dir():
            paths.insert(0, dot_git / "config")
            break
    return paths


def _git_user(path: Path) -> dict[str, str]:
    """Return `name` and `email` of the `[user]` section of a git configuration file (later lines win, as in git)."""
    try:
        lines = path.read_text(encoding="utf-8", errors="replace").splitlines()
    except OSError:
        return {}
    found: dict[str, str] = {}
    section = ""
    for raw in lines:
        line = raw.strip()
        if line.startswith("["):
            section = line.strip("[]").strip().lower()
        elif section == "user" and "=" in line and not line.startswith(("#", ";")):
            key, _, value = line.partition("=")
            value = value.split(" #")[0].split(" ;")[0].strip().strip('"')
            if key.strip().lower() in ("name", "email") and value:
                found[key.strip().lower()] = value
    return found


def _os_user() -> str:
    import getpass

    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return "unknown"


def find_root(start: Path) -> Path | None:
    """Return the nearest folder from `start` (absolute) upward holding tracker.toml or pledges/."""
    for folder in (start, *start.parents):
        if (folder / CONFIG_FILE).is_file() or (folder / "pledges").is_dir():
            return folder
    return None


def read_config(path: Path) -> bytes | None:
    """Return the bytes of tracker.toml, or None when there is no such file."""
    return path.read_bytes() if path.is_file() else None


def open_workspace(workspace: str | None = None, db: str | None = None, cwd: Path | None = None) -> Workspace:
    """Resolve the workspace from an explicit folder or by searching upward from `cwd`."""
    if workspace:
        root = Path(workspace).expanduser()
        if not root.is_dir():
            raise WorkspaceError(f"workspace folder {workspace} does not exist; create one with: tracker init {workspace}")
    else:
        found = find_root((cwd or Path.cwd()).resolve())
        if found is None:
            raise WorkspaceError(
                "not inside a tracker workspace (no tracker.toml or pledges/ here or above); "
                "run `tracker init DIR`, or pass --workspace DIR / set TRACKER_WORKSPACE"
            )
        root = found
    path = root / CONFIG_FILE
    try:
        raw = read_config(path)
    except OSError as exc:
        raise WorkspaceError(f"{path.name}: cannot read: {exc}") from None
    db_path = Path(db).expanduser() if db else root / DEFAULT_DB
    return Workspace(root.resolve(), db_path, _settings(path, raw))


def _settings(path: Path, raw: bytes | None) -> Settings:
    """Parse and check tracker.toml's bytes (None: no file, every default); a problem reads `tracker.toml:line: message`."""
    if raw is None:
        return Settings()
    try:
        data = tomllib.loads(raw.decode("utf-8"))
    except tomllib.TOMLDecodeError as exc:
        match = re.search(r"\(at line (\d+)", str(exc))
        line = match.group(1) if match else "1"
        raise WorkspaceError(f"{path.name}:{line}: {str(exc).split(' (at')[0]}") from None
    except UnicodeDecodeError as exc:
        raise WorkspaceError(f"{path.name}: cannot read: {exc}") from None
    return _settings_from(path, data)


def _settings_from(path: Path, data: dict[str, object]) -> Settings:
    reminders = data.get("reminders", {})
    if not isinstance(reminders, dict):
        raise WorkspaceError(f"{path.name}: [reminders] must be a table")
    timezone = data.get("timezone", "UTC")
    try:
        ZoneInfo(str(timezone))
    except (ZoneInfoNotFoundError, ValueError):
        raise WorkspaceError(f"{path.name}: timezone: unknown time zone {timezone!r}") from None
    before = reminders.get("before_days", list(Settings.before_days))
    if not isinstance(before, list) or not all(isinstance(d, int) and 0 <= d <= 3650 for d in before):
        raise WorkspaceError(f"{path.name}: reminders.before_days: expected a list of whole days 0-3650")
    return Settings(
        timezone=str(timezone),
        due_soon_days=_int(path, data, "due_soon_days", 30),
        before_days=tuple(sorted(set(before), reverse=True)),
        overdue_every_days=_int(path, reminders, "overdue_every_days", 7, "reminders.", low=1, high=365),
        escalate_after_days=_int(path, reminders, "escalate_after_days", 14, "reminders."),
        backoff_after_days=_int(path, reminders, "backoff_after_days", 28, "reminders.", low=0, high=3650),
        later_every_days=_int(path, reminders, "later_every_days", 30, "reminders.", low=1, high=365),
        escalate_every_days=_int(path, reminders, "escalate_every_days", 30, "reminders.", low=1, high=365),
        thresholds=_thresholds(path, data.get("assessment", {})),
        max_attempts=_int(path, reminders, "max_attempts", 5, "reminders.", low=1, high=50),
        **_notify(path, _table(path, data, "notify")),
        **_daemon(path, _table(path, data, "daemon")),
        **_publish(path, _table(path, data, "publish")),
        extra={k: v for k, v in data.items() if k not in KNOWN_KEYS},
    )


BASE_URL = re.compile(r"https?://[^\s<>\"']+")  # where a published site is served ([publish] base_url, --base-url)
KNOWN_KEYS = ("timezone", "due_soon_days", "reminders", "assessment", "notify", "daemon", "publish")
DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


def _table(path: Path, data: dict[str, object], name: str) -> dict[str, object]:
    table = data.get(name, {})
    if not isinstance(table, dict):
        raise WorkspaceError(f"{path.name}: [{name}] must be a table")
    return table


def _strings(path: Path, table: dict[str, object], key: str) -> tuple[str, ...]:
    value = table.get(key, [])
    if isinstance(value, str):
        value = value.split()
    if not isinstance(value, list) or not all(isinstance(v, str) and "://" in v for v in value):
        raise WorkspaceError(f"{path.name}: notify.{key}: expected a list of notification URLs such as json://host/path")
    return tuple(value)


def _notify(path: Path, table: dict[str, object]) -> dict[str, Any]:
    smtp = table.get("smtp")
    if smtp is not None and (not isinstance(smtp, str) or not smtp.startswith(("mailto://", "mailtos://"))):
        raise WorkspaceError(f"{path.name}: notify.smtp: expected a mailto:// or mailtos:// URL")
    sender = table.get("sender")
    if sender is not None and (not isinstance(sender, str) or not re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9.-]{0,252}", sender)):
        raise WorkspaceError(f"{path.name}: notify.sender: expected a host name such as \"desk-server\", got {sender!r}")
    return {"smtp": smtp, "notify_urls": _strings(path, table, "urls"), "report_urls": _strings(path, table, "report_urls"),
            "sender": sender, "report_to": _addresses(path, table)}


def _addresses(path: Path, table: dict[str, object]) -> tuple[str, ...]:
    value = table.get("report_to", [])
    if isinstance(value, str):
        value = value.replace(",", " ").split()
    if not isinstance(value, list) or not all(isinstance(v, str) and re.fullmatch(r"[^@\s<>,;]+@[^@\s<>,;]+\.[^@\s<>,;]+", v) for v in value):
        raise WorkspaceError(f"{path.name}: notify.report_to: expected a list of e-mail addresses such as \"team@example.org\"")
    return tuple(value)


def _publish(path: Path, table: dict[str, object]) -> dict[str, Any]:
    folder, base = table.get("dir"), table.get("base_url")
    if folder is not None and (not isinstance(folder, str) or not folder.strip()):
        raise WorkspaceError(f"{path.name}: publish.dir: expected a folder such as \"site\"")
    if base is not None and (not isinstance(base, str) or not BASE_URL.fullmatch(base)):
        raise WorkspaceError(f"{path.name}: publish.base_url: expected an http(s) URL such as \"https://example.org/pledges/\"")
    return {"publish_dir": folder, "publish_base_url": base}


def _daemon(path: Path, table: dict[str, object]) -> dict[str, Any]:
    day = str(table.get("weekly_report_day", "mon")).lower()[:3]
    at = str(table.get("weekly_report_time", "07:00"))
    if day not in DAYS:
        raise WorkspaceError(f"{path.name}: daemon.weekly_report_day: expected one of {', '.join(DAYS)}")
    if not re.fullmatch(r"([01]\d|2[0-3]):[0-5]\d", at):
        raise WorkspaceError(f"{path.name}: daemon.weekly_report_time: expected HH:MM, got {at!r}")
    tick = _int(path, table, "tick_minutes", 60, "daemon.", low=1, high=1440)
    return {"tick_minutes": tick, "weekly_day": day, "weekly_time": at}


THRESHOLD_KEYS = ("on_track", "needs_acceleration", "growth_on_track", "growth_regressing")


def _thresholds(path: Path, table: object) -> dict[str, float]:
    if not isinstance(table, dict):
        raise WorkspaceError(f"{path.name}: [assessment] must be a table")
    found = {}
    for key, value in table.items():
        if key not in THRESHOLD_KEYS:
            raise WorkspaceError(f"{path.name}: assessment.{key}: unknown key (known: {', '.join(THRESHOLD_KEYS)})")
        if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
            raise WorkspaceError(f"{path.name}: assessment.{key}: expected a finite number, got {value!r}")
        found[key] = float(value)
    return found


def _int(path: Path, table: dict[str, object], key: str, default: int, prefix: str = "", low: int = 0, high: int = 3650) -> int:
    value = table.get(key, default)
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise WorkspaceError(f"{path.name}: {prefix}{key}: expected a whole number of days {low}-{high}, got {value!r}")
    return value