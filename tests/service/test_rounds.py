"""Reporting rounds end to end: requests in the digests, compliance, the clock stepped day by day, real SMTP on loopback."""

from __future__ import annotations

import json
from collections import Counter
from datetime import date, timedelta
from pathlib import Path

import mail
import pytest
from click.testing import CliRunner, Result

from tracker.cli.main import cli

smtp = mail.smtp
REVIEWS = """\
imrf:
  title: International Migration Review Forum
  first: 2026-05-17
  every_years: 4
other:
  title: Another review
  first: 2027-06-30
"""
SOURCES = 'sources: [{document: seed.txt, quote: "we will"}]\n'
PLEDGE = """\
title: Pledge NAME
owner: Ministry NAME
contacts: [NAME@example.org]
due: 2028-12-31
reviews: [REVIEW]
""" + SOURCES
MEASURED = """\
indicators:
  - id: served
    title: People served
    kind: number
    baseline: {value: 1000, date: 2024-01-01}
    target: {value: 5000, date: 2028-12-31}
"""
OPENED, DUE = date(2026, 2, 1), date(2026, 3, 15)


def _workspace(root: Path, reviews: str = REVIEWS) -> Path:
    (root / "pledges").mkdir(parents=True)
    (root / "pledges" / "_reviews.yaml").write_text(reviews, encoding="utf-8")
    for name, review, extra in (("ana", "imrf", ""), ("ben", "imrf", MEASURED), ("cho", "imrf", ""), ("dan", "other", "")):
        text = PLEDGE.replace("NAME", name).replace("REVIEW", review) + extra
        (root / "pledges" / f"{name}.yaml").write_text(text, encoding="utf-8")
    return root


def run(ws: Path, day: date, *args: str, url: str = "", author: str = "Ana") -> Result:
    env = {"TRACKER_WORKSPACE": str(ws), "TRACKER_TODAY": day.isoformat(), "TRACKER_SMTP_URL": url, "TRACKER_AUTHOR": author}
    return CliRunner().invoke(cli, list(args), env=env, catch_exceptions=False)


def _walk(ws: Path, url: str, inbox: mail.Inbox, start: date, end: date, on: dict[date, list[tuple[str, ...]]]) -> dict[str, list[date]]:
    """Tick every day from start to end, running the commands planned for a day first; return who got a round's
    request (or reminder) on which days (review reminders are the reviews' own business)."""
    got: dict[str, list[date]] = {}
    day = start
    while day <= end:
        for args in on.get(day, []):
            result = run(ws, day, *args, author=args[1] if args[0] in ("update", "record") else "Ana")
            assert result.exit_code == 0, result.output
        before = len(inbox.messages)
        assert run(ws, day, "remind", url=url).exit_code == 0
        new = Counter(r for r, _, _ in inbox.messages[before:])
        assert max(new.values(), default=0) <= 1
        for recipient, _, body in inbox.messages[before:]:
            if "Reporting round" in body:
                got.setdefault(recipient, []).append(day)
        day += timedelta(days=1)
    return got


def test_a_round_asks_exactly_the_pledges_of_its_review_and_stops_for_those_who_answer(tmp_path: Path, smtp: tuple[mail.Inbox, str]) -> None:
    """Open for the IMRF: one request to each of its pledges' contacts and to no one else; ana answers and hears no
    more; ben answers late; cho never answers and is reminded before and after the due day, at most 12 times."""
    inbox, url = smtp
    ws = _workspace(tmp_path / "ws")
    opened = run(ws, OPENED, "round", "open", "imrf-2026", "--due", DUE.isoformat(), "--review", "imrf", "--message", "For the IMRF report")
    assert opened.exit_code == 0, opened.output
    plan = {OPENED + timedelta(days=3): [("update", "ana", "--status", "in-progress", "--note", "on track", "--source", "minutes")],
            DUE + timedelta(days=4): [("update", "ben", "--status", "stalled", "--note", "late"),
                                      ("record", "ben", "served", "1200")]}
    got = _walk(ws, url, inbox, OPENED, DUE + timedelta(days=70), plan)
    first = [(r, s, b) for r, s, b in inbox.messages if "Reporting round" in b]
    assert sorted({r for r, _, _ in first}) == ["ana@example.org", "ben@example.org", "cho@example.org"]
    assert "dan@example.org" not in got
    assert got["ana@example.org"] == [OPENED]
    assert len(got["cho@example.org"]) <= 12 and max(got["cho@example.org"]) > DUE
    request = " ".join(next(b for r, _, b in inbox.messages if r == "ben@example.org").split())
    assert "readings of People served" in request and "tracker record ben served VALUE" in request
    assert "For the IMRF report" in request and f"By: {DUE}" in request
    status = json.loads(run(ws, DUE + timedelta(days=70), "round", "status", "imrf-2026", "--json").stdout)
    states = {p["id"]: (p["state"], p["reported_on"], p["author"]) for p in status["pledges"]}
    assert states == {"ana": ("reported", "2026-02-04", "ana"), "ben": ("late", "2026-03-19", "ben"), "cho": ("missing", None, None)}
    assert (status["reported"], status["late"], status["missing"]) == (1, 1, 1)
    assert (status["name"], status["due"], status["opened_on"], status["closed_on"]) == ("imrf-2026", "2026-03-15", "2026-02-01", None)


def test_closing_a_round_stops_its_reminders_and_keeps_it_listed(tmp_path: Path, smtp: tuple[mail.Inbox, str]) -> None:
    """After `round close` nobody is asked again; the round stays in `round list`, closed."""
    inbox, url = smtp
    ws = _workspace(tmp_path / "ws")
    assert run(ws, OPENED, "round", "open", "imrf-2026", "--due", DUE.isoformat(), "--review", "imrf").exit_code == 0
    got = _walk(ws, url, inbox, OPENED, OPENED + timedelta(days=3), {OPENED + timedelta(days=2): [("round", "close", "imrf-2026")]})
    assert all(days == [OPENED] for days in got.values())
    after = _walk(ws, url, inbox, DUE - timedelta(days=14), DUE + timedelta(days=30), {})
    assert after == {}
    listed = json.loads(run(ws, DUE, "round", "list", "--json").stdout)
    assert [(r["name"], r["closed_on"]) for r in listed] == [("imrf-2026", "2026-02-03")]


def test_the_weekly_report_shows_an_open_round(tmp_path: Path) -> None:
    """Every format carries the round's compliance; the HTML page has a table of its pledges."""
    ws = _workspace(tmp_path / "ws")
    assert run(ws, OPENED, "round", "open", "imrf-2026", "--due", DUE.isoformat(), "--review", "imrf").exit_code == 0
    assert run(ws, OPENED + timedelta(days=2), "update", "ana", "--status", "in-progress", "--note", "n").exit_code == 0
    day = OPENED + timedelta(days=3)
    line = "1 of 3 reported, 2 missing, due in 39 days"
    for fmt in ("text", "md", "html"):
        assert line in run(ws, day, "report", "weekly", "--format", fmt).stdout, fmt
    data = json.loads(run(ws, day, "report", "weekly", "--format", "json").stdout)
    assert [(r["name"], r["compliance"]) for r in data["rounds"]] == [("imrf-2026", line)]
    page = run(ws, day, "report", "weekly", "--format", "html").stdout
    assert 'id="rounds"' in page and "<table" in page.split('id="rounds"')[1]


def test_a_review_with_a_round_opens_it_on_its_day_and_asks_each_contact_once(tmp_path: Path, smtp: tuple[mail.Inbox, str]) -> None:
    """`round: {open_days_before: 120, due_days_before: 45}` opens imrf-2026 on 2026-01-17, once, due 2026-04-02."""
    inbox, url = smtp
    reviews = REVIEWS.replace("  every_years: 4\n", "  every_years: 4\n  round: {open_days_before: 120, due_days_before: 45}\n")
    ws = _workspace(tmp_path / "ws", reviews)
    opening = date(2026, 5, 17) - timedelta(days=120)
    got = _walk(ws, url, inbox, opening - timedelta(days=2), opening + timedelta(days=3), {})
    assert got == {f"{n}@example.org": [opening] for n in ("ana", "ben", "cho")}
    listed = json.loads(run(ws, opening + timedelta(days=3), "round", "list", "--json").stdout)
    assert [(r["name"], r["due"], r["opened_on"], r["missing"]) for r in listed] == [("imrf-2026", "2026-04-02", opening.isoformat(), 3)]


@pytest.mark.parametrize(("args", "code", "says"), [
    (("round", "open", "x", "--review", "imrf"), 2, "--due: required"),
    (("round", "open", "x", "--due", "2026-01-01", "--review", "imrf"), 2, "due today or later"),
    (("round", "open", "x", "--due", "2026-13-01", "--review", "imrf"), 2, "--due"),
    (("round", "open", "bad name", "--due", "2026-03-15"), 2, "round name"),
    (("round", "open", "x", "--due", "2026-03-15", "--review", "nope"), 4, "unknown review 'nope'"),
    (("round", "open", "x", "--due", "2026-03-15", "--owner", "Nobody at all"), 2, "no pledge matches"),
    (("round", "status", "nope"), 4, "no round named 'nope'"),
    (("round", "close", "nope"), 4, "no round named 'nope'"),
])
def test_bad_round_commands_are_one_line_and_change_nothing(tmp_path: Path, args: tuple[str, ...], code: int, says: str) -> None:
    ws = _workspace(tmp_path / "ws")
    assert run(ws, OPENED, "status").exit_code == 0
    result = run(ws, OPENED, *args)
    assert (result.exit_code, len(result.stderr.strip().splitlines())) == (code, 1), result.output
    assert says in result.stderr and "Traceback" not in result.stderr
    assert not (ws / "journal").exists() or not list((ws / "journal").rglob("*.jsonl"))


def test_a_name_is_one_round_and_a_closed_round_is_not_closed_twice(tmp_path: Path) -> None:
    ws = _workspace(tmp_path / "ws")
    assert run(ws, OPENED, "round", "open", "r1", "--due", DUE.isoformat(), "--framework", "none-such-tag").exit_code == 2
    assert run(ws, OPENED, "round", "open", "r1", "--due", DUE.isoformat(), "--owner", "ministry ana").exit_code == 0
    again = run(ws, OPENED, "round", "open", "r1", "--due", DUE.isoformat())
    assert again.exit_code == 1 and "exists already" in again.stderr
    assert run(ws, OPENED, "round", "close", "r1").exit_code == 0
    twice = run(ws, OPENED, "round", "close", "r1")
    assert twice.exit_code == 1 and "closed already" in twice.stderr
    assert run(ws, OPENED, "rebuild").exit_code == 0
    status = json.loads(run(ws, OPENED, "round", "status", "r1", "--json").stdout)
    assert [p["id"] for p in status["pledges"]] == ["ana"] and status["closed_on"] == "2026-02-01"


def test_changes_lists_rounds_opened_and_closed(tmp_path: Path) -> None:
    """What a colleague reads after a pull: the round opened and closed, by whom, with its due day."""
    ws = _workspace(tmp_path / "ws")
    assert run(ws, OPENED, "round", "open", "imrf-2026", "--due", DUE.isoformat(), "--review", "imrf", "--message", "Report!").exit_code == 0
    assert run(ws, OPENED, "round", "close", "imrf-2026", author="Dara").exit_code == 0
    found = json.loads(run(ws, OPENED, "changes", "--json").stdout)
    rounds = [(e["kind"], e["round"], e["due"], e["author"], e["pledge_id"]) for e in found if e["kind"].startswith("round")]
    assert sorted(rounds) == [("round-close", "imrf-2026", None, "Dara", None), ("round-open", "imrf-2026", "2026-03-15", "Ana", None)]
    text = run(ws, OPENED, "changes").stdout
    assert "round-open" in text and "Report!" in text and "round imrf-2026 closed" in text
