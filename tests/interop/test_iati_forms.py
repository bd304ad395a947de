"""Forms published IATI files use that the import once refused or dropped: each one imports, or fails in one line."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from conftest import Tracker

from tracker.pledges.loader import parse_pledge
from tracker.pledges.models import Pledge

PUBLISHED = Path(__file__).resolve().parents[1] / "data" / "iati-published"
OXFAM = PUBLISHED / "oxfam-novib-fair-finance-asia.xml"

ACTIVITY = """<?xml version="1.0" encoding="UTF-8"?>
{doctype}<iati-activities version="2.03">
  <iati-activity xml:lang="en">
    <iati-identifier>{identifier}</iati-identifier>
    <reporting-org ref="XM-DAC-41122" type="40"><narrative>UNICEF</narrative></reporting-org>
    <title><narrative>Social services for children</narrative></title>
    <description><narrative>A test activity</narrative></description>
    <participating-org role="1"><narrative>Donor</narrative></participating-org>
    <activity-status code="2"/>
    <activity-date type="3" iso-date="2027-12-31"/>
    <recipient-country code="KH" percentage="100"/>
    <result type="1">
      <title><narrative>Children reach services</narrative></title>
      <indicator {measure} ascending="1">
        <title><narrative>Children reached</narrative></title>
        {values}
      </indicator>
    </result>
  </iati-activity>
</iati-activities>
"""


def _write(tmp_path: Path, values: str, measure: str = 'measure="1"', doctype: str = "", identifier: str = "XM-TEST-1") -> Path:
    path = tmp_path / "activity.xml"
    path.write_text(ACTIVITY.format(values=values, measure=measure, doctype=doctype, identifier=identifier), encoding="utf-8")
    return path


def _import(tracker: Tracker, path: Path, *args: str) -> Any:
    result = tracker("import", "iati", str(path), "--id", "forms", *args)
    assert result.exit_code == 0, result.stderr
    return result


def _pledge(tracker: Tracker) -> Pledge:
    return parse_pledge(tracker.root / "pledges" / "forms.yaml")


def _readings(tracker: Tracker) -> list[tuple[str, Any, Any]]:
    shown = json.loads(tracker("show", "forms", "--json").stdout)
    return [(r["date"], r["value"], r["note"]) for i in shown["indicators"] for r in i["readings"]]


def _refused(tracker: Tracker, path: Path, *args: str) -> str:
    """Run an import that must fail with exit 2 and one `error:` line, changing nothing; return the line."""
    assert tracker("sync").exit_code == 0
    before = (tracker.db_dump(), sorted(p.name for p in (tracker.root / "pledges").iterdir()))
    result = tracker("import", "iati", str(path), "--id", "forms", *args)
    assert result.exit_code == 2
    lines = result.stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: "), result.stderr
    assert (tracker.db_dump(), sorted(p.name for p in (tracker.root / "pledges").iterdir())) == before
    return lines[0]


PERIOD = """<period><period-start iso-date="2024-01-01"/><period-end iso-date="2024-12-31"/>{inner}</period>"""


# --- 1. a value whose only breakdown is one location is the total --------------------------------------------------


def test_a_lone_value_with_one_location_is_the_total(tracker: Tracker, tmp_path: Path) -> None:
    """Baseline, target and actual each given once, tagged with a location: they are the totals."""
    values = ('<baseline year="2023" value="12"><location ref="KH-12"/></baseline>'
              + PERIOD.format(inner='<target value="40"><location ref="KH-12"/></target>'
                                    '<actual value="31"><location ref="KH-12"/></actual>'))
    result = _import(tracker, _write(tmp_path, values))
    assert "3 value(s) given for a single location taken as the total" in result.stderr
    assert "disaggregated" not in result.stderr
    indicator = _pledge(tracker).indicators[0]
    assert indicator.baseline is not None and indicator.target is not None
    assert (indicator.baseline.value, indicator.target.value) == (12, 40)
    assert _readings(tracker) == [("2024-12-31", 31.0, None)]


def test_the_value_for_the_recipient_country_is_the_total_among_located_values(tracker: Tracker, tmp_path: Path) -> None:
    """Of several located actuals, the one for the activity's only recipient country is the total; the others are parts."""
    values = PERIOD.format(inner='<target value="40"><location ref="KH"/></target><target value="10"><location ref="KH-12"/></target>'
                                 '<actual value="31"><location ref="kh"/></actual><actual value="5"><location ref="KH-12"/></actual>')
    result = _import(tracker, _write(tmp_path, values))
    assert "2 value(s) given for a single location taken as the total" in result.stderr
    assert "2 disaggregated value(s) (with location or dimension) skipped" in result.stderr
    indicator = _pledge(tracker).indicators[0]
    assert indicator.target is not None and indicator.target.value == 40
    assert _readings(tracker) == [("2024-12-31", 31.0, None)]


@pytest.mark.parametrize(
    "inner",
    [
        '<actual value="31"><location ref="KH-12"/></actual><actual value="5"><location ref="KH-13"/></actual>',
        '<actual value="31"><location ref="KH"/><dimension name="sex" value="female"/></actual>',
        '<actual value="31"><location ref="KH-12"/><location ref="KH-13"/></actual>',
        '<actual value="36"/><actual value="31"><location ref="KH"/></actual>',
    ],
    ids=["parts-of-the-country", "with-a-dimension", "two-locations", "beside-a-plain-total"],
)
def test_real_disaggregations_are_still_skipped(tracker: Tracker, tmp_path: Path, inner: str) -> None:
    """Values split by several places, by a dimension, or next to a plain total are not taken as the total."""
    result = _import(tracker, _write(tmp_path, PERIOD.format(inner=inner)))
    assert "disaggregated value(s) (with location or dimension) skipped" in result.stderr
    assert _readings(tracker) == ([("2024-12-31", 36.0, None)] if 'value="36"' in inner else [])


# --- 2. measure="" ---------------------------------------------------------------------------------------------------


def test_an_empty_measure_is_taken_as_unit_with_a_warning(tracker: Tracker, tmp_path: Path) -> None:
    """measure="" is read as 1 (unit): a number indicator, and said so."""
    values = PERIOD.format(inner='<target value="40"/><actual value="31"/>')
    result = _import(tracker, _write(tmp_path, values, measure='measure=""'))
    assert ("warning: activity.xml: result 1, indicator 1 ('Children reached'): empty @measure taken as 1 (unit)"
            in result.stderr.splitlines())
    indicator = _pledge(tracker).indicators[0]
    assert indicator.kind == "number"
    assert _readings(tracker) == [("2024-12-31", 31.0, None)]


def test_a_missing_measure_is_still_refused(tracker: Tracker, tmp_path: Path) -> None:
    """Without the attribute at all the schema is broken: nothing is guessed (see test_iati.py for the message)."""
    result = tracker("import", "iati", str(_write(tmp_path, PERIOD.format(inner='<actual value="31"/>'), measure="")), "--id", "forms")
    assert result.exit_code == 2
    assert "@measure is missing" in result.stderr


# --- 3. the result title and the indicator description are kept -----------------------------------------------------


def test_result_title_and_indicator_description_are_in_the_title(tracker: Tracker, tmp_path: Path) -> None:
    """`Result title — indicator title: description`; the id still comes from the indicator's own title."""
    path = _write(tmp_path, "<description><narrative>Children under five who received a home visit</narrative></description>"
                  + PERIOD.format(inner='<target value="40"/>'))
    _import(tracker, path)
    indicator = _pledge(tracker).indicators[0]
    assert indicator.title == "Children reach services — Children reached: Children under five who received a home visit"
    assert indicator.id == "children-reached"


def test_a_real_indicator_titled_only_by_its_code(tracker: Tracker) -> None:
    """Oxfam Novib's `2410-A` says nothing; its result title and description say what is counted."""
    _import(tracker, OXFAM, "--activity", "NL-KVK-27108436-A-05001-22:VN")
    indicator = _pledge(tracker).indicator("2410-a")
    assert indicator is not None
    assert indicator.title == ("2410 — 2410-A: pieces of evidence (documents, studies, videos, testimonies etc.) produced by "
                               "Oxfam Novib and partners in support of development/adoption of alternative policies/approaches")


def test_an_indicator_with_only_a_description_is_named_by_it(tracker: Tracker, tmp_path: Path) -> None:
    """No indicator title: the result title and the description still give it a title."""
    text = _write(tmp_path, PERIOD.format(inner='<target value="40"/>')).read_text(encoding="utf-8")
    text = text.replace("<title><narrative>Children reached</narrative></title>",
                        "<description><narrative>Children reached at home</narrative></description>")
    path = tmp_path / "activity.xml"
    path.write_text(text, encoding="utf-8")
    _import(tracker, path)
    assert _pledge(tracker).indicators[0].title == "Children reach services: Children reached at home"


# --- 4. a target or actual without @value but with a comment is reported -----------------------------------------------


def test_values_without_value_but_with_a_comment_are_reported(tracker: Tracker, tmp_path: Path) -> None:
    """Each is a warning naming the indicator and the period; bare empty values are counted."""
    values = (PERIOD.format(inner='<target value=""><comment><narrative>To be set with the ministry</narrative></comment></target>'
                                  '<actual><comment><narrative>Survey delayed to 2025</narrative></comment></actual>')
              + '<period><period-start iso-date="2025-01-01"/><period-end iso-date="2025-12-31"/>'
                '<target value="40"/><actual value=""/></period>')
    result = _import(tracker, _write(tmp_path, values))
    lines = result.stderr.splitlines()
    where = "warning: activity.xml: result 1, indicator 1 ('Children reached'), period ending 2024-12-31: "
    assert where + "the target has no @value, only the comment 'To be set with the ministry'; not imported" in lines
    assert where + "the actual has no @value, only the comment 'Survey delayed to 2025'; not imported" in lines
    assert "warning: 1 target(s) or actual(s) without @value or comment skipped" in lines
    assert _readings(tracker) == []
    indicator = _pledge(tracker).indicators[0]
    assert indicator.target is not None and indicator.target.value == 40


def test_json_carries_the_same_warnings(tracker: Tracker, tmp_path: Path) -> None:
    """--json lists the warning too, so scripts see what was not imported."""
    values = PERIOD.format(inner='<actual value=""><comment><narrative>Not measured</narrative></comment></actual>')
    result = _import(tracker, _write(tmp_path, values), "--json")
    warnings = json.loads(result.stdout)["warnings"]
    assert any("period ending 2024-12-31: the actual has no @value, only the comment 'Not measured'" in w for w in warnings)


# --- 5. IATI 1.0x text without <narrative> -----------------------------------------------------------------------------


def test_text_directly_inside_elements_imports(tracker: Tracker, tmp_path: Path) -> None:
    """A 1.0x activity: titles, descriptions, organisations and comments are text, dates are named types."""
    path = tmp_path / "v1.xml"
    path.write_text("""<?xml version="1.0"?>
<iati-activities version="1.05">
  <iati-activity xml:lang="en">
    <iati-identifier>XM-TEST-V1</iati-identifier>
    <reporting-org ref="XM-TEST" type="21">Test NGO</reporting-org>
    <title>Wells for schools</title>
    <description type="1">Drilling wells at rural schools</description>
    <participating-org role="Implementing">District Water Office</participating-org>
    <activity-date type="start-planned" iso-date="2013-01-01"/>
    <activity-date type="end-planned" iso-date="2015-12-31"/>
    <result type="output">
      <title>Schools have water</title>
      <indicator measure="unit">
        <title>Wells drilled</title>
        <description>Wells drilled and working</description>
        <baseline year="2012" value="0"><comment>None before</comment></baseline>
        <period><period-start iso-date="2013-01-01"/><period-end iso-date="2013-12-31"/>
          <target value="20"/><actual value="14"><comment>Rains delayed drilling</comment></actual></period>
      </indicator>
    </result>
  </iati-activity>
</iati-activities>
""", encoding="utf-8")
    _import(tracker, path)
    pledge = _pledge(tracker)
    assert (pledge.title, pledge.owner, pledge.summary, pledge.partners) == (
        "Wells for schools", "Test NGO", "Drilling wells at rural schools", ["District Water Office"])
    assert pledge.start is not None and (str(pledge.start.date), str(pledge.due.date)) == ("2013-01-01", "2015-12-31")
    indicator = pledge.indicators[0]
    assert indicator.title == "Schools have water — Wells drilled: Wells drilled and working"
    assert indicator.kind == "number"
    assert _readings(tracker) == [("2013-12-31", 14.0, "Rains delayed drilling")]


# --- 6. a DOCTYPE naming an external DTD is refused --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("doctype", "named"),
    [
        ('<!DOCTYPE iati-activities SYSTEM "http://127.0.0.1:9/iati.dtd">\n', "http://127.0.0.1:9/iati.dtd"),
        ('<!DOCTYPE iati-activities PUBLIC "-//IATI//DTD Activities//EN" "file:///etc/passwd">\n', "file:///etc/passwd"),
        ('<!DOCTYPE iati-activities PUBLIC "-//IATI//DTD Activities//EN" "iati.dtd" []>\n', "iati.dtd"),
    ],
    ids=["system", "public", "public-with-internal-subset"],
)
def test_a_doctype_naming_an_external_dtd_is_refused(tracker: Tracker, tmp_path: Path, doctype: str, named: str) -> None:
    """As the README says: one line naming the DTD, exit 2, nothing written."""
    line = _refused(tracker, _write(tmp_path, PERIOD.format(inner='<actual value="31"/>'), doctype=doctype))
    assert line == (f"error: activity.xml: refused: the DOCTYPE names the external DTD {named!r}, which could read local "
                    "files or the network; IATI files need none; nothing was imported")


def test_a_doctype_without_external_dtd_is_harmless(tracker: Tracker, tmp_path: Path) -> None:
    """`<!DOCTYPE iati-activities>` declares nothing and reads nothing: the file imports."""
    _import(tracker, _write(tmp_path, PERIOD.format(inner='<actual value="31"/>'), doctype="<!DOCTYPE iati-activities>\n"))
    assert _readings(tracker) == [("2024-12-31", 31.0, None)]


# --- 7. duplicate iati-identifiers -------------------------------------------------------------------------------------


def test_duplicate_identifiers_are_an_error_naming_them(tracker: Tracker, tmp_path: Path) -> None:
    """Two activities with one identifier: refused (with or without --activity), naming the identifier."""
    text = OXFAM.read_text(encoding="utf-8").replace("NL-KVK-27108436-A-05001-08:PK", "NL-KVK-27108436-A-05001-22:VN")
    path = tmp_path / "twice.xml"
    path.write_text(text, encoding="utf-8")
    message = ("error: twice.xml: refused: the iati-identifier 'NL-KVK-27108436-A-05001-22:VN' occurs more than once in "
               "the file; an identifier must name one activity, so which to import is ambiguous; nothing was imported")
    assert _refused(tracker, path) == message
    assert _refused(tracker, path, "--activity", "NL-KVK-27108436-A-05001-22:VN") == message
