"""The raw SQL baselines of the benchmark, as plain SQL text any SQLite client can run.

STATUS_SQL is the SQL of `bench_status.RAW_QUERY` (the two queries at the core of `tracker status`: pledges with
their latest reported status, milestones with their completion) and REPORT_SQL is the SQL of
`bench_report.RAW_AGGREGATE` (per indicator its first, previous and latest reading) with the f-string expanded.
Both take one parameter, `:t`, the day the query is "as of". tests/test_bench.py checks that they return the same
rows as the scripts they were copied from.

`shell_script` writes them for the `sqlite3` shell; `PYTHON_FALLBACK` is a `python -c` program that runs the same
script's statements with the standard-library `sqlite3` module, for machines without the shell.
"""

from __future__ import annotations

STATUS_PLEDGES_SQL = """\
SELECT p.id, p.title, p.owner, p.due_text, p.due_date, p.due_precision, p.frameworks, p.reviews,
       (SELECT u.status FROM status_updates u WHERE u.pledge_id = p.id AND u.date <= :t ORDER BY u.date DESC, u.id DESC LIMIT 1) AS reported_status,
       (SELECT u.date FROM status_updates u WHERE u.pledge_id = p.id AND u.date <= :t ORDER BY u.date DESC, u.id DESC LIMIT 1) AS reported_on
FROM pledges p WHERE p.removed_at IS NULL"""

STATUS_MILESTONES_SQL = """\
SELECT m.pledge_id, m.id, m.title, m.due_text, m.due_date, m.due_precision, m.assumed, c.date AS done_on, c.evidence
FROM milestones m
LEFT JOIN milestone_completions c ON c.pledge_id = m.pledge_id AND c.milestone_id = m.id AND c.date <= :t
WHERE m.removed_at IS NULL ORDER BY m.pledge_id, m.position"""

STATUS_SQL = (STATUS_PLEDGES_SQL, STATUS_MILESTONES_SQL)

_PICK = (
    "SELECT r.id FROM readings r WHERE r.pledge_id = i.pledge_id AND r.indicator_id = i.id "
    "AND r.date <= :t ORDER BY r.date {o}, r.id {o} LIMIT 1"
)

REPORT_AGGREGATE_SQL = f"""\
WITH pick AS (SELECT i.pledge_id, i.id, ({_PICK.format(o="ASC")}) AS f, ({_PICK.format(o="DESC")} OFFSET 1) AS p,
                     ({_PICK.format(o="DESC")}) AS l FROM indicators i WHERE i.removed_at IS NULL)
SELECT pick.pledge_id, pick.id, f.value_num, p.value_num, l.value_num, l.date FROM pick
LEFT JOIN readings f ON f.id = pick.f LEFT JOIN readings p ON p.id = pick.p LEFT JOIN readings l ON l.id = pick.l"""

REPORT_SQL = (REPORT_AGGREGATE_SQL,)


def shell_script(statements: tuple[str, ...], today: str, mode: str = "list") -> str:
    """Return a `sqlite3` shell script binding :t to `today` and printing every row of `statements` in `mode`."""
    if not (len(today) == 10 and today[4] == today[7] == "-" and today.replace("-", "").isdigit()):
        raise ValueError(f"expected YYYY-MM-DD, got {today!r}")
    body = "".join(f"{sql};\n" for sql in statements)
    # The shell dequotes a dot-command's arguments, then evaluates the value as SQL: without the double quotes,
    # '2026-11-27' would bind the integer 1988.
    return f".bail on\n.parameter init\n.parameter set :t \"'{today}'\"\n.mode {mode}\n{body}"


# argv: database, script file (as written by shell_script). Runs the same statements with the same binding and writes
# the rows to stdout (list mode: '|'-separated; json mode: one JSON array per statement).
PYTHON_FALLBACK = r"""
import json, re, sqlite3, sys
script = open(sys.argv[2], encoding="utf-8").read()
today = re.search(r"^\.parameter set :t \"'([0-9-]+)'\"$", script, re.M).group(1)
mode = re.search(r"^\.mode (\w+)$", script, re.M).group(1)
statements = [s.strip() for s in "\n".join(l for l in script.splitlines() if not l.startswith(".")).split(";") if s.strip()]
conn = sqlite3.connect(sys.argv[1])
out = sys.stdout
for sql in statements:
    cursor = conn.execute(sql, {"t": today})
    if mode == "json":
        names = [d[0] for d in cursor.description]
        out.write(json.dumps([dict(zip(names, row)) for row in cursor], separators=(",", ":"), ensure_ascii=False) + "\n")
    else:
        for row in cursor:
            out.write("|".join("" if v is None else str(v) for v in row) + "\n")
"""
