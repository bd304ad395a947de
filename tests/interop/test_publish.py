"""`tracker publish`: the static site from a fresh workspace, as a new user would publish it, then read in Chromium."""

from __future__ import annotations

import re
from pathlib import Path

import pages
import pytest
from conftest import Tracker
from defusedxml import ElementTree

browser = pages.browser
HOSTILE = """\
title: '<script>alert(1)</script> [bold]loud[/bold] <a href="http://phish.example/login">Click here</a>'
owner: '<img src=x onerror=alert(1)>'
contacts: [desk@example.org]
due: 2027-12-31
reviews: [imrf]
sources: [{document: seed.txt, quote: "we will"}]
"""
TODAY = "2026-11-23"


@pytest.fixture
def site(tracker: Tracker) -> Path:
    """The bundled catalog plus a hostile pledge, some history, and the site published from it."""
    (tracker.root / "pledges" / "hostile.yaml").write_text(HOSTILE, encoding="utf-8")
    for args in (("update", "migrant-health-policy", "--status", "in-progress", "--note", "UHC extended", "--source", "minutes"),
                 ("record", "mine-action-csdg", "contaminated-area-remaining", "700", "--date", "2026-11-01"),
                 ("update", "hostile", "--status", "stalled", "--note", "<script>alert(2)</script>")):
        assert tracker(*args, today=TODAY).exit_code == 0
    result = tracker("publish", str(tracker.root / "site"), "--base-url", "https://pledges.example.org/cambodia/", today=TODAY)
    assert result.exit_code == 0, result.output
    return tracker.root / "site"


def _files(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def test_publish_writes_pages_data_calendar_and_feed(site: Path) -> None:
    """index.html, a page per pledge and for the IMRF review, every CSV with its columns documented, the calendar,
    and an Atom feed with an entry per recent change."""
    pledge_files = sorted(p.stem for p in (site.parent / "pledges").glob("*.yaml") if not p.name.startswith("_"))
    assert (site / "index.html").is_file()
    assert sorted(p.stem for p in (site / "pledges").glob("*.html")) == pledge_files
    assert (site / "reviews" / "imrf.html").is_file()
    readme = (site / "data" / "README.md").read_text(encoding="utf-8")
    for table in ("pledges", "milestones", "indicators", "readings", "updates"):
        header = (site / "data" / f"{table}.csv").read_text(encoding="utf-8").splitlines()[0].split(",")
        assert all(f"`{column}`" in readme for column in header), table
    assert (site / "data" / "pledges.json").is_file()
    assert (site / "data" / "deadlines.ics").read_text(encoding="utf-8").startswith("BEGIN:VCALENDAR")
    feed = ElementTree.fromstring((site / "feed.xml").read_bytes())
    atom = "{http://www.w3.org/2005/Atom}"
    links = [e.find(f"{atom}link").get("href") for e in feed.findall(f"{atom}entry")]
    assert len(links) >= 3 and "https://pledges.example.org/cambodia/pledges/migrant-health-policy.html" in links


def test_hostile_text_is_escaped_on_every_page(site: Path) -> None:
    """A title holding HTML and Rich markup shows as text wherever it appears."""
    for page in [site / "index.html", site / "reviews" / "imrf.html", *(site / "pledges").glob("*.html")]:
        text = page.read_text(encoding="utf-8")
        assert "<script" not in text and "<img" not in text and '<a href="http://phish' not in text, page.name
    hostile = (site / "pledges" / "hostile.html").read_text(encoding="utf-8")
    assert "&lt;script&gt;alert(1)&lt;/script&gt; [bold]loud[/bold]" in hostile


def test_publishing_twice_gives_the_same_bytes(site: Path, tracker: Tracker) -> None:
    """The same workspace and day give byte-identical files, so a site kept in git changes only where the record did."""
    first = _files(site)
    assert tracker("publish", str(site), "--base-url", "https://pledges.example.org/cambodia/", today=TODAY).exit_code == 0
    assert _files(site) == first


def test_pages_are_self_contained(site: Path) -> None:
    """No page loads anything from elsewhere: a restrictive CSP, no remote src or stylesheet, relative links."""
    for page in [site / "index.html", site / "reviews" / "imrf.html", site / "pledges" / "hostile.html"]:
        text = page.read_text(encoding="utf-8")
        assert "Content-Security-Policy" in text and "default-src 'none'" in text
        assert not re.search(r"""(?:src|href)=["']https?://""", text.replace('href="https://pledges.example.org', "")), page.name


def test_bad_folders_are_refused(tracker: Tracker, tmp_path: Path) -> None:
    """Publishing over the workspace or its pledges, or through a planted link, is one error line and writes nothing."""
    assert tracker("publish", str(tracker.root), today=TODAY).exit_code == 2
    (tmp_path / "elsewhere").mkdir()
    (tmp_path / "site").mkdir()
    (tmp_path / "site" / "pledges").symlink_to(tmp_path / "elsewhere")
    result = tracker("publish", str(tmp_path / "site"), today=TODAY)
    assert result.exit_code == 1 and "symbolic link" in result.stderr and len(result.stderr.strip().splitlines()) == 1
    assert list((tmp_path / "elsewhere").iterdir()) == []
    assert tracker("publish", str(tmp_path / "x"), "--base-url", "javascript:alert(1)", today=TODAY).exit_code == 2


@pytest.mark.slow
@pytest.mark.parametrize("width", [390, 1280])
def test_pages_fit_the_screen_and_stay_offline(site: Path, tracker: Tracker, browser: object, width: int, tmp_path: Path) -> None:
    """At 390 and 1280 px: no horizontal overflow, no console errors, no network requests, for the index, a pledge
    page, a review page and the weekly report."""
    assert tracker("report", "weekly", "--save", today=TODAY).exit_code == 0
    report = next((tracker.root / "reports").glob("*.html"))
    shots = Path(__file__).resolve().parent.parent.parent / "build" / "screenshots"
    shots.mkdir(parents=True, exist_ok=True)
    for page in (site / "index.html", site / "pledges" / "mine-action-csdg.html", site / "reviews" / "imrf.html", report):
        shot = shots / f"{page.stem}-{width}.png" if page.stem == "mine-action-csdg" else None
        seen = pages.look(browser, page, width, shot)
        assert seen.scroll_width <= width, f"{page.name} is {seen.scroll_width} px wide at {width} px"
        assert seen.console == [], page.name
        assert seen.requests == [], page.name
