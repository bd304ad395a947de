"""Map one IATI 2.03 activity onto a pledge: its result indicators, baselines, targets and period actuals.

The field mapping is documented in the README section `import iati`; reading the XML safely is `iati_xml`'s job,
writing the pledge file and its readings `iati_save`'s.
"""

from __future__ import annotations

import contextlib
import re
from dataclasses import dataclass, field
from datetime import date
from typing import Any
from xml.etree import ElementTree as ET  # types only: every parse goes through defusedxml (iati_xml)

from tracker.errors import UsageError
from tracker.interop.iati_xml import (
    DATE_TYPE_NAMES,
    END_TYPES,
    INDICATOR_ID_MAX,
    LINE_MAX,
    MEASURE_KIND,
    MEASURE_NAMES,
    START_TYPES,
    SUMMARY_MAX,
    TEXT_MAX,
    clean,
    identifier_of,
    iso_day,
    lang_of,
    location_ref,
    narrative,
    org_name,
    own_code,
    partners_of,
    plain_number,
    recipient_country,
    slug,
    summary_of,
    truncate,
    unique,
)
from tracker.pledges.dates import parse_fuzzy
from tracker.pledges.yamldump import dump_yaml

READING_SOURCE = "{file}: IATI result actual"

_YES, _NO = ("yes", "true"), ("no", "false")
_COUNTS = ("earlier_targets", "disaggregated", "located", "empty", "future", "qualitative")


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


@dataclass
class _Context:
    """What every indicator of one activity is mapped with, and the warnings and counts it collects."""

    lang: str | None
    activity_title: str | None
    country: str | None
    problems: list[str]
    warnings: list[str]
    counts: dict[str, int] = field(default_factory=lambda: dict.fromkeys(_COUNTS, 0))


def to_pledge(activity: ET.Element, file_name: str, pledge_id: str | None, today: date) -> Imported:
    """Map one activity onto a new pledge file and its readings; refuse (UsageError) what cannot be mapped honestly."""
    lang = lang_of(activity)
    identifier = identifier_of(activity)
    problems: list[str] = []
    warnings: list[str] = []
    title = narrative(activity.find("title"), lang)
    if not title:
        problems.append(f"{file_name}: the activity has no title narrative")
    owner = org_name(activity.find("reporting-org"), lang)
    if not owner:
        problems.append(f"{file_name}: the activity has no reporting-org narrative or @ref to use as the owner")
    context = _Context(lang, title, recipient_country(activity), problems, warnings)
    indicators, readings, period_ends = _indicators(activity, file_name, today, context)
    if problems:
        raise UsageError("\n".join([*problems, "nothing was imported"]))
    assert title and owner
    pid = _pledge_id(pledge_id, identifier, file_name)
    data: dict[str, Any] = {"title": truncate(title, LINE_MAX)}
    summary = summary_of(activity, lang)
    if summary:
        data["summary"] = truncate(summary, SUMMARY_MAX)
    data["owner"] = truncate(owner, LINE_MAX)
    partners = partners_of(activity, lang, owner)
    if partners:
        data["partners"] = partners
    start, due = _dates(activity, period_ends, file_name, warnings)
    if start:
        data["start"] = start
    data["due"] = due
    data["sources"] = [{"document": truncate(clean(file_name), LINE_MAX), "quote": truncate(title, TEXT_MAX)}]
    if indicators:
        data["indicators"] = indicators
    header = (f"# Imported by `tracker import iati` on {today.isoformat()} from {clean(file_name)}, "
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
    activity: ET.Element, file_name: str, today: date, context: _Context
) -> tuple[list[dict[str, Any]], list[Reading], list[date]]:
    specs: list[dict[str, Any]] = []
    readings: list[Reading] = []
    period_ends: list[date] = []
    taken: set[str] = set()
    for r_index, result in enumerate(activity.findall("result"), 1):
        result_title = narrative(result.find("title"), context.lang)
        for i_index, indicator in enumerate(result.findall("indicator"), 1):
            own = narrative(indicator.find("title"), context.lang)
            where = f"{file_name}: result {r_index}, indicator {i_index}"
            if own or result_title:
                where += f" ({truncate(own or result_title or '', 60)!r})"
            mapped = _indicator(indicator, _title(indicator, result_title, own, context), where, context)
            if mapped is None:
                continue
            spec, periods = mapped
            base = own_code(indicator) or slug(own or result_title or spec["title"], INDICATOR_ID_MAX) or f"indicator-{len(specs) + 1}"
            spec = {"id": unique(base, taken), **spec}
            specs.append(spec)
            for end, value, note in periods:
                period_ends.append(end)
                if value is None:
                    continue
                if end > today:
                    context.counts["future"] += 1
                    continue
                readings.append(Reading(spec["id"], value, end, note))
    _summarise(context.counts, context.warnings, today)
    return specs, readings, period_ends


def _title(indicator: ET.Element, result_title: str | None, own: str | None, context: _Context) -> str | None:
    """Return `Result title — indicator title: indicator description`, leaving out what repeats or is missing.

    Publishers often give the meaning only in the result title or the indicator description (`DD2`, `Indicator 2.1.1`).
    """
    parts = [t for t in (result_title, own) if t]
    if own and result_title in (own, context.activity_title):
        parts = [own]
    text = " — ".join(parts)
    description = narrative(indicator.find("description"), context.lang)
    if description and description.casefold() not in text.casefold():
        text = f"{text}: {description}" if text else description
    return truncate(text, LINE_MAX) if text else None


def _summarise(counts: dict[str, int], warnings: list[str], today: date) -> None:
    if counts["qualitative"]:
        warnings.append(f"{counts['qualitative']} indicator(s) whose values are not plain numbers were imported as qualitative, "
                        "their values kept as text")
    if counts["earlier_targets"]:
        warnings.append(f"{counts['earlier_targets']} earlier period target(s) not kept: a pledge indicator has one target, "
                        "the last period's")
    if counts["located"]:
        warnings.append(f"{counts['located']} value(s) given for a single location taken as the total (the only value, "
                        "or the one of the activity's recipient country)")
    if counts["disaggregated"]:
        warnings.append(f"{counts['disaggregated']} disaggregated value(s) (with location or dimension) skipped: only totals are kept")
    if counts["empty"]:
        warnings.append(f"{counts['empty']} target(s) or actual(s) without @value or comment skipped")
    if counts["future"]:
        warnings.append(f"{counts['future']} actual(s) of periods ending after today ({today}) skipped; import again once they have ended")


def _indicator(
    indicator: ET.Element, title: str | None, where: str, context: _Context
) -> tuple[dict[str, Any], list[tuple[date, Any, str | None]]] | None:
    """Return an indicator spec and its periods (end, actual value, note), or None after recording a problem."""
    measure, warnings, counts = indicator.get("measure"), context.warnings, context.counts
    if measure is None:
        context.problems.append(f"{where}: @measure is missing; IATI 2.03 requires it (1 unit, 2 percentage, 3 nominal, "
                                "4 ordinal, 5 qualitative) and guessing it would invent data")
        return None
    if not title:
        context.problems.append(f"{where}: the indicator has no title narrative")
        return None
    measure = measure.strip()
    if not measure:  # published as measure="": the schema's default reading, unit
        warnings.append(f"{where}: empty @measure taken as 1 (unit)")
        measure = "1"
    code = measure if measure in MEASURE_KIND else MEASURE_NAMES.get(measure.lower())
    if code is None:
        warnings.append(f"{where}: unknown @measure {truncate(measure, 40)!r}; imported as qualitative")
    kind = MEASURE_KIND.get(code or "5", "qualitative")
    textual = kind == "qualitative"
    baseline = _baseline(indicator, textual, where, context)
    target, periods = _periods(indicator, textual, where, context)
    values = [v for v in (baseline[0] if baseline else None, target[0] if target else None, *(p[1] for p in periods)) if v is not None]
    unit = None
    if kind in ("number", "percent") and any(plain_number(v) is None for v in values):
        kind = "qualitative"
        counts["qualitative"] += 1
    if kind == "percent" and any(not 0 <= float(v) <= 100 for v in values):
        kind, unit = "number", "%"
        warnings.append(f"{where}: percentage values outside 0-100; imported as a number with unit %")
    if code == "3" and values and all(v.lower() in _YES + _NO for v in values):
        kind = "yes-no"
    spec: dict[str, Any] = {"title": title, "kind": kind}
    if unit:
        spec["unit"] = unit
    spec["direction"] = _direction(indicator.get("ascending"), where, warnings)
    if baseline:
        spec["baseline"] = {"value": _typed(baseline[0], kind), "date": baseline[1]}
    if target:
        spec["target"] = {"value": _typed(target[0], kind), "date": target[1].isoformat()}
    return spec, [(end, None if value is None else _typed(value, kind), note) for end, value, note in periods]


def _direction(ascending: str | None, where: str, warnings: list[str]) -> str:
    flag = (ascending or "1").strip().lower()
    if flag in ("1", "true"):
        return "increase"
    if flag in ("0", "false"):
        return "decrease"
    warnings.append(f"{where}: @ascending {truncate(flag, 20)!r} is not a boolean; taken as ascending (increase)")
    return "increase"


def _baseline(indicator: ET.Element, textual: bool, where: str, context: _Context) -> tuple[str, str] | None:
    totals = _totals(indicator.findall("baseline"), context)
    if not totals:
        return None
    if len(totals) > 1:
        context.warnings.append(f"{where}: {len(totals)} baselines; the first is kept")
    element = totals[0]
    value, _ = _value(element, context.lang, textual)
    day = iso_day(element.get("iso-date"))
    year = (element.get("year") or "").strip()
    when = day.isoformat() if day else (year if re.fullmatch(r"\d{4}", year) and 1900 <= int(year) <= 2200 else None)
    if value is None or when is None:
        context.warnings.append(f"{where}: baseline without a value or a usable year/iso-date skipped")
        return None
    return value, when


def _periods(
    indicator: ET.Element, textual: bool, where: str, context: _Context
) -> tuple[tuple[str, date] | None, list[tuple[date, str | None, str | None]]]:
    """Return the last period's target and every period's total actuals as (end, value, note), by period end."""
    targets: list[tuple[date, str]] = []
    actuals: list[tuple[date, str | None, str | None]] = []
    for period in indicator.findall("period"):
        end_element = period.find("period-end")
        end = iso_day(end_element.get("iso-date") if end_element is not None else None)
        if end is None:
            context.warnings.append(f"{where}: a period without a usable period-end/@iso-date skipped")
            continue
        for tag in ("target", "actual"):
            for element in _totals(period.findall(tag), context):
                value, note = _value(element, context.lang, textual)
                if value is None:
                    _no_value(tag, note, f"{where}, period ending {end}", context)
                elif tag == "target":
                    targets.append((end, value))
                else:
                    actuals.append((end, value, note))
        actuals.append((end, None, None))  # every period end counts for the due-date fallback
    targets.sort(key=lambda t: t[0])
    context.counts["earlier_targets"] += max(0, len(targets) - 1)
    actuals.sort(key=lambda a: a[0])
    return ((targets[-1][1], targets[-1][0]) if targets else None), actuals


def _totals(found: list[ET.Element], context: _Context) -> list[ET.Element]:
    """Return the totals among an indicator's baselines or a period's targets or actuals; count the rest as disaggregated.

    Without a value free of location and dimension, one whose only breakdown is a single location is the total when it
    is the only value or its location is the activity's one recipient country: publishers often tag totals so.
    """
    totals = [e for e in found if e.find("location") is None and e.find("dimension") is None]
    if not totals:
        located = [e for e in found if e.find("dimension") is None and len(e.findall("location")) == 1]
        totals = [e for e in located if len(found) == 1 or location_ref(e) == context.country]
        context.counts["located"] += len(totals)
    context.counts["disaggregated"] += len(found) - len(totals)
    return totals


def _no_value(tag: str, comment: str | None, where: str, context: _Context) -> None:
    """Say that a target or actual without @value is not imported: each one with a comment, the bare ones counted."""
    if comment:
        context.warnings.append(f"{where}: the {tag} has no @value, only the comment {truncate(comment, 120)!r}; not imported")
    else:
        context.counts["empty"] += 1


def _value(element: ET.Element, lang: str | None, textual: bool) -> tuple[str | None, str | None]:
    """Return a baseline/target/actual value and its comment; a qualitative one without @value is its comment."""
    comment = narrative(element.find("comment"), lang)
    value = clean(element.get("value") or "")
    if value:
        return value, comment
    if textual and comment:
        return comment, None
    return None, comment


def _typed(value: str, kind: str) -> float | int | str:
    if kind in ("number", "percent"):
        number = plain_number(value)
        assert number is not None
        return number
    if kind == "yes-no":
        return "yes" if value.lower() in _YES else "no"
    return value


def _dates(activity: ET.Element, period_ends: list[date], file_name: str, warnings: list[str]) -> tuple[str | None, Any]:
    by_type: dict[str, str] = {}
    for element in activity.findall("activity-date"):
        kind = (element.get("type") or "").strip()
        kind = DATE_TYPE_NAMES.get(kind.lower(), kind)
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
    day = iso_day(element.get("iso-date"))
    if day is None:
        return None
    text = narrative(element, None)
    if text:
        with contextlib.suppress(ValueError):
            fuzzy = parse_fuzzy(text)
            if fuzzy.start <= day <= fuzzy.end:
                return str(fuzzy)
    return day.isoformat()
