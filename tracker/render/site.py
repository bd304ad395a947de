"""The published site's pages (the plain data of `tracker.views.site`) as complete, self-contained HTML5 documents.

The same data always gives the same bytes: nothing here reads a clock or depends on the order of a set. Every piece
of user text goes through `esc()`; see `site_pages` for the frame every page shares.
"""

from __future__ import annotations

from typing import Any

from tracker.render.html import VERDICT_CLASS, Html, Row, day_of, due_text, el, esc, join, long_date
from tracker.render.sanitize import inert
from tracker.render.site_pages import (
    DATA_FILES,
    REPORTED_CLASS,
    document,
    empty,
    history_section,
    indicators_section,
    kind_mark,
    milestones_section,
    pledge_cell,
    pledge_header,
    review_link,
    reviews_list,
    section,
    sources,
)
from tracker.render.style import (
    SCHEDULE_CLASS,
    count_table,
    days_cell,
    due_cell,
    health_badge,
    health_reasons,
    next_deadline_cell,
    progress_cell,
    reasons_list,
    stacked_table,
    status_text,
    summary_cards,
    summary_facts,
)

OWNERS_SHOWN = 60  # owners in the index's table, those with most pledges; the open data has every one

# --- cells the lists of pledges share ------------------------------------------------------------------------------


def _reported(p: Row) -> Html:
    on = el("div", esc(long_date(p.get("reported_on"))), class_="sub") if p.get("reported_on") else Html("")
    return join([status_text(p.get("reported_status"), REPORTED_CLASS, "not reported"), on])


def _pledge_row(root: str, p: Row) -> list[Html]:
    return [pledge_cell(root, p), esc(p.get("owner")), join([health_badge(p.get("health")), reasons_list(health_reasons(p))]),
            _reported(p), status_text(p.get("assessed_status"), VERDICT_CLASS), status_text(p.get("schedule_status"), SCHEDULE_CLASS),
            progress_cell(p.get("progress")), next_deadline_cell(p.get("next_deadline"))]


PLEDGE_HEADERS = ["Pledge", "Owner", "Health", "Reported", "Assessed", "Schedule", "Progress", "Next deadline"]


def _pledge_table(root: str, pledges: list[Row], class_: str) -> Html:
    return stacked_table(PLEDGE_HEADERS, (_pledge_row(root, p) for p in pledges), class_=class_)


# --- the index -----------------------------------------------------------------------------------------------------


def index_html(data: Row) -> str:
    """Return the site's front page: counts, the most urgent pledges, reviews, rounds, summaries, every pledge, the data."""
    workspace, summary = inert(data.get("workspace")), data.get("summary") or {}
    header = el("header", el("h1", esc(f"Pledges: {workspace}")),
                el("p", esc(f"What was pledged, by whom, by when, and how far it has come, as of {long_date(data.get('as_of'))}."),
                   class_="lede"),
                summary_cards(summary), summary_facts(summary))
    urgent: list[Row] = data.get("urgent") or []
    body = [
        header,
        section("urgent", "Most urgent", _pledge_table("", urgent, "urgent") if urgent else empty("No pledge yet.")),
        _index_reviews(data.get("reviews") or []), _index_rounds(data.get("rounds") or [], data.get("reviews") or []),
        _index_portfolio(data.get("portfolio") or {}), _index_pledges(data), _open_data(),
    ]
    return document(f"Pledges: {workspace}", "", data.get("as_of"), *body)


def _review_when(r: Row) -> Html:
    days = r.get("days_left")
    return el("span", esc("held"), class_="muted") if isinstance(days, int) and days < 0 else days_cell(days)


def _index_reviews(reviews: list[Row]) -> Html:
    rows = ([review_link("", r.get("id"), r.get("title")), due_cell(r), _review_when(r), el("span", esc(r.get("pledges")), class_="num")]
            for r in reviews)
    table = stacked_table(["Review", "Date", "When", "Pledges examined"], rows, class_="reviews")
    return section("reviews", "Reviews", table if reviews else empty("No review is in the calendar."))


def _index_rounds(rounds: list[Row], reviews: list[Row]) -> Html:
    titles = {r.get("id"): r.get("title") for r in reviews}
    rows = ([el("strong", esc(r.get("name"))),
             review_link("", r.get("review"), titles.get(r.get("review"), r.get("review"))) if r.get("review") else esc("—"),
             el("span", esc(long_date(r.get("due"))), class_="nowrap"), esc(r.get("compliance"))] for r in rounds)
    table = stacked_table(["Round", "Review", "Answers due", "Who has reported"], rows, class_="rounds")
    intro = el("p", esc("Owners are asked for an update before a review; this is who has answered so far."), class_="muted")
    return section("rounds", "Reporting rounds", join([intro, table]) if rounds else empty("No reporting round is open."))


def _top_owners(by_owner: dict[str, dict[str, Any]]) -> dict[str, dict[str, Any]]:
    """Return the owners with most pledges (at most OWNERS_SHOWN), by name."""
    ranked = sorted(by_owner, key=lambda o: (-sum(int(v) for v in by_owner[o].values()), o))[:OWNERS_SHOWN]
    return {o: by_owner[o] for o in sorted(ranked)}


def _index_portfolio(portfolio: Row) -> Html:
    by_owner: dict[str, dict[str, Any]] = portfolio.get("by_owner") or {}
    shown = _top_owners(by_owner)
    more = len(by_owner) - len(shown)
    rest = el("p", esc(f"{more} more owners are in the open data."), class_="muted") if more > 0 else Html("")
    return section("portfolio", "By framework and by owner",
                   el("h3", esc("By framework")), count_table("Framework", portfolio.get("by_framework") or {}),
                   el("h3", esc("By owner")), count_table("Owner", shown), rest)


def _index_pledges(data: Row) -> Html:
    pledges: list[Row] = data.get("pledges") or []
    total = data.get("pledges_total") or 0
    if not pledges:
        return section("all", "All pledges", empty(f"{total} pledges: too many to list here; data/pledges.csv lists them all."
                                                   if total else "No pledge yet."))
    items = (el("li", kind_mark(p.get("kind")), el("a", esc(p.get("title")), href=f"pledges/{inert(p.get('id'))}.html"), esc(" "),
                health_badge(p.get("health")), el("div", esc(p.get("owner")), class_="sub")) for p in pledges)
    return section("all", f"All pledges ({total})", el("ul", *items, class_="pledge-list"))


def _open_data() -> Html:
    items = (el("li", el("a", esc(path), href=path), esc(f": {what}")) for path, what in DATA_FILES)
    intro = el("p", esc("Everything on these pages, as files to download and reuse:"))
    return section("data", "Open data", intro, el("ul", *items, class_="files"))


# --- a review --------------------------------------------------------------------------------------------------------


def review_html(data: Row) -> str:
    """Return a review's page: when it meets next, and the state of each pledge examined at it."""
    review: Row = data.get("review") or {}
    pledges: list[Row] = data.get("pledges") or []
    total = data.get("pledges_total") or 0
    cards = summary_cards({"pledges": total, "by_health": data.get("by_health") or {}})
    listed = _pledge_table("../", pledges, "examined") if pledges else empty("No pledge names this review.")
    rest = el("p", esc(f"The {total - len(pledges)} less urgent pledges are in the open data."), class_="muted") \
        if total > len(pledges) else Html("")
    body = [
        el("header", el("h1", esc(review.get("title"))), _review_meta(review), cards),
        section("pledges", f"Pledges examined at this review ({total}), most urgent first", listed, rest),
        section("sources", "Sources", sources(review.get("sources") or [])),
    ]
    return document(f"{inert(review.get('title'))} · review", "../", data.get("as_of"), *body)


def _review_meta(review: Row) -> Html:
    days, every = review.get("days_left"), review.get("every_years")
    when = f"{due_text(review)} ({long_date(review.get('date'))})"
    if isinstance(days, int) and days < 0:
        said = f"Held {when}, {-days} days ago."
    else:
        said = f"Next: {when}, {'today' if days == 0 else f'in {days} days'}."
    said += f" Every {every} years from {inert(review.get('first'))}." if every else " Held once."
    lines = [el("p", esc(said), class_="lede")]
    if review.get("assumed"):
        lines.append(el("p", esc(f"The date is assumed: {inert(review.get('reason'))}"), class_="muted"))
    return join(lines)


# --- a pledge --------------------------------------------------------------------------------------------------------


def pledge_html(data: Row) -> str:
    """Return a pledge's page: its state, sources, milestones on a timeline, indicators with charts, reviews, history."""
    summary: Row = data.get("summary") or {}
    today = day_of(data.get("as_of"))
    body = [
        pledge_header(summary), section("sources", "Sources", sources(data.get("sources") or [])),
        milestones_section(data, today), indicators_section(data.get("indicators") or [], today),
        reviews_list(data.get("reviews") or []), history_section(data),
    ]
    return document(f"{inert(summary.get('title'))} · pledge", "../", data.get("as_of"), *body)
