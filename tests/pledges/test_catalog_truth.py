"""The bundled catalog says what the seeds say, and verdicts do not flatter: requests, events, partial measurement."""

from __future__ import annotations

import json
from pathlib import Path

from conftest import REPO, Tracker

from tracker.pledges.loader import load_folder

CATALOG = load_folder(REPO / "pledges")
TRAINING = "training for the sub-national administrations"


def test_unicef_owns_its_action_plans_and_jica_only_what_it_stated(tracker: Tracker) -> None:
    assert json.loads(tracker("show", "dd-reforms-unicef", "--json").stdout)["owner"] == "UNICEF"
    jica_pledges = [p for p in CATALOG.pledges.values() if "JICA" in p.owner and p.kind == "pledge"]
    assert jica_pledges, "JICA's own statement (policy advisers) stays a pledge"
    for pledge in jica_pledges:
        quotes = [s.quote for s in pledge.sources] + [s.quote for i in pledge.indicators for s in i.sources]
        assert not any(TRAINING in q or "road safety" in q for q in quotes), pledge.id


def test_requests_say_who_asked_whom(tracker: Tracker) -> None:
    """The minister's requests are requests: asked of JICA and of the government of Japan, by the minister."""
    training = json.loads(tracker("show", "japan-sna-training-request", "--json").stdout)
    assert (training["kind"], training["owner"], training["requested_by"]) == ("request", "Government of Japan", "Minister of Interior Sar Kheng")
    assert any(TRAINING in s["quote"] for s in training["sources"])
    assert "[request] The Minister of Interior" in tracker("report", "weekly", "--format", "md").stdout
    kinds = {r["id"]: r["kind"] for r in json.loads(tracker("status", "--json").stdout)}
    assert kinds["dd-reforms-jica-request"] == "request" and kinds["cdc-inter-ministerial-meeting"] == "event"
    assert kinds["gcm-implementation-plan"] == "pledge"


def test_the_next_imrf_is_dated_to_its_year_only(tracker: Tracker) -> None:
    """The seeds say only "(2026)": the next IMRF is 2026 with year precision, assumed, with the reason."""
    shown = json.loads(tracker("show", "gcm-implementation-plan", "--json", today="2026-06-01").stdout)
    imrf = next(r for r in shown["reviews"] if r["id"] == "imrf")
    assert (imrf["text"], imrf["precision"]) == ("2026", "year")
    assert CATALOG.reviews["imrf"].assumed and CATALOG.reviews["imrf"].reason


def test_targets_the_seeds_do_not_state_are_assumed() -> None:
    target = CATALOG.pledges["mine-action-csdg"].indicator("contaminated-area-remaining").target  # type: ignore[union-attr]
    assert target is not None and target.assumed and target.reason


def _indicator_pledge(root: Path, baseline: str, target: str, direction: str = "increase") -> Path:
    path = root / "pledges" / "two-indicators.yaml"
    path.write_text(f"""title: Two indicators
owner: Ministry of Testing
due: 2030
sources: [{{document: seed.txt, quote: "we will"}}]
indicators:
  - id: measured
    title: Clinics opened
    kind: number
    direction: {direction}
    baseline: {{value: {baseline}, date: 2020}}
    target: {{value: {target}, date: 2030}}
  - id: unmeasured
    title: Nurses trained
    kind: number
    baseline: {{value: 0, date: 2020}}
    target: {{value: 100, date: 2030}}
""", encoding="utf-8")
    return path


def test_a_target_behind_its_baseline_is_refused(tracker: Tracker) -> None:
    """An increase with the target below the baseline (or a decrease above it) would flatter any fall: exit 3, file:line."""
    path = _indicator_pledge(tracker.root, baseline="10", target="5")
    result = tracker("validate")
    assert result.exit_code == 3
    assert f"{path.name}:6: indicators.0: " in result.stderr and "below the baseline" in result.stderr
    _indicator_pledge(tracker.root, baseline="5", target="10", direction="decrease")
    assert "above the baseline" in tracker("validate").stderr


def test_a_partly_measured_pledge_is_neither_achieved_nor_good(tracker: Tracker) -> None:
    """One indicator met, one without readings: the assessed lens is not achieved, health not good, and both say why."""
    _indicator_pledge(tracker.root, baseline="0", target="5")
    assert tracker("record", "two-indicators", "measured", "6", "--date", "2026-01-01").exit_code == 0
    row = next(r for r in json.loads(tracker("status", "--json").stdout) if r["id"] == "two-indicators")
    assert row["assessed_status"] not in ("achieved", "no-data") and row["health"] != "good"
    assert (row["indicators_measured"], row["indicators_total"]) == (1, 2)
    assert any("Nurses trained" in reason for reason in row["health_reasons"])
    html = tracker("report", "weekly", "--format", "html").stdout
    assert "1 of 2 indicators measured" in html
