"""The benchmark's own correctness (no timing): a deterministic generator, and raw queries that mean what tracker shows."""

from __future__ import annotations

import json
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

BENCH = Path(__file__).resolve().parent.parent / "bench"
sys.path.insert(0, str(BENCH))

import bench_report
import bench_status
import generate
import queries
import run

TODAY = generate.TODAY.isoformat()
HISTORY_TABLES = ("status_updates", "readings", "milestone_completions", "outbox")


@pytest.fixture(scope="module")
def national(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A national workspace generated with the default seed."""
    root = tmp_path_factory.mktemp("bench") / "national"
    generate.generate(root, "national")
    return root


def files_of(root: Path) -> dict[str, bytes]:
    """Return every generated file except the database, by relative path."""
    # The journal file's name holds the time and a random token; its entries are compared through the rows below.
    return {str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*"))
            if p.is_file() and not p.name.startswith("tracker.db") and "journal" not in p.parts}


def history_of(root: Path) -> dict[str, list[tuple[Any, ...]]]:
    """Return every row of the history tables, in id order."""
    conn = sqlite3.connect(root / "tracker.db")
    try:
        return {t: conn.execute(f"SELECT * FROM {t} ORDER BY id").fetchall() for t in HISTORY_TABLES}
    finally:
        conn.close()


def test_same_seed_gives_identical_files_and_rows(national: Path, tmp_path: Path) -> None:
    again = tmp_path / "again"
    generate.generate(again, "national")
    assert files_of(again) == files_of(national)
    assert len([p for p in files_of(national) if p.startswith("pledges/pledge-")]) == 50
    rows = history_of(national)
    assert history_of(again) == rows
    assert {t: len(r) for t, r in rows.items() if t != "milestone_completions"} == {"status_updates": 150, "readings": 2500, "outbox": 76}
    assert {r[14] for r in rows["outbox"]} == {"sent"}


def test_another_seed_differs(national: Path, tmp_path: Path) -> None:
    other = tmp_path / "other"
    generate.generate(other, "national", seed=generate.DEFAULT_SEED + 1)
    mine, theirs = files_of(national), files_of(other)
    assert mine.keys() == theirs.keys()
    assert mine["pledges/pledge-00001.yaml"] != theirs["pledges/pledge-00001.yaml"]
    ours, others = history_of(national), history_of(other)
    for table in ("status_updates", "readings", "outbox"):
        assert ours[table] != others[table], table


def test_pledges_without_contacts_differ_only_there(national: Path, tmp_path: Path) -> None:
    quiet = tmp_path / "quiet"
    generate.write_files(quiet, 50, generate.DEFAULT_SEED, contacts=False)
    text = (quiet / "pledges" / "pledge-00007.yaml").read_text(encoding="utf-8")
    assert "contacts:" not in text and "escalation:" not in text
    full = (national / "pledges" / "pledge-00007.yaml").read_text(encoding="utf-8").splitlines()
    assert [line for line in full if not line.startswith(("contacts:", "escalation:"))] == text.splitlines()


def test_generate_refuses_a_folder_in_use(tmp_path: Path) -> None:
    (tmp_path / "keep.txt").write_text("mine", encoding="utf-8")
    with pytest.raises(SystemExit, match="not empty"):
        generate.generate(tmp_path, "national")
    assert [p.name for p in tmp_path.iterdir()] == ["keep.txt"]


def tracker_status_json(root: Path) -> list[dict[str, Any]]:
    """Return `tracker status --json` of the workspace as of the benchmark's day."""
    from tracker.cli.main import cli

    env = {"TRACKER_WORKSPACE": str(root), "TRACKER_TODAY": TODAY}
    result = CliRunner().invoke(cli, ["status", "--json"], env=env, catch_exceptions=False)
    assert result.exit_code == 0, result.output
    data: list[dict[str, Any]] = json.loads(result.stdout)
    return data


def raw_rows(root: Path, statements: tuple[str, ...]) -> list[list[tuple[Any, ...]]]:
    """Run the raw SQL with the standard-library sqlite3 module, :t bound to the benchmark's day."""
    conn = sqlite3.connect(root / "tracker.db")
    try:
        return [conn.execute(sql, {"t": TODAY}).fetchall() for sql in statements]
    finally:
        conn.close()


def test_raw_status_query_agrees_with_tracker_status(national: Path) -> None:
    shown = {row["id"]: row for row in tracker_status_json(national)}
    pledges, milestones = raw_rows(national, queries.STATUS_SQL)
    assert {p[0] for p in pledges} == set(shown)
    for pid, title, owner, due_text, due_date, _precision, frameworks, _reviews, status, reported_on in pledges:
        row = shown[pid]
        assert (title, owner, due_text, due_date, status, reported_on) == (
            row["title"], row["owner"], row["due"], row["due_date"], row["reported_status"], row["reported_on"],
        ), pid
        assert json.loads(frameworks) == row["frameworks"]
    statuses = [p[8] for p in pledges]
    assert None not in statuses and len(set(statuses)) >= 4  # :t was bound to a date, not to a number
    done: dict[str, list[int]] = {}
    for m in milestones:
        counts = done.setdefault(m[0], [0, 0])
        counts[0] += m[7] is not None
        counts[1] += 1
    assert done == {pid: [row["milestones_done"], row["milestones_total"]] for pid, row in shown.items()}


def test_queries_are_the_sql_of_the_existing_benchmarks(national: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    db = str(national / "tracker.db")
    monkeypatch.setattr(sys, "argv", ["-c", db, TODAY])
    # Run the two scripts the benchmarks pass to `python -c` (their own text, nothing from outside) and keep their rows.
    status_ns: dict[str, Any] = {}
    exec(bench_status.RAW_QUERY, status_ns)  # noqa: S102
    report_ns: dict[str, Any] = {}
    exec(bench_report.RAW_AGGREGATE, report_ns)  # noqa: S102
    capsys.readouterr()
    pledges, milestones = raw_rows(national, queries.STATUS_SQL)
    assert [tuple(r) for r in status_ns["pledges"]] == pledges
    assert [tuple(r) for r in status_ns["milestones"]] == milestones
    (aggregate,) = raw_rows(national, queries.REPORT_SQL)
    assert report_ns["rows"] == aggregate
    assert len(aggregate) == 100 and all(r[4] is not None for r in aggregate if r[1] == "people-served")


def run_script(argv: list[str]) -> str:
    return subprocess.run(argv, capture_output=True, text=True, check=True).stdout


@pytest.mark.parametrize("mode", ["list", "json"])
def test_shell_script_and_fallback_print_the_same_rows(national: Path, tmp_path: Path, mode: str) -> None:
    script = tmp_path / "status.sql"
    script.write_text(queries.shell_script(queries.STATUS_SQL, TODAY, mode), encoding="utf-8")
    db = str(national / "tracker.db")
    fallback = run_script([sys.executable, "-c", queries.PYTHON_FALLBACK, db, str(script)])
    pledges, milestones = raw_rows(national, queries.STATUS_SQL)
    if mode == "list":
        assert len(fallback.splitlines()) == len(pledges) + len(milestones)
        assert fallback.splitlines()[0].split("|")[-2:] == [str(pledges[0][8]), str(pledges[0][9])]
    shell = shutil.which("sqlite3")
    if shell is None:
        pytest.skip("no sqlite3 shell")
    printed = run_script([shell, "-batch", db, f".read {script}"])
    if mode == "list":
        assert printed == fallback
    else:
        assert decode_all(printed) == decode_all(fallback)


def decode_all(text: str) -> list[Any]:
    """Return the JSON documents printed one after another."""
    decoder, found, at = json.JSONDecoder(), [], 0
    while at < len(text.rstrip()):
        value, at = decoder.raw_decode(text, at)
        found.append(value)
        while at < len(text) and text[at].isspace():
            at += 1
    return found


def test_shell_script_refuses_a_non_date() -> None:
    with pytest.raises(ValueError, match="YYYY-MM-DD"):
        queries.shell_script(queries.STATUS_SQL, "2026-11-27'; DROP TABLE pledges; --")


def test_max_rss_is_read_from_gnu_time() -> None:
    sample = "\tCommand being timed: \"true\"\n\tMaximum resident set size (kbytes): 14336\n\tExit status: 0\n"
    assert run.parse_max_rss(sample) == 14336
    assert run.parse_max_rss("no such line") is None
