"""Deliver messages: e-mail through smtplib (service.mail), chat and webhook URLs through Apprise.

Secrets live only in tracker.toml or the environment: the outbox stores a recipient's address or a channel's label,
never a URL with credentials, and error texts are scrubbed of them before they are stored or printed.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from typing import Any

from tracker.workspace import Settings

SMTP_ENV = "TRACKER_SMTP_URL"
URLS_ENV = "TRACKER_NOTIFY_URLS"
REPORT_URLS_ENV = "TRACKER_REPORT_URLS"


def channel_label(url: str) -> str:
    """Return a stable, secret-free name for a notification URL: its scheme and a short hash."""
    import hashlib

    return f"channel:{url.split('://', 1)[0]}-{hashlib.sha256(url.encode()).hexdigest()[:10]}"


@dataclass(frozen=True)
class Channels:
    """Where messages can go: an SMTP server for e-mail, and workspace-wide URLs by label."""

    smtp: str | None
    urls: dict[str, str]
    report_urls: dict[str, str]

    @classmethod
    def from_settings(cls, settings: Settings) -> Channels:
        """Read channels from the environment (which wins) or tracker.toml."""
        smtp = os.environ.get(SMTP_ENV) or settings.smtp
        urls = os.environ.get(URLS_ENV, "").split() or list(settings.notify_urls)
        reports = os.environ.get(REPORT_URLS_ENV, "").split() or list(settings.report_urls)
        return cls(smtp, {channel_label(u): u for u in urls}, {channel_label(u): u for u in reports})

    def secrets(self) -> list[str]:
        """Return the strings that must never be stored or shown (passwords, tokens, whole URLs)."""
        found = [u for u in [self.smtp, *self.urls.values(), *self.report_urls.values()] if u]
        for url in list(found):
            found += [p for p in re.findall(r"://([^@/]+)@", url) for p in (p, *p.split(":", 1)) if len(p) >= 3]
            found += [seg for seg in re.split(r"[/?&=]", url.split("://", 1)[-1]) if len(seg) >= 16]
        return sorted(set(found), key=len, reverse=True)

    def scrub(self, text: str) -> str:
        """Return `text` with every secret replaced by ***."""
        for secret in self.secrets():
            text = text.replace(secret, "***")
        return text


def not_the_sender(settings: Settings) -> str | None:
    """Say why this host must not send, when tracker.toml names another host as the workspace's sender; else None."""
    if settings.sender is None:
        return None
    import socket

    host = socket.gethostname()
    if settings.sender.lower() in (host.lower(), host.split(".")[0].lower()):
        return None
    return (f"this host ({host}) is not the workspace's sender ({settings.sender}, [notify] sender in tracker.toml): "
            "nothing was planned or sent here; reminders go out from one host only, so nobody hears twice")


@dataclass(frozen=True)
class Sent:
    """How a send ended: 'sent', 'failed' (retry), 'dead' (refused for good) or 'unknown' (maybe delivered)."""

    state: str
    reply: str | None = None


def send_message(channels: Channels, recipient: str, subject: str, text: str, html: str, message_id: str,
                 attachments: tuple[tuple[str, str, bytes], ...] = ()) -> Sent:
    """Deliver one message: e-mail through smtplib (text and HTML parts), a workspace channel through Apprise (text)."""
    if recipient.startswith("channel:"):
        url = channels.urls.get(recipient) or channels.report_urls.get(recipient)
        if url is None:
            return Sent("dead", f"{recipient} is no longer configured")
        error = _apprise(url, subject, text, channels)
        return Sent("sent") if error is None else Sent("failed", error)
    if not channels.smtp:
        return Sent("failed", f"no SMTP server configured for e-mail ({SMTP_ENV} or [notify] smtp in tracker.toml)")
    from tracker.service import mail

    try:
        server = mail.parse_smtp_url(channels.smtp)
    except ValueError as exc:
        return Sent("failed", channels.scrub(str(exc)))
    message = mail.build_message(sender=server.sender, to=recipient, subject=subject, text=text, html=html or None,
                                 message_id=message_id, attachments=attachments)
    outcome = mail.deliver(server, message, recipient)
    return Sent(outcome.state, channels.scrub(outcome.reply) if outcome.reply else None)


def _apprise(url: str, subject: str, body: str, channels: Channels) -> str | None:
    import apprise as module

    apprise: Any = module  # its LogCapture is untyped
    sender = apprise.Apprise()
    if not sender.add(url):
        return channels.scrub(f"not a notification URL Apprise understands: {url}")
    with apprise.LogCapture(level=apprise.logging.WARNING) as logs:
        ok = sender.notify(title=subject, body=body)
    if ok:
        return None
    lines = [line.split(" - ", 2)[-1] for line in logs.getvalue().splitlines() if line.strip()]
    return channels.scrub("; ".join(lines) or "delivery failed")[:500]
