"""A digest as e-mail text (one field per line, at most 78 columns but for URLs) and as HTML (tables, inline styles)."""

from __future__ import annotations

import textwrap

from tracker.render.html import Html, el, esc, join, link
from tracker.render.sanitize import inert
from tracker.views.digest import Digest, Field, Item

WIDTH = 78
LABEL = 13  # the width of a field's label column in the text part
KIND_NAME = {"escalation": "Escalation", "overdue": "Overdue", "due": "Due today", "before": "Coming up",
             "review": "Review", "progress": "Progress alert", "round": "Reporting round"}
_CELL = "padding:2px 8px;vertical-align:top;text-align:left;border-bottom:1px solid #ddd"
_LABEL_CELL = _CELL + ";color:#555;white-space:nowrap;font-weight:normal"


def text(digest: Digest, footer: str = "") -> str:
    """Return the plain-text part: a numbered section per item, one field per line."""
    lines = [_opening(digest), ""]
    for number, item in enumerate(digest.items, 1):
        lines += _wrap(f"{number}. {KIND_NAME.get(item.kind, item.kind)}: {inert(item.headline)}", "   ", "      ")
        if item.why:
            lines += _wrap(item.why, "   ", "   ")
        lines += field_lines(item.fields, "   ")
        for brief in item.pledges:
            lines.append("")
            lines += field_lines(brief, "   - ", "     ")
        if item.more_pledges:
            lines.append(f"   ... and {item.more_pledges} more (tracker status --all)")
        if item.commands:
            lines += ["", "   Record progress with:"] + [line for c in item.commands for line in _command(c)]
        lines.append("")
    lines += [*_wrap(_rest(digest)), ""] if digest.more else []
    if footer:
        lines += _wrap(footer)
    return "\n".join(lines).rstrip("\n") + "\n"


def _opening(digest: Digest) -> str:
    count = len(digest.items) + sum(digest.more.values())
    shown = f", the {len(digest.items)} most urgent spelled out" if digest.more else ", most urgent first"
    return f"{count} item{'' if count == 1 else 's'} for you{shown}."


def _rest(digest: Digest) -> str:
    counts = ", ".join(f"{n} {KIND_NAME.get(kind, kind).lower()}" for kind, n in sorted(digest.more.items()))
    return f"Not spelled out here: {counts}. `tracker status --all` lists every pledge, most urgent first."


def field_lines(fields: list[Field], first: str, rest: str | None = None) -> list[str]:
    """Return fields as text lines, `Label:` then value, wrapped at 78 columns under the value."""
    lines: list[str] = []
    for n, (label, value) in enumerate(fields):
        lead = first if n == 0 else (rest if rest is not None else first)
        lines += _wrap(f"{label + ':':<{LABEL}}{inert(value)}", lead, " " * len(lead) + " " * LABEL)
    return lines


def _command(command: str) -> list[str]:
    """Return a command on lines of at most 78 columns, continued with backslashes so it still pastes whole."""
    parts = textwrap.wrap(command, WIDTH - 7, break_long_words=False, break_on_hyphens=False)
    return [("     " if n == 0 else "       ") + part + (" \\" if n < len(parts) - 1 else "") for n, part in enumerate(parts)]


def _wrap(line: str, first: str = "", rest: str | None = None) -> list[str]:
    """Wrap at 78 columns; a word longer than the line (a URL) stays whole on a line of its own."""
    return textwrap.wrap(line, WIDTH, initial_indent=first, subsequent_indent=first if rest is None else rest,
                         break_long_words=False, break_on_hyphens=False) or [first.rstrip()]


def html(digest: Digest, footer: str = "") -> str:
    """Return the HTML part: a heading and a small table per item, every piece of user text escaped."""
    body = [el("p", esc(_opening(digest)))]
    body += [_item_html(n, item) for n, item in enumerate(digest.items, 1)]
    if digest.more:
        body.append(el("p", esc(_rest(digest))))
    if footer:
        body.append(el("p", esc(footer), style="color:#555;font-size:90%"))
    page = el("html", el("head", el("meta", charset="utf-8"), el("title", esc(digest.subject))),
              el("body", *body, style="font-family:sans-serif;font-size:14px;line-height:1.4;color:#222;max-width:720px"))
    return "<!DOCTYPE html>\n" + page + "\n"


def _item_html(number: int, item: Item) -> Html:
    colour = {"escalation": "#a40000", "overdue": "#a40000", "progress": "#8a5a00"}.get(item.kind, "#1a4d80")
    parts = [el("h2", esc(f"{number}. {KIND_NAME.get(item.kind, item.kind)}: {item.headline}"),
                style=f"font-size:16px;margin:18px 0 4px;color:{colour}")]
    if item.why:
        parts.append(el("p", el("strong", esc(item.why)), style="margin:4px 0"))
    parts.append(field_table(item.fields))
    if item.pledges:
        parts.append(el("ul", *(el("li", field_table(brief), style="margin:6px 0") for brief in item.pledges), style="padding-left:18px"))
    if item.more_pledges:
        parts.append(el("p", esc(f"... and {item.more_pledges} more (tracker status --all)")))
    if item.commands:
        parts.append(el("p", esc("Record progress with:"), style="margin:6px 0 2px"))
        parts.append(el("pre", join(Html(esc(c) + "\n") for c in item.commands),
                        style="background:#f4f4f4;padding:6px;white-space:pre-wrap;font-size:12px"))
    return join(parts)


def field_table(fields: list[Field]) -> Html:
    """Return fields as a small HTML table, label then value, with inline styles."""
    rows = [el("tr", el("th", esc(label), style=_LABEL_CELL, scope="row"), el("td", link(value), style=_CELL))
            for label, value in fields]
    return el("table", el("tbody", *rows), style="border-collapse:collapse;margin:2px 0")
