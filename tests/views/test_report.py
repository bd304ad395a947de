"""The weekly report: data, Markdown, terminal text and JSON, saved atomically under reports/."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest
from conftest import TODAY, Tracker

from tracker.render.markdown import md
from tracker.render.report import json_chunks

HOSTILE = "<script>alert(1)</script> [link=javascript:alert(1)]x[/link]"
KEYS = {"attention", "version", "week", "from", "to", "as_of", "workspace", "summary", "changes", "entered", "rounds", "due", "reviews", "portfolio", "pledges", "charts", "timeline"}


def _record_week(tracker: Tracker) -> None:
    tracker("record", "mine-action-csdg", "contaminated-area-remaining", "1000", "--date", "2020-01-01")
    tracker("record", "mine-action-csdg", "contaminated-area-remaining", "700", "--date", "2026-11-24", today="2026-11-27")
    tracker("update", "migrant-health-policy", "--status", "in-progress", "--note", "UHC extended", "--date", "2026-11-23", today="2026-11-27")
    tracker("done", "gcm-implementation-plan", "action-plan-adopted", "--date", "2026-11-25", today="2026-11-27")


def _hostile_title(root: Path) -> None:
    path = root / "pledges" / "gcm-implementation-plan.yaml"
    lines = path.read_text(encoding="utf-8").splitlines()
    path.write_text("\n".join([f"title: '{HOSTILE}'", *lines[1:]]) + "\n", encoding="utf-8")


def test_save_writes_three_files(tracker: Tracker) -> None:
    """--save writes <week>.md, .html and .json and refreshes deadlines.ics, and leaves no temporary file behind."""
    _record_week(tracker)
    result = tracker("report", "weekly", "--week", "2026-W48", "--save", today="2026-11-27")
    assert result.exit_code == 0, result.stderr
    reports = tracker.root / "reports"
    assert sorted(p.name for p in reports.iterdir()) == ["2026-W48.html", "2026-W48.json", "2026-W48.md", "deadlines.ics"]
    data = json.loads((reports / "2026-W48.json").read_text(encoding="utf-8"))
    assert data.keys() >= KEYS
    assert [u["pledge_id"] for u in data["changes"]["updates"]] == ["migrant-health-policy"]
    assert [r["value"] for r in data["changes"]["readings"]] == [700.0]
    assert [m["milestone_id"] for m in data["changes"]["milestones_done"]] == ["action-plan-adopted"]
    assert data["charts"] and data["charts"][0]["indicator_id"] == "contaminated-area-remaining"


def test_markdown_reads_on_its_own(tracker: Tracker) -> None:
    """The Markdown has a title, the week's changes, deadlines ahead, reviews and the pledge table."""
    _record_week(tracker)
    text = tracker("report", "weekly", "--week", "2026-W48", "--format", "md", today="2026-11-27").stdout
    assert text.startswith("# Weekly pledge report 2026-W48\n")
    for heading in ("## What changed this week", "## Due in the next 30 days", "## Due in 31 to 90 days",
                    "## Reviews approaching", "## Portfolio", "## Pledges, most urgent first"):
        assert heading in text
    assert "UHC extended" in text and "International Migration Review Forum" in text


def test_week_defaults_to_the_week_of_today(tracker: Tracker) -> None:
    """Without --week the report covers the ISO week of --today (%G-W%V, so 1 Jan 2027 is 2026-W53)."""
    data = json.loads(tracker("report", "weekly", "--format", "json", today="2027-01-01").stdout)
    assert data["week"] == "2026-W53"


def test_newly_overdue_and_due_soon(tracker: Tracker) -> None:
    """A deadline passing during the week is newly overdue; deadlines ahead are split at 30 and 90 days."""
    data = json.loads(tracker("report", "weekly", "--week", "2026-W53", "--format", "json", today="2027-01-02").stdout)
    overdue = {(d["pledge_id"], d["kind"]) for d in data["changes"]["newly_overdue"]}
    assert ("children-on-the-move-civil-documentation", "pledge") in overdue
    data = json.loads(tracker("report", "weekly", "--week", "2026-W48", "--format", "json", today="2026-11-27").stdout)
    assert all(0 <= d["days_left"] <= 30 for d in data["due"]["within_30"])
    assert all(31 <= d["days_left"] <= 90 for d in data["due"]["within_90"])
    assert any(d["pledge_id"] == "children-on-the-move-civil-documentation" for d in data["due"]["within_90"])


def test_bad_week_is_a_usage_error(tracker: Tracker) -> None:
    """A malformed week exits 2 and writes nothing."""
    result = tracker("report", "weekly", "--week", "2026-W60", "--save")
    assert result.exit_code == 2 and "--week" in result.stderr
    assert not list((tracker.root / "reports").iterdir())


def test_hostile_title_is_inert_in_text_markdown_and_json(tracker: Tracker) -> None:
    """Markup in a title is escaped in Markdown and printed literally in the terminal."""
    _hostile_title(tracker.root)
    markdown = tracker("report", "weekly", "--format", "md").stdout
    assert "<script>" not in markdown and "&lt;script&gt;" in markdown
    assert "\\[link=javascript:alert(1)\\]" in markdown
    text = tracker("report", "weekly", "--format", "text").stdout
    assert "<script>alert(1)</script>" in text or "<script>alert(1)</scr" in text
    assert "\x1b]8;" not in text
    data = json.loads(tracker("report", "weekly", "--format", "json").stdout)
    assert any(p["title"] == HOSTILE for p in data["pledges"])


def test_markdown_escaping() -> None:
    """Pipes, brackets, emphasis and HTML cannot escape a table cell."""
    assert md("a|b") == "a\\|b"
    assert md("[x](javascript:y)") == "\\[x\\](javascript:y)"
    assert md("<b>&amp;</b>") == "&lt;b&gt;&amp;amp;&lt;/b&gt;"
    assert md("D&D reforms") == "D&D reforms"
    assert md("line\nbreak") == "line break"


def test_explain_shows_inputs_formula_thresholds_and_verdict(tracker: Tracker) -> None:
    """explain ID INDICATOR prints what the verdict rests on; explain ID summarises the lenses."""
    _record_week(tracker)
    out = tracker("explain", "mine-action-csdg", "contaminated-area-remaining", today="2026-11-27").stdout
    for part in ("verdict: off-track", "method: linear", "expected = min(1, (t - t0) / (T - t0))", "on_track: 0.95", "inputs:"):
        assert part in out
    data = json.loads(tracker("explain", "mine-action-csdg", "--json", today="2026-11-27").stdout)
    assert data["pledge"]["health"] == "critical"
    assert tracker("explain", "mine-action-csdg", "nope").exit_code == 4


def test_timeline_draws_lanes(tracker: Tracker) -> None:
    """timeline shows a lane per open pledge with deadlines in range, and the reviews."""
    out = tracker("timeline", "--from", "2025-01-01", "--to", "2031-01-01").stdout
    assert "gcm-implementation-plan" in out and "reviews" in out and "▲" in out
    assert all(len(line) <= 80 for line in out.splitlines())
    data = json.loads(tracker("timeline", "--json").stdout)
    assert data["lanes"]
    assert tracker("timeline", "--from", "2027-01-01", "--to", "2026-01-01").exit_code == 2


def test_show_has_sparklines(tracker: Tracker) -> None:
    """show draws the readings of a numeric indicator as a sparkline."""
    for value, day in (("1000", "2020-01-01"), ("900", "2022-01-01"), ("850", "2024-01-01")):
        tracker("record", "mine-action-csdg", "contaminated-area-remaining", value, "--date", day)
    assert "█▃▁" in tracker("show", "mine-action-csdg").stdout


def test_report_puts_dead_reminders_first(tracker: Tracker) -> None:
    """Dead reminders are called out at the top of the Markdown and HTML reports and in the JSON."""
    import sqlite3

    tracker("status")
    conn = sqlite3.connect(tracker.root / "tracker.db")
    with conn:
        conn.execute("""INSERT INTO outbox (dedupe_key, kind, deadline_key, deadline_date, what, lead_days, slot_date, recipient,
                        channel, subject, status, planned_at, planned_on) VALUES ('k', 'due', 'pledge:x', '2026-11-23', 'pledge due',
                        0, '2026-11-23', 'a@example.org', 'email', 's', 'dead', 'now', '2026-11-23')""")
    markdown = tracker("report", "weekly", "--format", "md").stdout
    assert markdown.splitlines()[4].startswith("> **Attention:** 1 reminder could not be delivered")
    assert 'class="attention"' in tracker("report", "weekly", "--format", "html").stdout
    assert json.loads(tracker("report", "weekly", "--format", "json").stdout)["attention"]


def test_compact_json_splices_the_entries_exactly_as_json_dumps_writes_them(tracker: Tracker, monkeypatch: pytest.MonkeyPatch) -> None:
    """The streamed report (entries written in chunks, as JSON text) is byte for byte what json.dumps gives."""
    from tracker.render import report as report_formats
    from tracker.service import weekly as reporting
    from tracker.store import core, sync
    from tracker.workspace import open_workspace

    monkeypatch.setattr(report_formats, "CHUNK", 5)  # 12 pledges: three chunks
    ws = open_workspace(str(tracker.root), None)
    db = core.open_db(ws.db_path)
    try:
        sync.sync(db, ws.pledges_dir, date.fromisoformat(TODAY))
        data = reporting.weekly(db, ws, date.fromisoformat(TODAY), None)
    finally:
        db.close()
    pieces = list(json_chunks(data))
    assert len(pieces) == 5
    assert "".join(pieces) == json.dumps({**data, "pledges": list(data["pledges"])}, ensure_ascii=False) + "\n"
    assert json.loads("".join(pieces))["pledges"] == json.loads("".join(json_chunks(data, pretty=True)))["pledges"]


EDGES = """\
title: Pledge with deadlines on the edges of the report's windows
owner: Ministry of Testing
due: 2027-12-31
sources: [{document: seed.txt, quote: "we will"}]
milestones:
  - {id: before-the-week, title: Before the week, due: 2026-11-21}
  - {id: sunday-before, title: Sunday before, due: 2026-11-22}
  - {id: as-of, title: On the day, due: 2026-11-27}
  - {id: day-90, title: Ninety days on, due: 2027-02-25}
  - {id: day-91, title: Ninety-one days on, due: 2027-02-26}
"""


def test_deadlines_on_the_edges_of_the_windows(tracker: Tracker) -> None:
    """Newly overdue starts with the Sunday before the week; due soon ends 90 days after the report's day."""
    (tracker.root / "pledges" / "edges.yaml").write_text(EDGES, encoding="utf-8")
    data = json.loads(tracker("report", "weekly", "--week", "2026-W48", "--format", "json", today="2026-11-27").stdout)

    def mine(section: list[dict[str, object]]) -> list[tuple[object, object]]:
        return [(d["what"], d["days_left"]) for d in section if d["pledge_id"] == "edges"]

    assert mine(data["changes"]["newly_overdue"]) == [("milestone: Sunday before", -5)]
    assert mine(data["due"]["within_30"]) == [("milestone: On the day", 0)]
    assert mine(data["due"]["within_90"]) == [("milestone: Ninety days on", 90)]
