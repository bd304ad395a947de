"""IATI files as publishers put them out: every activity with results imports, keeps its targets and actuals, and
exports back valid against the official 2.03 schema."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Any
from xml.etree import ElementTree as ET

import pytest
import xmlschema
from conftest import TODAY, Tracker
from defusedxml import ElementTree as SafeET

from tracker.pledges.loader import parse_pledge

DATA = Path(__file__).resolve().parents[1] / "data"
PUBLISHED = DATA / "iati-published"


def _with_results() -> list[Any]:
    """Every activity with a result in the published files, as (file, iati-identifier)."""
    found = []
    for path in sorted(PUBLISHED.glob("*.xml")):
        root = SafeET.parse(path).getroot()
        assert root is not None
        for activity in root.findall("iati-activity"):
            if activity.find("result") is not None:
                identifier = (activity.findtext("iati-identifier") or "").strip()
                found.append(pytest.param(path, identifier, id=f"{path.stem}:{identifier}"))
    return found


ACTIVITIES = _with_results()


@pytest.fixture(scope="module")
def schema() -> xmlschema.XMLSchema:
    """The official IATI 2.03 activity schema (copied unchanged under tests/data/iati/)."""
    return xmlschema.XMLSchema(str(DATA / "iati" / "iati-activities-schema.xsd"))


def _activity(path: Path, identifier: str) -> ET.Element:
    root = SafeET.parse(path).getroot()
    assert root is not None
    return next(a for a in root.findall("iati-activity") if (a.findtext("iati-identifier") or "").strip() == identifier)


def _totals(period: ET.Element, tag: str) -> list[ET.Element]:
    return [e for e in period.findall(tag) if e.find("location") is None and e.find("dimension") is None and (e.get("value") or "").strip()]


def _published_values(activity: ET.Element) -> tuple[int, int]:
    """How many indicators publish a target, and how many actuals of periods ended by TODAY the file publishes."""
    with_target, actuals = 0, 0
    for indicator in activity.iter("indicator"):
        periods = indicator.findall("period")
        with_target += any(_totals(p, "target") for p in periods)
        for period in periods:
            end = period.find("period-end")
            if end is not None and date.fromisoformat((end.get("iso-date") or "")[:10]) <= date.fromisoformat(TODAY):
                actuals += len(_totals(period, "actual"))
    return with_target, actuals


def test_the_published_set_is_what_the_acceptance_needs() -> None:
    """Several publishers, both 2.0x and 1.0x files, and enough activities for a 90% figure to mean something."""
    assert len(ACTIVITIES) >= 10
    owners = {_activity(p.values[0], p.values[1]).find("reporting-org") for p in ACTIVITIES}
    refs = {org.get("ref") for org in owners if org is not None}
    assert {"NL-KVK-27108436", "47045", "GB-COH-213890"} <= refs
    assert len(refs) >= 6
    assert (PUBLISHED / "SOURCE.md").is_file()


@pytest.mark.parametrize(("path", "identifier"), ACTIVITIES)
def test_published_activity_imports_with_its_values_and_exports_valid(
    tracker: Tracker, schema: xmlschema.XMLSchema, tmp_path: Path, path: Path, identifier: str
) -> None:
    """--activity picks it; its targets and actuals come along; its export validates against IATI 2.03."""
    result = tracker("import", "iati", str(path), "--activity", identifier, "--id", "published", "--json")
    assert result.exit_code == 0, result.stderr
    assert "Traceback" not in result.stderr
    imported = json.loads(result.stdout)
    assert imported["iati_identifier"] == identifier
    pledge = parse_pledge(tracker.root / "pledges" / "published.yaml")
    with_target, actuals = _published_values(_activity(path, identifier))
    assert sum(1 for i in pledge.indicators if i.target is not None) == with_target
    assert imported["readings"] == actuals
    shown = json.loads(tracker("show", "published", "--json").stdout)
    assert sum(len(i["readings"]) for i in shown["indicators"]) == actuals
    out = tmp_path / "published.xml"
    exported = tracker("export", "iati", "published", "--org-ref", "XM-TEST", "--org-type", "90", "-o", str(out))
    assert exported.exit_code == 0, exported.stderr
    schema.validate(str(out))


def test_meaningless_indicator_titles_keep_their_result_and_description(tracker: Tracker, tmp_path: Path) -> None:
    """Oxfam Novib titles indicators `DD2`; the meaning is in the result title and the description, which are kept."""
    path = PUBLISHED / "oxfam-novib-fair-finance-asia.xml"
    result = tracker("import", "iati", str(path), "--activity", "NL-KVK-27108436-A-05001-08:PK", "--id", "ffa-pakistan")
    assert result.exit_code == 0, result.stderr
    pledge = parse_pledge(tracker.root / "pledges" / "ffa-pakistan.yaml")
    dd2 = pledge.indicator("dd2")
    assert dd2 is not None
    assert dd2.title.startswith("2400 — DD2: cases (sub)national governments or global actors adopting and/or implementing")
    assert dd2.target is not None and (dd2.target.value, str(dd2.target.date)) == (2, "2022-12-31")
    out = tmp_path / "ffa.xml"
    assert tracker("export", "iati", "ffa-pakistan", "-o", str(out)).exit_code == 0
    assert tracker("import", "iati", str(out), "--id", "ffa-again").exit_code == 0
    again = parse_pledge(tracker.root / "pledges" / "ffa-again.yaml")
    assert [i.title for i in again.indicators] == [i.title for i in pledge.indicators]  # the way back adds nothing


def test_iati_1_0x_activity_without_narratives_imports(tracker: Tracker) -> None:
    """The Global Fund's 1.0x file has text right inside <title>, <reporting-org> and the indicator titles."""
    path = PUBLISHED / "global-fund-armenia-hiv-1.0x.xml"
    result = tracker("import", "iati", str(path), "--id", "gf-armenia")
    assert result.exit_code == 0, result.stderr
    pledge = parse_pledge(tracker.root / "pledges" / "gf-armenia.yaml")
    assert pledge.title == "Support to the National Program on the Response to HIV Epicemic in the Republic of Armenia"
    assert pledge.owner == "The Global Fund to Fight AIDS, Tuberculosis and Malaria"
    assert pledge.summary is not None and pledge.summary.startswith("While Armenia is still a country with a concentrated HIV")
    assert pledge.partners == ["Ministry of Health of Armenia"]
    assert pledge.start is not None and str(pledge.start.date) == "2009-10-01"  # 1.0x type start-actual
    tests = next(i for i in pledge.indicators if i.title == "Number of HIV tests performed among pregnant women")
    assert (tests.kind, tests.direction) == ("qualitative", "decrease")  # measure "text", ascending "false"
    assert tests.target is not None and tests.target.value == "20,000"  # kept as published, not guessed at
    shown = json.loads(tracker("show", "gf-armenia", "--json").stdout)
    readings = {i["id"]: [(r["date"], r["value"]) for r in i["readings"]] for i in shown["indicators"]}
    assert readings[tests.id] == [("2012-09-30", "24,055")]
