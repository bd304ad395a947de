"""The one specification of every CSV table: each column's name, type and meaning, in file order.

The CSV headers (`export.CSV_COLUMNS`) and the open data's README (`opendata.readme`) are both built from it, so a
column cannot be added without its documentation.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from tracker.domain.statuses import HEALTH, REPORTED_STATUSES, SCHEDULE_ORDER, VERDICTS


@dataclass(frozen=True)
class Column:
    """One CSV column: its header, the kind of value it holds, and what it means."""

    name: str
    type: str
    meaning: str


@dataclass(frozen=True)
class Table:
    """One CSV table: what a row is, in which order rows come, and its columns."""

    rows: str
    columns: tuple[Column, ...]


# The value types a column may have, as the README explains them.
TYPES = {
    "text": "UTF-8 text; a cell a spreadsheet would run as a formula starts with an apostrophe",
    "integer": "a whole number, possibly negative",
    "number": "a decimal number (`.` as the decimal mark)",
    "boolean": "`true` or `false`",
    "date": "a day, `YYYY-MM-DD`",
    "period": "a date as written in the pledge file: `2026`, `2026-Q1`, `2026-05` or `2026-05-17`",
    "timestamp": "an instant in UTC, ISO 8601 (`2026-11-23T09:30:00.000000+00:00`)",
    "list": "values joined with `; `",
    "value": "a number for `number` and `percent` indicators, otherwise text (`yes`/`no` or a level)",
}


def _c(name: str, type_: str, meaning: str) -> Column:
    assert type_ in TYPES, type_
    return Column(name, type_, meaning)


def _one_of(values: Iterable[str]) -> str:
    return ", ".join(f"`{v}`" for v in values)


PLEDGE = _c("pledge", "text", "the pledge's id (see `pledges.csv`)")
SOURCE = _c("source", "text", "where the information comes from (a URL or a document), if given")
RECORDED_AT = _c("recorded_at", "timestamp", "when it was entered")

TABLES: dict[str, Table] = {
    "pledges": Table("one row per pledge, by id, with its status as of the publication day", (
        _c("id", "text", "the pledge's id (its file name without `.yaml`)"),
        _c("title", "text", "what was pledged, in a line"),
        _c("owner", "text", "who is responsible; for a request, the party asked"),
        _c("frameworks", "list", "framework tags, such as `GCM:11` or `sdg:3.8`"),
        _c("due", "period", "when the pledge is due, as written"),
        _c("due_date", "date", "the deadline: the last day of the `due` period"),
        _c("reported_status", "text", f"the latest status its owner reported on or before the day: {_one_of(REPORTED_STATUSES)}; "
                                      "empty when none was"),
        _c("reported_on", "date", "the day of that report"),
        _c("schedule_status", "text", f"where it stands against its deadlines: {_one_of(SCHEDULE_ORDER)}"),
        _c("next_deadline", "text", "what falls due next: `pledge due`, `milestone: TITLE` or `review: TITLE`"),
        _c("next_deadline_date", "date", "that deadline"),
        _c("days_left", "integer", "days from the publication day to that deadline, negative when overdue"),
        _c("assessed_status", "text", f"what the indicator readings say: {_one_of(VERDICTS)} or `no-data`"),
        _c("health", "text", f"the three lenses combined: {_one_of(HEALTH)}"),
        _c("progress", "number", "0 to 1: the mean share of the way to the indicators' targets, else the share of milestones done"),
        _c("milestones_done", "integer", "milestones completed on or before the day"),
        _c("milestones_total", "integer", "milestones the pledge has"),
        _c("discrepancy", "boolean", "the reported status contradicts the indicators, a report is overdue, or authors reported different statuses "
                                    "for the same day"),
        _c("last_evidence", "date", "the day of the latest status update, reading or completed milestone"),
    )),
    "milestones": Table("one row per milestone, by pledge, in file order", (
        PLEDGE,
        _c("milestone", "text", "the milestone's id, unique within its pledge"),
        _c("title", "text", "the step, in a line"),
        _c("due", "period", "when it is due, as written"),
        _c("due_date", "date", "the deadline: the last day of the `due` period"),
        _c("precision", "text", "how precise `due` is: `year`, `quarter`, `month` or `day`"),
        _c("assumed", "boolean", "`true` when the sources give no date and the tracker's editors assumed one"),
        _c("done_on", "date", "the day it was completed; empty while open"),
        _c("evidence", "text", "what shows it was completed (a URL or a document), if given"),
        _c("days_left", "integer", "days from the publication day to `due_date`, negative when overdue; empty once done"),
    )),
    "indicators": Table("one row per indicator, by pledge, in file order", (
        PLEDGE,
        _c("indicator", "text", "the indicator's id, unique within its pledge"),
        _c("title", "text", "what is measured"),
        _c("kind", "text", "`number`, `percent`, `yes-no` or `qualitative`"),
        _c("unit", "text", "the unit of its values, if any"),
        _c("direction", "text", "which way is better: `increase` or `decrease`"),
        _c("method", "text", "how progress is assessed: `auto`, `cagr-ratio` or `linear`"),
        _c("levels", "list", "for a qualitative indicator, its ordered levels, worst first"),
        _c("baseline_value", "value", "the starting value"),
        _c("baseline_date", "period", "when the baseline was measured"),
        _c("target_value", "value", "the value to reach"),
        _c("target_date", "period", "when the target is due"),
    )),
    "readings": Table("one row per reading, by pledge, indicator and date", (
        PLEDGE,
        _c("indicator", "text", "the indicator's id (see `indicators.csv`)"),
        _c("date", "date", "the day the value was measured"),
        _c("value", "value", "the value measured"),
        SOURCE,
        _c("note", "text", "a remark entered with the reading"),
        _c("unit", "text", "the indicator's unit"),
        RECORDED_AT,
    )),
    "updates": Table("one row per reported status, by pledge and date", (
        PLEDGE,
        _c("date", "date", "the day the status applies from"),
        _c("status", "text", f"the reported status: {_one_of(REPORTED_STATUSES)}"),
        _c("note", "text", "what the owner said"),
        SOURCE,
        RECORDED_AT,
    )),
}


def names(table: str) -> tuple[str, ...]:
    """Return a table's column headers, in order."""
    return tuple(c.name for c in TABLES[table].columns)
