"""The journal: history as plain-text files that real git clones share and merge, and the index rebuilt from them."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

from click.testing import CliRunner, Result
from clones import git, shared
from conftest import TODAY

from tracker.cli.main import cli

GCM, MINES = "gcm-implementation-plan", "mine-action-csdg"
def run(ws: Path, *args: str, today: str = TODAY) -> Result:
    result = CliRunner().invoke(cli, list(args), env={"TRACKER_WORKSPACE": str(ws), "TRACKER_TODAY": today}, catch_exceptions=False)
    assert result.exit_code in (0, 6), (args, result.output)
    return result


def _publish(clone: Path, message: str) -> None:
    git(clone, "add", "-A")
    git(clone, "commit", "-q", "-m", message)
    git(clone, "pull", "-q", "--no-rebase", "--no-edit", "origin", "main")
    git(clone, "push", "-q", "origin", "HEAD:main")


def _views(ws: Path) -> tuple[object, ...]:
    status = json.loads(run(ws, "status", "--json").stdout)
    return status, *(json.loads(run(ws, "history", p, "--json").stdout) for p in (GCM, MINES))


def test_two_clones_share_the_record_through_git_without_conflicts(tmp_path: Path) -> None:
    a, b = shared(tmp_path)
    run(a, "update", GCM, "--status", "in-progress", "--note", "plan adopted", "--author", "Desk A")
    run(a, "record", MINES, "contaminated-area-remaining", "1200", "--date", "2026-06-01", "--author", "Desk A")
    run(b, "record", MINES, "contaminated-area-remaining", "1100", "--date", "2026-09-01", "--author", "Desk B")
    run(b, "done", GCM, "action-plan-adopted", "--author", "Desk B")
    run(b, "record", MINES, "contaminated-area-remaining", "9999", "--date", "2026-09-02", "--author", "Desk B")
    wrong = json.loads(run(b, "history", MINES, "--json").stdout)[-1]["id"]
    run(b, "retract", wrong, "--reason", "entered twice, with a typo", "--author", "Desk B")
    _publish(a, "a records")
    _publish(b, "b records")  # merges a's work: new files only, so no conflict
    git(a, "pull", "-q", "--no-rebase", "--no-edit", "origin", "main")
    assert _views(a) == _views(b)
    history = json.loads(run(a, "history", MINES, "--json").stdout)
    assert [(e["value"], e["author"]) for e in history if e["kind"] == "reading" and "retracted" not in e] == [
        (1200.0, "Desk A"), (1100.0, "Desk B")]
    [retracted] = [e for e in history if "retracted" in e]
    assert (retracted["value"], retracted["retracted"]["author"], retracted["retracted"]["reason"]) == (9999.0, "Desk B", "entered twice, with a typo")
    ids = [e["id"] for p in (GCM, MINES) for e in json.loads(run(b, "history", p, "--json").stdout)]
    assert len(ids) == len(set(ids)) == 5, "every entry exactly once"
    assert "tracker.db" not in git(a, "ls-files")


def test_a_hand_edit_synced_in_both_clones_is_one_revision(tmp_path: Path) -> None:
    a, b = shared(tmp_path)
    run(a, "status")
    run(b, "status")  # both indexes know the pledge as it was
    path = a / "pledges" / f"{MINES}.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("due: 2030\n", "due: 2031\n", 1), encoding="utf-8")
    _publish(a, "due moved")
    run(a, "status")  # a sees the edit and journals the revision
    git(b, "pull", "-q", "--no-rebase", "--no-edit", "origin", "main")
    run(b, "status")  # b sees the same edit on its own
    _publish(a, "a's journal")
    _publish(b, "b's journal")
    git(a, "pull", "-q", "--no-rebase", "--no-edit", "origin", "main")
    for clone in (a, b):
        revisions = [e for e in json.loads(run(clone, "history", MINES, "--json").stdout) if e["kind"] == "revision"]
        assert [(r["old"], r["new"]) for r in revisions] == [("2030", "2031")], clone.name


def test_the_index_is_rebuilt_from_the_files(tmp_path: Path) -> None:
    a, _ = shared(tmp_path)
    run(a, "update", GCM, "--status", "stalled", "--note", "funding gap")
    run(a, "record", MINES, "contaminated-area-remaining", "900", "--date", "2026-10-01")
    run(a, "done", GCM, "action-plan-adopted")
    before = _views(a)
    (a / "tracker.db").unlink()
    assert _views(a) == before, "a missing database is built again from pledges/ and journal/"
    conn = sqlite3.connect(a / "tracker.db")
    with conn:
        conn.execute("""INSERT INTO outbox (dedupe_key, kind, deadline_key, deadline_date, what, lead_days, slot_date, recipient,
                        channel, subject, status, planned_at, planned_on) VALUES ('k', 'due', 'pledge:x', '2026-11-23', 'pledge due',
                        0, '2026-11-23', 'a@example.org', 'email', 's', 'sent', 'now', '2026-11-23')""")
    conn.close()
    assert "rebuilt" in run(a, "rebuild").stdout
    assert _views(a) == before
    conn = sqlite3.connect(a / "tracker.db")
    assert conn.execute("SELECT count(*) FROM outbox").fetchone() == (1,), "this machine's outbox survives a rebuild"
    conn.close()


def test_journal_files_are_new_files_of_one_entry_per_line(tmp_path: Path) -> None:
    a, _ = shared(tmp_path)
    for n in range(3):
        run(a, "update", GCM, "--status", "in-progress", "--note", f"step {n}")
    files = sorted((a / "journal").glob("*/*.jsonl"))
    assert len(files) == 3 and len({f.name for f in files}) == 3
    for file in files:
        [line] = file.read_text(encoding="utf-8").splitlines()
        entry = json.loads(line)
        assert {"id", "type", "pledge", "author", "entered_at"} <= set(entry) and entry["type"] == "update"
    csv = tmp_path / "readings.csv"
    csv.write_text("pledge,indicator,date,value\n" + "".join(f"{MINES},contaminated-area-remaining,2025-0{m}-01,{m}\n" for m in range(1, 10)))
    run(a, "import", "readings", str(csv))
    assert len(sorted((a / "journal").glob("*/*.jsonl"))) == 4, "a bulk import writes one file"


def test_a_revision_made_with_revise_reaches_the_other_clone_once_with_its_reason(tmp_path: Path) -> None:
    a, b = shared(tmp_path)
    run(b, "status")  # b's index knows the old due date, so it notices the edit itself after the pull
    before = (a / "pledges" / f"{GCM}.yaml").read_text(encoding="utf-8")
    out = run(a, "revise", GCM, "--due", "2028", "--reason", "Action Plan extended", "--author", "Desk A").stdout
    assert "due 2027 -> 2028" in out
    after = (a / "pledges" / f"{GCM}.yaml").read_text(encoding="utf-8")
    changed = [(x, y) for x, y in zip(before.splitlines(), after.splitlines(), strict=True) if x != y]
    assert changed == [("  date: 2027", "  date: 2028")], "one value changed; comments and layout kept"
    _publish(a, "GCM due moved")
    git(b, "pull", "-q", "--no-rebase", "--no-edit", "origin", "main")
    run(b, "status")  # b notices the edit in the file and journals it too, under the same id
    _publish(b, "b's journal")
    git(a, "pull", "-q", "--no-rebase", "--no-edit", "origin", "main")
    for clone in (a, b):
        revisions = [e for e in json.loads(run(clone, "history", GCM, "--json").stdout) if e["kind"] == "revision"]
        assert [(r["old"], r["new"], r["author"], r["reason"]) for r in revisions] == [("2027", "2028", "Desk A", "Action Plan extended")]
    assert _views(a) == _views(b)
