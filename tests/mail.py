"""Real servers on loopback for delivery tests: an SMTP server (aiosmtpd) and a webhook receiver (http.server)."""

from __future__ import annotations

import json
import re
import socket
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from email import message_from_bytes
from email.header import decode_header, make_header
from email.message import Message
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult

USER, PASSWORD = "tracker", "s3cret-Pa55word"


def free_port() -> int:
    """Return a free TCP port on 127.0.0.1."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class Inbox:
    """Messages received by the SMTP server: (recipient, subject, body)."""

    def __init__(self) -> None:
        self.messages: list[tuple[str, str, str]] = []
        self.full: list[tuple[str, Message]] = []  # (recipient, the whole message) to check its parts
        self.lock = threading.Lock()

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        message = message_from_bytes(envelope.content)
        # Long headers are folded on the wire: unfold them as a mail client does.
        subject = str(make_header(decode_header(re.sub(r"\r?\n(?=[ \t])", "", message["Subject"] or ""))))
        body = _text(message).replace("\r\n", "\n")
        with self.lock:
            self.messages += [(rcpt, subject, body) for rcpt in envelope.rcpt_tos]
            self.full += [(rcpt, message) for rcpt in envelope.rcpt_tos]
        return "250 OK"

    def to(self, recipient: str) -> list[str]:
        """Return the subjects received by one recipient."""
        return [s for r, s, _ in self.messages if r == recipient]


def _text(message: Any) -> str:
    for part in message.walk():
        if part.get_content_type() == "text/plain":
            return str(part.get_payload(decode=True).decode(part.get_content_charset() or "utf-8"))
    return ""


def _authenticate(server: Any, session: Any, envelope: Any, mechanism: str, auth_data: Any) -> AuthResult:
    return AuthResult(success=auth_data.login == USER.encode() and auth_data.password == PASSWORD.encode())


@pytest.fixture
def smtp() -> Iterator[tuple[Inbox, str]]:
    """Start an SMTP server on loopback that requires a login; yield its inbox and the Apprise URL to reach it."""
    inbox = Inbox()
    controller, url = start_smtp(inbox)
    try:
        yield inbox, url
    finally:
        controller.stop()


class _Hook(BaseHTTPRequestHandler):
    def do_POST(self) -> None:
        length = int(self.headers.get("Content-Length", "0"))
        self.server.received.append(json.loads(self.rfile.read(length) or b"{}"))  # type: ignore[attr-defined]
        self.send_response(200)
        self.end_headers()

    def log_message(self, *args: Any) -> None:
        pass


@pytest.fixture
def webhook() -> Iterator[tuple[list[dict[str, Any]], str]]:
    """Start a JSON webhook receiver on loopback; yield the received payloads and its Apprise URL."""
    server = ThreadingHTTPServer(("127.0.0.1", free_port()), _Hook)
    server.received = []  # type: ignore[attr-defined]
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server.received, f"json://127.0.0.1:{server.server_address[1]}/hook"  # type: ignore[attr-defined]
    finally:
        server.shutdown()
        server.server_close()


class PickyInbox(Inbox):
    """An inbox whose server refuses some recipients for good (550), like a mailbox that does not exist."""

    def __init__(self, refused: set[str]) -> None:
        super().__init__()
        self.refused = refused

    async def handle_RCPT(self, server: Any, session: Any, envelope: Any, address: str, rcpt_options: list[str]) -> str:
        if address in self.refused:
            return "550 5.1.1 no such mailbox"
        envelope.rcpt_tos.append(address)
        return "250 OK"


def start_smtp(inbox: Inbox, port: int | None = None) -> tuple[Controller, str]:
    """Start an SMTP server for `inbox` on loopback; return the controller and the Apprise URL."""
    port = port or free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=port, authenticator=_authenticate, auth_require_tls=False)
    controller.start()
    return controller, f"mailto://{USER}:{PASSWORD}@127.0.0.1:{port}?from=tracker@example.org&mode=insecure"


class RawSmtp:
    """A one-connection SMTP server on a raw socket: canned replies per verb, silence on `stall`, and after the final
    dot either `after_dot` or, if None, closing the connection without a word."""

    def __init__(self, *, after_dot: bytes | None = b"250 OK\r\n", stall: bytes = b"", replies: dict[bytes, bytes] | None = None):
        self.after_dot, self.stall, self.replies = after_dot, stall, replies or {}
        self.messages: list[bytes] = []
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.listener.settimeout(10)
        self.port = int(self.listener.getsockname()[1])
        self.thread = threading.Thread(target=self._serve, daemon=True)
        self.thread.start()

    def _serve(self) -> None:
        try:
            conn, _ = self.listener.accept()
            with conn, conn.makefile("rb") as lines:
                conn.settimeout(10)
                self._session(conn, lines)
        except OSError:
            pass

    def _session(self, conn: socket.socket, lines: Any) -> None:
        conn.sendall(b"220 raw.test ESMTP\r\n")
        for line in lines:
            verb = line[:4].upper()
            if verb == self.stall:
                lines.read()  # say nothing until the client gives up and closes
                return
            if verb == b"DATA":
                conn.sendall(b"354 go ahead\r\n")
                self.messages.append(b"".join(iter(lines.readline, b".\r\n")))
                if self.after_dot is None:
                    return
                conn.sendall(self.after_dot)
            elif verb == b"QUIT":
                conn.sendall(b"221 bye\r\n")
                return
            else:
                conn.sendall(self.replies.get(verb, b"250 OK\r\n"))

    def close(self) -> None:
        self.listener.close()
        self.thread.join(timeout=10)


@contextmanager
def raw_smtp(**options: Any) -> Iterator[RawSmtp]:
    """Run a RawSmtp server; yield it."""
    server = RawSmtp(**options)
    try:
        yield server
    finally:
        server.close()
