"""Inline SVG for the HTML report: the deadline timeline and indicator charts (no script, no external resources)."""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date, timedelta

from tracker.render.html import MONTHS, VERDICT_CLASS, Html, Point, Row, day_of, due_text, el, esc, join, long_date, number
from tracker.render.sanitize import inert

KIND_COLOUR = {"pledge": "#1d4ed8", "milestone": "#7e22ce", "review": "#0f766e"}
LABEL_CHARS = 72
CHAR_PX = 6.4
CH_WIDTH, CH_HEIGHT, CH_LEFT, CH_RIGHT, CH_TOP, CH_BOTTOM = 560, 250, 62, 18, 14, 34

EMPTY_AXIS_DAY = date(2000, 1, 1)


def _month_index(day: date) -> int:
    return day.year * 12 + day.month - 1


def time_ticks(lo: date, hi: date, most: int = 8) -> list[tuple[date, str]]:
    """Return month-aligned ticks between two dates (monthly up to ten-yearly), with their labels."""
    months = _month_index(hi) - _month_index(lo) + 1
    step = next((s for s in (1, 2, 3, 6, 12, 24, 60, 120) if months / s <= most), 240)
    index = _month_index(lo) + (-_month_index(lo)) % step
    if index == _month_index(lo) and lo.day > 1:
        index += step
    ticks = []
    while index <= _month_index(hi):
        year, month = divmod(index, 12)
        ticks.append((date(year, month + 1, 1), str(year) if step >= 12 else f"{MONTHS[month]} {year}"))
        index += step
    return ticks


def nice_scale(lo: float, hi: float, count: int = 5) -> tuple[float, float, float]:
    """Return a rounded (low, high, step) covering the values; a zero range is widened around the value."""
    if hi <= lo:
        pad = abs(lo) * 0.1 or 1.0
        lo, hi = lo - pad, hi + pad
    raw = (hi - lo) / count
    magnitude = 10 ** math.floor(math.log10(raw))
    step = next(m * magnitude for m in (1.0, 2.0, 2.5, 5.0, 10.0) if m * magnitude >= raw * 0.999)
    return math.floor(lo / step) * step, math.ceil(hi / step) * step, step


def _tick_label(value: float, step: float) -> str:
    decimals = max(0, -math.floor(math.log10(step))) if step < 1 else 0
    text = f"{value:,.{decimals}f}"
    return "0" if text.strip("-0.,") == "" else text


def date_range(days: list[date], pad_share: float = 0.03) -> tuple[date, date]:
    """Return the span of the dates with a margin each side (at least a month when all dates are equal)."""
    lo, hi = min(days), max(days)
    if lo == hi:
        return lo - timedelta(days=30), hi + timedelta(days=30)
    pad = timedelta(days=max(5, round((hi - lo).days * pad_share)))
    return lo - pad, hi + pad


@dataclass(frozen=True)
class Frame:
    """Map dates and values to the pixels of a plot area."""

    start: date
    end: date
    low: float
    high: float
    left: float
    right: float
    top: float
    bottom: float

    def x(self, day: date) -> float:
        """Return the horizontal pixel of a date."""
        span = max(1, (self.end - self.start).days)
        return self.left + (day - self.start).days / span * (self.right - self.left)

    def y(self, value: float) -> float:
        """Return the vertical pixel of a value."""
        span = (self.high - self.low) or 1.0
        return self.bottom - (value - self.low) / span * (self.bottom - self.top)


def _f(value: float) -> str:
    return f"{value:.1f}"


# --- deadline timeline -------------------------------------------------------------------------------------------

TL_WIDTH, TL_AXIS, TL_FIRST_LANE, TL_LANE = 1000, 30, 54, 22


def _timeline_label(item: Row) -> str:
    what = inert(item.get("what"))
    if item.get("kind") == "review":
        return what.removeprefix("review: ")
    if item.get("kind") == "milestone":
        what = what.removeprefix("milestone: ")
    # One pledge's own timeline (a page of the published site) leaves its id out.
    return f"{inert(item.get('pledge_id'))}: {what}" if item.get("pledge_id") else what


def truncate(text: str, most: int) -> str:
    """Return text cut to at most `most` characters, ending with an ellipsis when cut."""
    return text if len(text) <= most else text[: max(1, most - 1)].rstrip() + "…"


def _timeline_tooltip(item: Row) -> str:
    who = f" — {inert(item.get('pledge_id'))}: {inert(item.get('title'))}" if item.get("pledge_id") else ""
    days = item.get("days_left")
    when = "" if not isinstance(days, int) else f" ({-days} days late)" if days < 0 else f" (in {days} days)"
    return f"{due_text(item)}{when} · {inert(item.get('kind'))}{who} — {inert(item.get('what'))}"


def place_label(x: float, text: str) -> tuple[str, float, float, bool]:
    """Return a label fitted beside its marker: (text, left edge, right edge, drawn to the left?)."""
    right_room, left_room = TL_WIDTH - 6 - (x + 10), x - 16
    wanted = len(truncate(text, LABEL_CHARS)) * CHAR_PX
    flip = wanted > right_room and left_room > right_room
    label = truncate(text, min(LABEL_CHARS, int((left_room if flip else right_room) / CHAR_PX)))
    width = len(label) * CHAR_PX
    return (label, x - 10 - width, x + 7, True) if flip else (label, x - 7, x + 10 + width, False)


def assign_lanes(spans: list[tuple[float, float]], gap: float = 12.0) -> list[int]:
    """Return a lane per horizontal span so that spans in one lane never overlap (greedy, leftmost first)."""
    lanes: list[int] = [0] * len(spans)
    ends: list[float] = []
    for index in sorted(range(len(spans)), key=lambda i: spans[i][0]):
        start, end = spans[index]
        lane = next((n for n, last in enumerate(ends) if last + gap <= start), len(ends))
        if lane == len(ends):
            ends.append(end)
        ends[lane] = end
        lanes[index] = lane
    return lanes


def _marker(kind: str, x: float, y: float) -> Html:
    colour = KIND_COLOUR.get(kind, "#4b5563")
    if kind == "review":
        return el("rect", x=_f(x - 5), y=_f(y - 5), width="10", height="10", fill=colour)
    if kind == "pledge":
        points = f"{_f(x)},{_f(y - 7)} {_f(x + 7)},{_f(y)} {_f(x)},{_f(y + 7)} {_f(x - 7)},{_f(y)}"
        return el("polygon", points=points, fill=colour)
    return el("circle", cx=_f(x), cy=_f(y), r="5.5", fill=colour)


def _timeline_item(item: Row, x: float, lane: int, placed: tuple[str, float, float, bool]) -> Html:
    y = TL_FIRST_LANE + lane * TL_LANE
    drop = el("line", x1=_f(x), y1=str(TL_AXIS), x2=_f(x), y2=_f(y), stroke="#d1d5db", stroke_width="1")
    text, _, _, flip = placed
    label = el("text", esc(text), x=_f(x - 10 if flip else x + 10), y=_f(y + 4),
               text_anchor="end" if flip else "start", class_="label")
    kind = str(item.get("kind"))
    return el("g", el("title", esc(_timeline_tooltip(item))), drop, _marker(kind, x, y), label, class_=f"tl-{kind}")


def _time_axis(frame: Frame, y: float, bottom: float, most: int) -> Html:
    parts = [el("line", x1=_f(frame.left), y1=_f(y), x2=_f(frame.right), y2=_f(y), stroke="#9ca3af")]
    for day, text in time_ticks(frame.start, frame.end, most):
        x = frame.x(day)
        parts.append(el("line", x1=_f(x), y1=_f(y), x2=_f(x), y2=_f(bottom), stroke="#f1f2f4"))
        parts.append(el("line", x1=_f(x), y1=_f(y - 4), x2=_f(x), y2=_f(y + 4), stroke="#9ca3af"))
        anchor = "end" if x > frame.right - 24 else "start" if x < frame.left + 24 else "middle"
        parts.append(el("text", esc(text), x=_f(x), y=_f(y - 8) if y < bottom else _f(y + 16), text_anchor=anchor))
    return join(parts)


def _today_line(frame: Frame, today: date | None, top: float, bottom: float, label_y: float) -> Html:
    if today is None or not frame.start <= today <= frame.end:
        return Html("")
    x = frame.x(today)
    line = el("line", x1=_f(x), y1=_f(top), x2=_f(x), y2=_f(bottom), stroke="#dc2626", stroke_width="1.5", stroke_dasharray="4 3")
    flip = x > frame.right - 110
    text = el("text", esc(f"today {today.isoformat()}"), x=_f(x - 4 if flip else x + 4), y=_f(label_y), fill="#dc2626",
              style="fill:#dc2626", text_anchor="end" if flip else None)
    return el("g", el("title", esc(f"as of {today.isoformat()}")), line, text)


def timeline_svg(items: list[Row], today: date | None, narrow: bool = False) -> Html:
    """Return the deadline timeline as an inline SVG: a time axis, a today marker and one marker per deadline.

    With `narrow`, the SVG also holds the phone layout (one row per deadline), which the shared style sheet shows
    instead on a narrow screen; without that style sheet it stays hidden.
    """
    dated = [(d, item) for item in items if (d := day_of(item.get("date")))]
    days = [d for d, _ in dated] + ([today] if today else [])
    # A report always has its as-of day; without it and without a deadline there is nothing to place on any axis.
    start, end = date_range(days or [EMPTY_AXIS_DAY])
    frame = Frame(start, end, 0.0, 1.0, 16.0, TL_WIDTH - 16.0, 0.0, 0.0)
    placed = [place_label(frame.x(d), _timeline_label(item)) for d, item in dated]
    lanes = assign_lanes([(a, b) for _, a, b, _ in placed])
    height = TL_FIRST_LANE + max(lanes, default=0) * TL_LANE + 20
    body = [_time_axis(frame, TL_AXIS, height - 6, 12), _today_line(frame, today, TL_AXIS - 4, height - 6, height - 8)]
    body += [_timeline_item(item, frame.x(d), lane, p) for (d, item), lane, p in zip(dated, lanes, placed, strict=True)]
    label = f"Timeline of {len(dated)} deadlines from {start.isoformat()} to {end.isoformat()}"
    box = {"viewBox": f"0 0 {TL_WIDTH} {height}", "role": "img", "aria_label": label, "preserveAspectRatio": "xMinYMin meet"}
    if not narrow:
        return el("svg", el("title", esc(label)), *body, **box, class_="timeline-svg")
    rows, rows_height = _narrow_timeline(sorted(dated, key=lambda pair: pair[0]), today)
    scale = TL_WIDTH / NARROW_WIDTH
    # The phone layout sets the box's proportions; it is never shorter than the wide one, so both fill the width.
    ratio = f"{NARROW_WIDTH} / {max(rows_height, math.ceil(height / scale))}"
    phone = el("g", *rows, transform=f"scale({scale:.6f})", class_="tl-narrow", display="none")
    return el("svg", el("title", esc(label)), el("g", *body, class_="tl-wide"), phone, **box, class_="timeline-svg", style=f"--narrow:{ratio}")


# --- the timeline's phone layout: one row per deadline, drawn 360 units wide (about the width of a phone) ---------

NARROW_WIDTH, NARROW_ROW, NARROW_AXIS, NARROW_TOP = 360, 24, 84, 14
NARROW_CHARS = 37  # label characters that fit right of the axis at 12.5 px


def _narrow_row(item: Row, y: float) -> Html:
    kind = str(item.get("kind"))
    when = el("text", esc(due_text(item)), x="0", y=_f(y + 4), class_="when")
    text = el("text", esc(truncate(_timeline_label(item), NARROW_CHARS)), x=str(NARROW_AXIS + 12), y=_f(y + 4), class_="label")
    return el("g", el("title", esc(_timeline_tooltip(item))), when, _marker(kind, NARROW_AXIS, y), text, class_=f"tl-{kind}")


def _narrow_today(today: date, y: float) -> Html:
    line = el("line", x1="0", y1=_f(y), x2=str(NARROW_WIDTH), y2=_f(y), stroke="#dc2626", stroke_width="1.5", stroke_dasharray="4 3")
    text = el("text", esc(f"today {today.isoformat()}"), x=str(NARROW_WIDTH), y=_f(y - 3), text_anchor="end", style="fill:#dc2626")
    return el("g", el("title", esc(f"as of {today.isoformat()}")), line, text)


def _narrow_timeline(dated: list[tuple[date, Row]], today: date | None) -> tuple[list[Html], int]:
    """Return the phone layout's rows in date order, a dashed line where today falls, and the height they take."""
    parts, y = [], float(NARROW_TOP)
    for index, (day, item) in enumerate(dated):
        if today is not None and day >= today and (index == 0 or dated[index - 1][0] < today):
            parts.append(_narrow_today(today, y + 4))
            y += NARROW_ROW
        parts.append(_narrow_row(item, y))
        y += NARROW_ROW
    if today is not None and (not dated or dated[-1][0] < today):
        parts.append(_narrow_today(today, y + 4))
        y += NARROW_ROW
    axis = el("line", x1=str(NARROW_AXIS), y1="2", x2=str(NARROW_AXIS), y2=_f(y - NARROW_ROW / 2), stroke="#d1d5db")
    return [axis, *parts], math.ceil(y - NARROW_ROW / 2 + 8)


def timeline_legend() -> Html:
    keys = (("k-pledge", "◆ pledge due"), ("k-milestone", "● milestone"), ("k-review", "■ review"), ("k-today", "┆ today"))
    return el("p", *(el("span", esc(text), class_=cls) for cls, text in keys), class_="legend")


def _point(raw: object) -> Point | None:
    if not isinstance(raw, list | tuple) or len(raw) != 2:
        return None
    day = day_of(raw[0])
    try:
        value = float(raw[1])
    except (TypeError, ValueError):
        return None
    return (day, value) if day and math.isfinite(value) else None


def points(raw: object) -> list[Point]:
    """Return the valid [iso date, number] pairs of a series, skipping anything malformed or not finite."""
    found = [_point(p) for p in raw] if isinstance(raw, list) else []
    return [p for p in found if p is not None]


def _chart_frame(every: list[Point], today: date | None) -> tuple[Frame, float]:
    start, end = date_range([d for d, _ in every] + ([today] if today else []), 0.04)
    low, high, step = nice_scale(min(v for _, v in every), max(v for _, v in every))
    frame = Frame(start, end, low, high, CH_LEFT, CH_WIDTH - CH_RIGHT, CH_TOP, CH_HEIGHT - CH_BOTTOM)
    return frame, step


def _value_axis(frame: Frame, step: float) -> Html:
    parts = []
    count = round((frame.high - frame.low) / step)
    for n in range(count + 1):
        value = frame.low + n * step
        y = frame.y(value)
        parts.append(el("line", x1=_f(frame.left), y1=_f(y), x2=_f(frame.right), y2=_f(y), stroke="#eef0f3"))
        parts.append(el("text", esc(_tick_label(value, step)), x=_f(frame.left - 6), y=_f(y + 4), text_anchor="end"))
    parts.append(el("line", x1=_f(frame.left), y1=_f(frame.top), x2=_f(frame.left), y2=_f(frame.bottom), stroke="#9ca3af"))
    return join(parts)


def _polyline(frame: Frame, series: list[Point], **style: object) -> Html:
    if len(series) < 2:
        return Html("")
    coords = " ".join(f"{_f(frame.x(d))},{_f(frame.y(v))}" for d, v in series)
    return el("polyline", points=coords, fill="none", **style)


def _dots(frame: Frame, series: list[Point], unit: str) -> Html:
    return join(el("g", el("title", esc(f"{d.isoformat()}: {number(v)} {unit}".strip())),
                   el("circle", cx=_f(frame.x(d)), cy=_f(frame.y(v)), r="3.5", fill="#1d4ed8", stroke="#fff", stroke_width="1"))
                for d, v in series)


def _target_marks(frame: Frame, target: Point | None, unit: str) -> Html:
    if target is None:
        return Html("")
    day, value = target
    x, y = frame.x(day), frame.y(value)
    line = el("line", x1=_f(frame.left), y1=_f(y), x2=_f(frame.right), y2=_f(y), stroke="#15803d", stroke_width="1.2", stroke_dasharray="2 4")
    diamond = el("polygon", points=f"{_f(x)},{_f(y - 6)} {_f(x + 6)},{_f(y)} {_f(x)},{_f(y + 6)} {_f(x - 6)},{_f(y)}", fill="#15803d")
    text = f"target {number(value)} by {day.isoformat()}"
    label_y = y - 6 if y - 6 > frame.top + 8 else y + 14
    label = el("text", esc(text), x=_f(frame.left + 4), y=_f(label_y), style="fill:#15803d")
    return el("g", el("title", esc(f"{text} {unit}".strip())), line, diamond, label)


def _baseline_mark(frame: Frame, first: Point | None, readings: list[Point]) -> Html:
    if first is None or first in readings:
        return Html("")
    circle = el("circle", cx=_f(frame.x(first[0])), cy=_f(frame.y(first[1])), r="4", fill="#fff", stroke="#1d4ed8", stroke_width="1.5")
    return el("g", el("title", esc(f"baseline {first[0].isoformat()}: {number(first[1])}")), circle)


def chart_svg(chart: Row, today: date | None) -> Html:
    """Return one indicator's readings against its expected path and target as an inline SVG line chart."""
    readings, path = points(chart.get("readings")), points(chart.get("expected_path"))
    target, first, unit = _point(chart.get("target")), _point(chart.get("first")), inert(chart.get("unit") or "")
    every = readings + path + [p for p in (target, first) if p]
    count = f"{len(readings)} reading{'' if len(readings) == 1 else 's'}"
    label = f"{inert(chart.get('indicator'))} ({unit}): {count}, verdict {inert(chart.get('verdict'))}"
    box = {"viewBox": f"0 0 {CH_WIDTH} {CH_HEIGHT}", "role": "img", "aria_label": label}
    if not every:
        return el("svg", el("title", esc(label)), el("text", esc("no numeric readings"), x="20", y="30"), **box)
    frame, step = _chart_frame(every, today)
    body = [
        _value_axis(frame, step), _time_axis(frame, frame.bottom, frame.top, 6),
        _today_line(frame, today, frame.top, frame.bottom, frame.top + 10),
        _polyline(frame, path, stroke="#6b7280", stroke_width="1.5", stroke_dasharray="6 4"),
        _target_marks(frame, target, unit), _baseline_mark(frame, first, readings),
        _polyline(frame, readings, stroke="#1d4ed8", stroke_width="2.2"), _dots(frame, readings, unit),
    ]
    return el("svg", el("title", esc(label)), *body, **box)


def chart_caption(chart: Row) -> Html:
    unit = inert(chart.get("unit") or "")
    heading = el("h3", esc(chart.get("indicator")), el("span", esc(f" ({unit})" if unit else ""), class_="muted"))
    pledge = el("div", el("strong", esc(chart.get("pledge_id"))), esc(" · "), esc(chart.get("title")), class_="sub")
    projected = chart.get("projected")
    pace = f" · at this pace the target is reached {long_date(projected)}" if projected else ""
    verdict = el("p", el("span", esc(chart.get("verdict")), class_=f"badge {VERDICT_CLASS.get(str(chart.get('verdict')), '')}".strip()),
                 esc(f" {inert(chart.get('direction') or '')}{pace}"), class_="sub")
    return join([heading, pledge, verdict])


def chart_legend(chart: Row) -> Html:
    keys = [("k-pledge", "━ readings")]
    if chart.get("expected_path"):
        keys.append(("muted", "┅ expected path"))
    if chart.get("target"):
        keys.append(("ok", "◆ target"))
    first = _point(chart.get("first"))
    if first and first not in points(chart.get("readings")):
        keys.append(("k-pledge", "○ baseline"))
    return el("p", *(el("span", esc(text), class_=cls) for cls, text in keys), class_="legend")
