"""Save an imported IATI activity: write its pledge file, sync it and record its readings, or leave nothing behind."""

from __future__ import annotations

import contextlib
import hashlib
from datetime import date
from pathlib import Path

from tracker.errors import ConflictError, UsageError
from tracker.interop.iati_import import READING_SOURCE, Imported, Reading
from tracker.interop.iati_xml import clean
from tracker.pledges.models import Pledge
from tracker.store.db import Database
from tracker.store.history import ReadingRow


def save(db: Database, folder: Path, imported: Imported, file_name: str, today: date, author: str | None,
         at: str | None = None) -> Path:
    """Write the pledge file, sync it and record its readings in one transaction; on any failure leave nothing behind."""
    from tracker.files import atomic_write
    from tracker.pledges import loader as pledgefile
    from tracker.store import history, sync

    path = folder / f"{imported.pledge_id}.yaml"
    taken = [p for p in (path, path.with_suffix(".yml")) if p.exists()]
    if taken:
        raise ConflictError(f"{pledgefile.display(taken[0])} already exists; choose another id with --id (nothing was imported)")
    pledge = pledgefile.parse_pledge(path, imported.text)  # validated before anything is written
    rows = _reading_rows(pledge, imported.readings, READING_SOURCE.format(file=clean(file_name)))
    atomic_write(path, imported.text)
    try:
        sync.sync(db, folder, today)
        # The readings are recorded only against the very file just written and synced.
        history.insert_readings(db, folder.parent, rows, {pledge.id: hashlib.sha256(imported.text.encode("utf-8")).hexdigest()}, author,
                                 at=at)
    except BaseException:
        path.unlink(missing_ok=True)
        with contextlib.suppress(Exception):
            sync.sync(db, folder, today)  # marks the half-imported pledge removed again
        raise
    return path


def _reading_rows(pledge: Pledge, readings: list[Reading], source: str) -> list[ReadingRow]:
    from tracker.pledges.values import check_value
    from tracker.store.history import reading_row

    rows = []
    for reading in readings:
        indicator = pledge.indicator(reading.indicator_id)
        assert indicator is not None
        try:
            value = check_value(indicator, reading.value)
        except ValueError as exc:
            raise UsageError(f"actual of {reading.day}: {exc}; nothing was imported") from None
        rows.append(reading_row(pledge.id, indicator.id, reading.day, value, source, reading.note))
    return rows
