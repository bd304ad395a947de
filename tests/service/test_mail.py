"""E-mail through the standard library against real servers on loopback: aiosmtpd, and a raw-socket SMTP script."""

from __future__ import annotations

import asyncio
import base64
from collections.abc import Iterator
from contextlib import contextmanager
from email import message_from_bytes, policy
from email.message import EmailMessage
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult
from mail import PASSWORD, USER, Inbox, PickyInbox, free_port, raw_smtp, start_smtp

from tracker.service.mail import DATA_TIMEOUT, SmtpServer, build_message, deliver, parse_smtp_url

SENDER = "tracker@example.org"
TO = "ana@example.org"


def _message(subject: str = "IMRF 2026 is due in 7 days", **extra: Any) -> EmailMessage:
    fields: dict[str, Any] = {"text": "Plain text: café ☕\n.a line that starts with a dot\n", "html": "<p>HTML: café ☕</p>"}
    return build_message(sender=SENDER, to=TO, subject=subject, message_id="reminder.3f2a9c", **(fields | extra))


def _plain(port: int) -> SmtpServer:
    return parse_smtp_url(f"mailto://127.0.0.1:{port}?from={SENDER}")


class Recorder(Inbox):
    """An inbox that also keeps each envelope's raw bytes, and counts RCPT commands and DATA replies."""

    def __init__(self, *, rcpt_reply: str | None = None, data_reply: str = "250 OK queued as X1", delay: float = 0.0) -> None:
        super().__init__()
        self.raw: list[bytes] = []
        self.rcpts = 0
        self.rcpt_reply, self.data_reply, self.delay = rcpt_reply, data_reply, delay

    async def handle_RCPT(self, server: Any, session: Any, envelope: Any, address: str, rcpt_options: list[str]) -> str:
        self.rcpts += 1
        if self.rcpt_reply:
            return self.rcpt_reply
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        if self.data_reply.startswith("2"):
            await super().handle_DATA(server, session, envelope)
            self.raw.append(envelope.content)
        await asyncio.sleep(self.delay)
        return self.data_reply


def _refuse_wrong_password(server: Any, session: Any, envelope: Any, mechanism: str, auth_data: Any) -> AuthResult:
    # handled=False: with the default handled=True aiosmtpd sends no 535 and the client hangs (pitfalls 5.2).
    return AuthResult(success=auth_data.login == USER.encode() and auth_data.password == PASSWORD.encode(), handled=False)


@contextmanager
def aiosmtpd(handler: Any, **options: Any) -> Iterator[int]:
    """Run an aiosmtpd server for `handler` on a free loopback port; yield the port."""
    port = free_port()
    controller = Controller(handler, hostname="127.0.0.1", port=port, **options)
    controller.start()
    try:
        yield port
    finally:
        controller.stop()




def test_message_reaches_a_server_with_login_intact() -> None:
    inbox = Recorder()
    controller, url = start_smtp(inbox)
    try:
        outcome = deliver(parse_smtp_url(url), _message("Reminder\r\nBcc: x@evil"), TO)
    finally:
        controller.stop()
    assert (outcome.state, outcome.reply) == ("sent", "250 OK queued as X1")
    [(recipient, subject, body)] = inbox.messages
    assert (recipient, subject, body) == (TO, "Reminder Bcc: x@evil", "Plain text: café ☕\n.a line that starts with a dot\n")
    received = message_from_bytes(inbox.raw[0], policy=policy.default)
    assert received.get_content_type() == "multipart/alternative"
    text, html = received.iter_parts()
    assert (text.get_content_type(), text.get_content_charset(), html.get_content_type()) == ("text/plain", "utf-8", "text/html")
    assert html.get_content().replace("\r\n", "\n") == "<p>HTML: café ☕</p>\n"
    assert received["Bcc"] is None
    assert not [line for line in inbox.raw[0].splitlines() if line.lower().startswith(b"bcc")]
    assert received["Message-ID"] == "<reminder.3f2a9c@example.org>" == _message()["Message-ID"]
    assert received["Date"]


def test_header_values_lose_every_control_character() -> None:
    message = build_message(sender="Tracker\t<tracker@example.org>", to="Ana\u2028<ana@example.org>",
                            subject="a\x00b\x1fc\x7fd\x85e\u2029f  \n\n g", text="t", html=None, message_id="id.1")
    assert (message["Subject"], message["From"], message["To"]) == ("a b c d e f g", "Tracker <tracker@example.org>", "Ana <ana@example.org>")
    assert message.get_content_type() == "multipart/alternative"
    assert [p.get_content_type() for p in message.iter_parts()] == ["text/plain"]
    with pytest.raises(ValueError, match="Message-ID"):
        build_message(sender=SENDER, to=TO, subject="s", text="t", html=None, message_id="a>b")


def test_attachments_make_multipart_mixed() -> None:
    page = "<html><body><h1>Weekly report — ½</h1>\n.dot\n</body></html>\n".encode()
    inbox = Recorder()
    with aiosmtpd(inbox) as port:
        message = _message(attachments=[("report.html", "text/html", page), ("deadline.ics", "text/calendar", b"BEGIN:VCALENDAR\r\n")])
        assert deliver(_plain(port), message, TO).state == "sent"
    received = message_from_bytes(inbox.raw[0], policy=policy.default)
    assert received.get_content_type() == "multipart/mixed"
    alternative, report, calendar = received.iter_parts()
    assert alternative.get_content_type() == "multipart/alternative"
    assert (report.get_content_type(), report.get_filename(), report.get_payload(decode=True)) == ("text/html", "report.html", page)
    assert (calendar.get_filename(), calendar.get_payload(decode=True)) == ("deadline.ics", b"BEGIN:VCALENDAR\r\n")


def test_recipient_refused_for_good_is_dead_after_one_attempt() -> None:
    inbox = Recorder(rcpt_reply="550 5.1.1 no such mailbox")
    with aiosmtpd(inbox) as port:
        outcome = deliver(_plain(port), _message(), "nobody@example.org")
    assert (outcome.state, outcome.reply) == ("dead", "550 5.1.1 no such mailbox")
    assert (inbox.rcpts, inbox.messages) == (1, [])


def test_existing_picky_inbox_refusal_is_dead() -> None:
    inbox = PickyInbox({"nobody@example.org"})
    with aiosmtpd(inbox) as port:
        outcome = deliver(_plain(port), _message(), "nobody@example.org")
    assert outcome.state == "dead" and outcome.reply is not None and outcome.reply.startswith("550")


@pytest.mark.parametrize("where", ["rcpt", "data"])
def test_a_451_is_failed_and_safe_to_retry(where: str) -> None:
    inbox = Recorder(rcpt_reply="451 4.3.0 try later") if where == "rcpt" else Recorder(data_reply="451 4.3.0 queue full")
    with aiosmtpd(inbox) as port:
        outcome = deliver(_plain(port), _message(), TO)
    assert outcome.state == "failed" and outcome.reply is not None and outcome.reply.startswith("451 4.3.0")
    assert inbox.messages == []


def test_connection_refused_is_failed() -> None:
    outcome = deliver(_plain(free_port()), _message(), TO, connect_timeout=2)
    assert outcome.state == "failed" and "ConnectionRefusedError" in (outcome.reply or "")


def test_silence_before_the_final_dot_is_failed() -> None:
    with raw_smtp(stall=b"RCPT") as server:
        outcome = deliver(_plain(server.port), _message(), TO, connect_timeout=1)
    assert outcome.state == "failed" and "timed out" in (outcome.reply or "")
    assert server.messages == []


def test_close_right_after_the_final_dot_is_unknown() -> None:
    with raw_smtp(after_dot=None) as server:
        outcome = deliver(_plain(server.port), _message(), TO, timeout=2)
    assert outcome.state == "unknown"
    assert (outcome.reply or "").startswith("the server may have accepted the message: no reply after the final dot (")
    [data] = server.messages
    assert b"Message-ID: <reminder.3f2a9c@example.org>" in data and b"\r\n..a line that starts with a dot" in data


def test_a_reply_slower_than_the_timeout_is_unknown_yet_the_message_arrived() -> None:
    inbox = Recorder(delay=3)
    with aiosmtpd(inbox) as port:
        outcome = deliver(_plain(port), _message(), TO, timeout=1)
        assert outcome.state == "unknown" and "timed out" in (outcome.reply or "")
        assert len(inbox.messages) == 1


@pytest.mark.slow
def test_the_default_timeout_waits_for_a_slow_final_reply() -> None:
    assert DATA_TIMEOUT == 600
    inbox = Recorder(delay=20)
    with aiosmtpd(inbox) as port:
        outcome = deliver(_plain(port), _message(), TO)
    assert (outcome.state, outcome.reply, len(inbox.messages)) == ("sent", "250 OK queued as X1", 1)


def test_wrong_password_is_dead_with_535_and_no_password() -> None:
    wrong = "Wr0ng-Pa55word-xyz"
    with aiosmtpd(Recorder(), authenticator=_refuse_wrong_password, auth_require_tls=False) as port:
        outcome = deliver(parse_smtp_url(f"mailto://{USER}:{wrong}@127.0.0.1:{port}?from={SENDER}"), _message(), TO)
    assert outcome.state == "dead" and (outcome.reply or "").startswith("535")
    assert wrong not in (outcome.reply or "")


def test_reply_is_one_short_line_without_the_password() -> None:
    echoed = "Echo-Pa55word"
    token = base64.b64encode(f"\0{USER}\0{echoed}".encode())
    rcpt = b"550-5.7.1 refused for " + echoed.encode() + b"\r\n550-token " + token + b"\r\n550 " + b"x" * 700 + b"\r\n"
    with raw_smtp(replies={b"EHLO": b"250-raw.test\r\n250 AUTH PLAIN\r\n", b"AUTH": b"235 OK\r\n", b"RCPT": rcpt}) as server:
        outcome = deliver(parse_smtp_url(f"mailto://{USER}:{echoed}@127.0.0.1:{server.port}?from={SENDER}"), _message(), TO)
    reply = outcome.reply or ""
    assert outcome.state == "dead" and reply.startswith("550 5.7.1 refused for *** token *** xxx")
    assert "\n" not in reply and len(reply) <= 500 and echoed not in reply and token.decode() not in reply


def test_tls_failures_are_failed() -> None:
    with aiosmtpd(Recorder()) as port:
        implicit = deliver(parse_smtp_url(f"mailtos://127.0.0.1:{port}?from={SENDER}&mode=ssl"), _message(), TO, connect_timeout=2)
        starttls = deliver(parse_smtp_url(f"mailtos://127.0.0.1:{port}?from={SENDER}"), _message(), TO, connect_timeout=2)
    assert implicit.state == "failed" and "SSL" in (implicit.reply or "")
    assert starttls.state == "failed" and "STARTTLS" in (starttls.reply or "")


@pytest.mark.parametrize(("url", "expected"), [
    ("mailto://u:p@smtp.example.org", ("smtp.example.org", 25, "insecure", "u@smtp.example.org")),
    ("mailto://u:p@smtp.example.org:587?from=tracker@example.org", ("smtp.example.org", 587, "insecure", "tracker@example.org")),
    ("mailto://u:p@example.org?mode=starttls", ("example.org", 587, "starttls", "u@example.org")),
    ("mailtos://u:p@example.org", ("example.org", 587, "starttls", "u@example.org")),
    ("mailtos://me@example.org:p@example.org?mode=ssl", ("example.org", 465, "ssl", "me@example.org")),
    ("mailtos://u:p@example.org:2465?mode=SSL&smtp=mx.example.net", ("mx.example.net", 2465, "ssl", "u@example.org")),
    ("mailtos://u:p@example.org?mode=insecure&from=Pledges%20<p@example.org>", ("example.org", 25, "insecure", "p@example.org")),
])
def test_url_modes_ports_and_sender(url: str, expected: tuple[str, int, str, str]) -> None:
    server = parse_smtp_url(url)
    assert (server.host, server.port, server.mode, server.sender) == expected


def test_url_user_and_password_are_percent_decoded_and_hidden() -> None:
    server = parse_smtp_url("mailtos://me%40example.org:p%40ss%3Aw%2Fd@smtp.example.org?name=Pledge%20Tracker")
    assert (server.user, server.password, server.sender) == ("me@example.org", "p@ss:w/d", "me@example.org")
    assert server.from_header == "Pledge Tracker <me@example.org>"
    assert "p@ss" not in repr(server)


@pytest.mark.parametrize("url", [
    "smtp://u:TopSecret1@example.org",
    "mailto://u:Top/Secret1@example.org",
    "mailto://u:TopSecret1@example.org:99999",
    "mailto://u:TopSecret1@example.org?mode=tls",
    "mailto://:TopSecret1@example.org",
    "mailto://example.org",
    "mailto://u:TopSecretä1@example.org",
    "mailto://?from=a@example.org",
])
def test_unusable_url_raises_without_the_password(url: str) -> None:
    with pytest.raises(ValueError) as raised:
        parse_smtp_url(url)
    assert "Secret" not in str(raised.value) and "TopS" not in str(raised.value)
