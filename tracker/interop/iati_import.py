"""IATI 2.03 activity files and pledge files: import an activity's results safely, export a schema-valid activity.

Reading goes through defusedxml: entity declarations (billion laughs, external entities reading local files) and
external references are refused before any content is used. Writing builds the document with ElementTree, which
escapes every text and attribute. The field mapping is documented in the README sections `import iati` and
`export iati`.
"""

from __future__ import annotations

import contextlib
import math
import re
import unicodedata
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any
from xml.etree import ElementTree as ET  # builds the export only; every parse goes through defusedxml

import yaml
from defusedxml import ElementTree as SafeET
from defusedxml import EntitiesForbidden, ExternalReferenceForbidden

from tracker.errors import ConflictError, UsageError
from tracker.pledges.dates import parse_fuzzy

if TYPE_CHECKING:
    from tracker.pledges.models import Pledge
    from tracker.store.db import Database

XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
IATI_VERSION = "2.03"
# IndicatorMeasure codelist (2.03): 1 unit, 2 percentage, 3 nominal, 4 ordinal, 5 qualitative.
MEASURE_KIND = {"1": "number", "2": "percent", "3": "qualitative", "4": "qualitative", "5": "qualitative"}
MEASURE_NAMES = {"unit": "1", "percentage": "2", "nominal": "3", "ordinal": "4", "qualitative": "5"}
# ResultType codelist: 1 output, 2 outcome, 3 impact, 9 other.
RESULT_TYPES = {"output": "1", "outcome": "2", "impact": "3", "other": "9"}
# Reported status -> ActivityStatus codelist (1 pipeline, 2 implementation, 3 finalisation, 4 closed, 5 cancelled).
ACTIVITY_STATUS = {
    "not-started": "1", "in-progress": "2", "stalled": "2", "achieved": "3", "partly-achieved": "3", "missed": "3", "withdrawn": "5",
}
ROLE_ACCOUNTABLE, ROLE_IMPLEMENTING = "2", "4"
OWN_VOCABULARY = "99"  # IndicatorVocabulary: the reporting organisation's own codes
START_TYPES, END_TYPES = ("2", "1"), ("3", "4")  # actual start before planned start; planned end before actual end
READING_SOURCE = "{file}: IATI result actual"

_NUMBER = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?")
_INTEGER = re.compile(r"[+-]?\d{1,15}")
_XSD_DATE = re.compile(r"(\d{4}-\d{2}-\d{2})(?:Z|[+-]\d{2}:\d{2})?")
_UNWANTED = re.compile(r"[\x00-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
_YES, _NO = ("yes", "true"), ("no", "false")
_STOPWORDS = {"a", "an", "and", "at", "by", "for", "in", "of", "on", "or", "the", "to", "with"}
TEXT_MAX, SUMMARY_MAX, INDICATOR_ID_MAX = 2000, 10000, 48


@dataclass(frozen=True)
class Reading:
    """One period actual, to be recorded as an indicator reading dated at the period end."""

    indicator_id: str
    value: float | int | str
    day: date
    note: str | None


@dataclass
class Imported:
    """An activity mapped onto a pledge: the pledge file text, its readings and what was left out."""

    pledge_id: str
    identifier: str
    text: str
    indicators: int
    readings: list[Reading]
    warnings: list[str] = field(default_factory=list)


# --- reading IATI -------------------------------------------------------------------------------------------------


def read_activities(path: Path) -> list[ET.Element]:
    """Parse an IATI activity file safely and return its `iati-activity` elements, or raise UsageError."""
    name = path.name
    try:
        tree = SafeET.parse(path, forbid_dtd=False, forbid_entities=True, forbid_external=True)
    except EntitiesForbidden as exc:
        if exc.sysid:
            raise UsageError(f"{name}: refused: the file declares the external entity {exc.name!r} ({_clean(exc.sysid)[:200]}), "
                             "which could read local files or the network; nothing was imported") from None
        raise UsageError(f"{name}: refused: the file declares the entity {exc.name!r}; entities can expand without limit "
                         "(billion laughs), and IATI files never need them; nothing was imported") from None
    except ExternalReferenceForbidden as exc:
        raise UsageError(f"{name}: refused: the file refers to the external resource {_clean(exc.sysid or '')[:200]!r}; "
                         "nothing was imported") from None
    except SafeET.ParseError as exc:
        raise UsageError(f"{name}: not well-formed XML ({exc})") from None
    except OSError as exc:
        raise UsageError(f"{name}: cannot read: {exc.strerror}") from None
    root = tree.getroot()
    if root is None or root.tag != "iati-activities":
        tag = _clean(str(root.tag))[:80] if root is not None else ""
        raise UsageError(f"{name}: not an IATI activity file: the root element is <{tag}>, not <iati-activities>")
    activities = root.findall("iati-activity")
    if not activities:
        raise UsageError(f"{name}: holds no <iati-activity>")
    return activities


def choose_activity(activities: list[ET.Element], wanted: str | None, file_name: str) -> ET.Element:
    """Return the activity named by --activity, the only one, or raise UsageError listing the choices."""
    ids = [_identifier(a) for a in activities]
    if wanted is not None:
        for activity, identifier in zip(activities, ids, strict=True):
            if identifier == wanted.strip():
                return activity
        shown = ", ".join(i or "(no identifier)" for i in ids[:20]) + (f" and {len(ids) - 20} more" if len(ids) > 20 else "")
        raise UsageError(f"{file_name}: no activity {wanted!r}; it holds {shown}")
    if len(activities) == 1:
        return activities[0]
    lines = [f"{file_name} holds {len(activities)} activities; choose one with --activity IDENTIFIER:"]
    for activity, identifier in list(zip(activities, ids, strict=True))[:50]:
        title = _narrative(activity.find("title"), _lang(activity)) or "(no title)"
        lines.append(f"  {identifier or '(no identifier)'}  {_truncate(title, 100)}")
    if len(activities) > 50:
        lines.append(f"  ... and {len(activities) - 50} more")
    raise UsageError("\n".join(lines))


def to_pledge(activity: ET.Element, file_name: str, pledge_id: str | None, today: date) -> Imported:
    """Map one activity onto a new pledge file and its readings; refuse (UsageError) what cannot be mapped honestly."""
    lang = _lang(activity)
    identifier = _identifier(activity)
    problems: list[str] = []
    warnings: list[str] = []
    title = _narrative(activity.find("title"), lang)
    if not title:
        problems.append(f"{file_name}: the activity has no title narrative")
    owner = _org_name(activity.find("reporting-org"), lang)
    if not owner:
        problems.append(f"{file_name}: the activity has no reporting-org narrative or @ref to use as the owner")
    indicators, readings, period_ends = _indicators(activity, lang, file_name, today, problems, warnings)
    if problems:
        raise UsageError("\n".join([*problems, "nothing was imported"]))
    assert title and owner
    pid = _pledge_id(pledge_id, identifier, file_name)
    data: dict[str, Any] = {"title": _truncate(title, TEXT_MAX)}
    summary = _summary(activity, lang)
    if summary:
        data["summary"] = _truncate(summary, SUMMARY_MAX)
    data["owner"] = _truncate(owner, TEXT_MAX)
    partners = _partners(activity, lang, owner)
    if partners:
        data["partners"] = partners
    start, due = _dates(activity, period_ends, file_name, warnings)
    if start:
        data["start"] = start
    data["due"] = due
    data["sources"] = [{"document": _truncate(_clean(file_name), TEXT_MAX), "quote": _truncate(title, TEXT_MAX)}]
    if indicators:
        data["indicators"] = indicators
    header = (f"# Imported by `tracker import iati` on {today.isoformat()} from {_clean(file_name)}, "
              f"IATI activity {identifier or '(no identifier)'}.\n")
    return Imported(pid, identifier, header + dump_yaml(data), len(indicators), readings, warnings)


def _pledge_id(wanted: str | None, identifier: str, file_name: str) -> str:
    if wanted is not None:
        if not re.fullmatch(r"[a-z0-9][a-z0-9-]{0,79}", wanted):
            raise UsageError(f"--id: {wanted!r} is not a pledge id (lowercase letters, digits and hyphens, at most 80)")
        return wanted
    pid = slug(identifier)
    if not pid:
        raise UsageError(f"{file_name}: the activity has no usable iati-identifier; name the pledge with --id")
    return pid


def _indicators(
    activity: ET.Element, lang: str | None, file_name: str, today: date, problems: list[str], warnings: list[str]
) -> tuple[list[dict[str, Any]], list[Reading], list[date]]:
    specs: list[dict[str, Any]] = []
    readings: list[Reading] = []
    period_ends: list[date] = []
    taken: set[str] = set()
    counts = {"earlier_targets": 0, "disaggregated": 0, "future": 0, "qualitative": 0}
    for r_index, result in enumerate(activity.findall("result"), 1):
        result_title = _narrative(result.find("title"), lang)
        for i_index, indicator in enumerate(result.findall("indicator"), 1):
            where = f"{file_name}: result {r_index}, indicator {i_index}"
            title = _narrative(indicator.find("title"), lang) or result_title
            if title:
                where += f" ({_truncate(title, 60)!r})"
            mapped = _indicator(indicator, lang, title, where, problems, warnings, counts)
            if mapped is None:
                continue
            spec, periods = mapped
            base = _own_code(indicator) or slug(spec["title"], INDICATOR_ID_MAX) or f"indicator-{len(specs) + 1}"
            spec = {"id": _unique(base, taken), **spec}
            specs.append(spec)
            for end, value, note in periods:
                period_ends.append(end)
                if value is None:
                    continue
                if end > today:
                    counts["future"] += 1
                    continue
                readings.append(Reading(spec["id"], value, end, note))
    _summarise(counts, warnings, today)
    return specs, readings, period_ends


def _summarise(counts: dict[str, int], warnings: list[str], today: date) -> None:
    if counts["qualitative"]:
        warnings.append(f"{counts['qualitative']} indicator(s) whose values are not plain numbers were imported as qualitative, "
                        "their values kept as text")
    if counts["earlier_targets"]:
        warnings.append(f"{counts['earlier_targets']} earlier period target(s) not kept: a pledge indicator has one target, "
                        "the last period's")
    if counts["disaggregated"]:
        warnings.append(f"{counts['disaggregated']} disaggregated value(s) (with location or dimension) skipped: only totals are kept")
    if counts["future"]:
        warnings.append(f"{counts['future']} actual(s) of periods ending after today ({today}) skipped; import again once they have ended")


def _indicator(
    indicator: ET.Element, lang: str | None, title: str | None, where: str,
    problems: list[str], warnings: list[str], counts: dict[str, int],
) -> tuple[dict[str, Any], list[tuple[date, Any, str | None]]] | None:
    """Return an indicator spec and its periods (end, actual value, note), or None after recording a problem."""
    measure = (indicator.get("measure") or "").strip()
    if not measure:
        problems.append(f"{where}: @measure is missing; IATI 2.03 requires it (1 unit, 2 percentage, 3 nominal, "
                        "4 ordinal, 5 qualitative) and guessing it would invent data")
        return None
    if not title:
        problems.append(f"{where}: the indicator has no title narrative")
        return None
    code = measure if measure in MEASURE_KIND else MEASURE_NAMES.get(measure.lower())
    if code is None:
        warnings.append(f"{where}: unknown @measure {_truncate(measure, 40)!r}; imported as qualitative")
    kind = MEASURE_KIND.get(code or "5", "qualitative")
    textual = kind == "qualitative"
    baseline = _baseline(indicator, lang, textual, where, warnings, counts)
    target, periods = _periods(indicator, lang, textual, where, warnings, counts)
    values = [v for v in (baseline[0] if baseline else None, target[0] if target else None, *(p[1] for p in periods)) if v is not None]
    unit = None
    if kind in ("number", "percent") and any(_number(v) is None for v in values):
        kind = "qualitative"
        counts["qualitative"] += 1
    if kind == "percent" and any(not 0 <= float(v) <= 100 for v in values):
        kind, unit = "number", "%"
        warnings.append(f"{where}: percentage values outside 0-100; imported as a number with unit %")
    if code == "3" and values and all(v.lower() in _YES + _NO for v in values):
        kind = "yes-no"
    spec: dict[str, Any] = {"title": _truncate(title, TEXT_MAX), "kind": kind}
    if unit:
        spec["unit"] = unit
    spec["direction"] = _direction(indicator.get("ascending"), where, warnings)
    if baseline:
        spec["baseline"] = {"value": _typed(baseline[0], kind), "date": baseline[1]}
    if target:
        spec["target"] = {"value": _typed(target[0], kind), "date": target[1].isoformat()}
    return spec, [(end, None if value is None else _typed(value, kind), note) for end, value, note in periods]


def _own_code(indicator: ET.Element) -> str | None:
    """Return the indicator's code in the reporting organisation's own vocabulary (99) when it is a valid id."""
    for reference in indicator.findall("reference"):
        code = (reference.get("code") or "").strip()
        if (reference.get("vocabulary") or "").strip() == OWN_VOCABULARY and re.fullmatch(r"[a-z0-9][a-z0-9-]{0,79}", code):
            return code
    return None


def _direction(ascending: str | None, where: str, warnings: list[str]) -> str:
    flag = (ascending or "1").strip().lower()
    if flag in ("1", "true"):
        return "increase"
    if flag in ("0", "false"):
        return "decrease"
    warnings.append(f"{where}: @ascending {_truncate(flag, 20)!r} is not a boolean; taken as ascending (increase)")
    return "increase"


def _baseline(
    indicator: ET.Element, lang: str | None, textual: bool, where: str, warnings: list[str], counts: dict[str, int]
) -> tuple[str, str] | None:
    found = indicator.findall("baseline")
    totals = [b for b in found if _is_total(b)]
    counts["disaggregated"] += len(found) - len(totals)
    if not totals:
        return None
    if len(totals) > 1:
        warnings.append(f"{where}: {len(totals)} baselines; the first is kept")
    element = totals[0]
    value, _ = _value(element, lang, textual)
    day = _iso_day(element.get("iso-date"))
    year = (element.get("year") or "").strip()
    when = day.isoformat() if day else (year if re.fullmatch(r"\d{4}", year) and 1900 <= int(year) <= 2200 else None)
    if value is None or when is None:
        warnings.append(f"{where}: baseline without a value or a usable year/iso-date skipped")
        return None
    return value, when


def _periods(
    indicator: ET.Element, lang: str | None, textual: bool, where: str, warnings: list[str], counts: dict[str, int]
) -> tuple[tuple[str, date] | None, list[tuple[date, str | None, str | None]]]:
    """Return the last period's target and every period's total actuals as (end, value, note), by period end."""
    targets: list[tuple[date, str]] = []
    actuals: list[tuple[date, str | None, str | None]] = []
    for period in indicator.findall("period"):
        end_element = period.find("period-end")
        end = _iso_day(end_element.get("iso-date") if end_element is not None else None)
        if end is None:
            warnings.append(f"{where}: a period without a usable period-end/@iso-date skipped")
            continue
        for tag in ("target", "actual"):
            found = period.findall(tag)
            totals = [e for e in found if _is_total(e)]
            counts["disaggregated"] += len(found) - len(totals)
            for element in totals:
                value, note = _value(element, lang, textual)
                if tag == "target" and value is not None:
                    targets.append((end, value))
                elif tag == "actual":
                    actuals.append((end, value, note))
        actuals.append((end, None, None))  # every period end counts for the due-date fallback
    targets.sort(key=lambda t: t[0])
    counts["earlier_targets"] += max(0, len(targets) - 1)
    actuals.sort(key=lambda a: a[0])
    return ((targets[-1][1], targets[-1][0]) if targets else None), actuals


def _value(element: ET.Element, lang: str | None, textual: bool) -> tuple[str | None, str | None]:
    """Return a baseline/target/actual value and its comment; a qualitative one without @value is its comment."""
    comment = _narrative(element.find("comment"), lang)
    value = _clean(element.get("value") or "")
    if value:
        return value, comment
    if textual and comment:
        return comment, None
    return None, comment


def _is_total(element: ET.Element) -> bool:
    return element.find("location") is None and element.find("dimension") is None


def _typed(value: str, kind: str) -> float | int | str:
    if kind in ("number", "percent"):
        number = _number(value)
        assert number is not None
        return number
    if kind == "yes-no":
        return "yes" if value.lower() in _YES else "no"
    return value


def _number(text: str) -> float | int | None:
    """Return a plain decimal number (`12`, `-3.5`, `1e3`), or None for anything else (`N=35;P=55`, `1,200`)."""
    text = text.strip()
    if not _NUMBER.fullmatch(text):
        return None
    if _INTEGER.fullmatch(text):
        return int(text)
    number = float(text)
    return number if math.isfinite(number) else None


def _dates(activity: ET.Element, period_ends: list[date], file_name: str, warnings: list[str]) -> tuple[str | None, Any]:
    by_type: dict[str, str] = {}
    for element in activity.findall("activity-date"):
        kind = (element.get("type") or "").strip()
        text = _activity_date(element)
        if text and kind not in by_type:
            by_type[kind] = text
    start = next((by_type[t] for t in START_TYPES if t in by_type), None)
    due: Any = next((by_type[t] for t in END_TYPES if t in by_type), None)
    if due is None:
        if not period_ends:
            raise UsageError(f"{file_name}: no due date: the activity has no activity-date of type 3 or 4 (planned or actual end) "
                             "and no result period; nothing was imported")
        last = max(period_ends).isoformat()
        due = {"date": last, "assumed": True,
               "reason": f"the activity gives no end date (activity-date type 3 or 4); its latest result period ends on {last}"}
    due_text = due["date"] if isinstance(due, dict) else due
    if start and parse_fuzzy(start).start > parse_fuzzy(due_text).end:
        warnings.append(f"the activity starts ({start}) after its due date ({due_text}); start left out")
        start = None
    return start, due


def _activity_date(element: ET.Element) -> str | None:
    """Return an activity-date as a pledge date: its narrative (`2028`, `2026-Q1`) when it names the iso-date's period."""
    day = _iso_day(element.get("iso-date"))
    if day is None:
        return None
    text = _narrative(element, None)
    if text:
        with contextlib.suppress(ValueError):
            fuzzy = parse_fuzzy(text)
            if fuzzy.start <= day <= fuzzy.end:
                return str(fuzzy)
    return day.isoformat()


def _iso_day(value: str | None) -> date | None:
    match = _XSD_DATE.fullmatch((value or "").strip())
    if not match:
        return None
    try:
        day = date.fromisoformat(match.group(1))
    except ValueError:
        return None
    return day if 1900 <= day.year <= 2200 else None


def _summary(activity: ET.Element, lang: str | None) -> str | None:
    descriptions = activity.findall("description")
    general = [d for d in descriptions if (d.get("type") or "1").strip() == "1"]
    for element in general + descriptions:
        text = _narrative(element, lang)
        if text:
            return text
    return None


def _partners(activity: ET.Element, lang: str | None, owner: str) -> list[str]:
    partners: list[str] = []
    for element in activity.findall("participating-org"):
        name = _org_name(element, lang)
        if name and name != owner and _truncate(name, TEXT_MAX) not in partners:
            partners.append(_truncate(name, TEXT_MAX))
    return partners


def _org_name(element: ET.Element | None, lang: str | None) -> str | None:
    if element is None:
        return None
    return _narrative(element, lang) or _clean(element.get("ref") or "") or None


def _identifier(activity: ET.Element) -> str:
    return _clean(activity.findtext("iati-identifier") or "")


def _lang(activity: ET.Element) -> str | None:
    return activity.get(XML_LANG)


def _narrative(parent: ET.Element | None, lang: str | None) -> str | None:
    """Return the English narrative of an element (own xml:lang, else the activity's), else its first non-empty one."""
    if parent is None:
        return None
    found = [((n.get(XML_LANG) or lang or "").strip().lower(), _clean(n.text or "")) for n in parent.findall("narrative")]
    found = [(code, text) for code, text in found if text]
    for code, text in found:
        if code == "en" or code.startswith("en-"):
            return text
    return found[0][1] if found else None


def _clean(text: str) -> str:
    """Return text on one line: control and bidi-override characters removed, whitespace runs collapsed."""
    return " ".join(_UNWANTED.sub(" ", text).split())


def _truncate(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def slug(text: str, limit: int = 80) -> str:
    """Return an id from free text: ASCII lowercase words joined by hyphens, cut at a word end within `limit` characters."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii").lower()
    words = re.sub(r"[^a-z0-9]+", "-", ascii_text).strip("-")
    if len(words) <= limit:
        return words
    cut = words[: limit + 1].rsplit("-", 1)[0] if "-" in words[: limit + 1] else words[:limit]
    parts = cut[:limit].rstrip("-").split("-")
    while len(parts) > 1 and parts[-1] in _STOPWORDS:
        parts.pop()
    return "-".join(parts)


def _unique(base: str, taken: set[str]) -> str:
    candidate, n = base, 1
    while candidate in taken:
        n += 1
        suffix = f"-{n}"
        candidate = base[: 80 - len(suffix)].rstrip("-") + suffix
    taken.add(candidate)
    return candidate


class _Dumper(yaml.SafeDumper):
    """Plain YAML the strict loader accepts: no anchors or aliases, keys in the order given."""

    def ignore_aliases(self, data: Any) -> bool:
        return True


def _represent_str(dumper: yaml.SafeDumper, value: str) -> yaml.ScalarNode:
    # PyYAML resolves plain scalars by YAML 1.1, the pledge loader by YAML 1.2 core: `1e3` or `0o17` would be
    # written bare and read back as numbers. Quote every string the loader would not read back as that string.
    from tracker.pledges.yamlload import scalar

    resolved = scalar(value, plain=True)
    style = None if isinstance(resolved, str) and resolved == value else "'"
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


_Dumper.add_representer(str, _represent_str)


def dump_yaml(data: dict[str, Any]) -> str:
    """Return a pledge mapping as YAML."""
    return yaml.dump(data, Dumper=_Dumper, sort_keys=False, allow_unicode=True, default_flow_style=False, width=100)


# --- saving an import ---------------------------------------------------------------------------------------------


def save(db: Database, folder: Path, imported: Imported, file_name: str, today: date) -> Path:
    """Write the pledge file, sync it and record its readings in one transaction; on any failure leave nothing behind."""
    from tracker.files import atomic_write
    from tracker.pledges import loader as pledgefile
    from tracker.store import core as store
    from tracker.store import sync

    path = folder / f"{imported.pledge_id}.yaml"
    taken = [p for p in (path, path.with_suffix(".yml")) if p.exists()]
    if taken:
        raise ConflictError(f"{pledgefile.display(taken[0])} already exists; choose another id with --id (nothing was imported)")
    pledge = pledgefile.parse_pledge(path, imported.text)  # validated before anything is written
    rows = _reading_rows(pledge, imported.readings, READING_SOURCE.format(file=_clean(file_name)))
    atomic_write(path, imported.text)
    try:
        sync.sync(db, folder, today)
        with store.write_txn(db):
            store.require_pledge(db, pledge.id)
            if rows:
                db.insert_all("readings", rows)
    except BaseException:
        path.unlink(missing_ok=True)
        with contextlib.suppress(Exception):
            sync.sync(db, folder, today)  # marks the half-imported pledge removed again
        raise
    return path


def _reading_rows(pledge: Pledge, readings: list[Reading], source: str) -> list[dict[str, Any]]:
    from tracker.pledges.values import check_value
    from tracker.store import core as store

    rows = []
    now = store.utc_now()
    for reading in readings:
        indicator = pledge.indicator(reading.indicator_id)
        assert indicator is not None
        try:
            value = check_value(indicator, reading.value)
        except ValueError as exc:
            raise UsageError(f"actual of {reading.day}: {exc}; nothing was imported") from None
        numeric = isinstance(value, float)
        rows.append({
            "pledge_id": pledge.id, "indicator_id": indicator.id, "date": reading.day.isoformat(),
            "value_num": value if numeric else None, "value_text": None if numeric else value,
            "source": source, "note": reading.note, "recorded_at": now,
        })
    return rows
