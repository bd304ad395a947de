"""E-mail with the standard library: read the SMTP URL, build the message, deliver it and say honestly what happened.

SMTP cannot promise exactly-once delivery (RFC 1047): once the final dot is sent, a lost reply leaves the message
possibly accepted. `deliver` reports that case as "unknown" so the caller's outbox never re-sends it blindly.
"""

from __future__ import annotations

import base64
import contextlib
import copy
import re
import smtplib
import ssl
from collections.abc import Sequence
from dataclasses import dataclass, field
from email import policy
from email.generator import BytesGenerator
from email.message import EmailMessage
from email.utils import formataddr, formatdate, parseaddr
from io import BytesIO
from typing import Literal
from urllib.parse import parse_qsl, quote, unquote, urlsplit

# RFC 5321 4.5.3.2.6: the client waits at least 10 minutes for the reply to the final dot.
DATA_TIMEOUT = 600.0
MAX_REPLY = 500

Mode = Literal["insecure", "starttls", "ssl"]
State = Literal["sent", "failed", "dead", "unknown"]
DEFAULT_PORTS: dict[Mode, int] = {"insecure": 25, "starttls": 587, "ssl": 465}
_MODES: dict[str, Mode] = {"insecure": "insecure", "starttls": "starttls", "ssl": "ssl"}

_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029]")
_SPACES = re.compile(" {2,}")
_DOT_ATOM = re.compile(r"[A-Za-z0-9!#$%&'*+/=?^_`{|}~.-]+")
_EOL = re.compile(rb"\r\n|\r|\n")
_LEADING_DOT = re.compile(rb"(?m)^\.")
_MESSAGE_POLICY = policy.default.clone(cte_type="7bit")


@dataclass(frozen=True)
class SmtpServer:
    """Where and how to submit e-mail; the password never shows in a repr."""

    host: str
    port: int
    mode: Mode
    sender: str
    name: str = ""
    user: str | None = None
    password: str | None = field(default=None, repr=False)

    @property
    def from_header(self) -> str:
        """Return the From header value: the sender address with its display name, if any."""
        return formataddr((self.name, self.sender)) if self.name else self.sender


@dataclass(frozen=True)
class Outcome:
    """What became of one delivery: its state and the server's (or the network's) one-line reply."""

    state: State
    reply: str | None


class _Halt(Exception):
    """Ends the SMTP dialogue early with a known outcome."""

    def __init__(self, outcome: Outcome) -> None:
        super().__init__(outcome.state)
        self.outcome = outcome


def parse_smtp_url(url: str) -> SmtpServer:
    """Read an Apprise-style mailto:// or mailtos:// URL; raise ValueError (never quoting the password) if unusable."""
    parts = urlsplit(url.strip())
    scheme = parts.scheme.lower()
    if scheme not in ("mailto", "mailtos"):
        raise ValueError("the SMTP URL must start with mailto:// or mailtos://")
    params = {key.lower(): value for key, value in parse_qsl(parts.query)}
    mode = _mode(params.get("mode", ""), secure=scheme == "mailtos")
    try:
        port = parts.port
    except ValueError:
        raise ValueError("the SMTP URL has an invalid port (a password holding '/', '?' or '#' must be percent-encoded)") from None
    domain = parts.hostname or ""
    host = params.get("smtp", "").strip() or domain
    if not host or not _is_hostname(host):
        raise ValueError("the SMTP URL names no usable server host")
    user = unquote(parts.username) if parts.username else None
    password = unquote(parts.password) if parts.password else None
    _check_credentials(user, password)
    name, sender = _sender(params, user, domain)
    return SmtpServer(host, port or DEFAULT_PORTS[mode], mode, sender, name, user, password)


def _mode(value: str, *, secure: bool) -> Mode:
    value = value.strip().lower() or ("starttls" if secure else "insecure")
    if value not in _MODES:
        raise ValueError("the SMTP URL's mode must be insecure, starttls or ssl")
    return _MODES[value]


def _is_hostname(host: str) -> bool:
    return not _CONTROL.search(host) and not any(c in host for c in " /@?#")


def _check_credentials(user: str | None, password: str | None) -> None:
    if password and not user:
        raise ValueError("the SMTP URL has a password but no user")
    # smtplib sends AUTH data as ASCII, so anything else would fail at every attempt.
    if not (user or "").isascii() or not (password or "").isascii() or _CONTROL.search((user or "") + (password or "")):
        raise ValueError("the SMTP URL's user and password must be printable ASCII")


def _sender(params: dict[str, str], user: str | None, domain: str) -> tuple[str, str]:
    name = clean_header(params.get("name", ""))
    given_name, address = parseaddr(clean_header(params.get("from", "")))
    if address and "@" not in address:
        # As in Apprise: a `from` that is no address is the display name.
        given_name, address = clean_header(params["from"]), ""
    if not address and user:
        address = user if "@" in user else f"{user}@{domain}"
    if not is_address(address):
        raise ValueError("the SMTP URL gives no usable sender address: add ?from=ADDR")
    return name or given_name, address


def is_address(address: str) -> bool:
    """Tell whether `address` is a bare mailbox (local@domain) safe to put in an SMTP command."""
    local, at, domain = address.rpartition("@")
    return bool(at and local and domain) and not _CONTROL.search(address) and not any(c in address for c in " <>")


def clean_header(value: str) -> str:
    """Return `value` with control characters and line separators turned into single spaces."""
    return _SPACES.sub(" ", _CONTROL.sub(" ", value)).strip()


def build_message(
    *,
    sender: str,
    to: str,
    subject: str,
    text: str,
    html: str | None,
    message_id: str,
    attachments: Sequence[tuple[str, str, bytes]] = (),
) -> EmailMessage:
    """Build a multipart/alternative message (multipart/mixed with attachments) with a stable Message-ID."""
    sender, to = clean_header(sender), clean_header(to)
    # 7-bit transfer encodings, so no server needs 8BITMIME for the UTF-8 parts.
    message = EmailMessage(policy=_MESSAGE_POLICY)
    message["From"] = sender
    message["To"] = to
    message["Subject"] = clean_header(subject)
    message["Date"] = formatdate(localtime=False)
    message["Message-ID"] = f"<{_checked_id(message_id)}@{_domain(sender)}>"
    message.set_content(text, charset="utf-8")
    if html is None:
        message.make_alternative()
    else:
        message.add_alternative(html, subtype="html", charset="utf-8")
    for filename, mime_type, data in attachments:
        maintype, slash, subtype = mime_type.strip().lower().partition("/")
        if not (slash and _DOT_ATOM.fullmatch(maintype) and _DOT_ATOM.fullmatch(subtype)):
            raise ValueError(f"not a MIME type: {mime_type!r}")
        message.add_attachment(data, maintype=maintype, subtype=subtype, filename=clean_header(filename))
    return message


def _checked_id(message_id: str) -> str:
    if not _DOT_ATOM.fullmatch(message_id) or ".." in message_id or message_id.strip(".") != message_id:
        raise ValueError(f"a Message-ID needs a dot-atom id (letters, digits, dots...), not {message_id!r}")
    return message_id


def _domain(sender: str) -> str:
    domain = parseaddr(sender)[1].rpartition("@")[2]
    if not domain or not _DOT_ATOM.fullmatch(domain.strip("[]")):
        raise ValueError(f"the sender {sender!r} has no domain for the Message-ID")
    return domain


def deliver(
    server: SmtpServer,
    message: EmailMessage,
    recipient: str,
    *,
    timeout: float = DATA_TIMEOUT,
    connect_timeout: float = 30.0,
    tls_context: ssl.SSLContext | None = None,
) -> Outcome:
    """Send `message` to one recipient over a fresh SMTP session, without retries, and classify what happened."""
    if not is_address(recipient):
        return _scrubbed(Outcome("dead", f"not a usable recipient address: {recipient!r}"), server)
    client: smtplib.SMTP | None = None
    try:
        client = _connect(server, connect_timeout, tls_context)
        _handshake(client, server, tls_context)
        outcome = _transact(client, server, message, recipient, timeout)
    except _Halt as halt:
        outcome = halt.outcome
    except smtplib.SMTPResponseException as error:
        outcome = _refused(error.smtp_code, error.smtp_error)
    except (smtplib.SMTPException, OSError) as error:
        outcome = Outcome("failed", _why(error))
    finally:
        _close(client, connect_timeout)
    return _scrubbed(outcome, server)


def _connect(server: SmtpServer, connect_timeout: float, tls_context: ssl.SSLContext | None) -> smtplib.SMTP:
    if server.mode == "ssl":
        context = tls_context or ssl.create_default_context()
        return smtplib.SMTP_SSL(server.host, server.port, timeout=connect_timeout, context=context)
    return smtplib.SMTP(server.host, server.port, timeout=connect_timeout)


def _handshake(client: smtplib.SMTP, server: SmtpServer, tls_context: ssl.SSLContext | None) -> None:
    client.ehlo_or_helo_if_needed()
    if server.mode == "starttls":
        # Without an explicit context, starttls() does not verify the certificate (pitfalls 5.1).
        client.starttls(context=tls_context or ssl.create_default_context())
        client.ehlo()
    if server.user:
        client.login(server.user, server.password or "")


def _transact(client: smtplib.SMTP, server: SmtpServer, message: EmailMessage, recipient: str, timeout: float) -> Outcome:
    utf8 = not (server.sender.isascii() and recipient.isascii())
    if utf8 and not client.has_extn("smtputf8"):
        raise _Halt(Outcome("dead", "a non-ASCII address needs SMTPUTF8, which the server does not offer"))
    _expect(client.mail(server.sender, ["SMTPUTF8"] if utf8 else []))
    _expect(client.rcpt(recipient))
    payload = _payload(message, utf8=utf8)
    client.putcmd("data")
    code, text = client.getreply()
    if code != 354:
        raise smtplib.SMTPResponseException(code, text)
    client.send(payload)
    # From here on the server may hold the whole message: a lost reply must never become a blind re-send.
    try:
        assert client.sock is not None
        client.sock.settimeout(timeout)
        code, text = client.getreply()
    except (smtplib.SMTPException, OSError) as error:
        return Outcome("unknown", f"the server may have accepted the message: no reply after the final dot ({_why(error)})")
    return _final(code, text)


def _expect(reply: tuple[int, bytes]) -> None:
    code, text = reply
    if not 200 <= code < 300:
        raise smtplib.SMTPResponseException(code, text)


def _payload(message: EmailMessage, *, utf8: bool) -> bytes:
    """Return the message as SMTP.data() would send it: CRLF lines, leading dots doubled, ending in CRLF.CRLF."""
    message = copy.copy(message)
    del message["Bcc"]
    del message["Resent-Bcc"]
    buffer = BytesIO()
    BytesGenerator(buffer, policy=policy.SMTPUTF8 if utf8 else policy.SMTP).flatten(message)
    data = _LEADING_DOT.sub(b"..", _EOL.sub(b"\r\n", buffer.getvalue()))
    if not data.endswith(b"\r\n"):
        data += b"\r\n"
    return data + b".\r\n"


def _final(code: int, text: bytes) -> Outcome:
    if 200 <= code < 300:
        return Outcome("sent", _reply(code, text))
    if 400 <= code < 600:
        return _refused(code, text)
    return Outcome("unknown", f"the server may have accepted the message: unreadable reply after the final dot ({_reply(code, text)})")


def _refused(code: int, text: bytes | str) -> Outcome:
    return Outcome("dead" if 500 <= code < 600 else "failed", _reply(code, text))


def _reply(code: int, text: bytes | str) -> str:
    if isinstance(text, bytes):
        text = text.decode("utf-8", "replace")
    return f"{code} {text}" if code > 0 else text


def _why(error: BaseException) -> str:
    return f"{type(error).__name__}: {error}" if str(error) else type(error).__name__


def _close(client: smtplib.SMTP | None, connect_timeout: float) -> None:
    if client is None:
        return
    with contextlib.suppress(smtplib.SMTPException, OSError):
        if client.sock is not None:
            client.sock.settimeout(connect_timeout)
        client.quit()
    with contextlib.suppress(OSError):
        client.close()


def _scrubbed(outcome: Outcome, server: SmtpServer) -> Outcome:
    """Return `outcome` with its reply on one line, at most MAX_REPLY characters, and free of the password."""
    if outcome.reply is None:
        return outcome
    secrets = _secrets(server)
    reply = clean_header(_scrub(outcome.reply, secrets))
    reply = _scrub(reply, secrets)
    if len(reply) > MAX_REPLY:
        reply = reply[: MAX_REPLY - 1] + "…"
    return Outcome(outcome.state, reply)


def _secrets(server: SmtpServer) -> list[str]:
    password = server.password
    if not password:
        return []
    plain = f"\0{server.user or ''}\0{password}".encode()
    found = {password, quote(password, safe=""), base64.b64encode(password.encode()).decode(), base64.b64encode(plain).decode()}
    return sorted(found, key=len, reverse=True)


def _scrub(text: str, secrets: list[str]) -> str:
    for secret in secrets:
        text = text.replace(secret, "***")
    return text
