"""Queries of the published site: which pages exist, and which pledges a review examines."""

from __future__ import annotations

import json
from typing import Any

from tracker.errors import UnknownError
from tracker.store.core import did_you_mean, rows
from tracker.store.db import Database


def pledge_ids(db: Database) -> list[str]:
    """Return the ids of the active pledges, sorted."""
    return [r["id"] for r in rows(db, "SELECT id FROM pledges WHERE removed_at IS NULL ORDER BY id")]


def require_review(db: Database, review_id: str) -> dict[str, Any]:
    """Return an active review (id, title, first, every_years and its definition parsed), or raise UnknownError."""
    found = rows(db, "SELECT id, title, first, every_years, definition FROM reviews WHERE id = ? AND removed_at IS NULL", [review_id])
    if not found:
        known = [r["id"] for r in rows(db, "SELECT id FROM reviews WHERE removed_at IS NULL ORDER BY id")]
        raise UnknownError(f"unknown review {review_id!r}{did_you_mean(review_id, known)} (known: {', '.join(known) or 'none'})")
    return {**found[0], "definition": json.loads(found[0]["definition"])}


def examined_at(db: Database, review_id: str) -> list[str]:
    """Return the ids of the active pledges that name a review among theirs, sorted."""
    return [r["id"] for r in rows(
        db,
        """SELECT DISTINCT p.id FROM pledges p, json_each(p.reviews) r
           WHERE p.removed_at IS NULL AND r.value = ? ORDER BY p.id""",
        [review_id],
    )]
