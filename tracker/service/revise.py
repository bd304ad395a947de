"""`tracker revise`: change a due date or a target in the pledge file itself, and journal it with who and why."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

from tracker.errors import PledgeFileError, UnknownError, UsageError
from tracker.pledges.edit import Where, set_value
from tracker.store.core import definition, did_you_mean, require_pledge
from tracker.store.db import Database


def revise(db: Database, root: Path, pledge_id: str, item: tuple[str, str] | None, change: tuple[str, str],
           reason: str, author: str | None, today: date) -> list[dict[str, Any]]:
    """Edit one value of a pledge file in place (`item`: ("milestone"|"indicator", id); `change`: ("due"|"target", value)),
    then sync it so the revision is journaled with `author` and `reason`; return the revisions (none: the value was already so)."""
    from tracker import files
    from tracker.pledges.loader import display, parse_pledge, read_limited
    from tracker.store import sync

    row = require_pledge(db, pledge_id)
    where = _where(definition(row), item, change[0])
    path = root / "pledges" / row["path"]
    files.check_target(path)
    text = read_limited(path).decode("utf-8")  # the sync before this command checked it is UTF-8
    try:
        new_text, line = set_value(text, where, change[1])
    except ValueError as exc:
        raise UsageError(f"{display(path)}: {exc}") from None
    try:
        parse_pledge(path, new_text)
    except PledgeFileError as exc:
        problem = exc.problems[0].split(": ", 2)[-1]
        raise UsageError(f"--{change[0]} {change[1]!r}: {problem} ({display(path)}:{line} is unchanged)") from None
    if new_text == text:
        return []
    files.atomic_write(path, new_text)
    return sync.sync(db, root / "pledges", today, stamp={"author": author, "reason": reason}).revisions


def _where(spec: dict[str, Any], item: tuple[str, str] | None, field: str) -> Where:
    """Return where the value lives in the file, refusing an item the pledge has not or a field it has not."""
    if item is None:
        if field == "target":
            raise UsageError("--target: give the indicator with --indicator ID")
        return Where("due")
    kind, item_id = item
    known = {entry["id"]: entry for entry in spec[f"{kind}s"]}
    if item_id not in known:
        hint = did_you_mean(item_id, sorted(known)) or f"; `tracker show {spec['id']}` lists them"
        raise UnknownError(f"{spec['id']} has no {kind} {item_id!r}{hint}")
    if kind == "milestone":
        if field == "target":
            raise UsageError("--target: a milestone has a due date, not a target; use --due")
        return Where("due", "milestones", item_id)
    if known[item_id].get("target") is None:
        raise UsageError(f"--indicator {item_id}: it has no target to revise; add one to the pledge file by hand")
    return Where("target", "indicators", item_id, "value" if field == "target" else "date")
