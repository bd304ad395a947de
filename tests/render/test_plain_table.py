"""The plain status table (written when stdout is not a terminal) is laid out exactly as the Rich table is."""

from __future__ import annotations

import io
from typing import Any

import pytest
from rich.console import Console

from tracker.render.plain import cell_len, fit, status_lines
from tracker.render.terminal import status_table

BASE: dict[str, Any] = {
    "id": "gcm-plan", "title": "National GCM Implementation Plan", "owner": "Ministry of Labour", "health": "critical",
    "progress": 0.25, "schedule_status": "overdue", "reported_status": "in-progress", "assessed_status": "off-track",
    "discrepancy": True, "next_deadline": {"text": "2025", "precision": "year", "date": "2025-12-31"}, "days_left": -327,
}
VARIANTS: list[dict[str, Any]] = [
    {},
    {"progress": None, "reported_status": None, "discrepancy": False, "next_deadline": None, "days_left": None, "health": "good",
     "schedule_status": "closed", "assessed_status": "no-data"},
    {"id": "a" * 40, "title": "ផែនការជាតិ សុខភាពជនចំណាកស្រុក " * 3, "owner": "ក្រសួងសុខាភិបាល"},
    {"title": "日本の対カンボジア国別開発協力方針 — 2024–28", "days_left": 0, "schedule_status": "due-soon",
     "next_deadline": {"text": "2026-11-23", "precision": "day", "date": "2026-11-23"}},
    {"title": "[bold red]not markup[/] \x1b[31m<script>", "owner": "e\u0301cole · café", "days_left": 1499, "schedule_status": "upcoming"},
]
# Longer words: a verdict, a reported status and a review deadline that need wider columns, and a non-pledge row.
LONG_VARIANTS: list[dict[str, Any]] = [
    {"assessed_status": "needs-acceleration", "health": "at-risk"},
    {"reported_status": "partly-achieved", "schedule_status": "closed", "health": "closed", "next_deadline": None, "days_left": None},
    {"kind": "request", "schedule_status": "upcoming", "days_left": 1271,
     "next_deadline": {"text": "2030-05-17", "precision": "day", "date": "2030-05-17", "kind": "review"}},
    {"kind": "event", "title": "[request] a title that looks like a kind"},
]


def _rows(count: int) -> list[dict[str, Any]]:
    return [{**BASE, **VARIANTS[i % len(VARIANTS)], "id": f"{VARIANTS[i % len(VARIANTS)].get('id', 'p')}-{i}"} for i in range(count)]


def _rich(rows: list[dict[str, Any]], width: int) -> list[str]:
    out = io.StringIO()
    Console(file=out, width=width, color_system=None, highlight=False, soft_wrap=False).print(status_table(rows, False, width))
    return out.getvalue().splitlines()


@pytest.mark.parametrize("width", [72, 80, 100, 149])
@pytest.mark.parametrize("count", [1, 5, 60])
def test_plain_table_matches_rich(count: int, width: int) -> None:
    """Every line, character for character, at several widths, with wide, combining and hostile text, cropped or not."""
    rows = _rows(count)
    assert status_lines(rows, rows[:50], width) == _rich(rows, width)


@pytest.mark.parametrize("width", [72, 80, 100, 140, 149])
def test_plain_table_matches_rich_with_long_words(width: int) -> None:
    """Columns widened for long words, and narrowed again when the terminal is short, are the same in both."""
    rows = [{**BASE, **variant, "id": f"long-{i}"} for i, variant in enumerate(LONG_VARIANTS * 2)]
    plain = status_lines(rows, rows, width)
    assert plain == _rich(rows, width)
    if width >= 100:
        text = "\n".join(plain)
        assert "needs-acceleration" in text and "partly-achieved" in text and "review in 1271d" in text
    assert sum(line.startswith("[request] ") for line in plain) == 2
    assert sum(line.startswith("[event] ") for line in plain) == 2


def test_fit_crops_by_terminal_cells() -> None:
    """A wide character counts two cells; cropping keeps the width exact and ends with an ellipsis, as Rich does."""
    assert cell_len("日本") == 4
    assert fit("日本語テキスト", 6) == "日本 …"  # the third wide character does not fit: a space, then the ellipsis
    assert fit("abc", 5, right=True) == "  abc"
    assert cell_len(fit("ផែនការជាតិ", 4)) == 4
