"""The journal file format: entries read back whole, whether written in full or under a `defaults` line."""

from __future__ import annotations

from pathlib import Path

import pytest

from tracker.errors import PledgeFileError
from tracker.pledges import journal

A = {"author": "Dara <dara@example.org>", "entered_at": "2026-11-27T10:00:00+00:00"}


def _reading(n: int, **extra: object) -> dict[str, object]:
    return {"id": f"x-{n}", "type": "reading", "pledge": "p", "indicator": "i", "date": "2026-01-01", "value": n,
            "source": None, "note": None, **A, **extra}


def _roundtrip(tmp_path: Path, entries: list[dict[str, object]]) -> tuple[list[dict[str, object]], str]:
    path = tmp_path / "f.jsonl"
    path.write_text("".join(journal.lines(entries)), encoding="utf-8")
    return list(journal.read(path, "journal/f.jsonl")), path.read_text(encoding="utf-8")


def test_a_lone_entry_is_written_in_full(tmp_path: Path) -> None:
    read, text = _roundtrip(tmp_path, [_reading(1)])
    assert read == [_reading(1)] and text.count("\n") == 1 and "defaults" not in text


def test_many_entries_share_a_defaults_line_and_read_back_whole(tmp_path: Path) -> None:
    entries = [_reading(n) for n in range(1, 4)] + [_reading(4, author="Sok", note="resurveyed")]
    read, text = _roundtrip(tmp_path, entries)
    first, *rest = text.splitlines()
    assert first.startswith('{"type":"defaults"') and all('"entered_at"' not in line for line in rest)
    assert '"note":null' not in text and '"author":"Sok"' in rest[-1]
    expected = [{k: v for k, v in e.items() if v is not None} for e in entries]
    assert read == expected


def test_an_entry_without_author_time_and_no_defaults_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "f.jsonl"
    path.write_text('{"id":"x","type":"update","pledge":"p","date":"2026-01-01","status":"stalled","note":"n"}\n', encoding="utf-8")
    with pytest.raises(PledgeFileError, match=r"journal/f.jsonl:1: a update entry lacks entered_at"):
        list(journal.read(path, "journal/f.jsonl"))
