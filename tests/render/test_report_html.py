"""The HTML weekly report: self-contained, escaped, drawn sensibly, and quiet in a real (headless) browser."""

from __future__ import annotations

import math
import re
from datetime import UTC, date, datetime
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import browser
import pytest

from tracker.render.html import el, esc, link
from tracker.render.report_html import render_html
from tracker.render.svg import assign_lanes, chart_svg, nice_scale, place_label, time_ticks, timeline_svg
from tracker.store import core
from tracker.views.report import build_weekly
from tracker.workspace import open_workspace

chromium = browser.chromium
TODAY = "2026-11-25"
HOSTILE = "<script>alert(1)</script> [link=javascript:alert(1)]x[/link]"
ESCAPED = "&lt;script&gt;alert(1)&lt;/script&gt;"
SOURCE = "https://example.org/report?a=1&b=2"
HEADINGS = [
    "What changed this week", "Due in the next 30 days", "Due in 31–90 days", "Reviews approaching",
    "Deadline timeline", "Indicators against their expected path", "Portfolio", "Pledges",
]


def _build(workspace: Path) -> dict[str, Any]:
    ws = open_workspace(str(workspace))
    db = core.open_db(ws.db_path)
    return build_weekly(db, "2026-W48", date.fromisoformat(TODAY), ws.settings, "test", datetime.now(UTC))


def _record_week(tracker: Any) -> None:
    for value, day in (("1000", "2020-01-01"), ("800", "2023-01-01"), ("700", "2026-11-24")):
        assert tracker("record", "mine-action-csdg", "contaminated-area-remaining", value, "--date", day, today=TODAY).exit_code == 0
    assert tracker("record", "gcm-implementation-plan", "objectives-with-results", "1", "--date", "2026-11-23",
                   "--source", SOURCE, "--note", 'note with <b>tags</b> & "quotes"', today=TODAY).exit_code == 0
    assert tracker("update", "migrant-health-policy", "--status", "in-progress", "--note", "UHC extended",
                   "--source", "Ministry bulletin <i>No. 4</i>", "--date", "2026-11-23", today=TODAY).exit_code == 0


def _hostile_workspace(workspace: Path) -> None:
    path = workspace / "pledges" / "gcm-implementation-plan.yaml"
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    assert lines[0].startswith("title:")
    lines[0] = f"title: '{HOSTILE}'\n"
    path.write_text("".join(lines), encoding="utf-8")


@pytest.fixture
def report(workspace: Path, tracker: Any) -> dict[str, Any]:
    """A week with readings on two numeric indicators, a status update, and a hostile pledge title."""
    _hostile_workspace(workspace)
    _record_week(tracker)
    built = _build(workspace)
    assert any(p["title"] == HOSTILE for p in built["pledges"]), "the hostile title must reach the report"
    return built


@pytest.fixture
def page(report: dict[str, Any]) -> str:
    """The rendered page."""
    return render_html(report)


def _hrefs(text: str) -> list[str]:
    return re.findall(r'href="([^"]*)"', text)


class _Structure(HTMLParser):
    """Check that every opened element is closed in order (void elements excepted)."""

    VOID = frozenset({"meta", "br", "hr", "col", "wbr", "img", "link", "input"})

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.stack: list[str] = []
        self.errors: list[str] = []
        self.tags: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        if tag not in self.VOID:
            self.stack.append(tag)

    def handle_endtag(self, tag: str) -> None:
        if not self.stack or self.stack.pop() != tag:
            self.errors.append(f"unexpected </{tag}>")


# --- the page as text -------------------------------------------------------------------------------------------


def test_page_is_self_contained(page: str) -> None:
    assert page.startswith("<!DOCTYPE html>")
    assert '<meta charset="utf-8">' in page[:300]
    assert "Content-Security-Policy" in page and "default-src &#x27;none&#x27;" in page
    assert 'name="viewport"' in page
    assert "<title>Pledge report 2026-W48</title>" in page
    lowered = page.lower()
    for forbidden in ("<script", "src=", "<link", "@import", "url(", "<iframe", "<object", "<embed", "<img"):
        assert forbidden not in lowered, forbidden
    outside_links = re.sub(r'<a href="https?://[^"]*" rel="noopener noreferrer">[^<]*</a>', "", page)
    assert "http://" not in outside_links and "https://" not in outside_links


def test_page_is_well_formed(page: str) -> None:
    parser = _Structure()
    parser.feed(page)
    parser.close()
    assert parser.errors == [] and parser.stack == []
    assert "script" not in parser.tags


def test_one_svg_per_chart_plus_the_timeline(report: dict[str, Any], page: str) -> None:
    assert len(report["charts"]) == 2
    assert page.count("<svg") == len(report["charts"]) + 1
    assert all(math.isfinite(v) for v in _coordinates(page))


def test_sections_come_in_order(page: str) -> None:
    found = [page.find(f"<h2>{esc(h)}") for h in HEADINGS]
    assert all(i > 0 for i in found), dict(zip(HEADINGS, found, strict=True))
    assert found == sorted(found)
    assert page.find("<header>") < found[0]


def test_header_counts_health_and_discrepancies(report: dict[str, Any], page: str) -> None:
    header = page[page.find("<header>"): page.find("</header>")]
    assert "2026-W48" in header and "as of 25 Nov 2026" in header and "workspace test" in header
    for health, count in report["summary"]["by_health"].items():
        assert f'<div class="card h-{health}"><b>{count}</b>{health}</div>' in header
    assert f"⚠ {report['summary']['discrepancies']}" in header


def test_hostile_title_only_ever_appears_escaped(page: str) -> None:
    assert ESCAPED in page
    assert "<script" not in page.lower()
    assert "alert(1)</script>" not in page
    assert all(not h.strip().lower().startswith("javascript:") and "javascript:" not in h.lower() for h in _hrefs(page))
    assert all(h.startswith(("https://", "http://", "#")) for h in _hrefs(page))


def test_user_text_is_escaped_and_links_are_safe(page: str) -> None:
    assert "note with &lt;b&gt;tags&lt;/b&gt; &amp; &quot;quotes&quot;" in page
    assert "Ministry bulletin &lt;i&gt;No. 4&lt;/i&gt;" in page
    assert '<a href="https://example.org/report?a=1&amp;b=2" rel="noopener noreferrer">' in page


def test_changes_and_empty_sections(page: str) -> None:
    changes = page[page.find('id="changes"'): page.find('id="due"')]
    assert "UHC extended" in changes and "700 square kilometres" in changes
    assert changes.count("Nothing recorded") == 3  # milestones done, revisions, newly overdue


def test_pledges_table_flags_discrepancies(report: dict[str, Any], page: str) -> None:
    table = page[page.find('<table class="pledges">'):]
    assert table.count("<tr>") == len(report["pledges"]) + 1
    flagged = [p for p in report["pledges"] if p["discrepancy"]]
    assert flagged and table.count('class="flagmark"') == len(flagged)
    for reason in flagged[0]["discrepancies"]:
        assert esc(reason) in table


def test_cli_refuses_a_javascript_source(tracker: Any) -> None:
    result = tracker("record", "mine-action-csdg", "contaminated-area-remaining", "5", "--source", "javascript:alert(1)")
    assert result.exit_code != 0


def test_renders_a_bare_workspace(workspace: Path, tracker: Any) -> None:
    assert tracker("sync").exit_code == 0
    page = render_html(_build(workspace))
    assert "No numeric indicator has readings yet." in page
    assert page.count("<svg") == 1


def test_renders_an_empty_report() -> None:
    page = render_html({"week": "2026-W01"})
    assert page.count("Nothing recorded") >= 8 and "<svg" not in page


# --- helpers ----------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("url", ["javascript:alert(1)", "JAVASCRIPT:alert(1)", " https://x.org", "data:text/html,<b>", "ftp://x.org",
                                 "https://x.org/a b", "//x.org/a", "https:/x.org"])
def test_link_refuses_anything_but_http(url: str) -> None:
    rendered = link(url)
    assert "<a" not in rendered and "href" not in rendered
    assert "<b>" not in rendered


def test_link_escapes_the_url() -> None:
    rendered = link('https://x.org/?q="><script>&a=1')
    assert rendered == ('<a href="https://x.org/?q=&quot;&gt;&lt;script&gt;&amp;a=1" rel="noopener noreferrer">'
                        "https://x.org/?q=&quot;&gt;&lt;script&gt;&amp;a=1</a>")


def test_esc_and_el() -> None:
    assert esc("<a href='x'>\"&") == "&lt;a href=&#x27;x&#x27;&gt;&quot;&amp;"
    assert esc(None) == ""
    assert esc("bell\x1b[31m") == "bell\\x1b[31m"
    assert el("td", esc("<i>"), class_='a"b', title=None) == '<td class="a&quot;b">&lt;i&gt;</td>'


# --- scales and charts ------------------------------------------------------------------------------------------


@pytest.mark.parametrize(("lo", "hi"), [(0, 1000), (5, 5), (0, 0), (-3.5, 2), (-100, -100), (0.001, 0.002), (1e9, 3e9)])
def test_nice_scale_covers_the_values(lo: float, hi: float) -> None:
    low, high, step = nice_scale(lo, hi)
    assert low <= lo and high >= hi and high > low and step > 0
    assert 2 <= round((high - low) / step) <= 12


def test_time_ticks() -> None:
    assert [t for _, t in time_ticks(date(2026, 1, 15), date(2026, 4, 2))] == ["Feb 2026", "Mar 2026", "Apr 2026"]
    assert [t for _, t in time_ticks(date(2019, 12, 1), date(2031, 1, 1))][:2] == ["2020", "2022"]


def test_lanes_never_overlap() -> None:
    spans = [(0.0, 100.0), (50.0, 150.0), (105.0, 200.0), (120.0, 300.0), (400.0, 410.0)]
    lanes = assign_lanes(spans)
    for i, a in enumerate(spans):
        for j, b in enumerate(spans):
            if i < j and lanes[i] == lanes[j]:
                assert a[1] < b[0] or b[1] < a[0]
    assert lanes[-1] == 0


def test_labels_stay_inside_the_timeline() -> None:
    for x in (20.0, 500.0, 980.0):
        text, left, right, _ = place_label(x, "a-very-long-pledge-identifier: " + "word " * 40)
        assert left >= 0 and right <= 1000 and len(text) <= 72


def _coordinates(svg: str) -> list[float]:
    numbers = re.findall(r'\s(?:x|y|cx|cy|x1|x2|y1|y2|width|height)="([^"]*)"', svg) + " ".join(re.findall(r'points="([^"]*)"', svg)).replace(",", " ").split()
    return [float(n) for n in numbers]


CHART_CASES: dict[str, dict[str, Any]] = {
    "one reading": {"readings": [["2026-01-01", 5.0]], "expected_path": [], "target": None, "first": ["2026-01-01", 5.0]},
    "identical values": {"readings": [["2024-01-01", 3.0], ["2025-01-01", 3.0]], "expected_path": [], "target": ["2026-12-31", 3.0]},
    "negative values": {"readings": [["2024-01-01", -5.0], ["2025-06-01", -2.5]], "expected_path": [["2024-01-01", -5.0], ["2027-01-01", 1.0]],
                        "target": ["2027-01-01", 1.0], "first": ["2023-01-01", -7.0]},
    "all on one day": {"readings": [["2026-11-25", 0.0]], "expected_path": [], "target": ["2026-11-25", 0.0]},
    "malformed": {"readings": [["not a date", 1.0], ["2026-01-01", "x"], ["2026-01-02", float("nan")], ["2026-01-03"]], "target": "3"},
}


@pytest.mark.parametrize("case", CHART_CASES)
def test_chart_edge_cases(case: str) -> None:
    chart = {"pledge_id": "p", "title": "T", "indicator": "I <b>", "unit": "u", "verdict": "on-track", **CHART_CASES[case]}
    svg = chart_svg(chart, date(2026, 11, 25))
    assert svg.startswith("<svg") and svg.endswith("</svg>")
    assert "I &lt;b&gt;" in svg
    assert all(math.isfinite(v) for v in _coordinates(svg))


def test_chart_draws_readings_path_and_target() -> None:
    chart = {"readings": [["2020-01-01", 10.0], ["2022-01-01", 20.0]], "expected_path": [["2020-01-01", 10.0], ["2030-01-01", 50.0]],
             "target": ["2030-01-01", 50.0], "first": ["2020-01-01", 10.0], "unit": "%", "indicator": "x", "verdict": "off-track"}
    svg = chart_svg(chart, date(2026, 11, 25))
    assert svg.count("<polyline") == 2 and 'stroke-dasharray="6 4"' in svg
    assert "target 50 by 2030-01-01" in svg and svg.count("<circle") == 2


def test_timeline_markers_have_titles() -> None:
    items: list[dict[str, Any]] = [
        {"pledge_id": "a", "title": "A <x>", "kind": "pledge", "what": "pledge due", "date": "2026-12-31", "text": "2026", "precision": "year", "days_left": 36},
        {"pledge_id": "a", "title": "A <x>", "kind": "milestone", "what": "milestone: m", "date": "2026-12-31", "text": "2026", "precision": "year", "days_left": 36},
        {"pledge_id": None, "title": None, "kind": "review", "what": "review: R", "date": "2027-05-17", "text": "2027-05-17", "precision": "day", "days_left": 173},
    ]
    svg = timeline_svg(items, date(2026, 11, 25))
    assert svg.count("<g class=\"tl-") == 3 and svg.count("<title>") == 5  # the chart, 3 markers, today
    assert "A &lt;x&gt;" in svg and "today 2026-11-25" in svg
    assert all(math.isfinite(v) for v in _coordinates(svg))
    label_rows = re.findall(r'<text x="[^"]*" y="([^"]*)"[^>]*class="label"', svg)
    assert len(label_rows) == 3 and label_rows[0] != label_rows[1], "two deadlines on one day go on separate rows"


# --- in a real browser ------------------------------------------------------------------------------------------


def test_page_in_headless_chromium(chromium: str, page: str, tmp_path: Path) -> None:
    """The page renders with no console message, no request beyond file://, the hostile title as text, and no script."""
    path = tmp_path / "report.html"
    path.write_text(page, encoding="utf-8")
    dumped = browser.run_page(chromium, path, tmp_path / "dom", "--dump-dom")
    assert dumped.returncode == 0, dumped.stderr[-2000:]
    assert ESCAPED in dumped.stdout and "<script" not in dumped.stdout.lower()
    assert "Deadline timeline" in dumped.stdout and dumped.stdout.count("<svg") == page.count("<svg")
    assert browser.console_lines(dumped.stderr) == []
    assert dumped.netlog["events"], "the NetLog must have been written"
    assert browser.page_requests(dumped.netlog) == []
    shot = tmp_path / "shot.png"
    drawn = browser.run_page(chromium, path, tmp_path / "shot", f"--screenshot={shot}", "--window-size=1200,2400")
    assert drawn.returncode == 0, drawn.stderr[-2000:]
    assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and shot.stat().st_size > 30_000
    assert browser.console_lines(drawn.stderr) == [] and browser.page_requests(drawn.netlog) == []


def test_browser_checks_catch_requests_and_console_errors(chromium: str, tmp_path: Path) -> None:
    """The checks above are not vacuous: a page that loads an image (loopback only) and logs an error is caught."""
    path = tmp_path / "canary.html"
    path.write_text('<!DOCTYPE html><img alt="" src="http://127.0.0.1:9/canary.png"><script>console.error("canary")</script>',
                    encoding="utf-8")
    run = browser.run_page(chromium, path, tmp_path / "canary", "--dump-dom")
    assert any("canary" in line for line in browser.console_lines(run.stderr))
    assert "http://127.0.0.1:9/canary.png" in browser.page_requests(run.netlog)
