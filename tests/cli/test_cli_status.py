"""`tracker status`, `show`, `history` and the recording commands, on the bundled catalog."""

from __future__ import annotations

import json
import re

from conftest import Tracker


def test_status_json_lists_every_catalog_pledge(tracker: Tracker) -> None:
    """status --json gives the documented keys for every pledge; the GCM plan is overdue."""
    result = tracker("status", "--json")
    assert result.exit_code == 0, result.stderr
    rows = json.loads(result.stdout)
    assert len(rows) >= 10
    for row in rows:
        assert {"id", "title", "owner", "reported_status", "schedule_status", "next_deadline", "days_left"} <= row.keys()
        if row["next_deadline"] is not None:
            assert {"date", "precision", "what"} <= row["next_deadline"].keys()
    gcm = next(r for r in rows if r["id"] == "gcm-implementation-plan")
    assert gcm["schedule_status"] == "overdue"
    assert gcm["next_deadline"]["date"] == "2025-12-31"
    assert gcm["days_left"] == -327


def test_status_is_most_urgent_first(tracker: Tracker) -> None:
    """Overdue pledges come first, longest overdue first, then by days left."""
    rows = json.loads(tracker("status", "--json").stdout)
    order = {"overdue": 0, "due-soon": 1, "upcoming": 2, "closed": 3}
    keys = [(order[r["schedule_status"]], r["days_left"] if r["days_left"] is not None else 10**6) for r in rows]
    assert keys == sorted(keys)


def test_status_filters(tracker: Tracker) -> None:
    """--owner matches part of the owner; --framework matches a tag or its family."""
    by_owner = json.loads(tracker("status", "--json", "--owner", "mine action").stdout)
    assert by_owner and all("Mine Action" in r["owner"] for r in by_owner)
    gcm = json.loads(tracker("status", "--json", "--framework", "GCM:11").stdout)
    assert [r["id"] for r in gcm] == ["gcm-implementation-plan"]
    family = json.loads(tracker("status", "--json", "--framework", "GCM").stdout)
    assert len(family) >= 3


def test_show_json_has_milestones_and_indicators_with_ids(tracker: Tracker) -> None:
    """show --json carries milestones and indicators, each with an id."""
    detail = json.loads(tracker("show", "gcm-implementation-plan", "--json").stdout)
    assert detail["milestones"] and all("id" in m for m in detail["milestones"])
    assert detail["indicators"] and all("id" in i for i in detail["indicators"])
    assert detail["sources"][0]["document"] == "003_24428f455dbaeeb9.txt"


def test_update_record_done_show_up_everywhere(tracker: Tracker) -> None:
    """What update, record and done write changes status, show and history."""
    assert tracker("update", "gcm-implementation-plan", "--status", "achieved", "--note", "Final report published",
                   "--source", "https://example.org/report", "--date", "2026-11-20").exit_code == 0
    assert tracker("record", "gcm-implementation-plan", "objectives-with-results", "2", "--date", "2026-11-01").exit_code == 0
    assert tracker("done", "gcm-implementation-plan", "action-plan-adopted", "--date", "2026-10-15").exit_code == 0
    row = next(r for r in json.loads(tracker("status", "--json").stdout) if r["id"] == "gcm-implementation-plan")
    assert (row["reported_status"], row["schedule_status"]) == ("achieved", "closed")
    detail = json.loads(tracker("show", "gcm-implementation-plan", "--json").stdout)
    indicator = next(i for i in detail["indicators"] if i["id"] == "objectives-with-results")
    assert indicator["latest"] == {"date": "2026-11-01", "value": 2.0, "source": None, "note": None}
    milestone = next(m for m in detail["milestones"] if m["id"] == "action-plan-adopted")
    assert milestone["done"] == {"date": "2026-10-15", "evidence": None}
    kinds = [e["kind"] for e in json.loads(tracker("history", "gcm-implementation-plan", "--json").stdout)]
    assert kinds == ["done", "reading", "update"]


def test_history_text_lists_events(tracker: Tracker) -> None:
    """history prints each event on its own row."""
    tracker("update", "mine-action-csdg", "--status", "in-progress", "--note", "Clearance continues")
    out = tracker("history", "mine-action-csdg").stdout
    assert "in-progress: Clearance continues" in out


def test_yes_no_and_qualitative_values_are_normalised(tracker: Tracker) -> None:
    """A yes-no indicator takes yes/no/true/false and stores yes or no."""
    result = tracker("record", "gcm-implementation-plan", "implementation-plan-achieved", "TRUE")
    assert result.exit_code == 0, result.stderr
    detail = json.loads(tracker("show", "gcm-implementation-plan", "--json").stdout)
    indicator = next(i for i in detail["indicators"] if i["id"] == "implementation-plan-achieved")
    assert indicator["latest"]["value"] == "yes"


def test_status_reads_well_in_80_columns(tracker: Tracker) -> None:
    """No line is wider than 80 columns, long titles are cut with an ellipsis, and no colour codes reach a pipe."""
    out = tracker("status").stdout
    assert all(len(line) <= 80 for line in out.splitlines())
    assert "\x1b[" not in out
    assert "…" in out
    assert re.search(r"gcm-implementation-plan\s+critical\s+overdue", out)
    assert "12 pledges" in out or "pledges:" in out


def test_status_in_a_wide_terminal_has_an_owner_column(workspace, tracker: Tracker) -> None:  # type: ignore[no-untyped-def]
    """At 160 columns the owner gets its own column."""
    from click.testing import CliRunner

    from tracker.cli.main import cli

    result = CliRunner().invoke(cli, ["status"], env={"TRACKER_WORKSPACE": str(workspace), "COLUMNS": "160", "TRACKER_TODAY": "2026-11-23"})
    header = result.stdout.splitlines()[0]
    assert "owner" in header and "reported" in header
    assert all(len(line) <= 160 for line in result.stdout.splitlines())


def test_empty_workspace(tmp_path) -> None:  # type: ignore[no-untyped-def]
    """A workspace without pledges says so plainly."""
    from click.testing import CliRunner

    from tracker.cli.main import cli

    (tmp_path / "pledges").mkdir()
    result = CliRunner().invoke(cli, ["status"], env={"TRACKER_WORKSPACE": str(tmp_path)})
    assert result.exit_code == 0 and result.stdout.strip() == "0 pledges"


def test_colour_only_on_a_terminal_and_no_color_is_honoured(workspace) -> None:  # type: ignore[no-untyped-def]
    """A forced terminal gets colours (overdue in red); NO_COLOR takes the colours away again."""
    from click.testing import CliRunner

    from tracker.cli.main import cli

    env = {"TRACKER_WORKSPACE": str(workspace), "TRACKER_TODAY": "2026-11-23", "COLUMNS": "80", "FORCE_COLOR": "1"}
    coloured = CliRunner().invoke(cli, ["status"], env=env).stdout
    assert "\x1b[1;31m" in coloured
    plain = CliRunner().invoke(cli, ["status"], env={**env, "NO_COLOR": "1"}).stdout
    assert "\x1b[1;31m" not in plain and "31m" not in plain


def test_default_today_is_taken_in_the_workspace_time_zone(workspace) -> None:  # type: ignore[no-untyped-def]
    """At 20:00 UTC on 23 November it is already 24 November in Phnom Penh (the catalog's time zone)."""
    import json
    from datetime import UTC, datetime

    import time_machine
    from click.testing import CliRunner

    from tracker.cli.main import cli

    with time_machine.travel(datetime(2026, 11, 23, 20, 0, tzinfo=UTC), tick=False):
        result = CliRunner().invoke(cli, ["status", "--json"], env={"TRACKER_WORKSPACE": str(workspace)})
    gcm = next(r for r in json.loads(result.stdout) if r["id"] == "gcm-implementation-plan")
    assert gcm["days_left"] == -328


def test_default_view_of_a_large_portfolio_matches_the_full_status(workspace) -> None:  # type: ignore[no-untyped-def]
    """With more pledges than the table shows, the rows it assesses are exactly the first rows of `status --json`."""
    import json

    from tracker.store import core, history
    from tracker.store.sync import sync
    from tracker.views.status import most_urgent, status_list
    from tracker.workspace import open_workspace

    template = (workspace / "pledges" / "mine-action-csdg.yaml").read_text(encoding="utf-8")
    for n in range(60):
        due = f"{2025 + n % 7}-{1 + n % 12:02d}"
        text = template.replace("\ndue: ", f"\ndue: {due}\n# was: ", 1) if "\ndue: " in template else template
        (workspace / "pledges" / f"extra-{n:02d}.yaml").write_text(text, encoding="utf-8")
    ws = open_workspace(str(workspace))
    db = core.open_db(ws.db_path)
    from datetime import date

    today = date(2026, 11, 23)
    sync(db, ws.pledges_dir, today)
    history.add_reading(db, ws.root, "extra-00", "contaminated-area-remaining", 900.0, date(2020, 1, 1), None, None, "tester")
    history.add_reading(db, ws.root, "extra-00", "contaminated-area-remaining", 880.0, date(2026, 1, 1), None, None, "tester")
    full = status_list(db, today, ws.settings)
    urgent = most_urgent(db, today, ws.settings, None, None, 50)
    assert len(full) == len(urgent) == 74
    assert json.dumps(urgent[:50]) == json.dumps(full[:50])
    assert any(r["id"] == "extra-00" and r["assessed_status"] == "off-track" for r in urgent[:50])
    assert [r["schedule_status"] for r in urgent[50:]] == [r["schedule_status"] for r in full[50:]]
    assert [r["id"] for r in urgent[50:]] == [r["id"] for r in full[50:]]
    filtered = most_urgent(db, today, ws.settings, "CMAA", None, 5)
    assert [r["id"] for r in filtered[:5]] == [r["id"] for r in status_list(db, today, ws.settings, "CMAA")[:5]]
