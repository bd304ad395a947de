"""Safe HTML building: every text is escaped by `esc()`, markup is only made by `el()` from escaped parts."""

from __future__ import annotations

import html
import math
import re
from collections.abc import Iterable
from datetime import date
from typing import Any, NewType

from tracker.render.sanitize import inert

Html = NewType("Html", str)
Row = dict[str, Any]
Point = tuple[date, float]

MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
_LINKABLE = re.compile(r"^https?://[^\s\x00-\x1f\x7f]+$", re.IGNORECASE)
_VOID = frozenset({"meta", "br", "hr", "col", "wbr"})
VERDICT_CLASS = {"regressing": "bad", "off-track": "bad", "needs-acceleration": "warn", "on-track": "ok", "achieved": "ok"}


# --- safe markup --------------------------------------------------------------------------------------------


def esc(value: object) -> Html:
    """Return any value as inert, fully escaped HTML text (None becomes the empty string)."""
    return Html(html.escape(inert(value), quote=True))


def _attr_name(key: str) -> str:
    return key.rstrip("_").replace("_", "-")


def el(tag: str, /, *children: Html, **attrs: object) -> Html:
    """Return an element: attribute values are escaped, children must already be HTML."""
    parts = "".join(f' {_attr_name(k)}="{esc(v)}"' for k, v in attrs.items() if v is not None)
    if tag in _VOID:
        return Html(f"<{tag}{parts}>")
    return Html(f"<{tag}{parts}>{''.join(children)}</{tag}>")


def join(parts: Iterable[Html], sep: Html = Html("")) -> Html:
    """Return HTML fragments joined into one."""
    return Html(sep.join(parts))


def link(url: object, text: object = None) -> Html:
    """Return a link when `url` is an http(s) URL, otherwise the value as plain escaped text."""
    value = inert(url)
    label = esc(value if text is None else text)
    if not _LINKABLE.match(value):
        return label
    return el("a", label, href=value, rel="noopener noreferrer")


def table(headers: list[str], rows: Iterable[list[Html]], class_: str | None = None) -> Html:
    """Return a table with a header row; cells are already HTML."""
    head = el("thead", el("tr", *(el("th", esc(h)) for h in headers)))
    body = el("tbody", *(el("tr", *(el("td", cell) for cell in row)) for row in rows))
    return el("table", head, body, class_=class_)


# --- small formatters ---------------------------------------------------------------------------------------


def day_of(value: object) -> date | None:
    try:
        return date.fromisoformat(str(value)[:10])
    except ValueError:
        return None


def long_date(value: object) -> str:
    day = day_of(value)
    return f"{day.day} {MONTHS[day.month - 1]} {day.year}" if day else inert(value)


def number(value: object) -> str:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return inert(value)
    if not math.isfinite(value):
        return str(value)
    return f"{value:,.0f}" if float(value).is_integer() else f"{value:,.6g}"


def due_text(deadline: Row) -> str:
    """Return a deadline's date as written, 'end 2026' for periods."""
    text = inert(deadline.get("text"))
    return text if deadline.get("precision") == "day" else f"end {text}"
