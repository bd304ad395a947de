"""Write README.md from tools/readme/template.md, filled with real command output and tables checked against the code.

Run from anywhere with the package installed: `python tools/readme/gen.py`. It stops when the documentation and
the code disagree (a model field, a JSON key). The budget table is the one in bench/RESULTS.md (written by
`python bench/run.py`); the first-sync figure comes from bench.json beside this file.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
from tracker.pledges import models
from tracker.pledges.loader import load_folder

MAIN = Path(__file__).resolve().parents[2]
GEN = Path(__file__).resolve().parent
TRACKER = str(Path(sys.executable).with_name("tracker"))
SCRATCH = Path(tempfile.mkdtemp(prefix="readme-"))


def run(args: list[str], db: str = str(SCRATCH / "readme.db"), columns: str = "80") -> str:
    env = {**os.environ, "TRACKER_DB": db, "COLUMNS": columns}
    env.pop("TRACKER_WORKSPACE", None)
    env.pop("TRACKER_TODAY", None)
    out = subprocess.run([TRACKER, *args], cwd=MAIN, env=env, capture_output=True, text=True, check=True)
    return out.stdout


def table(rows: list[tuple[str, ...]], head: tuple[str, ...] = ("field", "type", "required", "meaning")) -> str:
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    lines += ["| " + " | ".join(r) + " |" for r in rows]
    return "\n".join(lines)


def check_fields(model: type, rows: list[tuple[str, ...]], skip: set[str] = frozenset()) -> None:
    documented = {r[0].strip("`").split(" ")[0].strip("`") for r in rows}
    actual = set(model.model_fields) - skip
    if documented != actual:
        raise SystemExit(f"{model.__name__}: documented {sorted(documented)} != model {sorted(actual)}")


FUZZY = "date"
T = {
    "Pledge": [
        ("`kind`", "`pledge`, `request` or `event`", "no (`pledge`)", "a commitment; a request one party made of another (the `owner` is the party asked); or an announced meeting or conference"),
        ("`title`", "text", "yes", "what is promised, in one line"),
        ("`summary`", "text up to 10,000 characters", "no", "the commitment in a few sentences"),
        ("`owner`", "text", "yes", "the body responsible for delivering it; for a request, the party asked"),
        ("`requested_by`", "text", "for a request", "who asked (only a request has it)"),
        ("`contacts`", "list of e-mail addresses", "no", "who receives reminders by e-mail"),
        ("`escalation`", "list of e-mail addresses", "no", "who is told when a deadline is overdue too long"),
        ("`partners`", "list of text", "no", "other bodies involved (donors, agencies)"),
        ("`frameworks`", "list of tags `NAME:CODE`", "no", "framework targets it serves, e.g. `GCM:11`, `SDG:3.8`, `CSDG:18`"),
        ("`start`", "date or DateSpec", "no", "when work starts; its period must not begin after `due` ends"),
        ("`due`", "date or DateSpec", "yes", "when the pledge falls due"),
        ("`reviews`", "list of review ids", "no", "the reviews in `_reviews.yaml` it will be examined at"),
        ("`report_every_days`", "whole number 1-3650", "no", "expected rhythm of updates; older evidence is flagged as a discrepancy"),
        ("`sources`", "list of Source, at least one", "yes", "where the pledge is stated, with quotes"),
        ("`milestones`", "list of Milestone", "no", "dated steps; ids unique within the pledge"),
        ("`indicators`", "list of Indicator", "no", "measurable signs of progress; ids unique within the pledge"),
        ("`reminders`", "Reminders", "no", "per-pledge override of the reminder settings"),
    ],
    "DateSpec": [
        ("`date`", FUZZY, "yes", "`2026`, `2026-Q1`, `2026-05` or `2026-05-17`"),
        ("`assumed`", "`true` or `false`", "no (false)", "true when the sources do not state this date"),
        ("`reason`", "text", "when assumed", "why the date was assumed, and from what"),
    ],
    "Source": [
        ("`document`", "text", "document or url", "file name of a source document, e.g. a seed text"),
        ("`url`", "http(s) URL", "document or url", "address of the source"),
        ("`quote`", "text", "yes", "the words of the source that state the commitment"),
    ],
    "Milestone": [
        ("`id`", "id", "yes", "used by `tracker done`"),
        ("`title`", "text", "yes", "the step"),
        ("`due`", FUZZY, "yes", "when the step is due"),
        ("`assumed`", "`true` or `false`", "no (false)", "true when the sources do not state the due date"),
        ("`reason`", "text", "when assumed", "why the due date was assumed"),
        ("`sources`", "list of Source", "no", "where the step is stated"),
    ],
    "Indicator": [
        ("`id`", "id", "yes", "used by `tracker record`"),
        ("`title`", "text", "yes", "what is measured"),
        ("`kind`", "`number`, `percent`, `yes-no` or `qualitative`", "yes", "what a value is; readings, baseline and target must fit it"),
        ("`unit`", "text up to 80 characters", "no", "unit of a number, e.g. `people`, `square kilometres`"),
        ("`direction`", "`increase` or `decrease`", "no (`increase`)", "which way is better"),
        ("`levels`", "list of text", "no", "ordered levels, worst first, of a qualitative indicator; values must be one of them"),
        ("`baseline`", "Point", "no", "the starting value and when it was measured"),
        ("`target`", "Point", "no", "the value promised and when it is due"),
        ("`method`", "`auto`, `cagr-ratio` or `linear`", "no (`auto`)", "how progress is assessed: ratio of observed to required compound growth, or the linear share of the way; `auto` uses compound growth where it is defined"),
        ("`thresholds`", "Thresholds", "no", "cut-offs of the assessment for this indicator"),
        ("`sources`", "list of Source", "no", "where the indicator or its target is stated"),
    ],
    "Point": [
        ("`value`", "number, `yes`/`no`/`true`/`false`, or text", "yes", "must fit the indicator's kind (0-100 for percent; one of `levels` if given)"),
        ("`date`", FUZZY, "yes", "when the baseline was measured, or when the target is due"),
        ("`assumed`", "`true` or `false`", "no (false)", "true when the sources do not state this value or date"),
        ("`reason`", "text", "when assumed", "why it was assumed"),
    ],
    "Thresholds": [
        ("`on_track`", "number", "no (0.95)", "ratio of observed to required progress at or above which the indicator is on track"),
        ("`needs_acceleration`", "number", "no (0.6)", "ratio at or above which it needs acceleration; below it (down to 0) it is off track, below 0 regressing"),
        ("`growth_on_track`", "number", "no (0.01)", "without a target: yearly growth in the desired direction at or above which it is on track"),
        ("`growth_regressing`", "number", "no (-0.01)", "without a target: yearly growth below which it is regressing"),
    ],
    "Reminders": [
        ("`before_days`", "list of whole numbers 0-3650", "no", "days before a deadline when reminders go out (0 = the day itself)"),
        ("`overdue_every_days`", "whole number 1-365", "no", "while overdue, remind again every this many days"),
        ("`escalate_after_days`", "whole number 0-3650", "no", "overdue this many days: also tell the `escalation` addresses"),
    ],
    "Review": [
        ("`title`", "text", "yes", "the event"),
        ("`first`", FUZZY, "yes", "its (first) date"),
        ("`every_years`", "whole number 1-50", "no", "makes it recur every this many years from `first`"),
        ("`round`", "`{open_days_before: N, due_days_before: M}`", "no",
         "the monitoring tick opens a reporting round N days before each occurrence, due M days before it (M < N)"),
        ("`assumed`", "`true` or `false`", "no (false)", "true when the sources do not state the date"),
        ("`reason`", "text", "when assumed", "why the date was assumed"),
        ("`sources`", "list of Source", "no", "where the review is named"),
    ],
}

STATUS_KEYS = [
    ("id", "the pledge id"),
    ("kind", "`pledge`, `request` or `event`"),
    ("title", "the pledge title"),
    ("owner", "the responsible body"),
    ("frameworks", "list of framework tags"),
    ("reported_status", "the latest reported status on or before today, or `null` if none"),
    ("reported_on", "the date of that status update, or `null`"),
    ("schedule_status", "`overdue`, `due-soon`, `upcoming` or `closed`"),
    ("next_deadline", "the deadline that decides the schedule status (a deadline object, below), or `null` when closed"),
    ("days_left", "days until `next_deadline` (negative when overdue), or `null`"),
    ("due", "the pledge due date as written (`2026`, `2026-Q1`, ...)"),
    ("due_date", "the last day of that period"),
    ("milestones_done", "milestones recorded done on or before today"),
    ("milestones_total", "milestones defined"),
]
EXTRA_STATUS_KEYS = [
    ("assessed_status", "`achieved`, `on-track`, `needs-acceleration`, `off-track`, `regressing` or `no-data`: the worst verdict among the pledge's indicators"),
    ("health", "`critical`, `at-risk`, `unknown`, `good` or `closed`"),
    ("health_reasons", "list of short texts explaining `health`"),
    ("progress", "share of the way to the targets (0 to 1, from indicators, else from milestones), or `null`"),
    ("progress_basis", "`indicators`, `milestones` or `null`"),
    ("discrepancy", "`true` when reported and assessed status contradict each other or evidence is older than `report_every_days`"),
    ("discrepancies", "list of texts describing each discrepancy"),
    ("last_evidence", "date of the latest status update, reading or completion, or `null`"),
    ("indicators_measured", "how many of the pledge's indicators have data to assess"),
    ("indicators_total", "how many indicators the pledge has"),
]
SHOW_KEYS = [
    ("id", "the pledge id"),
    ("kind", "`pledge`, `request` or `event`"),
    ("requested_by", "for a request, who asked; else `null`"),
    ("title", "the title"),
    ("summary", "the summary, or `null`"),
    ("owner", "the responsible body"),
    ("contacts", "list of addresses"),
    ("escalation", "list of addresses"),
    ("partners", "list of names"),
    ("frameworks", "list of framework tags"),
    ("start", "`{date, assumed, reason}`, or `null`"),
    ("due", "`{date, assumed, reason}`; `date` as written"),
    ("reported_status", "the latest reported status on or before today, or `null`"),
    ("reported_on", "as in `status --json`"),
    ("schedule_status", "as in `status --json`"),
    ("next_deadline", "a deadline object, or `null`"),
    ("days_left", "days until `next_deadline`, or `null`"),
    ("assessed_status", "as in `status --json`"),
    ("health", "as in `status --json`"),
    ("health_reasons", "as in `status --json`"),
    ("progress", "as in `status --json`"),
    ("discrepancy", "as in `status --json`"),
    ("discrepancies", "as in `status --json`"),
    ("last_evidence", "as in `status --json`"),
    ("report_every_days", "the expected update rhythm, or `null`"),
    ("reviews", "the reviews the pledge names, each a deadline object (its next occurrence) plus `id`"),
    ("sources", "list of `{document, url, quote}`"),
    ("milestones", "list, in file order, of `{id, title, due, due_date, precision, assumed, reason, done, days_left}`; `done` is `{date, evidence}` or `null`; `days_left` is `null` once done"),
    ("indicators", "list, in file order, of `{id, title, kind, unit, direction, baseline, target, method, latest, readings, assessment}`; `baseline` and `target` are `{value, date, assumed, reason}` or `null`; `readings` lists `{date, value, source, note}` on or before today, oldest first; `latest` is the last of them or `null`; `assessment` is the indicator's assessment (the keys of `explain --json` without `formula`) or `null`"),
    ("updates", "the five latest status updates on or before today, newest first, each `{date, status, note, source, author}`"),
    ("path", "the pledge file name inside `pledges/`"),
    ("snoozes", "the deadlines whose reminders are snoozed past today, each `{item_kind, item, until, reason, author, entered_at}` (see [snooze](#snooze))"),
]


def budgets() -> str:
    """Return the budget table of the last `python bench/run.py`, as bench/RESULTS.md records it."""
    results = (GEN.parents[1] / "bench" / "RESULTS.md").read_text(encoding="utf-8")
    start = results.index("| row | measured median |")
    return results[start:results.index("\n\n", start)]


def key_table(rows: list[tuple[str, str]]) -> str:
    return table([(f"`{k}`", m) for k, m in rows], ("key", "meaning"))


def main() -> None:
    for name, rows in T.items():
        skip = {"id"} if name in ("Pledge", "Review") else set()
        check_fields(getattr(models, name), rows, skip)

    for f in (SCRATCH / "readme.db", SCRATCH / "readme.db-wal", SCRATCH / "readme.db-shm"):
        Path(f).unlink(missing_ok=True)
    status = run(["status", "--today", "2026-11-23"]).rstrip()
    show_full = run(["show", "gcm-implementation-plan", "--today", "2026-11-23"])
    cut = show_full.index("\nIndicators")
    show = "\n".join(line.rstrip() for line in show_full[:cut].rstrip().splitlines())
    status = "\n".join(line.rstrip() for line in status.splitlines())

    status_json = json.loads(run(["status", "--json", "--today", "2026-11-23"]))
    actual = list(status_json[0])
    documented = [k for k, _ in STATUS_KEYS] + [k for k, _ in EXTRA_STATUS_KEYS if k in actual]
    if set(documented) != set(actual):
        raise SystemExit(f"status keys: documented {documented} != actual {actual}")
    show_json = json.loads(run(["show", "gcm-implementation-plan", "--json", "--today", "2026-11-23"]))
    if set(show_json) != {k for k, _ in SHOW_KEYS}:
        raise SystemExit(f"show keys: documented {[k for k, _ in SHOW_KEYS]} != actual {list(show_json)}")
    m = show_json["milestones"][0]
    assert set(m) == {"id", "title", "due", "due_date", "precision", "assumed", "reason", "done", "days_left"}, m.keys()
    i = show_json["indicators"][0]
    assert set(i) == {"id", "title", "kind", "unit", "direction", "baseline", "target", "method", "latest", "readings", "assessment"}, i.keys()

    rep = json.loads(run(["report", "weekly", "--format", "json", "--today", "2026-11-23"]))
    want = ["version", "week", "from", "to", "as_of", "workspace", "summary", "changes", "entered", "rounds", "due", "reviews", "portfolio", "pledges",
            "charts", "timeline", "attention"]
    assert list(rep) == want, list(rep)
    assert list(rep["entered"]) == ["total", "backdated", "items"], rep["entered"]
    assert list(rep["summary"]) == ["pledges", "by_health", "by_schedule", "by_assessed", "by_reported", "discrepancies"], rep["summary"]
    assert list(rep["changes"]) == ["updates", "readings", "milestones_done", "revisions", "newly_overdue"], rep["changes"]
    assert list(rep["due"]) == ["within_30", "within_90"] and list(rep["portfolio"]) == ["by_health", "by_framework", "by_owner"]
    assert set(rep["pledges"][0]) == set(actual) | {"trend"}, rep["pledges"][0].keys()
    assert rep["version"] == 1
    ex = json.loads(run(["explain", "gcm-implementation-plan", "--json", "--today", "2026-11-23"]))
    assert list(ex) == ["pledge", "indicators"], list(ex)
    one = next(iter(ex["indicators"].values()))
    assessment_keys = list(i["assessment"])
    assert set(one) == set(assessment_keys) | {"formula"}, one.keys()
    ex1 = json.loads(run(["explain", "gcm-implementation-plan", "objectives-with-results", "--json", "--today", "2026-11-23"]))
    assert set(ex1) == set(one) | {"pledge_id", "indicator_id", "title", "unit", "thresholds"}, ex1.keys()
    tl = json.loads(run(["timeline", "--json", "--today", "2026-11-23"]))
    assert list(tl) == ["from", "to", "lanes"] and set(tl["lanes"][0]) == {"id", "health", "deadlines"}
    assert set(tl["lanes"][0]["deadlines"][0]) == {"date", "text", "precision", "what", "kind"}

    status_keys = key_table(STATUS_KEYS)
    extra = [(k, v) for k, v in EXTRA_STATUS_KEYS if k in actual]
    if extra:
        status_keys += "\n\nThe assessed and health lenses add:\n\n" + key_table(extra)

    catalog = load_folder(MAIN / "pledges")
    rows = []
    for pid, p in sorted(catalog.pledges.items()):
        docs = sorted({s.document or s.url for s in p.sources})
        due = f"{p.due.date}" + (" (assumed)" if p.due.assumed else "")
        rows.append((f"`{pid}`", p.owner, due, str(len(p.milestones)), str(len(p.indicators)), ", ".join(f"`{d[:3]}`" for d in docs)))
    cat = table(rows, ("id", "owner", "due", "milestones", "indicators", "seed"))
    reviews = table(
        [(f"`{r.id}`", r.title, str(r.first) + (" (assumed)" if r.assumed else ""), str(r.every_years or "—")) for r in catalog.reviews.values()],
        ("review", "title", "first", "every (years)"),
    )

    import shutil
    import tempfile
    bad = Path(tempfile.mkdtemp())
    (bad / "pledges").mkdir()
    (bad / "pledges" / "_reviews.yaml").write_text((GEN / "_reviews.yaml").read_text(encoding="utf-8"), encoding="utf-8")
    broken = (GEN / "example-pledge.yaml").read_text(encoding="utf-8")
    for old, new in (("  reason: the source gives the plan period 2023-2025; its last day is used\n", ""),
                     ("    due: 2026-05\n", "    due: 2026-13\n"), ('target: {value: "yes", date: 2025}', 'target: {value: "maybe", date: 2025}')):
        assert old in broken, old
        broken = broken.replace(old, new)
    (bad / "pledges" / "example-pledge.yaml").write_text(broken, encoding="utf-8")
    proc = subprocess.run([TRACKER, "validate"], cwd=bad, capture_output=True, text=True, check=False)
    assert proc.returncode == 3, proc
    validate_errors = proc.stderr.strip()
    assert validate_errors.count("error:") == 3, validate_errors
    shutil.rmtree(bad)

    text = (GEN / "template.md").read_text(encoding="utf-8")
    ex_pledge = (GEN / "example-pledge.yaml").read_text(encoding="utf-8")
    ex_reviews = (GEN / "_reviews.yaml").read_text(encoding="utf-8")
    bench_meta = json.loads((GEN / "bench.json").read_text(encoding="utf-8"))
    fills = {
        "STATUS": status, "SHOW": show, "STATUS_KEYS": status_keys, "SHOW_KEYS": key_table(SHOW_KEYS),
        "EX_PLEDGE": ex_pledge, "EX_REVIEWS": ex_reviews, "CATALOG": cat + "\n\nThe review calendar:\n\n" + reviews,
        "N_PLEDGES": str(len(catalog.pledges)), "N_REVIEWS": str(len(catalog.reviews)),
        "BUDGETS": budgets(), "SYNC_NOTE": bench_meta["sync_note"],
        "ASSESSMENT_KEYS": "{" + ", ".join(assessment_keys) + ", formula}",
        "VALIDATE_ERRORS": validate_errors,
        "SETTINGS": (GEN / "settings.md").read_text(encoding="utf-8").strip(),
    }
    for name, rows_ in T.items():
        fills["T_" + name.upper()] = table(rows_)
    for key, value in fills.items():
        if "{{" + key + "}}" not in text:
            raise SystemExit(f"placeholder {key} missing")
        text = text.replace("{{" + key + "}}", value)
    left = re.findall(r"\{\{[A-Z_]+\}\}", text)
    if left:
        raise SystemExit(f"unfilled: {left}")
    (MAIN / "README.md").write_text(text, encoding="utf-8")
    print("README.md written", len(text), "characters")


if __name__ == "__main__":
    main()
