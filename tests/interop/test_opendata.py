"""The open data and the Atom feed of a published site, on a real workspace with a few records."""

from __future__ import annotations

import csv
import io
import json
import re
from datetime import date
from pathlib import Path

import defusedxml.ElementTree as SafeET
import pytest
import vobject
from conftest import TODAY, Tracker

from tracker.interop import columns
from tracker.interop.feed import atom_feed
from tracker.interop.opendata import CSV_TABLES, write_data
from tracker.store import core
from tracker.store.db import Database
from tracker.workspace import Workspace, open_workspace

ATOM = "{http://www.w3.org/2005/Atom}"
PLEDGE = "gcm-implementation-plan"
HOSTILE = "<script>alert('x')</script> ]]> & \"quotes\""
FILES = {*(f"{t}.csv" for t in CSV_TABLES), "pledges.json", "deadlines.ics", "README.md"}


@pytest.fixture
def recorded(tracker: Tracker) -> Tracker:
    """The bundled catalog with an update, a reading, a completion and an update with a hostile note."""
    author = {"TRACKER_AUTHOR": "Ana Example <ana@example.org>"}
    for args in (("update", PLEDGE, "--status", "in-progress", "--note", "Action plan drafted", "--source", "https://example.org/p"),
                 ("record", PLEDGE, "objectives-with-results", "1", "--date", "2026-11-01"),
                 ("done", PLEDGE, "action-plan-adopted", "--date", "2026-06-01"),
                 ("update", PLEDGE, "--status", "stalled", "--note", HOSTILE)):
        result = tracker(*args, **author)
        assert result.exit_code == 0, result.output
    return tracker


def _open(tracker: Tracker) -> tuple[Workspace, Database]:
    ws = open_workspace(str(tracker.root))
    return ws, core.open_db(ws.db_path)


def _write(tracker: Tracker, folder: Path) -> dict[str, bytes]:
    ws, db = _open(tracker)
    try:
        written = write_data(db, ws, date.fromisoformat(TODAY), folder)
    finally:
        db.conn.close()
    return {p.name: p.read_bytes() for p in written}


def test_every_file_is_written(recorded: Tracker, tmp_path: Path) -> None:
    files = _write(recorded, tmp_path / "data")
    assert set(files) == FILES
    assert {p.name for p in (tmp_path / "data").iterdir()} == FILES  # no temporary file left
    data = json.loads(files["pledges.json"])
    assert data["today"] == TODAY and len(data["pledges"]) == len(files["pledges.csv"].decode().splitlines()) - 1
    pledge = next(p for p in data["pledges"] if p["id"] == PLEDGE)
    assert [e["kind"] for e in pledge["history"]].count("update") == 2
    assert {e["author"] for e in pledge["history"] if e["kind"] != "revision"} == {"Ana Example"}
    assert "ana@example.org" not in files["pledges.json"].decode()
    assert "contacts" not in pledge["definition"] and pledge["status"]["id"] == PLEDGE
    assert vobject.readOne(files["deadlines.ics"].decode()).contents["vevent"]


def test_csv_headers_are_the_specification_and_documented(recorded: Tracker, tmp_path: Path) -> None:
    files = _write(recorded, tmp_path)
    readme = files["README.md"].decode()
    for table in CSV_TABLES:
        header = next(csv.reader(io.StringIO(files[f"{table}.csv"].decode())))
        assert tuple(header) == columns.names(table)
        section = readme.split(f"## `{table}.csv`", 1)[1].split("\n## ", 1)[0]
        documented = re.findall(r"^\| `([^`]+)` \| (\w+) \| .+ \|$", section, flags=re.MULTILINE)
        assert [name for name, _ in documented] == header, table
        assert all(kind in columns.TYPES for _, kind in documented)
    assert "## `pledges.json`" in readme and "## `deadlines.ics`" in readme


def test_indicators_table(recorded: Tracker, tmp_path: Path) -> None:
    rows = list(csv.DictReader(io.StringIO(_write(recorded, tmp_path)["indicators.csv"].decode())))
    assert any(r["pledge"] == PLEDGE and r["indicator"] == "objectives-with-results" for r in rows)
    assert rows == sorted(rows, key=lambda r: r["pledge"])


def test_writing_twice_gives_the_same_bytes(recorded: Tracker, tmp_path: Path) -> None:
    first = _write(recorded, tmp_path / "a")
    second = _write(recorded, tmp_path / "b")
    assert first == second
    assert f"DTSTAMP:{TODAY.replace('-', '')}T000000Z" in first["deadlines.ics"].decode()


def _feed(tracker: Tracker, base_url: str | None = None, limit: int = 50) -> str:
    ws, db = _open(tracker)
    try:
        return atom_feed(db, date.fromisoformat(TODAY), ws.settings, "Pledges <& co>", base_url, limit)
    finally:
        db.conn.close()


def test_feed_lists_the_latest_entries(recorded: Tracker) -> None:
    text = _feed(recorded)
    feed = SafeET.fromstring(text.encode())
    entries = feed.findall(f"{ATOM}entry")
    assert [e.find(f"{ATOM}category").get("term") for e in entries] == ["update", "done", "reading", "update"]  # type: ignore[union-attr]
    assert feed.findtext(f"{ATOM}title") == "Pledges <& co>"
    assert feed.findtext(f"{ATOM}updated") == entries[0].findtext(f"{ATOM}updated")
    for entry in entries:
        assert entry.findtext(f"{ATOM}author/{ATOM}name") == "Ana Example"
        assert entry.find(f"{ATOM}link[@rel='alternate']").get("href") == f"pledges/{PLEDGE}.html"  # type: ignore[union-attr]
        assert entry.findtext(f"{ATOM}id", "").startswith("urn:uuid:")
    assert len({e.findtext(f"{ATOM}id") for e in entries}) == 4
    assert text == _feed(recorded)
    assert "ana@example.org" not in text


def test_feed_escapes_a_hostile_note(recorded: Tracker) -> None:
    text = _feed(recorded)
    assert "<script>" not in text and "]]>" not in text
    newest = SafeET.fromstring(text.encode()).find(f"{ATOM}entry")
    assert HOSTILE in newest.findtext(f"{ATOM}summary", "")  # type: ignore[union-attr]


def test_feed_links_are_absolute_with_a_base_url(recorded: Tracker) -> None:
    feed = SafeET.fromstring(_feed(recorded, "https://example.org/pledges-site", limit=2).encode())
    entries = feed.findall(f"{ATOM}entry")
    assert len(entries) == 2
    assert {e.find(f"{ATOM}link").get("href") for e in entries} == {f"https://example.org/pledges-site/pledges/{PLEDGE}.html"}  # type: ignore[union-attr]
    assert feed.find(f"{ATOM}link[@rel='self']").get("href") == "https://example.org/pledges-site/feed.xml"  # type: ignore[union-attr]


def test_empty_feed_is_dated_by_the_day(tracker: Tracker) -> None:
    assert tracker("status").exit_code == 0
    feed = SafeET.fromstring(_feed(tracker).encode())
    assert feed.findall(f"{ATOM}entry") == []
    assert feed.findtext(f"{ATOM}updated") == f"{TODAY}T00:00:00Z"


def test_entries_after_the_day_are_left_out(recorded: Tracker) -> None:
    assert recorded("update", PLEDGE, "--status", "achieved", "--note", "later", today="2026-12-01").exit_code == 0
    feed = SafeET.fromstring(_feed(recorded).encode())
    assert len(feed.findall(f"{ATOM}entry")) == 4


def test_feed_lists_revisions_corrections_and_retractions(recorded: Tracker) -> None:
    ids = {e["kind"]: e["id"] for e in json.loads(recorded("history", PLEDGE, "--json").output)}
    for args in (("revise", PLEDGE, "--due", "2028", "--reason", "extended"), ("correct", ids["reading"], "--value", "2", "--reason", "typo"),
                 ("retract", ids["done"], "--reason", "wrong pledge")):
        assert recorded(*args).exit_code == 0
    entries = SafeET.fromstring(_feed(recorded).encode()).findall(f"{ATOM}entry")
    titles = [e.findtext(f"{ATOM}title", "").split(":")[0] for e in entries]
    assert {"Revision", "Correction", "Retraction"} <= set(titles)
    summaries = " ".join(e.findtext(f"{ATOM}summary", "") for e in entries)
    assert "due date changed from 2027 to 2028 (extended)" in summaries and f"{ids['done']} retracted: wrong pledge" in summaries
