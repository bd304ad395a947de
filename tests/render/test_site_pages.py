"""The published site's pages: complete, escaped, self-contained, relatively linked, deterministic and phone-ready."""

from __future__ import annotations

import itertools
import json
import re
from datetime import date
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest
from conftest import TODAY, Tracker

from tracker.errors import UnknownError
from tracker.render.report_html import render_html
from tracker.render.site import index_html, pledge_html, review_html
from tracker.render.svg import timeline_svg
from tracker.store import core
from tracker.views import site as views
from tracker.views.report import build_weekly

HOSTILE_TITLE = '<script>alert(1)</script> [bold]x[/bold] <a href="http://phish.example/">y</a>'
HOSTILE_FILE = """\
title: '<script>alert(1)</script> [bold]x[/bold] <a href="http://phish.example/">y</a>'
summary: 'Summary with <b>tags</b> & "quotes" and [red]markup[/red]'
owner: '<img src=x onerror=alert(1)>'
partners: ['<i>partner</i>']
contacts: [desk@example.org]
due: 2027-12-31
reviews: [imrf]
sources: [{document: seed.txt, url: "https://example.org/seed?a=1&b=2", quote: '<q>we will</q>'}]
milestones:
  - id: first-step
    title: '<b>first</b> step'
    due: 2027-06
indicators:
  - id: people-reached
    title: '<svg onload=alert(1)>'
    kind: number
    unit: people
    direction: increase
    baseline: {value: 0, date: 2026-01-01}
    target: {value: 100, date: 2027-12-31}
"""
ESCAPED_TITLE = "&lt;script&gt;alert(1)&lt;/script&gt; [bold]x[/bold] &lt;a href=&quot;http://phish.example/&quot;&gt;y&lt;/a&gt;"
CSP = "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'; img-src data:"
DATA_LINKS = {"data/README.md", "data/pledges.csv", "data/pledges.json", "data/deadlines.ics", "feed.xml"}


def _record(tracker: Tracker) -> None:
    """Readings for two charts, status updates, a milestone done, a correction, a retraction and a revision."""
    steps = [
        ("record", "mine-action-csdg", "contaminated-area-remaining", "1000", "--date", "2020-01-01"),
        ("record", "mine-action-csdg", "contaminated-area-remaining", "800", "--date", "2023-01-01"),
        ("record", "mine-action-csdg", "contaminated-area-remaining", "700", "--date", "2026-11-01", "--source", "https://example.org/cmaa"),
        ("record", "hostile", "people-reached", "40", "--date", "2026-06-01", "--note", "<script>alert(3)</script>"),
        ("update", "hostile", "--status", "stalled", "--note", "<script>alert(2)</script>", "--date", "2026-11-01"),
        ("update", "migrant-health-policy", "--status", "in-progress", "--note", "UHC extended", "--date", "2026-11-02"),
        ("done", "hostile", "first-step", "--date", "2026-11-10", "--evidence", "minutes <b>of</b> the meeting"),
        ("revise", "hostile", "--milestone", "first-step", "--due", "2027-09", "--reason", "the board met late"),
    ]
    for step in steps:
        result = tracker(*step)
        assert result.exit_code == 0, (step, result.output)
    entries = {e["kind"]: e["id"] for e in json.loads(tracker("history", "hostile", "--json").output)}
    assert tracker("correct", entries["reading"], "--value", "45", "--reason", "recounted <em>twice</em>").exit_code == 0
    assert tracker("retract", entries["update"], "--reason", "entered by mistake").exit_code == 0


def _db(tracker: Tracker) -> Any:
    return core.open_db(tracker.root / "tracker.db")


def _render(tracker: Tracker) -> dict[str, str]:
    """Every page of the site, by its path in the site's folder."""
    from tracker.workspace import open_workspace

    ws = open_workspace(str(tracker.root))
    db, today = core.open_db(ws.db_path), date.fromisoformat(TODAY)
    pages = {"index.html": index_html(views.index_data(db, today, ws.settings, "Cambodia <pledges>"))}
    pages |= {f"pledges/{p}.html": pledge_html(views.pledge_data(db, p, today, ws.settings)) for p in views.pledge_ids(db)}
    pages |= {f"reviews/{r}.html": review_html(views.review_data(db, r, today, ws.settings)) for r in views.review_ids(db)}
    db.close()
    return pages


@pytest.fixture
def site(tracker: Tracker) -> dict[str, str]:
    """The bundled catalog plus a hostile pledge, with history, rendered page by page."""
    (tracker.root / "pledges" / "hostile.yaml").write_text(HOSTILE_FILE, encoding="utf-8")
    assert tracker("sync").exit_code == 0
    _record(tracker)
    return _render(tracker)


class _Page(HTMLParser):
    """The elements of a page: every start tag with its attributes, headings in order, and nesting errors."""

    VOID = frozenset({"meta", "link", "br", "hr", "img", "input", "col", "wbr"})

    def __init__(self, text: str) -> None:
        super().__init__(convert_charrefs=True)
        self.stack: list[str] = []
        self.errors: list[str] = []
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.feed(text)
        self.close()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))
        if tag not in self.VOID:
            self.stack.append(tag)

    def handle_endtag(self, tag: str) -> None:
        if not self.stack or self.stack.pop() != tag:
            self.errors.append(f"unexpected </{tag}>")

    def attrs(self, name: str) -> list[str]:
        return [str(a[name]) for _, a in self.tags if a.get(name) is not None]

    def headings(self) -> list[int]:
        return [int(tag[1]) for tag, _ in self.tags if re.fullmatch(r"h[1-6]", tag)]


# --- every page ------------------------------------------------------------------------------------------------------


def test_every_active_pledge_and_review_has_a_page(site: dict[str, str], tracker: Tracker) -> None:
    files = sorted(p.stem for p in (tracker.root / "pledges").glob("*.yaml") if not p.name.startswith("_"))
    assert sorted(k.removeprefix("pledges/").removesuffix(".html") for k in site if k.startswith("pledges/")) == files
    assert {"reviews/imrf.html", "reviews/csdg-2030.html"} <= set(site)


def test_pages_are_complete_html5_documents(site: dict[str, str]) -> None:
    for name, page in site.items():
        root = "../" if "/" in name else ""
        assert page.startswith('<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'), name
        assert CSP in page and "script-src" not in page, name
        assert '<meta name="viewport" content="width=device-width, initial-scale=1">' in page
        assert '<meta name="referrer" content="no-referrer">' in page
        assert f'<link rel="alternate" type="application/atom+xml" href="{root}feed.xml"' in page
        assert "@media print" in page and "@media (max-width:640px)" in page
        parsed = _Page(page)
        assert parsed.errors == [] and parsed.stack == [], (name, parsed.errors)
        nav = page[page.find("<nav"): page.find("</nav>")]
        assert all(f'href="{root}{target}"' in nav for target in ("index.html", "data/README.md", "feed.xml")), name


def test_headings_are_one_h1_then_no_level_skipped(site: dict[str, str]) -> None:
    for name, page in site.items():
        levels = _Page(page).headings()
        assert levels.count(1) == 1 and levels[0] == 1, name
        assert all(b <= a + 1 for a, b in itertools.pairwise(levels)), (name, levels)


def test_pages_load_nothing_from_elsewhere(site: dict[str, str]) -> None:
    """No script, no src= at all, no remote href: absolute URLs appear only as escaped text."""
    for name, page in site.items():
        lowered = page.lower()
        for forbidden in ("<script", "@import", "url(", "<iframe", "<object", "<embed", "<img", "<image", "<use"):
            assert forbidden not in lowered, (name, forbidden)
        assert not re.search(r"<[^<>]*\s(src|srcset|poster|data|action|formaction)\s*=", page, re.IGNORECASE), name
        parsed = _Page(page)
        for url in parsed.attrs("href") + parsed.attrs("src") + parsed.attrs("xlink:href"):
            assert not re.match(r"^\s*([a-z][a-z0-9+.-]*:|//|/)", url, re.IGNORECASE), (name, url)
    assert "https://example.org/cmaa" in site["pledges/mine-action-csdg.html"]  # shown, as text


def test_relative_links_lead_to_pages_of_the_site(site: dict[str, str], tmp_path: Path) -> None:
    for name, page in site.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(page, encoding="utf-8")
    for name, page in site.items():
        for href in _Page(page).attrs("href"):
            target = (tmp_path / name).parent / href.split("#")[0]
            relative = target.resolve().relative_to(tmp_path.resolve()).as_posix()
            assert relative in site or relative in DATA_LINKS, (name, href)
    index = site["index.html"]
    assert 'href="pledges/mine-action-csdg.html"' in index and 'href="reviews/imrf.html"' in index
    assert all(f'href="{link}"' in index for link in DATA_LINKS)
    pledge = site["pledges/hostile.html"]
    assert 'href="../index.html"' in pledge and 'href="../reviews/imrf.html"' in pledge and 'href="../feed.xml"' in pledge
    assert 'href="../pledges/hostile.html"' in site["reviews/imrf.html"]


def test_the_same_data_gives_the_same_bytes(site: dict[str, str], tracker: Tracker) -> None:
    assert _render(tracker) == site


def test_hostile_text_only_ever_appears_escaped(site: dict[str, str]) -> None:
    for name, page in site.items():
        assert "<script" not in page and "<img" not in page and "<svg onload" not in page, name
        assert '<a href="http://phish' not in page and "<b>first" not in page and "<q>" not in page, name
    pledge = site["pledges/hostile.html"]
    assert f"<h1>{ESCAPED_TITLE}</h1>" in pledge
    assert f"<title>{ESCAPED_TITLE} · pledge</title>" in pledge
    assert "[bold]x[/bold]" in pledge and "[red]markup[/red]" in pledge  # Rich markup stays text
    for text in ("&lt;img src=x onerror=alert(1)&gt;", "&lt;i&gt;partner&lt;/i&gt;", "&lt;q&gt;we will&lt;/q&gt;",
                 "&lt;svg onload=alert(1)&gt;", "&lt;script&gt;alert(2)&lt;/script&gt;", "&lt;b&gt;first&lt;/b&gt; step",
                 "minutes &lt;b&gt;of&lt;/b&gt; the meeting", "recounted &lt;em&gt;twice&lt;/em&gt;", "https://example.org/seed?a=1&amp;b=2"):
        assert text in pledge, text
    assert ESCAPED_TITLE in site["index.html"] and ESCAPED_TITLE in site["reviews/imrf.html"]
    assert "<title>Pledges: Cambodia &lt;pledges&gt;</title>" in site["index.html"]


def test_narrow_tables_label_every_cell(site: dict[str, str]) -> None:
    """Tables that stack into cards on a phone label each cell with its column's name."""
    for name, page in site.items():
        for table in re.findall(r'<div class="rows">(.*?)</table></div>', page, re.DOTALL):
            assert table.count("<td ") == table.count('<td data-label="'), name
            assert "<td>" not in table, name


# --- the index ---------------------------------------------------------------------------------------------------------


def test_index_counts_lists_and_links(site: dict[str, str]) -> None:
    index, total = site["index.html"], sum(name.startswith("pledges/") for name in site)
    for heading in ("Most urgent", "Reviews", "Reporting rounds", "By framework and by owner", f"All pledges ({total})", "Open data"):
        assert f"<h2>{heading}</h2>" in index, heading
    assert f'<div class="card total"><b>{total}</b>pledges</div>' in index
    urgent = index[index.find('<table class="urgent">'): index.find("</table>", index.find('<table class="urgent">'))]
    assert 0 < urgent.count("<tr>") - 1 <= views.URGENT
    assert index.count('href="pledges/') == total + urgent.count("<tr>") - 1
    assert "International Migration Review Forum" in index and "No reporting round is open." in index


def test_index_shows_open_rounds_with_their_compliance(tracker: Tracker) -> None:
    assert tracker("round", "open", "imrf-2026", "--review", "imrf", "--due", "2026-12-10").exit_code == 0
    index = _render(tracker)["index.html"]
    rounds = index[index.find('id="rounds"'): index.find('id="portfolio"')]
    assert "imrf-2026" in rounds and re.search(r"0 of \d+ reported, \d+ missing, due in 17 days", rounds)
    assert '<a href="reviews/imrf.html">International Migration Review Forum</a>' in rounds


# --- a pledge ----------------------------------------------------------------------------------------------------------


def test_pledge_page_shows_state_sources_milestones_indicators_and_history(site: dict[str, str]) -> None:
    page = site["pledges/hostile.html"]
    for heading in ("Sources", "Milestones and deadlines", "Indicators", "Reviews it is examined at"):
        assert f"<h2>{heading}</h2>" in page, heading
    for term in ("Owner", "Partners", "Health", "Reported", "Assessed", "Schedule", "Progress"):
        assert f"<dt>{term}</dt>" in page, term
    assert "International Migration Review Forum" in page and "seed.txt" in page
    assert "done 10 Nov 2026" in page
    history = page[page.find('id="history"'):]
    assert "(5 entries, newest first)" in history
    assert "corrected" in history and "retracted" in history and "entered by mistake" in history
    assert "the board met late" in history and "2027-06 → 2027-09" in history
    assert history.count('class="retracted"') == 2


def test_snoozed_reminders_stay_out_of_the_public_history(tracker: Tracker) -> None:
    """A snooze only pauses reminders to the pledge's contacts; the page's history leaves it out."""
    assert tracker("snooze", "mine-action-csdg", "--until", "2026-12-20", "--reason", "waiting for the survey").exit_code == 0
    page = _render(tracker)["pledges/mine-action-csdg.html"]
    assert "waiting for the survey" not in page and "Nothing recorded yet." in page


def test_charts_have_a_text_alternative(site: dict[str, str]) -> None:
    page = site["pledges/mine-action-csdg.html"]
    svgs = re.findall(r"<svg[^>]*>", page)
    assert len(svgs) == 2  # the timeline and one indicator chart
    assert all('role="img"' in s and "aria-label=" in s for s in svgs)
    assert page.count("<svg") == page.count("</svg>") and all(f"{s}<title>" in page for s in svgs)
    assert "<figcaption>3 readings: from 1,000 square kilometres on 1 Jan 2020 to 700 square kilometres on 1 Nov 2026" in page
    readings = page[page.find('<table class="readings">'):]
    assert all(v in readings[: readings.find("</table>")] for v in ("1,000 square kilometres", "800 square kilometres", "700"))
    assert 'class="tl-narrow" display="none"' in page and "--narrow:360 / " in page


def test_a_pledge_without_numeric_readings_has_no_chart(site: dict[str, str]) -> None:
    page = site["pledges/national-mine-policy.html"]
    assert page.count("<svg") == 1  # its timeline only
    assert "No reading recorded yet." in page or "This pledge has no indicator." in page


# --- a review ----------------------------------------------------------------------------------------------------------


def test_review_page_lists_the_pledges_examined(site: dict[str, str], tracker: Tracker) -> None:
    page = site["reviews/imrf.html"]
    data = views.review_data(_db(tracker), "imrf", date.fromisoformat(TODAY), _settings(tracker))
    assert data["pledges_total"] == len(data["pledges"]) and "hostile" in {p["id"] for p in data["pledges"]}
    assert f"Pledges examined at this review ({data['pledges_total']}), most urgent first" in page
    assert page.count('href="../pledges/') == data["pledges_total"]
    assert "<h1>International Migration Review Forum</h1>" in page and "Every 4 years from" in page
    for p in data["pledges"]:
        assert f'<div class="id">{p["id"]}</div>' in page


def test_unknown_review_is_refused(tracker: Tracker) -> None:
    assert tracker("sync").exit_code == 0
    with pytest.raises(UnknownError, match="imrf"):
        views.review_data(_db(tracker), "imfr", date.fromisoformat(TODAY), _settings(tracker))


def _settings(tracker: Tracker) -> Any:
    from tracker.workspace import open_workspace

    return open_workspace(str(tracker.root)).settings


# --- the timeline's phone layout, and the weekly report ----------------------------------------------------------------


def test_timeline_holds_a_phone_layout_hidden_without_the_style_sheet() -> None:
    items: list[dict[str, Any]] = [{"pledge_id": "a", "title": "A", "kind": "pledge", "what": "pledge due", "date": "2026-12-31", "text": "2026",
              "precision": "year", "days_left": 36},
             {"pledge_id": None, "title": None, "kind": "review", "what": "review: R <x>", "date": "2025-05-17", "text": "2025-05-17",
              "precision": "day", "days_left": -192}]
    wide = timeline_svg(items, date(2026, 11, 25))
    both = timeline_svg(items, date(2026, 11, 25), narrow=True)
    assert "tl-narrow" not in wide and both.count("<svg") == 1
    assert '<g class="tl-wide">' in both and 'class="tl-narrow" display="none"' in both
    narrow = both[both.find('class="tl-narrow"'):]
    assert narrow.count('class="label"') == 2 and "R &lt;x&gt;" in narrow and "today 2026-11-25" in narrow
    assert narrow.find("R &lt;x&gt;") < narrow.find("today 2026-11-25") < narrow.find("a: pledge due")  # in date order


def test_weekly_report_shares_the_phone_ready_style(workspace: Path, tracker: Tracker) -> None:
    from datetime import UTC, datetime

    from tracker.workspace import open_workspace

    _record_report(tracker)
    ws = open_workspace(str(workspace))
    page = render_html(build_weekly(core.open_db(ws.db_path), "2026-W48", date(2026, 11, 25), ws.settings, "test", datetime.now(UTC)))
    assert "@media (max-width:640px)" in page and ".rows td::before" in page and "overflow-wrap:anywhere" in page
    assert 'class="tl-narrow" display="none"' in page and page.count('<table class="pledges">') == 1
    assert "nav a { white-space:nowrap;" in page


def _record_report(tracker: Tracker) -> None:
    assert tracker("record", "mine-action-csdg", "contaminated-area-remaining", "900", "--date", "2026-11-24", today="2026-11-25").exit_code == 0
