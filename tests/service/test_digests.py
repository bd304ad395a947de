"""Reminders people act on: six months of daily ticks through the CLI against a real SMTP server on loopback."""

from __future__ import annotations

import itertools
import json
import re
from collections import Counter
from datetime import date, timedelta
from email.message import Message
from pathlib import Path

import mail
import pytest
from click.testing import CliRunner, Result

from tracker.cli.main import cli

smtp = mail.smtp
START, END = date(2026, 1, 1), date(2026, 6, 30)
REVIEWS = """\
imrf:
  title: International Migration Review Forum
  first: 2026-05-17
  every_years: 4
"""
SOURCES = 'sources: [{document: seed.txt, quote: "we will"}]\n'
OLD = """\
title: Old national plan
owner: Ministry of Planning
contacts: [ana@example.org]
escalation: [boss@example.org]
due: 2023-12-31
reviews: [imrf]
milestones:
  - {id: drafted, title: Plan drafted, due: 2024-06-30}
  - {id: adopted, title: Plan adopted, due: 2025-03-31}
""" + SOURCES
HOSTILE = """\
title: '<a href="http://phish.example/login">Click here</a> [bold]x[/bold]'
owner: '<img src=x onerror=alert(1)><script>alert(1)</script>'
contacts: [hana@example.org]
escalation: [boss@example.org]
due: 2026-02-15
reviews: [imrf]
""" + SOURCES
WATCHED = """\
title: Watched pledge N
owner: Ministry N
contacts: [cN@example.org]
escalation: [boss@example.org]
due: DUE
""" + SOURCES
TWIN = """\
title: Two milestones on one day
owner: Ministry of Twins
due: 2026-12-31
contacts: [tia@example.org]
milestones:
  - {id: first, title: First half, due: 2026-03-10}
  - {id: second, title: Second half, due: 2026-03-10}
""" + SOURCES
MEASURED = """\
title: Measured pledge
owner: Ministry of Numbers
contacts: [mo@example.org]
due: 2027-12-31
indicators:
  - id: served
    title: People served
    kind: number
    unit: people
    baseline: {value: 1000, date: 2024-01-01}
    target: {value: 5000, date: 2026-06-30}
""" + SOURCES
WATCH_DUES = {1: "2025-10-15", 2: "2025-12-20", 3: "2026-01-20", 4: "2026-02-25"}


@pytest.fixture
def ws(tmp_path: Path) -> Path:
    """A workspace with a long-overdue pledge, a hostile one, four more watched by one escalation contact, two
    milestones of one contact on one day, a measured pledge, and the IMRF on 2026-05-17."""
    root = tmp_path / "ws"
    folder = root / "pledges"
    folder.mkdir(parents=True)
    (folder / "_reviews.yaml").write_text(REVIEWS, encoding="utf-8")
    files = {"old-plan": OLD, "hostile": HOSTILE, "twin": TWIN, "measured": MEASURED}
    files |= {f"watched-{n}": WATCHED.replace("N", str(n)).replace("DUE", due) for n, due in WATCH_DUES.items()}
    for name, text in files.items():
        (folder / f"{name}.yaml").write_text(text, encoding="utf-8")
    (root / "tracker.toml").write_text("", encoding="utf-8")
    return root


def run(ws: Path, day: date, *args: str, url: str = "") -> Result:
    env = {"TRACKER_WORKSPACE": str(ws), "TRACKER_TODAY": day.isoformat(), "TRACKER_SMTP_URL": url, "TRACKER_AUTHOR": "Ana"}
    return CliRunner().invoke(cli, list(args), env=env, catch_exceptions=False)


def _html(message: Message) -> str:
    part = next(p for p in message.walk() if p.get_content_type() == "text/html")
    return str(part.get_payload(decode=True).decode("utf-8"))


@pytest.fixture
def six_months(ws: Path, smtp: tuple[mail.Inbox, str]) -> dict[str, list[tuple[date, str, str, Message]]]:
    """Tick every day from January to June (snoozing one deadline and recording one reading on the way)."""
    inbox, url = smtp
    received: dict[str, list[tuple[date, str, str, Message]]] = {}
    day = START
    while day <= END:
        if day == date(2026, 2, 20):
            assert run(ws, day, "snooze", "watched-4", "--until", "2026-03-20", "--reason", "new minister").exit_code == 0
        if day == date(2026, 3, 2):
            assert run(ws, day, "record", "measured", "served", "1100", "--date", "2026-03-01").exit_code == 0
        before = len(inbox.messages)
        result = run(ws, day, "remind", url=url)
        assert result.exit_code == 0, result.output
        new = list(zip(inbox.messages[before:], inbox.full[before:], strict=True))
        per_tick = Counter(r for (r, _, _), _ in new)
        assert max(per_tick.values(), default=0) <= 1, f"{day}: more than one message to one recipient: {per_tick}"
        for (recipient, subject, body), (_, message) in new:
            received.setdefault(recipient, []).append((day, subject, body, message))
        day += timedelta(days=1)
    return received


def test_six_months_of_digests(six_months: dict[str, list[tuple[date, str, str, Message]]]) -> None:
    """The acceptance walk: bounded cadence, review portfolios, escalations that say why, snooze, progress alerts."""
    ana, boss = six_months["ana@example.org"], six_months["boss@example.org"]
    assert 6 <= len(ana) <= 12, [d for d, *_ in ana]
    assert len(boss) <= 26 and all((b[0] - a[0]).days >= 7 for a, b in itertools.pairwise(boss))
    review = next(m for m in ana if m[0] == date(2026, 2, 16))  # 90 days before 2026-05-17
    assert "International Migration Review Forum" in review[1] and "in 90 days" in review[1]
    assert "Old national plan (old-plan)" in review[2]
    escalation = " ".join(boss[0][2].split())
    assert "You receive this as escalation contact for" in escalation and "its contact is" in escalation
    _check_snooze(six_months["c4@example.org"])
    _check_progress(six_months["mo@example.org"])
    twin = six_months["tia@example.org"]
    on_the_day = [m for m in twin if m[0] == date(2026, 3, 10)]
    assert len(on_the_day) == 1 and "First half" in on_the_day[0][2] and "Second half" in on_the_day[0][2]
    for messages in six_months.values():
        for _, _, body, message in messages:
            _check_readable_and_safe(body, message)


def _check_snooze(c4: list[tuple[date, str, str, Message]]) -> None:
    days = [d for d, *_ in c4]
    assert not [d for d in days if date(2026, 2, 20) <= d < date(2026, 3, 20)], days
    assert [d for d in days if d >= date(2026, 3, 20)], "reminders resume after the snooze"


def _check_progress(mo: list[tuple[date, str, str, Message]]) -> None:
    alerts = [m for m in mo if "indicators went from" in m[2]]
    assert len(alerts) == 1 and alerts[0][0] == date(2026, 3, 2)
    body = " ".join(alerts[0][2].split())
    assert "no-data to off-track" in body and "People served" in body and "latest 1100 people on 2026-03-01" in body
    assert "target 5000 people by 2026-06-30" in body


def _check_readable_and_safe(body: str, message: Message) -> None:
    assert message.get_content_type() == "multipart/alternative"
    assert len(body.splitlines()) > 3
    assert all(len(line) <= 100 or re.search(r"https?://", line) for line in body.splitlines())
    page = _html(message)
    assert "<table" in page
    assert '<a href="http://phish' not in page and "<img" not in page and "<script" not in page


def test_hostile_text_is_escaped_in_the_html_part(ws: Path, smtp: tuple[mail.Inbox, str]) -> None:
    """An owner and a title holding markup (as `import iati` can bring in) arrive as text, not as a link or script."""
    inbox, url = smtp
    assert run(ws, date(2026, 2, 15), "remind", url=url).exit_code == 0
    page = next(_html(m) for r, m in inbox.full if r == "hana@example.org")
    assert "&lt;a href=&quot;http://phish.example/login&quot;&gt;Click here&lt;/a&gt;" in page
    assert "&lt;img src=x onerror=alert(1)&gt;&lt;script&gt;" in page
    assert '<a href="http://phish' not in page and "<img" not in page and "<script" not in page
    subject = next(s for r, s, _ in inbox.messages if r == "hana@example.org")
    assert "\n" not in subject and "\r" not in subject


class SlowInbox(mail.Inbox):
    """A server that takes 20 s to answer the final dot: within SMTP's 10-minute limit, so the message is delivered."""

    async def handle_DATA(self, server: object, session: object, envelope: object) -> str:
        import asyncio

        await asyncio.sleep(20)
        return await super().handle_DATA(server, session, envelope)


@pytest.fixture
def twin(tmp_path: Path) -> Path:
    """A workspace whose only pledge has two milestones due on 2026-03-10, for one contact."""
    (tmp_path / "pledges").mkdir()
    (tmp_path / "pledges" / "twin.yaml").write_text(TWIN, encoding="utf-8")
    return tmp_path


@pytest.mark.slow
def test_a_slow_server_gets_each_message_once(twin: Path) -> None:
    """A 20-second answer to the final dot is a success, not a failure to retry: each recipient gets one copy."""
    inbox = SlowInbox()
    controller, url = mail.start_smtp(inbox)
    try:
        first = run(twin, date(2026, 3, 10), "remind", "--json", url=url)
        again = run(twin, date(2026, 3, 10), "remind", "--json", url=url)
    finally:
        controller.stop()
    assert first.exit_code == 0 and again.exit_code == 0
    assert [r for r, _, _ in inbox.messages] == ["tia@example.org"]
    assert (len(json.loads(first.stdout)["sent"]), json.loads(again.stdout)["sent"]) == (2, [])


def test_no_answer_after_the_final_dot_is_unknown_and_not_resent(twin: Path) -> None:
    """The server took the message but the link dropped before its reply: `unknown`, shown in `outbox`, left alone
    by later ticks, and sent again only by `outbox retry`."""
    day = date(2026, 3, 10)
    url = "mailto://127.0.0.1:{port}?from=tracker@example.org&mode=insecure"
    ws = twin
    with mail.raw_smtp(after_dot=None) as server:
        first = run(ws, day, "remind", url=url.format(port=server.port))
    assert first.exit_code == 6 and "unknown" in first.stdout  # someone should look: it may or may not have arrived
    assert len(server.messages) == 1
    shown = run(ws, day, "outbox", "--status", "unknown", "--json")
    entries = json.loads(shown.stdout)
    assert "2 reminders may not have arrived" in run(ws, day, "status").stderr
    assert {e["recipient"] for e in entries} == {"tia@example.org"} and len(entries) == 2  # both milestones, one digest
    with mail.raw_smtp() as again:
        assert run(ws, day + timedelta(days=1), "remind", url=url.format(port=again.port)).exit_code == 0
        assert again.messages == []
    assert run(ws, day, "outbox", "retry", str(entries[0]["id"])).exit_code == 0
    with mail.raw_smtp() as retried:
        assert run(ws, day + timedelta(days=1), "remind", url=url.format(port=retried.port)).exit_code == 0
    assert len(retried.messages) == 1 and b"First half" in retried.messages[0] and b"Second half" in retried.messages[0]
