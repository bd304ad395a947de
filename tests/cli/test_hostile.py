"""Hostile and broken input, generated: every pledge file and CLI value either works or fails cleanly."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

from click.testing import CliRunner
from conftest import REPO
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tracker.cli.main import cli

KHMER = st.text(alphabet=st.characters(min_codepoint=0x1780, max_codepoint=0x17FF), min_size=1, max_size=40)
NASTY = st.sampled_from([
    "<script>alert(1)</script>", "[link=javascript:alert(1)]x[/link]", "[/]", "\x1b[31mred\x1b[0m", "\x1b]8;;http://x\x07y",
    "!!python/object/apply:os.system ['id']", "&a [1]", "*a", "{{ x }}", "%s%n", "\u202egnp.exe", "a" * 5000, "", "~", "null",
    "2026-02-30", "2026-Q5", "1e999", "NaN", "-0", "yes", "NO", "on",
])
VALUE = st.one_of(NASTY, KHMER, st.text(max_size=60), st.integers(-10**12, 10**12).map(str), st.floats(allow_nan=True).map(str))
FIELDS = ["title", "owner", "summary", "due", "start", "report_every_days", "frameworks", "contacts", "partners", "reviews"]
FAST = settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
LINE = re.compile(r"^error: .+\.ya?ml(:\d+)?: ")


def _workspace(tmp_path: Path) -> Path:
    root = tmp_path / "ws"
    if not root.exists():
        (root / "pledges").mkdir(parents=True)
        for name in ("_reviews.yaml", "gcm-implementation-plan.yaml", "mine-action-csdg.yaml"):
            shutil.copyfile(REPO / "pledges" / name, root / "pledges" / name)
    return root


def _run(root: Path, *args: str) -> object:
    env = {"TRACKER_WORKSPACE": str(root), "TRACKER_TODAY": "2026-11-23", "COLUMNS": "80"}
    return CliRunner().invoke(cli, list(args), env=env, catch_exceptions=True)


def _dump(root: Path) -> list[object]:
    import sqlite3

    db = root / "tracker.db"
    if not db.exists():
        return []
    conn = sqlite3.connect(db)
    try:
        return [r for t in ("pledges", "status_updates", "readings", "source_files") for r in conn.execute(f"SELECT * FROM {t} ORDER BY 1")]
    finally:
        conn.close()


def _clean(result: object, allowed: set[int]) -> None:
    exit_code, exception, stderr = result.exit_code, result.exception, result.stderr  # type: ignore[attr-defined]
    assert exit_code in allowed, (exit_code, stderr)
    assert exception is None or isinstance(exception, SystemExit), repr(exception)
    assert "Traceback" not in stderr


@FAST
@given(field=st.sampled_from(FIELDS), value=VALUE, quoted=st.booleans())
def test_generated_pledge_files_load_or_fail_with_file_and_line(tmp_path: Path, field: str, value: str, quoted: bool) -> None:
    """A pledge file with any value in any field validates, or fails with exit 3 and file:line, changing nothing."""
    root = _workspace(tmp_path)
    assert _run(root, "status").exit_code == 0  # type: ignore[attr-defined]
    before = _dump(root)
    path = root / "pledges" / "zz-fuzz.yaml"
    text = value.replace("\\", "\\\\").replace('"', '\\"') if quoted else value
    rendered = f'"{text}"' if quoted else text
    base = {"title": "T", "owner": "O", "due": "2027", "sources": "[{document: a.txt, quote: q}]"}
    lines = [f"{k}: {rendered if k == field else v}" for k, v in base.items()]
    if field not in base:
        lines.append(f"{field}: {rendered}")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8", errors="surrogatepass")
    result = _run(root, "status")
    _clean(result, {0, 3})
    if result.exit_code == 3:  # type: ignore[attr-defined]
        assert all(LINE.match(line) for line in result.stderr.splitlines()), result.stderr  # type: ignore[attr-defined]
        assert _dump(root) == before
    path.unlink()


@FAST
@given(note=VALUE, source=st.one_of(st.none(), NASTY, st.text(max_size=40)), day=st.one_of(st.none(), NASTY, st.dates().map(str)))
def test_generated_update_values(tmp_path: Path, note: str, source: str | None, day: str | None) -> None:
    """update with any note, source and date records it or refuses with exit 2, never half of it."""
    root = _workspace(tmp_path)
    args = ["update", "mine-action-csdg", "--status", "in-progress", "--note", note]
    args += ["--source", source] if source is not None else []
    args += ["--date", day] if day is not None else []
    before = _dump(root)
    result = _run(root, *args)
    _clean(result, {0, 2})
    if result.exit_code != 0 and before:  # type: ignore[attr-defined]
        assert _dump(root) == before


@FAST
@given(pledge=st.one_of(st.just("mine-action-csdg"), VALUE), indicator=st.one_of(st.just("contaminated-area-remaining"), VALUE), value=VALUE)
def test_generated_record_values(tmp_path: Path, pledge: str, indicator: str, value: str) -> None:
    """record with any ids and value stores a valid reading, or exits 2 (bad value) or 4 (unknown id)."""
    root = _workspace(tmp_path)
    result = _run(root, "record", pledge, indicator, value)
    _clean(result, {0, 2, 4})


@FAST
@given(title=st.one_of(NASTY, KHMER))
def test_hostile_titles_are_shown_inert_everywhere(tmp_path: Path, title: str) -> None:
    """Markup and escape sequences in a title never reach the terminal as markup or control codes."""
    root = _workspace(tmp_path)
    path = root / "pledges" / "gcm-implementation-plan.yaml"
    lines = path.read_text(encoding="utf-8").splitlines()
    safe = title.replace("\\", "\\\\").replace('"', '\\"').replace("\x1b", "\\e").replace("\x07", "\\a")
    path.write_text("\n".join([f'title: "{safe or "x"}"', *lines[1:]]) + "\n", encoding="utf-8")
    for command in (["status"], ["show", "gcm-implementation-plan"], ["report", "weekly"], ["timeline"], ["history", "gcm-implementation-plan"]):
        result = _run(root, *command)
        _clean(result, {0, 3})
        assert "\x1b" not in result.stdout and "\x07" not in result.stdout  # type: ignore[attr-defined]
