"""The weekly report's "Entered this week": what was entered in the week, whatever day it carries, announced once.

`recorded_at` is stamped from the system clock (`store.core.utc_now`), not from --today, so each entry is made
under time-machine at an instant of the day --today names.
"""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import time_machine
from click.testing import Result
from conftest import Tracker

AREA = ("mine-action-csdg", "contaminated-area-remaining")
HOSTILE = "<script>alert(1)</script> [bold]loud[/bold]"
ZONE = ZoneInfo("Asia/Phnom_Penh")  # the bundled tracker.toml's time zone
PHRASE = "dated 2026-02-16, entered 2026-03-04 by Ana"


def _at(tracker: Tracker, instant: str, *args: str) -> Result:
    """Run a command with the system clock stopped at `instant` (UTC) and --today set to that day in Phnom Penh (UTC+7)."""
    moment = datetime.fromisoformat(instant).replace(tzinfo=UTC)
    with time_machine.travel(moment, tick=False):
        result = tracker(*args, "--author", "Ana", today=moment.astimezone(ZONE).date().isoformat())
    assert result.exit_code == 0, result.stderr
    return result


def _report(tracker: Tracker, week: str, fmt: str, today: str) -> str:
    result = tracker("report", "weekly", "--week", week, "--format", fmt, today=today)
    assert result.exit_code == 0, result.stderr
    return result.stdout


def _entered(tracker: Tracker, week: str, today: str) -> dict[str, Any]:
    entered: dict[str, Any] = json.loads(_report(tracker, week, "json", today))["entered"]
    return entered


def _late_reading(tracker: Tracker) -> None:
    """On Wednesday 4 March 2026 (2026-W10), Ana enters a reading observed on 16 February."""
    _at(tracker, "2026-03-04T03:00:00", "record", *AREA, "700", "--date", "2026-02-16", "--note", "quarterly survey")


def test_backdated_reading_is_announced_in_every_format(tracker: Tracker) -> None:
    """A reading entered this week but dated two weeks back is listed, marked backdated, with its author, in every format."""
    _late_reading(tracker)
    _at(tracker, "2026-03-05T02:00:00", "update", "migrant-health-policy", "--status", "in-progress", "--note", "on time")
    data = json.loads(_report(tracker, "2026-W10", "json", "2026-03-06"))
    assert data["changes"]["readings"] == []  # dated before the week: the dated sections never see it
    entered = data["entered"]
    assert (entered["total"], entered["backdated"]) == (2, 1)
    update, reading = entered["items"]  # newest first
    assert (update["kind"], update["backdated"], update["date"], update["status"]) == ("update", False, "2026-03-05", "in-progress")
    assert reading["kind"] == "reading" and reading["backdated"] is True
    assert {k: reading[k] for k in ("pledge_id", "indicator_id", "value", "date", "entered_on", "author")} == {
        "pledge_id": AREA[0], "indicator_id": AREA[1], "value": 700.0, "date": "2026-02-16", "entered_on": "2026-03-04", "author": "Ana"}
    assert reading["entered_at"].startswith("2026-03-04T03:00:00") and reading["id"]
    markdown = _report(tracker, "2026-W10", "md", "2026-03-06")
    assert "## Entered this week" in markdown
    assert "**backdated** · mine-action-csdg · reading: Area still contaminated by mines and explosive remnants of war = 700 " in markdown
    assert PHRASE in markdown and "entered 2026-03-05 by Ana" in markdown
    html = _section(_report(tracker, "2026-W10", "html", "2026-03-06"))
    assert PHRASE in html and 'class="warn">backdated</strong> dated' in html and "quarterly survey" in html
    text = _report(tracker, "2026-W10", "text", "2026-03-06")
    assert "Entered this week" in text and PHRASE in " ".join(text.split())


def test_the_next_week_does_not_announce_it_again(tracker: Tracker) -> None:
    """The entry belongs to the week it was entered in: the following week's report does not list it."""
    _late_reading(tracker)
    assert _entered(tracker, "2026-W11", "2026-03-13") == {"total": 0, "backdated": 0, "items": []}
    assert "## Entered this week\n\nNothing entered this week.\n" in _report(tracker, "2026-W11", "md", "2026-03-13")
    assert "Nothing entered this week." in _section(_report(tracker, "2026-W11", "html", "2026-03-13"))
    assert _entered(tracker, "2026-W09", "2026-03-01")["total"] == 0  # nor the week before, nor the week it is dated in
    assert _entered(tracker, "2026-W08", "2026-02-22")["total"] == 0


def test_a_retracted_entry_is_not_announced(tracker: Tracker) -> None:
    """An entry taken out by `retract` is gone from the section; a corrected one is listed as its correction."""
    _late_reading(tracker)
    _at(tracker, "2026-03-04T04:00:00", "record", *AREA, "650", "--date", "2026-02-23")
    history = json.loads(tracker("history", AREA[0], "--json", today="2026-03-04").stdout)
    wrong = next(e["id"] for e in history if e["kind"] == "reading" and e["value"] == 650.0)
    _at(tracker, "2026-03-04T05:00:00", "retract", wrong, "--reason", "wrong pledge")
    entered = _entered(tracker, "2026-W10", "2026-03-06")
    assert [(i["kind"], i["value"]) for i in entered["items"]] == [("reading", 700.0)]
    assert entered["total"] == entered["backdated"] == 1


def test_hostile_note_is_escaped(tracker: Tracker) -> None:
    """HTML and Rich markup in a note are text in every format: escaped in HTML and Markdown, shown as typed in the terminal."""
    _at(tracker, "2026-03-04T03:00:00", "update", "migrant-health-policy", "--status", "stalled", "--note", HOSTILE, "--date", "2026-02-10")
    html = _section(_report(tracker, "2026-W10", "html", "2026-03-06"))
    assert "<script>" not in html and "&lt;script&gt;alert(1)&lt;/script&gt; [bold]loud[/bold]" in html
    markdown = _report(tracker, "2026-W10", "md", "2026-03-06")
    assert "&lt;script&gt;alert(1)&lt;/script&gt; \\[bold\\]loud\\[/bold\\]" in markdown
    assert "[bold]loud[/bold]" in _report(tracker, "2026-W10", "text", "2026-03-06")
    assert json.loads(_report(tracker, "2026-W10", "json", "2026-03-06"))["entered"]["items"][0]["note"] == HOSTILE


def test_the_week_starts_at_midnight_in_the_workspace_time_zone(tracker: Tracker) -> None:
    """Sunday 17:00 UTC is Monday 00:00 in Phnom Penh: an entry just after it is in the new week, one before in the old."""
    _at(tracker, "2026-03-01T16:59:00", "update", "migrant-health-policy", "--status", "in-progress", "--note", "late Sunday")
    _at(tracker, "2026-03-01T17:00:00", "update", "migrant-health-policy", "--status", "in-progress", "--note", "first thing Monday")
    assert [i["note"] for i in _entered(tracker, "2026-W09", "2026-03-06")["items"]] == ["late Sunday"]
    assert [i["note"] for i in _entered(tracker, "2026-W10", "2026-03-06")["items"]] == ["first thing Monday"]


def test_a_huge_week_is_counted_not_listed(tracker: Tracker, monkeypatch: pytest.MonkeyPatch) -> None:
    """Past the listing cap, the newest entries are listed and the total still counts every one."""
    from tracker.views import report

    monkeypatch.setattr(report, "ENTERED_LIMIT", 2)
    for hour, value in ((3, "900"), (4, "800"), (5, "700")):
        _at(tracker, f"2026-03-04T{hour:02}:00:00", "record", *AREA, value, "--date", "2026-02-16")
    entered = _entered(tracker, "2026-W10", "2026-03-06")
    assert (entered["total"], entered["backdated"]) == (3, 3)
    assert [i["value"] for i in entered["items"]] == [700.0, 800.0]
    assert "3 entries entered this week, 3 of them dated before the week. The 2 entered last are listed" in _report(
        tracker, "2026-W10", "md", "2026-03-06")


def _section(html: str) -> str:
    found = re.search(r'<section id="entered">.*?</section>', html, flags=re.DOTALL)
    assert found, "no Entered this week section"
    return found.group()


def test_the_entry_time_follows_today(tracker: Tracker) -> None:
    """With only --today as the clock (no system clock set), an entry is entered on that day: a reading entered in
    2026-W10 but dated two weeks back is announced in that week's report, with its author."""
    result = tracker("record", *AREA, "650", "--date", "2026-02-16", "--author", "Dara", today="2026-03-04")
    assert result.exit_code == 0, result.stderr
    entered = _entered(tracker, "2026-W10", "2026-03-06")
    assert [(i["value"], i["author"], i["entered_on"], i["backdated"]) for i in entered["items"]] == [(650.0, "Dara", "2026-03-04", True)]
    assert "dated 2026-02-16, entered 2026-03-04 by Dara" in _report(tracker, "2026-W10", "md", "2026-03-06")
