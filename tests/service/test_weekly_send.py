"""`report weekly --save --send`: the report itself reaches its readers, and the calendar is refreshed."""

from __future__ import annotations

import shutil
from datetime import date
from pathlib import Path

import mail
import pytest
from conftest import REPO, Tracker

from tracker.service import weekly as reporting
from tracker.store import core
from tracker.store.sync import sync
from tracker.workspace import open_workspace

smtp, webhook = mail.smtp, mail.webhook
SETTINGS = """
[notify]
report_to = ["team@example.org", "donor@example.org"]

[publish]
base_url = "https://pledges.example.org/"
"""


def _workspace(tmp_path: Path) -> Tracker:
    shutil.copytree(REPO / "pledges", tmp_path / "pledges")
    text = (REPO / "tracker.toml").read_text(encoding="utf-8") + SETTINGS
    (tmp_path / "tracker.toml").write_text(text, encoding="utf-8")
    return Tracker(tmp_path)


def test_save_send_mails_the_report_to_each_reader(tmp_path: Path, smtp: tuple[mail.Inbox, str]) -> None:
    """One message per report recipient: the summary in text and HTML, the HTML report attached, the site linked."""
    inbox, url = smtp
    tracker = _workspace(tmp_path)
    ics = tmp_path / "reports" / "deadlines.ics"
    result = tracker("report", "weekly", "--save", "--send", today="2026-03-04", TRACKER_SMTP_URL=url)
    assert result.exit_code == 0, result.stderr
    assert sorted(r for r, _, _ in inbox.messages) == ["donor@example.org", "team@example.org"]
    assert "sent to team@example.org" in result.stdout and ics.is_file()
    _, message = inbox.full[0]
    assert message.get_content_type() == "multipart/mixed"
    attached = [p for p in message.walk() if p.get_filename()]
    assert [(p.get_filename(), p.get_content_type()) for p in attached] == [("2026-W10.html", "text/html")]
    assert attached[0].get_payload(decode=True) == (tmp_path / "reports" / "2026-W10.html").read_bytes()
    _, subject, body = inbox.messages[0]
    assert subject.startswith("[tracker] Weekly pledge report 2026-W10")
    assert "Pledges:" in body and "Online:      https://pledges.example.org/" in body and "attached (2026-W10.html)" in body
    assert any(p.get_content_type() == "text/html" and b"<table" in p.get_payload(decode=True) for p in message.walk() if not p.get_filename())


def test_save_alone_refreshes_the_calendar_and_sends_nothing(tmp_path: Path, smtp: tuple[mail.Inbox, str]) -> None:
    """--save (cron without --send) writes the three files and reports/deadlines.ics; nobody is mailed."""
    inbox, url = smtp
    tracker = _workspace(tmp_path)
    assert tracker("report", "weekly", "--save", today="2026-03-04", TRACKER_SMTP_URL=url).exit_code == 0
    assert (tmp_path / "reports" / "deadlines.ics").is_file() and inbox.messages == []


def test_an_unreachable_server_is_exit_6_with_the_files_kept(tmp_path: Path) -> None:
    """The report is saved even when it cannot be delivered; the command says so on one line and exits 6."""
    tracker = _workspace(tmp_path)
    down = f"mailto://127.0.0.1:{mail.free_port()}?from=tracker@example.org&mode=insecure"
    result = tracker("report", "weekly", "--save", "--send", today="2026-03-04", TRACKER_SMTP_URL=down)
    assert result.exit_code == 6 and len(result.stderr.strip().splitlines()) == 1
    assert "not delivered to 2 recipient(s)" in result.stderr and (tmp_path / "reports" / "2026-W10.html").is_file()


def test_send_needs_save_and_someone_to_send_to(tmp_path: Path) -> None:
    """--send alone, or with nobody configured, is a usage error (exit 2) that writes nothing."""
    tracker = Tracker(tmp_path)
    shutil.copytree(REPO / "pledges", tmp_path / "pledges")
    assert tracker("report", "weekly", "--send", today="2026-03-04").exit_code == 2
    result = tracker("report", "weekly", "--save", "--send", today="2026-03-04")
    assert result.exit_code == 2 and "report_to" in result.stderr and not (tmp_path / "reports").exists()


def test_the_weekly_job_publishes_the_site_it_links_to(tmp_path: Path, smtp: tuple[mail.Inbox, str],
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    """With [publish] dir set, the daemon's weekly job publishes the site, then mails the report linking to it."""
    inbox, url = smtp
    monkeypatch.setenv("TRACKER_SMTP_URL", url)
    _workspace(tmp_path)
    with (tmp_path / "tracker.toml").open("a", encoding="utf-8") as handle:
        handle.write('dir = "site"\n')  # the [publish] table is the file's last
    ws = open_workspace(str(tmp_path))
    db = core.open_db(ws.db_path)
    sync(db, ws.pledges_dir, date(2026, 3, 9))
    published = reporting.scheduled(db, ws, date(2026, 3, 9))
    assert published is not None and (tmp_path / "site" / "index.html").is_file()
    assert (tmp_path / "site" / "reviews" / "imrf.html").is_file()
    assert all("https://pledges.example.org/" in body for _, _, body in inbox.messages) and len(inbox.messages) == 2


@pytest.mark.parametrize(("added", "key"), [
    ('[notify]\nreport_to = ["not an address"]\n', "notify.report_to"),
    ('[notify]\nreport_to = 7\n', "notify.report_to"),
    ('[publish]\nbase_url = "javascript:alert(1)"\n', "publish.base_url"),
    ('[publish]\ndir = ""\n', "publish.dir"),
    ('[reminders]\nlater_every_days = 0\n', "reminders.later_every_days"),
])
def test_malformed_delivery_settings_are_one_line_naming_the_key(tmp_path: Path, added: str, key: str) -> None:
    """A bad report_to, base_url, publish dir or cadence in tracker.toml stops the command with exit 1, naming the key."""
    shutil.copytree(REPO / "pledges", tmp_path / "pledges")
    (tmp_path / "tracker.toml").write_text(added, encoding="utf-8")
    result = Tracker(tmp_path)("status", today="2026-03-04")
    assert result.exit_code == 1 and key in result.stderr and len(result.stderr.strip().splitlines()) == 1
    assert "Traceback" not in result.stderr and not (tmp_path / "journal").exists()
