"""`tracker import readings`: every row checked first, all recorded in one transaction or none, errors as file:line."""

from __future__ import annotations

import json
import re
import time
from datetime import date, timedelta
from pathlib import Path

import pytest
from conftest import TODAY, Tracker

from tracker.errors import ConflictError
from tracker.store import core
from tracker.store.history import insert_readings

HEADER = "pledge,indicator,date,value,source,note\n"
MINE = "mine-action-csdg,contaminated-area-remaining"
POLICY = "national-mine-policy,policy-formulated"


def write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8", newline="")
    return path


def numeric_rows(count: int, start: int = 0) -> list[str]:
    """Valid rows for the number indicator, one per day back from TODAY."""
    today = date.fromisoformat(TODAY)
    return [f"{MINE},{today - timedelta(days=i % 4000)},{1000 - i % 997},https://example.org/survey/{i},row {i}\n"
            for i in range(start, start + count)]


def readings(tracker: Tracker, pledge: str, indicator: str) -> list[dict[str, object]]:
    detail = json.loads(tracker("show", pledge, "--json").stdout)
    return next(i["readings"] for i in detail["indicators"] if i["id"] == indicator)


def test_one_bad_row_in_a_thousand_records_nothing(tracker: Tracker, tmp_path: Path) -> None:
    """Line 537 holds text for a number indicator: exit 2, that line named, the database unchanged."""
    rows = numeric_rows(1000)
    rows[535] = f"{MINE},2026-01-01,lots,,\n"  # physical line 537: the header is line 1
    path = write(tmp_path / "readings.csv", HEADER + "".join(rows))
    assert tracker("sync").exit_code == 0
    before = tracker.db_dump()
    result = tracker("import", "readings", str(path))
    assert result.exit_code == 2
    assert f"{path}:537: value: indicator 'contaminated-area-remaining' is a number: expected a number, got 'lots'" in result.stderr
    assert "1 bad row of 1000; nothing was recorded" in result.stderr
    assert len(re.findall(rf"{re.escape(str(path))}:\d+:", result.stderr)) == 1
    assert tracker.db_dump() == before


def test_unknown_ids_future_dates_and_bad_cells_are_reported_by_line(tracker: Tracker, tmp_path: Path) -> None:
    """Each bad row is reported with its physical line, counting the lines of a quoted multi-line note."""
    rows = [
        "no-such-pledge,x,2026-01-01,1,,\n",                             # 2
        "mine-action-csdg,no-such-indicator,2026-01-01,1,,\n",           # 3
        f"{MINE},2026-11-24,1,,\n",                                      # 4
        f"{MINE},2026-01-01,12,,fine\n",                                 # 5
        f"{MINE},2026-01-01,12,javascript:alert(1),\n",                  # 6
        f"{MINE},2026-01-01,12,,bell\x07\n",                             # 7
        f'{MINE},2026-01-02,13,,"two\nlines"\n',                         # 8-9
        f"{POLICY},01/02/2026,maybe,,\n",                                # 10
        f"{POLICY},2026-02-01,maybe,,\n",                                # 11
        f"{MINE},2026-01-01,,,\n",                                       # 12
        f"{MINE},2026-01-01,1,,,extra\n",                                # 13
    ]
    path = write(tmp_path / "bad.csv", HEADER + "".join(rows))
    result = tracker("import", "readings", str(path))
    assert result.exit_code == 2
    problems = [line.removeprefix("error: ") for line in result.stderr.splitlines()]
    assert problems == [
        f"{path}:2: pledge: unknown pledge 'no-such-pledge'; `tracker status` lists the ids",
        f"{path}:3: indicator: pledge 'mine-action-csdg' has no indicator 'no-such-indicator' (known: contaminated-area-remaining)",
        f"{path}:4: date: 2026-11-24 is after today (2026-11-23); record what has happened, not what is planned",
        f"{path}:6: source: only http(s) URLs or plain citations are accepted, got 'javascript:alert(1)'",
        f"{path}:7: note: control characters are not allowed",
        f"{path}:10: date: expected a date YYYY-MM-DD, got '01/02/2026'",
        f"{path}:11: value: indicator 'policy-formulated' is yes-no: expected yes or no, got 'maybe'",
        f"{path}:12: value: empty",
        f"{path}:13: 7 fields, but the header has 6",
        f"{path}: 9 bad rows of 11; nothing was recorded",
    ]
    assert readings(tracker, "mine-action-csdg", "contaminated-area-remaining") == []


def test_printed_problems_are_capped(tracker: Tracker, tmp_path: Path) -> None:
    """Past 50 problems the rest are counted, not printed."""
    path = write(tmp_path / "many.csv", HEADER + f"{MINE},2030-01-01,1,,\n" * 120)
    result = tracker("import", "readings", str(path))
    assert result.exit_code == 2
    assert result.stderr.count("is after today") == 50
    assert "... and 70 more bad rows" in result.stderr and f"{path}:51:" in result.stderr and f"{path}:52:" not in result.stderr


@pytest.mark.slow
def test_a_hundred_thousand_rows_import_in_seconds_with_progress(tracker: Tracker, tmp_path: Path) -> None:
    """100,000 valid rows go in at once, quickly, with a progress bar when asked; show --json then has them."""
    rows = numeric_rows(99_000) + [f"{POLICY},{date(2026, 11, 23) - timedelta(days=i)},{'yes' if i % 2 else 'No'},,\n" for i in range(1000)]
    path = write(tmp_path / "big.csv", HEADER + "".join(rows))
    assert tracker("sync").exit_code == 0
    started = time.perf_counter()
    result = tracker("import", "readings", str(path), "--progress")
    elapsed = time.perf_counter() - started
    assert result.exit_code == 0, result.stderr
    assert result.stdout.strip() == "imported 100000 readings for 2 indicators"
    assert "Checking rows" in result.stderr and "Recording" in result.stderr and "100000/100000" in result.stderr
    assert elapsed < 30, f"100,000 rows took {elapsed:.1f} s"
    mine = readings(tracker, "mine-action-csdg", "contaminated-area-remaining")
    assert len(mine) == 99_000 and {"date": "2026-11-23", "value": 1000.0, "source": "https://example.org/survey/0", "note": "row 0"} in mine
    policy = readings(tracker, "national-mine-policy", "policy-formulated")
    assert len(policy) == 1000 and {r["value"] for r in policy} == {"yes", "no"}


def test_no_progress_bar_unless_asked_or_on_a_terminal(tracker: Tracker, tmp_path: Path) -> None:
    """A large file piped (stderr not a terminal) shows no bar by default; --progress forces it, --no-progress hides it."""
    path = write(tmp_path / "six-thousand.csv", HEADER + "".join(numeric_rows(6000)))
    quiet = tracker("import", "readings", str(path))
    assert quiet.exit_code == 0 and quiet.stderr == ""
    small = write(tmp_path / "small.csv", HEADER + "".join(numeric_rows(3, start=6000)))
    forced = tracker("import", "readings", str(small), "--progress")
    assert forced.exit_code == 0 and "3/3" in forced.stderr
    hidden = tracker("import", "readings", str(small), "--no-progress")
    assert hidden.exit_code == 0 and hidden.stderr == ""


def test_optional_columns_bom_and_header_case(tracker: Tracker, tmp_path: Path) -> None:
    """source and note may be left out; Excel's UTF-8 BOM, header case and blank lines are accepted; yes-no is normalised."""
    path = tmp_path / "excel.csv"
    path.write_bytes("\ufeffPledge, Indicator ,DATE,Value\r\n".encode() +
                     f"{POLICY},2026-03-01,TRUE\r\n\r\n{MINE},2026-03-02,1 234\r\n".replace("1 234", "1234.5").encode())
    result = tracker("import", "readings", str(path))
    assert result.exit_code == 0, result.stderr
    assert result.stdout.strip() == "imported 2 readings for 2 indicators"
    assert readings(tracker, "national-mine-policy", "policy-formulated") == [{"date": "2026-03-01", "value": "yes", "source": None, "note": None}]
    assert readings(tracker, "mine-action-csdg", "contaminated-area-remaining")[0]["value"] == 1234.5


@pytest.mark.parametrize(("content", "message"), [
    (HEADER.encode() + f"{MINE},2026-01-01,1,,Phnom Penh caf\xe9\n".encode("latin-1"), ":2: not UTF-8 text (byte 0xe9)"),
    (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", ":1: not UTF-8 text"),
    (b"pledge,indicator,date,value\n\x00\x01\x02\n", ": not a CSV text file (it holds NUL bytes)"),
    (b"", ": the file is empty; expected a header line"),
    (b'{"pledge": "mine-action-csdg"}\n', ":1: unknown column(s)"),
    (b"pledge;indicator;date;value\n", ":1: the header has one column; expected comma-separated values"),
    (b"pledge,indicator,date\n", ":1: missing column(s) 'value'"),
    (b"pledge,indicator,date,value,value\n", ":1: repeated column(s) 'value'"),
    (HEADER.encode() + b'mine-action-csdg,contaminated-area-remaining,2026-01-01,"1"2,,\n', ":2: not valid CSV"),
])
def test_files_that_are_not_utf8_csv_are_refused(tracker: Tracker, tmp_path: Path, content: bytes, message: str) -> None:
    """Binary, wrongly encoded, empty or wrongly shaped files end with exit 2 and a message naming the file."""
    path = tmp_path / "upload.csv"
    path.write_bytes(content)
    result = tracker("import", "readings", str(path))
    assert result.exit_code == 2
    assert f"{path}{message}" in result.stderr, result.stderr


def test_a_pledge_file_changed_after_checking_aborts_the_insert(tracker: Tracker) -> None:
    """Rows checked against an older pledge file are not recorded: the insert re-checks inside its transaction."""
    assert tracker("sync").exit_code == 0
    before = tracker.db_dump()
    db = core.open_db(tracker.root / "tracker.db")
    row = ("mine-action-csdg", "contaminated-area-remaining", "2026-01-01", 1.0, None, None, None)
    with pytest.raises(ConflictError, match="mine-action-csdg"):
        insert_readings(db, tracker.root, [row], {"mine-action-csdg": "sha-of-an-older-file"}, "tester")
    db.conn.close()
    assert tracker.db_dump() == before
