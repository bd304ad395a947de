"""Rough edges a new user hits, each through the command line: what the outbox shows, typos, option placement,
file problems, the simulated clock, JSON layout, plurals and the status table's columns."""

from __future__ import annotations

import json
import os
import pty
import select
import subprocess
import sys
from datetime import date, datetime
from pathlib import Path

import mail
import pytest
from click.testing import CliRunner, Result
from conftest import TODAY, Tracker, run_process

from tracker.cli.main import cli
from tracker.domain.statuses import HEALTH
from tracker.render.plain import cell_len
from tracker.workspace import open_workspace

smtp = mail.smtp
GCM = "gcm-implementation-plan"
PLEDGE = """\
title: Test pledge with one milestone
owner: Ministry of Testing
contacts: [desk@example.org]
due: 2027-03-31
report_every_days: 3650
sources: [{document: seed.txt, quote: "we will"}]
milestones:
  - {id: plan-adopted, title: Plan adopted, due: 2027-06-30}
"""


def invoke(*args: str, **env: str) -> Result:
    """Run the CLI in-process with exactly these TRACKER_* variables and COLUMNS (80 unless given)."""
    return CliRunner().invoke(cli, list(args), env={"COLUMNS": "80", **env}, catch_exceptions=False)


def one_error(result: Result, code: int) -> str:
    """Assert the documented failure shape: the exit code and one `error:` line on stderr, no traceback."""
    assert result.exit_code == code, (result.stdout, result.stderr)
    lines = result.stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: "), result.stderr
    return lines[0]


def unreachable_smtp() -> str:
    """An Apprise SMTP URL on a loopback port nothing listens on."""
    return f"mailto://{mail.USER}:{mail.PASSWORD}@127.0.0.1:{mail.free_port()}?from=tracker@example.org&mode=insecure"


# 1. The outbox at 80 columns

def test_outbox_at_80_columns_shows_the_id_that_retry_takes(tracker: Tracker, monkeypatch: pytest.MonkeyPatch) -> None:
    """Each entry's id, status, tries and next attempt fit in 80 columns, and `outbox retry ID` takes that id."""
    monkeypatch.setenv("TRACKER_SMTP_URL", unreachable_smtp())
    assert tracker("remind").exit_code == 6
    failed = [e for e in json.loads(tracker("outbox", "--json").stdout) if e["status"] == "failed"]
    assert failed
    table = tracker("outbox")
    assert table.exit_code == 0, table.stderr
    lines = table.stdout.splitlines()
    assert all(cell_len(line) <= 80 for line in lines)
    assert lines[0].split() == ["id", "status", "tries", "next", "attempt", "for", "message"]
    first = failed[0]
    row = next(line for line in lines if line.split()[:1] == [str(first["id"])])
    zone = open_workspace(str(tracker.root)).settings.zone  # times are shown in the workspace's time zone
    when = datetime.fromisoformat(first["next_attempt_at"]).astimezone(zone).strftime("%Y-%m-%d %H:%M")
    assert row.split()[1:5] == ["failed", str(first["attempts"]), *when.split()]
    retried = tracker("outbox", "retry", str(first["id"]))
    assert retried.exit_code == 0 and f"outbox entry {first['id']} is pending again" in retried.stdout
    again = next(line for line in tracker("outbox").stdout.splitlines() if line.split()[:1] == [str(first["id"])])
    assert again.split()[1:5] == ["pending", "0", "next", "tick"]


# 2. Unknown ids name the nearest known one

@pytest.mark.parametrize(
    ("args", "meant"),
    [
        (["show", "gcm-implementaton-plan"], GCM),
        (["history", "gcm-implmentation-plan"], GCM),
        (["explain", "gcm-implementation-pla"], GCM),
        (["update", "migrant-helth-policy", "--status", "stalled", "--note", "n"], "migrant-health-policy"),
        (["record", GCM, "objectives-with-result", "1"], "objectives-with-results"),
        (["explain", GCM, "objective-with-results"], "objectives-with-results"),
        (["done", GCM, "action-plan-adoptd"], "action-plan-adopted"),
    ],
    ids=["show", "history", "explain", "update", "record-indicator", "explain-indicator", "done-milestone"],
)
def test_an_unknown_id_suggests_the_nearest(tracker: Tracker, args: list[str], meant: str) -> None:
    """A misspelt pledge, indicator or milestone id exits 4 with one line naming the id probably meant."""
    assert tracker("sync").exit_code == 0
    before = tracker.db_dump()
    line = one_error(tracker(*args), 4)
    assert f"did you mean {meant}?" in line
    assert tracker.db_dump() == before


def test_an_id_like_no_other_points_at_the_list(tracker: Tracker) -> None:
    """Nothing close: no guess, and the line says where the ids are listed."""
    line = one_error(tracker("show", "zzz"), 4)
    assert "did you mean" not in line and "`tracker status` lists the ids" in line


# 3. Global options after the command name

@pytest.fixture
def empty_workspace(tmp_path: Path) -> Path:
    """A workspace without pledges, told apart from the catalog copy by its count: 0 pledges."""
    root = tmp_path / "empty"
    assert invoke("init", str(root), "--empty").exit_code == 0
    return root


def test_workspace_and_db_after_the_command_name(tracker: Tracker, empty_workspace: Path, tmp_path: Path) -> None:
    """`tracker status --workspace DIR` works; after the command it wins over the environment, as options do."""
    full = str(tracker.root)
    db = tmp_path / "elsewhere" / "other.db"
    result = invoke("update", GCM, "--status", "stalled", "--note", "n", "--workspace", full, "--db", str(db), TRACKER_TODAY=TODAY)
    assert result.exit_code == 0, result.stderr
    assert db.is_file() and not (tracker.root / "tracker.db").exists()
    reported = json.loads(invoke("show", GCM, "--json", "--db", str(db), TRACKER_WORKSPACE=full, TRACKER_TODAY=TODAY).stdout)
    assert reported["reported_status"] == "stalled"
    assert invoke("status", "--workspace", str(empty_workspace), TRACKER_TODAY=TODAY).stdout.strip() == "0 pledges"
    assert invoke("--workspace", str(empty_workspace), "status", TRACKER_TODAY=TODAY).stdout.strip() == "0 pledges"
    assert invoke("status", "--workspace", str(empty_workspace), TRACKER_WORKSPACE=full, TRACKER_TODAY=TODAY).stdout.strip() == "0 pledges"
    assert invoke("status", TRACKER_WORKSPACE=full, TRACKER_TODAY=TODAY).stdout.strip() != "0 pledges"


def test_global_options_after_subcommands_and_from_a_folder_outside(tracker: Tracker, tmp_path: Path) -> None:
    """From a folder outside any workspace, `--workspace` after a subcommand is enough (a real process, as users run it)."""
    outside = tmp_path / "outside"
    outside.mkdir()
    env = {"TRACKER_TODAY": TODAY}
    assert run_process("report", "weekly", "--format", "json", "--workspace", str(tracker.root), cwd=outside, env=env).returncode == 0
    missing = run_process("outbox", "retry", "7", "--workspace", str(tracker.root), cwd=outside, env=env)
    assert missing.returncode == 4 and missing.stderr.startswith("error: no outbox entry 7")
    nowhere = run_process("status", "--workspace", str(tmp_path / "nope"), cwd=outside, env=env)
    assert nowhere.returncode == 1 and nowhere.stderr.count("\n") == 1 and nowhere.stderr.startswith("error: ")


# 4. --framework ignores case

def test_framework_ignores_case_like_owner(tracker: Tracker) -> None:
    """`--framework gcm` equals `--framework GCM`, and a full tag too; export ics filters the same way."""
    def ids(*args: str) -> list[str]:
        return [r["id"] for r in json.loads(tracker("status", "--json", *args).stdout)]

    assert ids("--framework", "gcm") == ids("--framework", "GCM") != []
    assert ids("--framework", "gcm:11") == ids("--framework", "GCM:11") == [GCM]
    lower, upper = tracker("export", "ics", "--framework", "gcm"), tracker("export", "ics", "--framework", "GCM")
    assert lower.stdout.count("BEGIN:VEVENT") == upper.stdout.count("BEGIN:VEVENT") > 0


# 5. Pledge files: every problem at once, the key meant, indentation in plain words

def test_two_broken_files_are_both_reported_in_one_run(tracker: Tracker) -> None:
    """A YAML syntax error in one file does not hide a misspelt key in another; every command lists both."""
    (tracker.root / "pledges" / "aaa-broken.yaml").write_text("title: x\n  owner: y\n", encoding="utf-8")
    gcm = tracker.root / "pledges" / f"{GCM}.yaml"
    gcm.write_text(gcm.read_text(encoding="utf-8").replace("owner:", "ownr:", 1), encoding="utf-8")
    for command in (["validate"], ["status"]):
        result = tracker(*command)
        assert result.exit_code == 3
        lines = result.stderr.splitlines()
        assert all(line.startswith("error: ") for line in lines)
        assert any("pledges/aaa-broken.yaml:2: this line is indented more" in line for line in lines), lines
        assert any(f"{GCM}.yaml" in line and "ownr: unknown key; did you mean owner?" in line for line in lines), lines
        assert "Extra inputs" not in result.stderr


def test_misspelt_keys_name_the_key_meant_at_every_depth(tracker: Tracker) -> None:
    """Misspellings inside milestones, sources and a due mapping name the key meant there, each with its line."""
    path = tracker.root / "pledges" / "typos.yaml"
    path.write_text(
        "title: Typos\nowner: Someone\ndue: {date: 2027, asumed: false}\nsources: [{document: a, qoute: b}]\n"
        "milestones:\n  - id: m1\n    tittle: Step\n    due: 2027\nfoo: bar\n",
        encoding="utf-8",
    )
    result = tracker("validate")
    assert result.exit_code == 3
    problems = [line for line in result.stderr.splitlines() if "typos.yaml" in line]
    assert any("pledges/typos.yaml:3: due.asumed: unknown key; did you mean assumed?" in line for line in problems)
    assert any(":4: sources.0.qoute: unknown key; did you mean quote?" in line for line in problems)
    assert any(":7: milestones.0.tittle: unknown key; did you mean title?" in line for line in problems)
    foo = next(line for line in problems if ": foo: " in line)
    assert "unknown key (known: " in foo and "owner" in foo and "id," not in foo


def test_an_id_key_and_a_bad_file_name_do_not_hide_the_other_problems(tracker: Tracker) -> None:
    """Every problem of one file is reported together, in the order of its lines."""
    (tracker.root / "pledges" / "Bad_Name.yaml").write_text("id: x\ntitle: T\nownr: O\n", encoding="utf-8")
    result = tracker("validate")
    lines = [line for line in result.stderr.splitlines() if "Bad_Name" in line]
    assert [line.split(": ")[2] for line in lines][:2] == ["id", "id"]
    assert any("ownr: unknown key; did you mean owner?" in line for line in lines)
    assert any("due: Field required" in line for line in lines)


@pytest.mark.parametrize(
    ("text", "line", "words"),
    [
        ("title: x\n  owner: y\n", 2, "indented more than line 1 above it"),
        ("title: x\nowner: y\ndue:\n  date: 2026\n assumed: true\n", 5, "indented differently from the keys of the mapping"),
        ("title: x\nmilestones:\n  - id: a\n   title: b\n", 4, "does not line up with the list starting on line 3"),
        ("title: x\n\towner: y\n", 2, "indented with a tab"),
        ("title: Plan: phase 2\n", 1, "must be quoted"),
        ('title: "x\nowner: y\n', 3, "the quote opened on line 1 is never closed"),
    ],
    ids=["over-indented", "under-indented", "list-item", "tab", "colon-in-value", "open-quote"],
)
def test_yaml_layout_errors_are_explained_in_plain_words(tracker: Tracker, text: str, line: int, words: str) -> None:
    """Indentation and quoting mistakes say what is wrong on which line, not the parser's terms."""
    (tracker.root / "pledges" / "layout.yaml").write_text(text, encoding="utf-8")
    result = tracker("validate")
    assert result.exit_code == 3
    found = next(x for x in result.stderr.splitlines() if "layout.yaml" in x)
    assert found.startswith("error: ") and f"pledges/layout.yaml:{line}: " in found and words in found, found
    assert "block" not in found and "token" not in found


def test_a_broken_review_calendar_is_one_problem_not_one_per_pledge(tracker: Tracker) -> None:
    """Pledges naming reviews are not each reported again when the calendar itself cannot be read."""
    (tracker.root / "pledges" / "_reviews.yaml").write_text("imrf:\n  title: x\n first: 2022\n", encoding="utf-8")
    result = tracker("validate")
    assert result.exit_code == 3
    assert len(result.stderr.splitlines()) == 1 and "_reviews.yaml:3:" in result.stderr


# 6. The clock: --today moves retries too

def test_a_reminder_failed_one_day_goes_out_the_next_simulated_day(tmp_path: Path) -> None:
    """With the SMTP server down on one --today and back the next day, the queued reminder is delivered that day."""
    root = tmp_path / "ws"
    (root / "pledges").mkdir(parents=True)
    (root / "pledges" / "test-pledge.yaml").write_text(PLEDGE, encoding="utf-8")
    port = mail.free_port()
    url = f"mailto://{mail.USER}:{mail.PASSWORD}@127.0.0.1:{port}?from=tracker@example.org&mode=insecure"
    env = {"TRACKER_WORKSPACE": str(root), "TRACKER_SMTP_URL": url}
    down = invoke("remind", "--json", TRACKER_TODAY="2027-03-24", **env)  # 7 days before the pledge is due
    assert down.exit_code == 6 and len(json.loads(down.stdout)["failed"]) == 1
    entry = json.loads(invoke("outbox", "--json", TRACKER_TODAY="2027-03-24", **env).stdout)[0]
    assert entry["status"] == "failed" and entry["next_attempt_at"].startswith("2027-03-24")
    inbox = mail.Inbox()
    controller, _ = mail.start_smtp(inbox, port)
    try:
        back = invoke("remind", "--json", TRACKER_TODAY="2027-03-25", **env)
    finally:
        controller.stop()
    assert back.exit_code == 0, back.stderr
    assert [m["id"] for m in json.loads(back.stdout)["sent"]] == [entry["id"]]
    assert inbox.to("desk@example.org") == ["[tracker] pledge due — Test pledge with one milestone: due in 6 days"]
    sent = json.loads(invoke("outbox", "--json", TRACKER_TODAY="2027-03-25", **env).stdout)[0]
    assert sent["status"] == "sent" and sent["sent_at"].startswith("2027-03-25")


# 7. JSON layout, explain, plurals, health order, the status table, future weeks

def on_terminal(args: list[str], cwd: Path, env: dict[str, str]) -> str:
    """Run the CLI with stdout on a pseudo-terminal and return what it printed."""
    leader, follower = pty.openpty()
    process = subprocess.Popen([sys.executable, "-m", "tracker", *args], cwd=cwd, stdout=follower, stderr=subprocess.DEVNULL,
                               env={**os.environ, "COLUMNS": "80", **env})
    os.close(follower)
    chunks = []
    while True:
        ready, _, _ = select.select([leader], [], [], 60)
        try:
            chunk = os.read(leader, 65536) if ready else b""
        except OSError:  # the terminal closed with the process
            break
        if not chunk:
            break
        chunks.append(chunk)
    process.wait(timeout=60)
    os.close(leader)
    return b"".join(chunks).decode("utf-8").replace("\r\n", "\n")


JSON_COMMANDS = [
    ["status", "--json"], ["show", GCM, "--json"], ["history", GCM, "--json"], ["explain", GCM, "--json"],
    ["timeline", "--json"], ["outbox", "--json"], ["doctor", "--json"], ["remind", "--dry-run", "--json"],
    ["report", "weekly", "--format", "json"],
]


@pytest.mark.parametrize("args", JSON_COMMANDS, ids=[" ".join(a[:2]) for a in JSON_COMMANDS])
def test_json_is_indented_on_a_terminal_and_compact_in_a_pipe(workspace: Path, args: list[str]) -> None:
    """Every command's JSON: indented for people at a terminal, one compact line for programs; the same data."""
    env = {"TRACKER_TODAY": TODAY, "TRACKER_SMTP_URL": unreachable_smtp()}
    assert run_process("update", GCM, "--status", "stalled", "--note", "n", cwd=workspace, env=env).returncode == 0
    if args[0] == "outbox":
        assert run_process("remind", cwd=workspace, env=env).returncode == 6  # something in the outbox
    piped = run_process(*args, cwd=workspace, env=env)
    assert piped.returncode in (0, 1), piped.stderr  # doctor fails a check of this fresh workspace (no daemon)
    assert piped.stdout.count("\n") == 1
    shown = on_terminal(args, workspace, env)
    assert shown.count("\n") > 3 and shown.splitlines()[1].startswith("  ")
    assert json.loads(shown) == json.loads(piped.stdout)


def test_explain_prints_values_not_python_lists(tracker: Tracker) -> None:
    """The inputs of a verdict read as values with their dates."""
    tracker("record", GCM, "objectives-with-results", "1", "--date", "2025-01-01")
    tracker("record", GCM, "objectives-with-results", "2.5", "--date", "2026-11-01")
    text = tracker("explain", GCM, "objectives-with-results").stdout
    assert "first: 1 on 2025-01-01" in text and "latest: 2.5 on 2026-11-01" in text and "target: 3 by 2026-12-31" in text
    assert "['" not in text and "None" not in text


def test_counts_of_one_are_singular(tmp_path: Path) -> None:
    """One pledge, one reading, one revision, one bad row: no "1 pledges"."""
    root = tmp_path / "ws"
    (root / "pledges").mkdir(parents=True)
    (root / "pledges" / "only.yaml").write_text(
        PLEDGE + "indicators:\n  - {id: count, title: Count, kind: number}\n", encoding="utf-8")
    env = {"TRACKER_WORKSPACE": str(root), "TRACKER_TODAY": TODAY}
    assert invoke("validate", **env).stdout.strip() == "ok: 1 pledge and 0 reviews are valid"
    assert invoke("status", **env).stdout.splitlines()[-1] == "1 pledge: 1 upcoming"
    csv = tmp_path / "one.csv"
    csv.write_text("pledge,indicator,date,value\nonly,count,2026-01-01,4\n", encoding="utf-8")
    assert invoke("import", "readings", str(csv), **env).stdout.strip() == "imported 1 reading for 1 indicator"
    assert "(1 reading)" in invoke("show", "only", **env).stdout
    csv.write_text("pledge,indicator,date,value\nonly,count,2026-01-01,lots\n", encoding="utf-8")
    assert "one.csv: 1 bad row of 1; nothing was recorded" in invoke("import", "readings", str(csv), **env).stderr
    (root / "pledges" / "only.yaml").write_text(PLEDGE.replace("due: 2027-03-31", "due: 2027-06-30"), encoding="utf-8")
    assert invoke("sync", **env).stdout.splitlines()[0] == "synced: 1 changed, 0 removed, 1 revision"
    assert "**1 pledge**" in invoke("report", "weekly", "--format", "md", **env).stdout


def test_health_counts_are_ordered_by_severity(tracker: Tracker) -> None:
    """The report's counts by health run critical, at-risk, unknown, good, closed, not alphabetically."""
    tracker("update", "national-mine-policy", "--status", "achieved", "--note", "done")
    summary = next(line for line in tracker("report", "weekly", "--format", "md").stdout.splitlines() if line.startswith("**"))
    named = summary.split("health: ")[1].split(";")[0]
    order = [word for part in named.split(", ") for word in part.split()[1:]]
    assert len(order) >= 3 and order == sorted(order, key=HEALTH.index)


def status_at(tracker: Tracker, columns: int) -> list[str]:
    """Return `tracker status` as laid out for a pipe at this width."""
    env = {"TRACKER_WORKSPACE": str(tracker.root), "TRACKER_TODAY": TODAY, "COLUMNS": str(columns)}
    return CliRunner().invoke(cli, ["status"], env=env, catch_exceptions=False).stdout.splitlines()


def test_status_columns_show_verdicts_whole_at_140_columns(tracker: Tracker) -> None:
    """needs-acceleration and partly-achieved are not cut at 140 columns; at 80 the table still fits."""
    tracker("record", GCM, "objectives-with-results", "1", "--date", "2025-01-01")
    tracker("record", GCM, "objectives-with-results", "2.2", "--date", "2026-11-01")
    tracker("update", "national-mine-policy", "--status", "partly-achieved", "--note", "part")
    gcm = next(r for r in json.loads(tracker("status", "--json").stdout) if r["id"] == GCM)
    assert gcm["assessed_status"] == "needs-acceleration"
    wide = status_at(tracker, 140)
    assert any("needs-acceleration" in line for line in wide) and any("partly-achieved" in line for line in wide)
    assert all(cell_len(line) <= 140 for line in wide)
    assert all(cell_len(line) <= 80 for line in status_at(tracker, 80))


def test_a_review_date_in_the_due_column_says_it_is_a_review(tracker: Tracker) -> None:
    """When the next deadline is a review, the due column says so; the JSON row says it too (kind review)."""
    (tracker.root / "pledges" / "reviewed.yaml").write_text(
        "title: Reviewed\nowner: Someone\ndue: 2035\nreviews: [imrf]\nsources: [{document: a, quote: b}]\n", encoding="utf-8")
    row = next(r for r in json.loads(tracker("status", "--json").stdout) if r["id"] == "reviewed")
    assert row["next_deadline"]["kind"] == "review"
    for columns in (80, 140):
        lines = status_at(tracker, columns)
        below = lines[next(i for i, line in enumerate(lines) if line.startswith("reviewed ")) + 1]
        assert below.rstrip().endswith(f"review in {row['days_left']}d"), below


def test_a_non_pledge_shows_its_kind_before_its_title(tracker: Tracker) -> None:
    """A request or event row reads "[request] Title"; a pledge row shows its title alone."""
    kinds = {r["id"]: r.get("kind", "pledge") for r in json.loads(tracker("status", "--json").stdout)}
    lines = status_at(tracker, 140)
    for pledge_id, kind in kinds.items():
        index = next((i for i, line in enumerate(lines) if line.split()[:1] == [pledge_id]), None)
        if index is None:
            continue  # beyond the 50 most urgent
        assert lines[index + 1].startswith(f"[{kind}] ") == (kind != "pledge"), lines[index + 1]


def test_a_future_week_is_refused(tracker: Tracker) -> None:
    """The week after the --today week has not begun: exit 2; this week and past weeks are reports."""
    line = one_error(tracker("report", "weekly", "--week", "2026-W49"), 2)
    assert "2026-W49" in line and "2026-W48" in line
    assert tracker("report", "weekly", "--week", "2026-W48", "--format", "json").exit_code == 0
    assert tracker("report", "weekly", "--week", "2026-W47", "--format", "json").exit_code == 0
    assert date.fromisoformat(TODAY).strftime("%G-W%V") == "2026-W48"
