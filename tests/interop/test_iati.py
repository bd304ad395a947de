"""IATI 2.03 import and export: real files, the official schema, real SQLite, and hostile XML refused."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

import pytest
import xmlschema
from conftest import Tracker
from defusedxml import ElementTree as SafeET

from tracker.pledges.loader import parse_pledge
from tracker.pledges.models import Pledge

DATA = Path(__file__).resolve().parents[1] / "data" / "iati"
UNICEF = DATA / "unicef-kh-social-services.xml"
SHOULD_PASS = DATA / "should-pass-24-results.xml"
SHOULD_FAIL = DATA / "should-fail-result-05-missing-attribute-indicator-measure.xml"
UNICEF_ID = "xm-dac-41122-kh-0660-a0-05-884-003"
SOURCE = "unicef-kh-social-services.xml: IATI result actual"

DELIVER = "Sub-national administrations deliver social services for women and children — "
REGISTERED = "Children's births are registered and documented — "
# What the UNICEF-style activity says, indicator by indicator (ids are slugs of the indicator titles; titles carry the
# result's title, which gives them their meaning).
EXPECTED: dict[str, dict[str, Any]] = {
    "number-of-districts-providing-integrated-social": {
        "title": DELIVER + "Number of districts providing integrated social services for women and children",
        "measure": "1", "kind": "number", "direction": "increase",
        "baseline": (12, "2023-12-31"), "target": (36, "2026-06-30"),
        "readings": [("2024-12-31", 18.0, "Provincial reports from the five target provinces"), ("2025-12-31", 31.0, None),
                     ("2026-06-30", 33.0, "Mid-year review")],
    },
    "percentage-of-commune-councils-with-a-focal": {
        "title": DELIVER + "Percentage of commune councils with a focal point for women and children",
        "measure": "2", "kind": "percent", "direction": "increase",
        "baseline": (35.5, "2023-12-31"), "target": (60, "2026-06-30"),
        "readings": [("2024-12-31", 41.2, None), ("2025-12-31", 52.0, None), ("2026-06-30", 58.5, None)],
    },
    "percentage-of-children-under-five-without": {
        "title": REGISTERED + "Percentage of children under five without a birth certificate in the target provinces",
        "measure": "2", "kind": "percent", "direction": "decrease",
        "baseline": (22, "2022"), "target": (12, "2026-06-30"),
        "readings": [("2024-12-31", 19.5, None), ("2025-12-31", 15.0, None),
                     ("2026-06-30", 13.0, "Civil registration data, first half of 2026")],
    },
    "provincial-social-service-plans-reflect": {
        "title": REGISTERED + "Provincial social service plans reflect the needs of women and children",
        "measure": "5", "kind": "qualitative", "direction": "increase",
        "baseline": None, "target": ("Plans adopted in all five target provinces", "2025-12-31"),
        "readings": [("2024-12-31", "Plans drafted in three of the five target provinces", None),
                     ("2025-12-31", "Plans adopted in five provinces", None)],
    },
}


@pytest.fixture(scope="module")
def schema() -> xmlschema.XMLSchema:
    """The official IATI 2.03 activity schema (copied unchanged under tests/data/iati/)."""
    return xmlschema.XMLSchema(str(DATA / "iati-activities-schema.xsd"))


def _pledge(root: Path, pledge_id: str) -> Pledge:
    return parse_pledge(root / "pledges" / f"{pledge_id}.yaml")


def _show(tracker: Tracker, pledge_id: str) -> dict[str, Any]:
    result = tracker("show", pledge_id, "--json")
    assert result.exit_code == 0, result.stderr
    data: dict[str, Any] = json.loads(result.stdout)
    return data


def _readings(detail: dict[str, Any]) -> dict[str, list[tuple[str, Any, Any]]]:
    return {i["id"]: [(r["date"], r["value"], r["note"]) for r in i["readings"]] for i in detail["indicators"]}


def _state(root: Path, tracker: Tracker) -> tuple[object, dict[str, bytes]]:
    """The database rows and every pledge file, to prove a refused import changed nothing."""
    files = {p.name: p.read_bytes() for p in sorted((root / "pledges").iterdir())}
    return tracker.db_dump(), files


def _import(tracker: Tracker, path: Path, *args: str) -> Any:
    result = tracker("import", "iati", str(path), *args)
    assert result.exit_code == 0, result.stderr
    return result


# --- import -------------------------------------------------------------------------------------------------------


def test_import_maps_the_activity_onto_a_valid_pledge_file(tracker: Tracker) -> None:
    """Title (English of two languages), owner, partners, summary, dates and source come from the activity."""
    result = _import(tracker, UNICEF)
    assert result.stdout.strip() == (f"imported {UNICEF_ID} from unicef-kh-social-services.xml: 4 indicators, 11 readings "
                                     f"-> pledges/{UNICEF_ID}.yaml")
    assert "7 earlier period target(s) not kept" in result.stderr
    assert "1 disaggregated value(s)" in result.stderr
    pledge = _pledge(tracker.root, UNICEF_ID)
    assert pledge.title == "Sub-national social services for women and children"
    assert pledge.owner == "UNICEF"
    assert pledge.partners == ["Ministry of Interior", "Ministry of Women's Affairs"]
    assert pledge.summary is not None
    assert pledge.summary.startswith("Support to the Ministry of Interior's decentralisation and deconcentration reforms in five target provinces:")
    assert pledge.start is not None
    assert str(pledge.start.date) == "2024-02-15"  # the actual start (type 2) wins over the planned one
    assert str(pledge.due.date) == "2028"  # the planned end's narrative names the year of its iso-date
    assert not pledge.due.assumed
    assert [(s.document, s.url, s.quote) for s in pledge.sources] == [
        ("unicef-kh-social-services.xml", None, "Sub-national social services for women and children")
    ]
    assert tracker("validate").exit_code == 0


def test_import_keeps_every_indicator_baseline_target_and_actual(tracker: Tracker) -> None:
    """Each indicator's kind, direction, baseline, last target and period actuals match the XML."""
    _import(tracker, UNICEF)
    pledge = _pledge(tracker.root, UNICEF_ID)
    assert [i.id for i in pledge.indicators] == list(EXPECTED)
    for indicator in pledge.indicators:
        want = EXPECTED[indicator.id]
        assert (indicator.title, indicator.kind, indicator.direction) == (want["title"], want["kind"], want["direction"])
        if want["baseline"] is None:
            assert indicator.baseline is None
        else:
            assert indicator.baseline is not None
            assert (indicator.baseline.value, str(indicator.baseline.date)) == want["baseline"]
        assert indicator.target is not None
        assert (indicator.target.value, str(indicator.target.date)) == want["target"]
    detail = _show(tracker, UNICEF_ID)
    assert _readings(detail) == {key: want["readings"] for key, want in EXPECTED.items()}
    assert {r["source"] for i in detail["indicators"] for r in i["readings"]} == {SOURCE}


def test_import_json_and_history(tracker: Tracker) -> None:
    """--json reports what was imported; the readings are part of the pledge's history."""
    result = tracker("import", "iati", str(UNICEF), "--id", "unicef-social-services", "--json")
    assert result.exit_code == 0, result.stderr
    data = json.loads(result.stdout)
    assert data["id"] == "unicef-social-services"
    assert data["iati_identifier"] == "XM-DAC-41122-KH-0660/A0/05/884/003"
    assert (data["indicators"], data["readings"]) == (4, 11)
    assert len(data["warnings"]) == 2
    history = json.loads(tracker("history", "unicef-social-services", "--json").stdout)
    assert sum(1 for event in history if event["kind"] == "reading") == 11


def test_actuals_of_periods_not_yet_ended_are_skipped(tracker: Tracker) -> None:
    """A reading is what has happened: actuals of periods ending after --today are left out, and said so."""
    result = tracker("import", "iati", str(UNICEF), today="2026-03-01")
    assert result.exit_code == 0, result.stderr
    assert "3 actual(s) of periods ending after today (2026-03-01) skipped" in result.stderr
    detail = _show(tracker, UNICEF_ID)
    assert all(r[0] <= "2025-12-31" for readings in _readings(detail).values() for r in readings)
    assert sum(len(r) for r in _readings(detail).values()) == 8


def test_should_pass_24_results_keeps_non_numbers_as_qualitative(tracker: Tracker) -> None:
    """The standard's own results test file imports; `N=35;P=55` values stay text on qualitative indicators."""
    result = tracker("import", "iati", str(SHOULD_PASS), "--id", "tb-results")
    assert result.exit_code == 0, result.stderr
    assert "unknown @measure 'NDP'; imported as qualitative" in result.stderr
    assert "7 indicator(s) whose values are not plain numbers were imported as qualitative" in result.stderr
    pledge = _pledge(tracker.root, "tb-results")
    assert len(pledge.indicators) == 14
    labs = pledge.indicators[2]
    assert labs.title == ("Supportive Environment:Health Systems Strengthening — Number and % of public laboratories enabled "
                          "to perform sputum tests: Not available")
    assert labs.kind == "qualitative"
    assert labs.baseline is not None and labs.target is not None
    assert (labs.baseline.value, str(labs.baseline.date)) == ("N=35;P=55", "2008")
    assert (labs.target.value, str(labs.target.date)) == ("N=44;P=60", "2010-12-31")
    assert pledge.indicators[0].kind == "number"  # measure "Unit" without values stays a number
    assert len({i.id for i in pledge.indicators}) == 14  # repeated titles get distinct ids
    assert pledge.due.assumed and str(pledge.due.date) == "2010-12-31"  # no end date: the latest period end, marked assumed
    readings = _readings(_show(tracker, "tb-results"))
    assert readings[labs.id] == [("2009-12-31", "N=41;P=56", "Actual Comment Period 2009"),
                                 ("2010-12-31", "N=43;P=58", "Actual Comment Period 2010")]
    assert readings[pledge.indicators[-1].id] == []  # its only actual is disaggregated by location and dimension


def test_should_fail_missing_measure_is_refused(tracker: Tracker) -> None:
    """An indicator without @measure breaks the schema; guessing the measure would invent data, so nothing is imported."""
    assert tracker("sync").exit_code == 0
    before = _state(tracker.root, tracker)
    result = tracker("import", "iati", str(SHOULD_FAIL), "--id", "dots")
    assert result.exit_code == 2
    assert result.stderr.splitlines() == [
        ("error: should-fail-result-05-missing-attribute-indicator-measure.xml: result 1, indicator 1 ('Number of new smear "
        "positive cases detected under DOTS. (Ca…'): @measure is missing; IATI 2.03 requires it (1 unit, 2 percentage, "
        "3 nominal, 4 ordinal, 5 qualitative) and guessing it would invent data"),
        "error: nothing was imported",
    ]
    assert _state(tracker.root, tracker) == before


HOSTILE = {
    "hostile-external-entity.xml": (
        "error: hostile-external-entity.xml: refused: the file declares the external entity 'e' (file:///etc/passwd), "
        "which could read local files or the network; nothing was imported"
    ),
    "hostile-billion-laughs.xml": (
        "error: hostile-billion-laughs.xml: refused: the file declares the entity 'lol'; entities can expand without limit "
        "(billion laughs), and IATI files never need them; nothing was imported"
    ),
    "hostile-parameter-entity.xml": (
        "error: hostile-parameter-entity.xml: refused: the file declares the external entity 'p' "
        "(http://127.0.0.1:9/evil.dtd), which could read local files or the network; nothing was imported"
    ),
}


@pytest.mark.parametrize("name", list(HOSTILE))
def test_hostile_xml_is_refused_with_one_line(tracker: Tracker, name: str) -> None:
    """Entity declarations are refused before any content is used: exit 2, one line, nothing written."""
    path = DATA / name
    assert tracker("sync").exit_code == 0
    before = _state(tracker.root, tracker)
    result = tracker("import", "iati", str(path), "--id", "hostile")
    assert result.exit_code == 2
    assert result.stderr.splitlines() == [HOSTILE[name]]
    assert "root:" not in result.stdout + result.stderr  # no line of /etc/passwd leaked
    assert _state(tracker.root, tracker) == before


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("<iati-activities version='2.03'><iati-activity>", "error: bad.xml: not well-formed XML (no element found: line 1, column"),
        ("<html><body/></html>", "error: bad.xml: not an IATI activity file: the root element is <html>, not <iati-activities>"),
        ("<iati-activities version='2.03'/>", "error: bad.xml: holds no <iati-activity>"),
    ],
    ids=["not-well-formed", "not-iati", "no-activity"],
)
def test_files_that_are_not_iati_activities_are_refused(tracker: Tracker, tmp_path: Path, text: str, message: str) -> None:
    """Broken or foreign XML ends with one line and exit 2."""
    path = tmp_path / "bad.xml"
    path.write_text(text, encoding="utf-8")
    result = tracker("import", "iati", str(path))
    assert result.exit_code == 2
    assert len(result.stderr.splitlines()) == 1
    assert result.stderr.startswith(message)  # expat's column numbers vary between versions
    assert not (tracker.root / "pledges" / "bad.yaml").exists()


MINIMAL = """<?xml version="1.0" encoding="UTF-8"?>
<iati-activities version="2.03">
  <iati-activity>
    <iati-identifier>XM-TEST-1</iati-identifier>
    <reporting-org ref="XM-TEST" type="90"><narrative>{owner}</narrative></reporting-org>
    <title><narrative>{title}</narrative></title>
    <description><narrative>A test activity</narrative></description>
    <participating-org role="1"><narrative>Donor</narrative></participating-org>
    <activity-status code="2"/>
    <activity-date type="3" iso-date="2027-12-31"/>
    <result type="1">
      <title><narrative>{title}</narrative></title>
      <indicator measure="{measure}">
        <title><narrative>{indicator}</narrative></title>
        <baseline year="2023" value="{baseline}"/>
        <period>
          <period-start iso-date="2024-01-01"/><period-end iso-date="2024-12-31"/>
          <target value="{target}"/><actual value="{actual}"/>
        </period>
      </indicator>
    </result>
  </iati-activity>
</iati-activities>
"""


@pytest.mark.parametrize(
    "fields",
    [
        {"owner": "2026", "title": "1e3", "measure": "5", "indicator": "0o17", "baseline": "0x1F", "target": ".inf", "actual": "1e3"},
        {"owner": "yes", "title": "- item: x", "measure": "3", "indicator": "!!python/object/apply:os.system ['id']",
         "baseline": "no", "target": "yes", "actual": "true"},
        {"owner": "null", "title": "*alias &anchor #comment", "measure": "1", "indicator": "~", "baseline": "1e3",
         "target": "2.5e3", "actual": "-0"},
    ],
    ids=["numbers-as-text", "yes-no-and-yaml-syntax", "numbers"],
)
def test_text_that_looks_like_yaml_stays_what_it_was(tracker: Tracker, tmp_path: Path, fields: dict[str, str]) -> None:
    """Titles and values that YAML would read as numbers, booleans, tags or aliases survive the pledge file unchanged."""
    path = tmp_path / "tricky.xml"
    path.write_text(MINIMAL.format(**{key: escape(value, {'"': "&quot;"}) for key, value in fields.items()}), encoding="utf-8")
    _import(tracker, path, "--id", "tricky")
    pledge = _pledge(tracker.root, "tricky")
    assert (pledge.owner, pledge.title) == (fields["owner"], fields["title"])
    indicator = pledge.indicators[0]
    assert indicator.title == fields["indicator"]
    assert indicator.baseline is not None and indicator.target is not None
    reading = _readings(_show(tracker, "tricky"))[indicator.id][0]
    if fields["measure"] == "5":
        assert indicator.kind == "qualitative"
        assert (indicator.baseline.value, indicator.target.value, reading[1]) == (fields["baseline"], fields["target"], fields["actual"])
    elif fields["measure"] == "3":
        assert indicator.kind == "yes-no"
        assert (indicator.baseline.value, indicator.target.value, reading[1]) == ("no", "yes", "yes")
    else:
        assert indicator.kind == "number"
        assert (indicator.baseline.value, indicator.target.value, reading[1]) == (1000.0, 2500.0, 0.0)


def test_several_activities_are_listed_and_chosen_with_activity(tracker: Tracker, tmp_path: Path) -> None:
    """Without --activity a file of several activities is refused with the list; --activity picks one."""
    text = UNICEF.read_text(encoding="utf-8")
    start, end = text.index("  <iati-activity "), text.index("</iati-activities>")
    second = text[start:end].replace("XM-DAC-41122-KH-0660/A0/05/884/003", "XM-DAC-41122-KH-0660/A0/05/884/004")
    second = second.replace("Sub-national social services for women and children</narrative>", "Second activity</narrative>", 1)
    path = tmp_path / "two.xml"
    path.write_text(text[:end] + second + text[end:], encoding="utf-8")
    result = tracker("import", "iati", str(path))
    assert result.exit_code == 2
    assert result.stderr.splitlines() == [
        "error: two.xml holds 2 activities; choose one with --activity IDENTIFIER:",
        "error:   XM-DAC-41122-KH-0660/A0/05/884/003  Sub-national social services for women and children",
        "error:   XM-DAC-41122-KH-0660/A0/05/884/004  Second activity",
    ]
    missing = tracker("import", "iati", str(path), "--activity", "XM-NOPE")
    assert missing.exit_code == 2
    assert "no activity 'XM-NOPE'" in missing.stderr
    _import(tracker, path, "--activity", "XM-DAC-41122-KH-0660/A0/05/884/004")
    assert _pledge(tracker.root, "xm-dac-41122-kh-0660-a0-05-884-004").title == "Second activity"


def test_an_existing_pledge_file_is_never_overwritten(tracker: Tracker) -> None:
    """Importing onto an existing id is refused with exit 1; the file and its readings stay as they were."""
    _import(tracker, UNICEF)
    tracker("sync")  # the index notes the journal file the import wrote (a cache of the folder's listing)
    before = _state(tracker.root, tracker)
    again = tracker("import", "iati", str(UNICEF))
    assert again.exit_code == 1
    assert again.stderr.splitlines()[-1] == (f"error: {tracker.root}/pledges/{UNICEF_ID}.yaml already exists; "
                                             "choose another id with --id (nothing was imported)")
    catalog = tracker("import", "iati", str(UNICEF), "--id", "gcm-implementation-plan")
    assert catalog.exit_code == 1
    assert _state(tracker.root, tracker) == before
    bad_id = tracker("import", "iati", str(UNICEF), "--id", "Not An Id")
    assert bad_id.exit_code == 2


def test_a_failure_while_recording_readings_leaves_nothing_behind(tracker: Tracker, monkeypatch: pytest.MonkeyPatch) -> None:
    """If the readings cannot be written, the pledge file is removed again and no reading remains."""
    from tracker.store import journal

    def failing(*args: Any) -> None:
        raise sqlite3.OperationalError("disk I/O error")

    monkeypatch.setattr(journal, "index", failing)
    result = tracker("import", "iati", str(UNICEF))
    assert result.exit_code == 5
    assert result.stderr.splitlines()[-1] == "error: database: disk I/O error"
    assert not (tracker.root / "pledges" / f"{UNICEF_ID}.yaml").exists()
    monkeypatch.undo()
    assert tracker("show", UNICEF_ID).exit_code == 4
    conn = sqlite3.connect(tracker.root / "tracker.db")
    try:
        assert conn.execute("SELECT count(*) FROM readings WHERE pledge_id = ?", [UNICEF_ID]).fetchone()[0] == 0
    finally:
        conn.close()
    assert tracker("validate").exit_code == 0
    _import(tracker, UNICEF)  # and the import can simply be run again
    assert sum(len(r) for r in _readings(_show(tracker, UNICEF_ID)).values()) == 11


def test_the_test_files_are_what_they_claim(schema: xmlschema.XMLSchema) -> None:
    """The written activity and the standard's should-pass file are valid IATI 2.03; the should-fail file is not."""
    schema.validate(str(UNICEF))
    schema.validate(str(SHOULD_PASS))
    assert not schema.is_valid(str(SHOULD_FAIL))


# --- export -------------------------------------------------------------------------------------------------------


def _indicators_in(xml: Path) -> list[dict[str, Any]]:
    root = SafeET.parse(xml).getroot()
    assert root is not None
    found = []
    for indicator in root.iter("indicator"):
        found.append({
            "title": indicator.findtext("title/narrative"), "measure": indicator.get("measure"),
            "ascending": indicator.get("ascending", "1") in ("1", "true"),
        })
    return found


def test_export_validates_against_the_official_schema(tracker: Tracker, schema: xmlschema.XMLSchema, tmp_path: Path) -> None:
    """The exported document is IATI 2.03 and carries the measures, directions and values of the pledge."""
    _import(tracker, UNICEF)
    result = tracker("export", "iati", UNICEF_ID, "--org-ref", "XM-DAC-41122", "--org-type", "40", "--result-type", "outcome")
    assert result.exit_code == 0, result.stderr
    assert result.stderr == ""
    out = tmp_path / "stdout.xml"
    out.write_text(result.stdout, encoding="utf-8")
    schema.validate(str(out))
    root = SafeET.fromstring(result.stdout)
    assert root.get("version") == "2.03" and root.get("generated-datetime")
    activity = root.find("iati-activity")
    assert activity is not None
    assert activity.findtext("iati-identifier") == f"XM-DAC-41122-{UNICEF_ID}"
    org = activity.find("reporting-org")
    assert org is not None and (org.get("ref"), org.get("type"), org.findtext("narrative")) == ("XM-DAC-41122", "40", "UNICEF")
    status = activity.find("activity-status")
    assert status is not None and status.get("code") == "2"
    result_element = activity.find("result")
    assert result_element is not None and result_element.get("type") == "2"
    exported = _indicators_in(out)
    assert [(i["title"], i["measure"], i["ascending"]) for i in exported] == [
        (want["title"], want["measure"], want["direction"] == "increase") for want in EXPECTED.values()
    ]
    source = _indicators_in(UNICEF)  # the same measures and directions as the source file, titles with their result's
    assert [(i["measure"], i["ascending"]) for i in exported] == [(i["measure"], i["ascending"]) for i in source]
    assert all(e["title"].endswith(" — " + s["title"]) for e, s in zip(exported, source, strict=True))


def test_export_to_a_file_warns_about_the_unknown_reporting_org(tracker: Tracker, schema: xmlschema.XMLSchema, tmp_path: Path) -> None:
    """-o writes the file; without --org-ref/--org-type the schema's required attributes are left empty, and said so."""
    _import(tracker, UNICEF)
    out = tmp_path / "out" / "activity.xml"
    result = tracker("export", "iati", UNICEF_ID, "-o", str(out))
    assert result.exit_code == 0, result.stderr
    assert result.stdout.strip() == f"wrote {out}"
    assert "reporting-org has an empty @ref or @type" in result.stderr
    schema.validate(str(out))
    assert "<iati-identifier>xm-dac-41122-kh-0660-a0-05-884-003</iati-identifier>" in out.read_text(encoding="utf-8")


def test_round_trip_keeps_every_value(tracker: Tracker, tmp_path: Path) -> None:
    """import -> export -> import gives the same pledge: titles, measures, directions, baselines, targets, actuals."""
    _import(tracker, UNICEF)
    out = tmp_path / "exported.xml"
    assert tracker("export", "iati", UNICEF_ID, "-o", str(out)).exit_code == 0
    _import(tracker, out, "--id", "round-trip")
    first, second = _pledge(tracker.root, UNICEF_ID), _pledge(tracker.root, "round-trip")
    ignored = {"id", "sources"}
    assert second.model_dump(exclude=ignored) == first.model_dump(exclude=ignored)
    assert [s.document for s in second.sources] == ["exported.xml"]
    one, two = _show(tracker, UNICEF_ID), _show(tracker, "round-trip")
    assert _readings(two) == _readings(one) == {key: want["readings"] for key, want in EXPECTED.items()}
    assert {r["source"] for i in two["indicators"] for r in i["readings"]} == {"exported.xml: IATI result actual"}
    assert [i["title"] for i in _indicators_in(out)] == [want["title"] for want in EXPECTED.values()]


def test_round_trip_of_qualitative_values(tracker: Tracker, schema: xmlschema.XMLSchema, tmp_path: Path) -> None:
    """The standard's non-numeric values survive export and re-import as text."""
    _import(tracker, SHOULD_PASS, "--id", "tb-results")
    out = tmp_path / "tb.xml"
    assert tracker("export", "iati", "tb-results", "-o", str(out)).exit_code == 0
    schema.validate(str(out))
    _import(tracker, out, "--id", "tb-again")
    first, second = _pledge(tracker.root, "tb-results"), _pledge(tracker.root, "tb-again")
    assert [i.model_dump(exclude={"id"}) for i in second.indicators] == [i.model_dump(exclude={"id"}) for i in first.indicators]
    assert _readings(_show(tracker, "tb-again")) == _readings(_show(tracker, "tb-results"))


def test_every_bundled_pledge_exports_a_valid_activity(tracker: Tracker, schema: xmlschema.XMLSchema, tmp_path: Path) -> None:
    """Fuzzy dates, yes-no and number indicators and pledges without indicators all give schema-valid IATI."""
    assert tracker("record", "gcm-implementation-plan", "objectives-with-results", "1", "--date", "2026-06-30",
                   "--note", "objective 1 reported").exit_code == 0
    assert tracker("update", "national-mine-policy", "--status", "achieved", "--note", "adopted").exit_code == 0
    ids = sorted(p.stem for p in (tracker.root / "pledges").glob("*.yaml") if not p.name.startswith("_"))
    for pledge_id in ids:
        out = tmp_path / f"{pledge_id}.xml"
        result = tracker("export", "iati", pledge_id, "-o", str(out))
        assert result.exit_code == 0, (pledge_id, result.stderr)
        schema.validate(str(out))
        _import(tracker, out, "--id", f"{pledge_id}-copy")
        original, copy = _pledge(tracker.root, pledge_id), _pledge(tracker.root, f"{pledge_id}-copy")
        assert (copy.title, copy.owner, copy.partners, copy.due.date.end) == (original.title, original.owner, original.partners,
                                                                             original.due.date.end)
        for a, b in zip(original.indicators, copy.indicators, strict=True):
            assert (b.id, b.title, b.kind, b.direction) == (a.id, a.title, a.kind, a.direction), pledge_id
            if a.target is None:
                assert b.target is None
            else:
                assert b.target is not None
                assert (b.target.value, b.target.date.end) == (a.target.value, a.target.date.end), pledge_id
    text = (tmp_path / "national-mine-policy.xml").read_text(encoding="utf-8")
    assert '<activity-status code="3" />' in text  # reported achieved: finalisation
    gcm = _show(tracker, "gcm-implementation-plan-copy")
    assert _readings(gcm)["objectives-with-results"] == [("2026-06-30", 1.0, "objective 1 reported")]


def test_export_unknown_pledge_and_bad_options(tracker: Tracker) -> None:
    """An unknown id is exit 4; a malformed --lang is exit 2."""
    assert tracker("export", "iati", "no-such-pledge").exit_code == 4
    assert tracker("export", "iati", "gcm-implementation-plan", "--lang", "english please").exit_code == 2
