"""Write a pledge as a schema-valid IATI 2.03 activity (ElementTree escapes every text and attribute)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING, Any
from xml.etree import ElementTree as ET

from tracker.interop.iati_xml import (
    ACTIVITY_STATUS,
    IATI_VERSION,
    OWN_VOCABULARY,
    RESULT_TYPES,
    ROLE_ACCOUNTABLE,
    ROLE_IMPLEMENTING,
    XML_LANG,
)
from tracker.pledges.dates import FuzzyDate

if TYPE_CHECKING:
    from tracker.pledges.models import Indicator, Pledge


@dataclass(frozen=True)
class ExportOptions:
    """What the pledge file does not know about the reporting organisation and the result."""

    org_ref: str = ""
    org_type: str = ""
    identifier: str | None = None
    result_type: str = "other"
    lang: str = "en"


def export_activity(
    pledge: Pledge, readings: dict[str, list[dict[str, Any]]], reported_status: str | None, today: date, now: datetime,
    options: ExportOptions,
) -> str:
    """Return an IATI 2.03 `iati-activities` document holding the pledge as one activity."""
    root = ET.Element("iati-activities", {"version": IATI_VERSION, "generated-datetime": now.strftime("%Y-%m-%dT%H:%M:%SZ")})
    activity = ET.SubElement(root, "iati-activity", {XML_LANG: options.lang})
    identifier = options.identifier or (f"{options.org_ref}-{pledge.id}" if options.org_ref else pledge.id)
    ET.SubElement(activity, "iati-identifier").text = identifier
    _texts(activity, "reporting-org", [pledge.owner], {"ref": options.org_ref, "type": options.org_type})
    _texts(activity, "title", [pledge.title])
    _texts(activity, "description", [pledge.summary or pledge.title], {"type": "1"})
    _texts(activity, "participating-org", [pledge.owner], {"role": ROLE_ACCOUNTABLE})
    for partner in pledge.partners:
        if partner != pledge.owner:
            _texts(activity, "participating-org", [partner], {"role": ROLE_IMPLEMENTING})
    ET.SubElement(activity, "activity-status", {"code": _activity_status(pledge, reported_status, today)})
    if pledge.start:
        _activity_date_element(activity, "1", pledge.start.date, pledge.start.date.start)
    _activity_date_element(activity, "3", pledge.due.date, pledge.due.date.end)
    if pledge.indicators:
        result = ET.SubElement(activity, "result", {"type": RESULT_TYPES[options.result_type]})
        _texts(result, "title", [pledge.title])
        for indicator in pledge.indicators:
            _indicator_element(result, indicator, readings.get(indicator.id, []), pledge)
    ET.indent(root, "  ")
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"


def _texts(parent: ET.Element, tag: str, texts: Iterable[str], attrs: dict[str, str] | None = None) -> ET.Element:
    element = ET.SubElement(parent, tag, attrs or {})
    for text in texts:
        ET.SubElement(element, "narrative").text = text
    return element


def _activity_status(pledge: Pledge, reported: str | None, today: date) -> str:
    if reported in ACTIVITY_STATUS:
        return ACTIVITY_STATUS[reported]
    if pledge.start and today < pledge.start.date.start:
        return "1"
    return "2"


def _activity_date_element(parent: ET.Element, kind: str, fuzzy: FuzzyDate, day: date) -> None:
    element = ET.SubElement(parent, "activity-date", {"type": kind, "iso-date": day.isoformat()})
    if fuzzy.precision != "day":
        ET.SubElement(element, "narrative").text = str(fuzzy)  # keeps `2028` or `2026-Q1` for the way back


def measure_of(indicator: Indicator) -> str:
    """Return the IndicatorMeasure code of an indicator kind."""
    if indicator.kind == "percent" or (indicator.kind == "number" and indicator.unit == "%"):
        return "2"
    if indicator.kind == "number":
        return "1"
    if indicator.kind == "yes-no":
        return "3"
    return "4" if indicator.levels else "5"


def _indicator_element(result: ET.Element, indicator: Indicator, readings: list[dict[str, Any]], pledge: Pledge) -> None:
    ascending = "1" if indicator.direction == "increase" else "0"
    element = ET.SubElement(result, "indicator", {"measure": measure_of(indicator), "ascending": ascending})
    _texts(element, "title", [indicator.title])
    ET.SubElement(element, "reference", {"vocabulary": OWN_VOCABULARY, "code": indicator.id})
    if indicator.baseline:
        when = indicator.baseline.date
        attrs = {"year": str(when.start.year)}
        if when.precision == "day":
            attrs["iso-date"] = when.start.isoformat()
        attrs["value"] = _point_value(indicator, indicator.baseline.value)
        ET.SubElement(element, "baseline", attrs)
    for start, end, target, actuals in _export_periods(indicator, readings, pledge):
        period = ET.SubElement(element, "period")
        ET.SubElement(period, "period-start", {"iso-date": start.isoformat()})
        ET.SubElement(period, "period-end", {"iso-date": end.isoformat()})
        if target is not None:
            ET.SubElement(period, "target", {"value": target})
        for reading in actuals:
            value = reading["value_num"] if reading["value_num"] is not None else reading["value_text"]
            actual = ET.SubElement(period, "actual", {"value": format_value(value)})
            if reading["note"]:
                _texts(actual, "comment", [reading["note"]])


def _export_periods(
    indicator: Indicator, readings: list[dict[str, Any]], pledge: Pledge
) -> list[tuple[date, date, str | None, list[dict[str, Any]]]]:
    """One period per reading date and one ending on the target date; each starts the day after the previous one."""
    by_end: dict[date, list[dict[str, Any]]] = {}
    for reading in readings:
        by_end.setdefault(date.fromisoformat(reading["date"]), []).append(reading)
    target_end = indicator.target.date.end if indicator.target else None
    ends = sorted(set(by_end) | ({target_end} if target_end else set()))
    if not ends:
        return []
    first = ends[0]
    if indicator.baseline and indicator.baseline.date.end < first:
        begin = indicator.baseline.date.end + timedelta(days=1)
    elif pledge.start and pledge.start.date.start <= first:
        begin = pledge.start.date.start
    else:
        begin = date(first.year, 1, 1)
    periods = []
    for end in ends:
        target = _point_value(indicator, indicator.target.value) if indicator.target and end == target_end else None
        periods.append((begin, end, target, by_end.get(end, [])))
        begin = end + timedelta(days=1)
    return periods


def _point_value(indicator: Indicator, value: object) -> str:
    """Return a baseline or target value normalised for its kind (`45%` as `45`, `true` as `yes`)."""
    from tracker.pledges.values import check_value

    return format_value(check_value(indicator, value))


def format_value(value: object) -> str:
    """Return a value as IATI @value text: 3.0 as `3`, yes-no as `yes`/`no`, text as it is."""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e15:
        return str(int(value))
    return str(value)
