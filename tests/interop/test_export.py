"""`tracker export ics|json|csv` on real workspaces; the calendar is read back with vobject, an independent parser."""

from __future__ import annotations

import csv
import io
import json
import re
import shutil
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import vobject
from conftest import REPO, TODAY, Tracker

from tracker.domain.statuses import CLOSED_STATUSES
from tracker.interop.calendar import write_deadlines_ics
from tracker.store import core
from tracker.views.portfolio import snapshot
from tracker.workspace import open_workspace

CSV_HEADERS = {
    "pledges": ["id", "title", "owner", "frameworks", "due", "due_date", "reported_status", "reported_on", "schedule_status",
                "next_deadline", "next_deadline_date", "days_left", "assessed_status", "health", "progress", "milestones_done",
                "milestones_total", "discrepancy", "last_evidence"],
    "readings": ["pledge", "indicator", "date", "value", "source", "note", "unit", "recorded_at"],
    "updates": ["pledge", "date", "status", "note", "source", "recorded_at"],
    "milestones": ["pledge", "milestone", "title", "due", "due_date", "precision", "assumed", "done_on", "evidence", "days_left"],
}
HOSTILE_TITLE = "<script>alert('x')</script>, commas; semicolons: back\\slash END:VEVENT BEGIN:VEVENT SUMMARY:forged"
HOSTILE_PLEDGE = """\
title: "<script>alert('x')</script>, commas; semicolons: back\\\\slash END:VEVENT BEGIN:VEVENT SUMMARY:forged"
owner: "Ministry of \\"Quotes\\", Tests; and <b>tags</b>"
due: 2027-03-31
sources: [{document: seed.txt, quote: "we will"}]
milestones:
  - {id: step-one, title: "=HYPERLINK(\\"http://evil.example\\")", due: 2027-01}
"""


def events(text: str) -> dict[str, Any]:
    """Parse a calendar with vobject and return its events by UID."""
    calendar = vobject.readOne(text)
    found = {e.uid.value: e for e in calendar.contents.get("vevent", [])}
    assert len(found) == len(calendar.contents.get("vevent", [])), "UIDs must be unique"
    return found


def open_deadlines(workspace: Path, today: str = TODAY) -> dict[str, date]:
    """Return the UID and date of every open deadline, counted independently from the portfolio snapshot."""
    ws = open_workspace(str(workspace))
    db = core.open_db(ws.db_path)
    expected: dict[str, date] = {}
    for state in snapshot(db, date.fromisoformat(today), ws.settings):
        if state.row["reported_status"] in CLOSED_STATUSES:
            continue
        for d in state.deadlines:
            key = {"pledge": f"pledge:{state.row['id']}", "milestone": f"milestone:{state.row['id']}/{d.item}",
                   "review": f"review:{d.item}:{d.text}"}[d.kind]
            expected[f"{key}@{workspace.name}"] = d.date
    db.conn.close()
    return expected


def export_ics(tracker: Tracker, *args: str) -> str:
    result = tracker("export", "ics", *args)
    assert result.exit_code == 0, result.stderr
    return result.stdout_bytes.decode("utf-8")  # `stdout` would turn CRLF into LF


def test_ics_has_one_all_day_event_per_open_deadline(tracker: Tracker, workspace: Path) -> None:
    """Every open pledge due date, open milestone and review occurrence is one all-day event; closed ones are left out."""
    assert tracker("update", "national-mine-policy", "--status", "achieved", "--note", "Policy adopted").exit_code == 0
    assert tracker("done", "gcm-implementation-plan", "action-plan-adopted").exit_code == 0
    text = export_ics(tracker)
    found = events(text)
    expected = open_deadlines(workspace)
    assert set(found) == set(expected)
    assert not any("national-mine-policy" in uid or "action-plan-adopted" in uid for uid in found)
    assert sum(uid.startswith("review:imrf:") for uid in found) == 1, "one event per review, not per pledge"
    for uid, event in found.items():
        assert event.dtstart.value == expected[uid] and not hasattr(event.dtstart.value, "hour")
        assert event.dtend.value == expected[uid] + timedelta(days=1)
    assert text.startswith("BEGIN:VCALENDAR\r\n") and "\r\nVERSION:2.0\r\n" in text and text.count("\n") == text.count("\r\n")


def test_ics_describes_the_deadline_and_how_to_record_progress(tracker: Tracker) -> None:
    """Summary and description carry the pledge, its owner, health, schedule status, precision and the command to run."""
    found = events(export_ics(tracker))
    mine = found[f"pledge:mine-action-csdg@{tracker.root.name}"]
    assert mine.summary.value.startswith("Pledge due: Complete removal of mines")
    assert mine.summary.value.endswith("(by end of 2030)")
    description = mine.description.value
    for part in ("(mine-action-csdg)", "Owner: Cambodian Mine Action", "by end of 2030 (year precision", "Health: ",
                 "Schedule: upcoming", 'tracker update mine-action-csdg --status in-progress --note "..."'):
        assert part in description
    assert [c for cats in mine.contents["categories"] for c in cats.value] == ["CSDG:18"]
    milestone = found[f"milestone:gcm-implementation-plan/action-plan-adopted@{tracker.root.name}"]
    assert "tracker done gcm-implementation-plan action-plan-adopted" in milestone.description.value
    imrf = next(e for uid, e in found.items() if uid.startswith("review:imrf:"))
    assert "gcm-implementation-plan" in imrf.description.value and imrf.sequence.value == "0"


def test_uids_are_stable_and_a_moved_due_date_raises_the_sequence(tracker: Tracker, workspace: Path) -> None:
    """Two exports agree on UIDs; moving a due date in the pledge file keeps the UID and raises SEQUENCE."""
    first, second = events(export_ics(tracker)), events(export_ics(tracker))
    assert list(first) == list(second)
    pledge_uid, milestone_uid = f"pledge:mine-action-csdg@{workspace.name}", f"milestone:gcm-implementation-plan/action-plan-adopted@{workspace.name}"
    assert (first[pledge_uid].sequence.value, first[milestone_uid].sequence.value) == ("0", "0")
    mine = workspace / "pledges" / "mine-action-csdg.yaml"
    mine.write_text(mine.read_text(encoding="utf-8").replace("\ndue: 2030\n", "\ndue: 2031-06\n"), encoding="utf-8")
    gcm = workspace / "pledges" / "gcm-implementation-plan.yaml"
    adopted = "    title: Two-year follow-up Action Plan adopted\n    due: 2026\n"
    gcm.write_text(gcm.read_text(encoding="utf-8").replace(adopted, adopted.replace("2026", "2027")), encoding="utf-8")
    moved = events(export_ics(tracker))
    assert set(moved) == set(first)
    assert moved[pledge_uid].sequence.value == "1" and moved[pledge_uid].dtstart.value == date(2031, 6, 30)
    assert "by end of Jun 2031 (month precision" in moved[pledge_uid].description.value
    assert moved[milestone_uid].sequence.value == "1" and moved[milestone_uid].dtstart.value == date(2027, 12, 31)
    unchanged = [uid for uid in first if uid not in (pledge_uid, milestone_uid)]
    assert all(moved[uid].sequence.value == first[uid].sequence.value for uid in unchanged)


def test_alarms_follow_the_configured_lead_times(tracker: Tracker, workspace: Path) -> None:
    """One DISPLAY alarm per lead time: tracker.toml's, or the pledge's own reminders.before_days."""
    toml = workspace / "tracker.toml"
    toml.write_text(toml.read_text(encoding="utf-8").replace("before_days = [90, 30, 7, 1, 0]", "before_days = [45, 3, 0]"), encoding="utf-8")
    mine = workspace / "pledges" / "mine-action-csdg.yaml"
    mine.write_text(mine.read_text(encoding="utf-8") + "reminders: {before_days: [60, 14]}\n", encoding="utf-8")
    found = events(export_ics(tracker))

    def triggers(uid: str) -> list[timedelta]:
        alarms = found[uid].contents["valarm"]
        assert all(a.action.value == "DISPLAY" and a.description.value for a in alarms)
        return sorted(a.trigger.value for a in alarms)

    assert triggers(f"pledge:mine-action-csdg@{workspace.name}") == [timedelta(days=-60), timedelta(days=-14)]
    assert triggers(f"pledge:gcm-implementation-plan@{workspace.name}") == [timedelta(days=-45), timedelta(days=-3), timedelta(0)]
    assert triggers(f"review:csdg-2030:2030@{workspace.name}") == [timedelta(days=-45), timedelta(days=-3), timedelta(0)]


def test_hostile_text_is_escaped(tracker: Tracker, workspace: Path) -> None:
    """Commas, semicolons, backslashes, quotes and tags in a title survive as text and forge no event (line breaks are refused earlier)."""
    (workspace / "pledges" / "hostile.yaml").write_text(HOSTILE_PLEDGE, encoding="utf-8")
    text = export_ics(tracker)
    found = events(text)
    event = found[f"pledge:hostile@{workspace.name}"]
    assert event.summary.value == f"Pledge due: {HOSTILE_TITLE}"
    assert 'Owner: Ministry of "Quotes", Tests; and <b>tags</b>' in event.description.value
    lines = text.split("\r\n")
    assert lines.count("BEGIN:VEVENT") == lines.count("END:VEVENT") == len(found)
    assert "SUMMARY:forged" not in lines


def test_filters_and_output_file(tracker: Tracker, workspace: Path) -> None:
    """--owner and --framework pick pledges as `status` does; -o writes the file atomically and says so."""
    out = workspace / "out" / "cmaa.ics"
    result = tracker("export", "ics", "--owner", "mine action", "-o", str(out))
    assert result.exit_code == 0, result.stderr
    assert result.stdout.startswith(f"saved {out}")
    raw = out.read_bytes()
    assert raw.count(b"\r\n") == raw.count(b"\n"), "iCalendar lines end in CRLF"
    cmaa = ("mine-action-csdg", "national-mine-policy", "victim-assistance-conference")
    expected = {uid for uid in open_deadlines(workspace) if any(p in uid for p in cmaa) or uid.startswith("review:csdg-2030:")}
    assert set(events(raw.decode("utf-8"))) == expected
    gcm = events(export_ics(tracker, "--framework", "GCM:11"))
    assert {uid.split(":")[0] for uid in gcm} == {"pledge", "milestone", "review"}
    assert all("gcm-implementation-plan" in uid or uid.startswith("review:imrf:") for uid in gcm)
    assert not list(workspace.glob("out/.*.tmp"))


def test_weekly_job_writes_reports_deadlines_ics(tracker: Tracker, workspace: Path) -> None:
    """write_deadlines_ics puts every open deadline in reports/deadlines.ics."""
    assert tracker("sync").exit_code == 0
    ws = open_workspace(str(workspace))
    db = core.open_db(ws.db_path)
    path = write_deadlines_ics(db, ws, date.fromisoformat(TODAY))
    db.conn.close()
    assert path == workspace / "reports" / "deadlines.ics"
    assert set(events(path.read_text(encoding="utf-8"))) == set(open_deadlines(workspace))


def record_some(tracker: Tracker) -> None:
    """Record readings, a status update and a done milestone, some with spreadsheet-formula text."""
    for args in (
        ("record", "mine-action-csdg", "contaminated-area-remaining", "1500", "--date", "2024-01-01", "--source", "https://example.org/a"),
        ("record", "mine-action-csdg", "contaminated-area-remaining", "1200.5", "--date", "2025-01-01", "--note", "=1+1"),
        ("record", "mine-action-csdg", "contaminated-area-remaining", "--date", "2026-01-01", "--source", "@SUM(A1)", "--", "-5"),
        ("record", "national-mine-policy", "policy-formulated", "yes", "--date", "2026-02-01", "--note", "+cmd|' /C calc'!A0"),
        ("update", "mine-action-csdg", "--status", "in-progress", "--note", "-2 teams idle", "--date", "2026-03-01"),
        ("done", "gcm-implementation-plan", "action-plan-adopted", "--date", "2026-04-01", "--evidence", "https://example.org/plan"),
    ):
        result = tracker(*args)
        assert result.exit_code == 0, result.stderr


def test_export_json_has_the_documented_keys(tracker: Tracker, workspace: Path) -> None:
    """Pledges carry definition and status row, history matches `tracker history`, readings and outbox counts are there."""
    record_some(tracker)
    result = tracker("export", "json")
    assert result.exit_code == 0, result.stderr
    data = json.loads(result.stdout)
    assert list(data) == ["version", "exported_at", "today", "workspace", "pledges", "history", "readings", "outbox"]
    assert (data["version"], data["today"], data["workspace"]["name"]) == (1, TODAY, workspace.name)
    status = {r["id"]: r for r in json.loads(tracker("status", "--json").stdout)}
    assert [p["id"] for p in data["pledges"]] == sorted(status)
    for pledge in data["pledges"]:
        assert pledge["status"] == status[pledge["id"]] and pledge["definition"]["id"] == pledge["id"]
    assert set(data["history"]) == set(status)
    assert data["history"]["mine-action-csdg"] == json.loads(tracker("history", "mine-action-csdg", "--json").stdout)
    values = [(r["pledge_id"], r["indicator_id"], r["date"], r["value"]) for r in data["readings"]]
    assert ("mine-action-csdg", "contaminated-area-remaining", "2026-01-01", -5) in values
    assert ("national-mine-policy", "policy-formulated", "2026-02-01", "yes") in values
    assert len(values) == 4 and set(data["readings"][0]) == {"id", "pledge_id", "indicator_id", "date", "value", "source", "note", "recorded_at"}
    assert data["outbox"] == {}
    out = workspace / "state.json"
    assert tracker("export", "json", "-o", str(out)).exit_code == 0
    assert json.loads(out.read_text(encoding="utf-8"))["readings"] == data["readings"]


def read_csv(tracker: Tracker, table: str) -> list[list[str]]:
    result = tracker("export", "csv", "--table", table)
    assert result.exit_code == 0, result.stderr
    return list(csv.reader(io.StringIO(result.stdout, newline="")))


def test_export_csv_columns_are_as_documented(tracker: Tracker) -> None:
    """Each table's header is the documented column list, and every row has that many cells."""
    record_some(tracker)
    for table, header in CSV_HEADERS.items():
        rows = read_csv(tracker, table)
        assert rows[0] == header
        assert len(rows) > 1 and all(len(r) == len(header) for r in rows)
    pledges = {r[0]: dict(zip(CSV_HEADERS["pledges"], r, strict=True)) for r in read_csv(tracker, "pledges")[1:]}
    assert pledges["gcm-implementation-plan"]["frameworks"] == "GCM:1; GCM:11; GCM:23"
    assert pledges["gcm-implementation-plan"]["days_left"] == "-327"
    milestones = [dict(zip(CSV_HEADERS["milestones"], r, strict=True)) for r in read_csv(tracker, "milestones")[1:]]
    done = next(m for m in milestones if m["milestone"] == "action-plan-adopted")
    assert (done["done_on"], done["evidence"], done["days_left"], done["assumed"]) == ("2026-04-01", "https://example.org/plan", "", "true")


def test_csv_neutralises_formulas_but_keeps_negative_numbers(tracker: Tracker, workspace: Path) -> None:
    """Text cells starting with = + - @ get a leading apostrophe; the number -5 stays a number."""
    (workspace / "pledges" / "hostile.yaml").write_text(HOSTILE_PLEDGE, encoding="utf-8")
    record_some(tracker)
    readings = [dict(zip(CSV_HEADERS["readings"], r, strict=True)) for r in read_csv(tracker, "readings")[1:]]
    by_date = {r["date"]: r for r in readings}
    assert by_date["2026-01-01"]["value"] == "-5" and by_date["2026-01-01"]["source"] == "'@SUM(A1)"
    assert (by_date["2025-01-01"]["value"], by_date["2025-01-01"]["note"]) == ("1200.5", "'=1+1")
    assert by_date["2026-02-01"]["note"] == "'+cmd|' /C calc'!A0"
    updates = read_csv(tracker, "updates")
    assert updates[1][3] == "'-2 teams idle"
    milestones = {r[1]: r for r in read_csv(tracker, "milestones")[1:]}
    assert milestones["step-one"][2] == "'=HYPERLINK(\"http://evil.example\")"
    every_cell = [c for table in CSV_HEADERS for row in read_csv(tracker, table)[1:] for c in row]
    assert not [c for c in every_cell if re.match(r"[=+@]", c) or (c.startswith("-") and not re.fullmatch(r"-\d+(\.\d+)?", c))]


def test_readings_round_trip_through_csv(tracker: Tracker, tmp_path: Path) -> None:
    """A readings export imports unchanged into a fresh copy of the catalog."""
    for args in (("record", "mine-action-csdg", "contaminated-area-remaining", "1500", "--date", "2024-01-01", "--source", "https://example.org/a"),
                 ("record", "mine-action-csdg", "contaminated-area-remaining", "1200.5", "--date", "2025-01-01", "--note", "survey, phase 2"),
                 ("record", "national-mine-policy", "policy-formulated", "no", "--date", "2026-02-01", "--note", "draft \"only\"")):
        assert tracker(*args).exit_code == 0
    exported = tmp_path / "readings.csv"
    assert tracker("export", "csv", "--table", "readings", "-o", str(exported)).exit_code == 0
    other = Tracker(tmp_path / "other")
    shutil.copytree(REPO / "pledges", other.root / "pledges")
    shutil.copyfile(REPO / "tracker.toml", other.root / "tracker.toml")
    result = other("import", "readings", str(exported))
    assert result.exit_code == 0, result.stderr
    assert result.stdout.strip() == "imported 3 readings for 2 indicators"
    for pledge in ("mine-action-csdg", "national-mine-policy"):
        mine = [i["readings"] for i in json.loads(tracker("show", pledge, "--json").stdout)["indicators"]]
        theirs = [i["readings"] for i in json.loads(other("show", pledge, "--json").stdout)["indicators"]]
        assert mine == theirs and any(mine)
