"""The frame every page of the published site shares: the document and its head, the navigation, the footer, links.

Pages sit at the site's root (the index) or one folder down (pledges/, reviews/), and every link is relative, so the
site reads the same from file://, any web server or a git-hosted pages service. Pages load nothing: the style sheet
is inline, charts are inline SVG, there is no script, and no link or source points at another host (a URL a pledge
file or an entry gives is shown as text).
"""

from __future__ import annotations

from datetime import date

from tracker.render.html import VERDICT_CLASS, Html, Row, due_text, el, esc, join, long_date, number
from tracker.render.html import table as plain_table
from tracker.render.sanitize import inert
from tracker.render.style import (
    BASE_CSS,
    SCHEDULE_CLASS,
    days_cell,
    due_cell,
    health_badge,
    health_reasons,
    next_deadline_cell,
    progress_cell,
    stacked_table,
    status_text,
)
from tracker.render.svg import chart_legend, chart_svg, timeline_legend, timeline_svg
from tracker.render.words import plural

# Written as it is (not escaped): a constant, and tools look for its words verbatim.
CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; base-uri 'none'; form-action 'none'"
REPORTED_CLASS = {"stalled": "bad", "missed": "bad", "achieved": "ok"}
DATA_FILES = (
    ("data/README.md", "what each file holds, column by column"),
    ("data/pledges.csv", "every pledge with its status (CSV, for spreadsheets)"),
    ("data/pledges.json", "every pledge with its status (JSON)"),
    ("data/deadlines.ics", "every deadline and review (a calendar to subscribe to)"),
    ("feed.xml", "what changed, newest first (an Atom feed)"),
)

CSS = BASE_CSS + """
header.site { border-bottom:1px solid var(--line); background:var(--soft); }
header.site nav { max-width:1100px; margin:0 auto; padding:.55rem 20px; font-size:.9rem; }
header.site nav a:first-child { font-weight:700; }
body > footer { max-width:1100px; margin:0 auto; padding:1rem 20px 2rem; border-top:1px solid var(--line); }
.lede { font-size:1rem; max-width:60rem; }
.id { font-family:ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; font-size:.8rem; color:var(--muted); overflow-wrap:anywhere; }
.kind { text-transform:uppercase; letter-spacing:.04em; font-size:.7rem; font-weight:700; color:#6d28d9; margin-right:.4rem; }
dl.lenses { display:grid; grid-template-columns:minmax(5rem, max-content) minmax(0, 1fr); gap:.3rem 1.2rem; margin:.8rem 0; }
dl.lenses dt { color:var(--muted); font-weight:600; font-size:.85rem; padding-top:.1rem; }
dl.lenses dd { margin:0; min-width:0; }
dl.lenses .bar { max-width:240px; margin-top:.2rem; }
blockquote { margin:.3rem 0 .2rem; padding:.2rem .8rem; border-left:3px solid #cbd5e1; color:#374151; }
.cite { margin:0 0 .9rem .9rem; }
.url { font-family:ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; font-size:.8rem; overflow-wrap:anywhere; }
ul.pledge-list { list-style:none; padding:0; margin:.4rem 0; columns:2 26rem; column-gap:2rem; }
ul.pledge-list li { break-inside:avoid; padding:.25rem 0; border-bottom:1px solid var(--line); }
ul.files li { margin:.2rem 0; }
.retracted .what { text-decoration:line-through; color:var(--muted); }
.retraction { color:#a16207; font-size:.85rem; }
table.milestones th:nth-child(1) { width:45%; } table.milestones th:nth-child(2) { width:35%; }
.indicator { margin:1.4rem 0 2rem; }
figure.chart figcaption { font-size:.85rem; color:#374151; margin-top:.3rem; }
.indicator-body { display:grid; grid-template-columns:minmax(0, 3fr) minmax(0, 2fr); gap:18px; align-items:start; }
.value { font-variant-numeric:tabular-nums; }
table.urgent th:nth-child(1), table.examined th:nth-child(1) { width:25%; }
table.urgent th:nth-child(2), table.examined th:nth-child(2) { width:14%; }
table.urgent th:nth-child(8), table.examined th:nth-child(8) { width:17%; }
.indicator-body h4, .readings h4 { margin:.2rem 0 .3rem; font-size:.9rem; }
@media (max-width:900px) { .indicator-body { grid-template-columns:minmax(0, 1fr); } }
@media (max-width:640px) {
  header.site nav { padding:.5rem 10px; }
  body > footer { padding:1rem 10px 2rem; }
  dl.lenses { gap:.3rem .8rem; }
}
@media print { header.site { display:none; } }
"""


def _void(tag: str, **attrs: object) -> Html:
    """Return an element that has no end tag (`el` closes every element but the few it knows)."""
    return Html(el(tag, **attrs).removesuffix(f"</{tag}>"))


def _head(title: str, root: str) -> Html:
    return el("head", el("meta", charset="utf-8"), Html(f'<meta http-equiv="Content-Security-Policy" content="{CSP}">'),
              el("meta", name="viewport", content="width=device-width, initial-scale=1"), el("meta", name="referrer", content="no-referrer"),
              el("title", esc(title)),
              _void("link", rel="alternate", type="application/atom+xml", href=f"{root}feed.xml", title="What changed (Atom feed)"),
              el("style", Html(CSS)))


def _nav(root: str) -> Html:
    links = (("index.html", "Home"), ("data/README.md", "Open data"), ("feed.xml", "Atom feed"))
    return el("header", el("nav", *(el("a", esc(text), href=f"{root}{path}") for path, text in links), aria_label="Site"), class_="site")


def document(title: str, root: str, as_of: object, *body: Html) -> str:
    """Return a complete page: `root` leads from the page's folder to the site's ("" or "../")."""
    footer = el("footer", el("p", esc(f"Published with pledge tracker, as of {long_date(as_of)}. Every figure is also in "),
                             el("a", esc("the open data"), href=f"{root}data/README.md"),
                             esc(". This page loads nothing from elsewhere.")), class_="muted")
    page = el("html", _head(title, root), el("body", _nav(root), el("main", *body), footer), lang="en")
    return "<!DOCTYPE html>\n" + page + "\n"


def section(anchor: str, heading: str, *body: Html) -> Html:
    """Return a section with its h2 heading."""
    return el("section", el("h2", esc(heading)), *body, id=anchor)


def empty(text: str) -> Html:
    """Return the line a section shows when it has nothing to list."""
    return el("p", esc(text), class_="empty")


def kind_mark(kind: object) -> Html:
    """Return a small mark for an event or a request (a plain pledge has none)."""
    return Html("") if kind in (None, "pledge") else el("span", esc(kind), class_="kind")


def pledge_cell(root: str, pledge: Row) -> Html:
    """Return a pledge's title linking to its page, with its kind and its id below."""
    title = el("a", esc(pledge.get("title")), href=f"{root}pledges/{inert(pledge.get('id'))}.html")
    return join([kind_mark(pledge.get("kind")), el("strong", title), el("div", esc(pledge.get("id")), class_="id")])


def review_link(root: str, review_id: object, title: object) -> Html:
    """Return a review's title linking to its page."""
    return el("a", esc(title), href=f"{root}reviews/{inert(review_id)}.html")


def source_cite(source: Row) -> Html:
    """Return where a quote comes from: a document's name or a URL, shown as text (the site links nowhere else)."""
    parts = [el("span", esc(source.get("document")))] if source.get("document") else []
    if source.get("url"):
        parts.append(el("span", esc(source.get("url")), class_="url"))
    return el("p", esc("— "), join(parts, esc(" · ")), class_="cite muted")


def sources(items: list[Row]) -> Html:
    """Return each source's quote with where it comes from."""
    return join(join([el("blockquote", esc(s.get("quote"))), source_cite(s)]) for s in items) if items else empty("No source given.")


def health_line(health: object, reasons: object) -> Html:
    """Return a health badge followed by its reasons on one line."""
    why = "; ".join(inert(r) for r in reasons) if isinstance(reasons, list) else ""
    return join([health_badge(health), esc(f" {why}" if why else "")])


# --- a pledge's page ---------------------------------------------------------------------------------------------------


def _pair(term: str, value: Html) -> Html:
    return join([el("dt", esc(term)), el("dd", value)])


def _date_said(spec: object) -> str:
    """Return a date as the pledge file gives it, saying when it is assumed and why."""
    if not isinstance(spec, dict) or not spec.get("date"):
        return "—"
    return f"{inert(spec['date'])} (assumed: {inert(spec.get('reason'))})" if spec.get("assumed") else inert(spec["date"])


def _reported_lens(s: Row) -> Html:
    if not s.get("reported_status"):
        return el("span", esc("not reported"), class_="muted")
    return join([status_text(s.get("reported_status"), REPORTED_CLASS), esc(f" on {long_date(s.get('reported_on'))}")])


def _lenses(s: Row) -> Html:
    listed = [("Owner", esc(s.get("owner")))]
    listed += [("Requested by", esc(s.get("requested_by")))] if s.get("requested_by") else []
    listed += [("Partners", esc(", ".join(inert(p) for p in s.get("partners") or [])))] if s.get("partners") else []
    listed += [
        ("Frameworks", esc(", ".join(inert(f) for f in s.get("frameworks") or []) or "—")),
        ("Start", esc(_date_said(s.get("start")))), ("Due", esc(_date_said(s.get("due")))),
        ("Health", health_line(s.get("health"), health_reasons(s))), ("Reported", _reported_lens(s)),
        ("Assessed", status_text(s.get("assessed_status"), VERDICT_CLASS)),
        ("Schedule", join([status_text(s.get("schedule_status"), SCHEDULE_CLASS), el("div", next_deadline_cell(s.get("next_deadline")))])),
        ("Progress", progress_cell(s.get("progress"))),
        ("Last evidence", esc(long_date(s.get("last_evidence")) if s.get("last_evidence") else "none yet")),
    ]
    if s.get("report_every_days"):
        listed.append(("Updates expected", esc(f"every {s['report_every_days']} days")))
    if s.get("discrepancy"):
        listed.append(("Discrepancy", el("span", esc("⚠ " + "; ".join(inert(d) for d in s.get("discrepancies") or [])), class_="warn")))
    return el("dl", *(_pair(term, value) for term, value in listed), class_="lenses")


def pledge_header(s: Row) -> Html:
    """Return a pledge page's header: kind and id, the title, the summary and every lens."""
    ident = el("p", kind_mark(s.get("kind")), el("span", esc(s.get("id")), class_="id"))
    lede = el("p", esc(s.get("summary")), class_="lede") if s.get("summary") else Html("")
    return el("header", ident, el("h1", esc(s.get("title"))), lede, _lenses(s))


def _timeline_item(item: Row) -> Row:
    """Return a timeline entry, a milestone already done saying so."""
    return {**item, "what": f"{inert(item.get('what'))} (done {inert(item['done'])})"} if item.get("done") else item


def _milestone_row(m: Row) -> list[Html]:
    assumed = el("div", esc(f"date assumed: {inert(m.get('reason'))}"), class_="sub") if m.get("assumed") else Html("")
    done: Row = m.get("done") or {}
    state = join([el("span", esc(f"done {long_date(done.get('date'))}"), class_="ok"), el("div", esc(done.get("evidence")), class_="sub url")]) \
        if done else days_cell(m.get("days_left"))
    due = {"text": m.get("due"), "date": m.get("due_date"), "precision": m.get("precision")}
    return [join([el("strong", esc(m.get("title"))), el("div", esc(m.get("id")), class_="id")]), join([due_cell(due), assumed]), state]


def milestones_section(data: Row, today: date | None) -> Html:
    """Return the pledge's dates on a timeline (due date, milestones, reviews), then its milestones as a table."""
    items = [_timeline_item(i) for i in data.get("timeline") or []]
    milestones: list[Row] = data.get("milestones") or []
    figure = el("div", timeline_svg(items, today, narrow=True), timeline_legend(), class_="timeline") if items else Html("")
    table = stacked_table(["Milestone", "Due", "State"], map(_milestone_row, milestones), class_="milestones") \
        if milestones else empty("No milestone is set for this pledge.")
    return section("milestones", "Milestones and deadlines", figure, table)


def _with_unit(value: object, unit: object) -> str:
    return f"{number(value)} {inert(unit or '')}".strip()


def _indicator_facts(i: Row) -> str:
    facts = [inert(i.get("kind")), f"{inert(i.get('direction'))} is better" if i.get("direction") else ""]
    for key, word in (("baseline", "baseline"), ("target", "target")):
        spec = i.get(key)
        if isinstance(spec, dict) and spec.get("value") is not None:
            assumed = f" (assumed: {inert(spec.get('reason'))})" if spec.get("assumed") else ""
            facts.append(f"{word} {_with_unit(spec['value'], i.get('unit'))} ({inert(spec.get('date'))}){assumed}")
    facts.append(f"method {inert(i.get('method'))}")
    return " · ".join(f for f in facts if f)


def _chart_sentence(chart: Row) -> str:
    """Return what the chart shows, in a sentence (its text alternative, with the table of readings below)."""
    readings, unit = chart.get("readings") or [], chart.get("unit")
    first, last = readings[0], readings[-1]
    said = f"{len(readings)} reading{'' if len(readings) == 1 else 's'}: "
    said += (f"from {_with_unit(first[1], unit)} on {long_date(first[0])} to {_with_unit(last[1], unit)} on {long_date(last[0])}"
             if len(readings) > 1 else f"{_with_unit(first[1], unit)} on {long_date(first[0])}")
    target = chart.get("target")
    if isinstance(target, list) and len(target) == 2:
        said += f"; target {_with_unit(target[1], unit)} by {long_date(target[0])}"
    if chart.get("projected"):
        said += f"; at this pace the target is reached {long_date(chart['projected'])}"
    return said + "."


def _reading_row(r: Row, unit: object) -> list[Html]:
    source = el("div", esc(r.get("source")), class_="url") if r.get("source") else Html("")
    return [el("span", esc(long_date(r.get("date"))), class_="nowrap"), el("span", esc(_with_unit(r.get("value"), unit)), class_="value"),
            join([esc(r.get("note")), source])]


def _readings(readings: list[Row], unit: object) -> Html:
    """Return the readings as a small table, kept a table on a phone (three columns fit), newest last."""
    if not readings:
        return empty("No reading recorded yet.")
    table = plain_table(["Date", "Value", "Note and source"], (_reading_row(r, unit) for r in readings), class_="readings")
    return el("div", el("h4", esc(f"Readings ({len(readings)})")), el("div", table, class_="scroll"), class_="readings")


def _indicator(i: Row, today: date | None) -> Html:
    assessment: Row = i.get("assessment") or {}
    verdict = assessment.get("verdict") or "no-data"
    unit = el("span", esc(f" ({inert(i.get('unit'))})"), class_="muted") if i.get("unit") else Html("")
    judged = el("p", el("span", esc(verdict), class_=f"badge {VERDICT_CLASS.get(str(verdict), '')}".strip()),
                esc(" " + "; ".join(inert(r) for r in assessment.get("reasons") or [])), class_="sub")
    chart: Row | None = i.get("chart")
    figure = el("figure", chart_svg(chart, today), chart_legend(chart), el("figcaption", esc(_chart_sentence(chart))), class_="chart") \
        if chart else Html("")
    body = el("div", figure, _readings(i.get("readings") or [], i.get("unit")), class_="indicator-body" if chart else None)
    return el("section", el("h3", esc(i.get("title")), unit), el("p", esc(_indicator_facts(i)), class_="sub"), judged, body,
              class_="indicator", id=f"indicator-{inert(i.get('id'))}")


def indicators_section(indicators: list[Row], today: date | None) -> Html:
    """Return each indicator: what it measures, its verdict, its readings against the expected path, and the readings."""
    body = join(_indicator(i, today) for i in indicators) if indicators else empty("This pledge has no indicator.")
    return section("indicators", "Indicators", body)


KINDS = {"update": "status update", "reading": "reading", "done": "milestone done", "revision": "revision"}


def _names(data: Row) -> dict[tuple[str, str], tuple[str, str]]:
    """Return (title, unit) by ("indicator", id) and ("milestone", id), to say what an entry is about."""
    names = {("indicator", str(i.get("id"))): (inert(i.get("title")), inert(i.get("unit") or "")) for i in data.get("indicators") or []}
    names.update({("milestone", str(m.get("id"))): (inert(m.get("title")), "") for m in data.get("milestones") or []})
    return names


def _entry_what(e: Row, names: dict[tuple[str, str], tuple[str, str]]) -> list[Html]:
    """Return what an entry records: its main line, then its note, source or reason."""
    kind = e.get("kind")
    if kind == "update":
        main = join([status_text(e.get("status"), REPORTED_CLASS), esc(f": {inert(e.get('note'))}" if e.get("note") else "")])
        extra = [e.get("source")]
    elif kind == "reading":
        title, unit = names.get(("indicator", str(e.get("indicator"))), (inert(e.get("indicator")), ""))
        main, extra = esc(f"{title}: {_with_unit(e.get('value'), unit)}"), [e.get("note"), e.get("source")]
    elif kind == "done":
        main, extra = esc(names.get(("milestone", str(e.get("milestone"))), (inert(e.get("milestone")), ""))[0]), [e.get("evidence")]
    else:
        item = names.get((str(e.get("item_kind")), str(e.get("item"))), (f"{inert(e.get('item_kind'))} {inert(e.get('item'))}", ""))[0]
        main = esc(f"{item}: {inert(e.get('field'))} {inert(e.get('old'))} → {inert(e.get('new'))}")
        extra = [f"why: {inert(e.get('reason'))}" if e.get("reason") else None]
    return [el("span", main, class_="what"), *(el("div", esc(x), class_="sub url") for x in extra if x)]


def _retraction(retracted: object) -> Html:
    """Return who took an entry back, when and why (and which entry corrects it)."""
    if not isinstance(retracted, dict):
        return Html("")
    who = f"{long_date(retracted.get('entered_at'))} by {inert(retracted.get('author')) or 'an unknown author'}"
    said = f"corrected {who} (see entry {inert(retracted['replaced_by'])})" if retracted.get("replaced_by") else f"retracted {who}"
    return el("div", esc(f"{said}: {inert(retracted.get('reason'))}"), class_="retraction")


def _entry_row(e: Row, names: dict[tuple[str, str], tuple[str, str]]) -> list[Html]:
    retracted = e.get("retracted")
    what = el("div", *_entry_what(e, names), _retraction(retracted), class_="retracted" if retracted else None)
    entered = f"{inert(e.get('author')) or 'unknown author'}, {long_date(e.get('recorded_at'))}"
    return [el("span", esc(long_date(e.get("date"))), class_="nowrap"),
            join([esc(KINDS.get(str(e.get("kind")), inert(e.get("kind")))), el("div", esc(e.get("id")), class_="id")]), what, esc(entered)]


def history_section(data: Row) -> Html:
    """Return everything recorded about the pledge, newest first: who entered it, and what was corrected or taken back."""
    events: list[Row] = list(reversed(data.get("history") or []))
    names = _names(data)
    intro = el("p", esc("Every entry stays: one taken back or corrected is struck through, with who did so and why."), class_="muted")
    table = stacked_table(["Date", "Entry", "What", "Entered by"], (_entry_row(e, names) for e in events), class_="history")
    return section("history", f"History ({plural(len(events), 'entry')}, newest first)", join([intro, table]) if events else empty("Nothing recorded yet."))


def reviews_list(reviews: list[Row]) -> Html:
    """Return the reviews a pledge is examined at, each linking to its page, with its next date."""
    items = (el("li", el("a", esc(inert(r.get("what")).removeprefix("review: ")), href=f"../reviews/{inert(r.get('id'))}.html"),
                esc(f" · {due_text(r)} "), days_cell(r.get("days_left"))) for r in reviews)
    return section("reviews", "Reviews it is examined at", el("ul", *items) if reviews else empty("No review names this pledge."))
