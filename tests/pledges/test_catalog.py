"""The bundled catalog: valid, sourced verbatim from the seed documents, and shipped for `tracker init`."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from conftest import REPO, run_process

from tracker.pledges.loader import load_folder
from tracker.pledges.yamlload import load

SEEDS = REPO / "tests" / "data" / "seeds"


def _sources(item: dict) -> list[dict]:  # type: ignore[type-arg]
    found = list(item.get("sources", []))
    for child in item.get("milestones", []) + item.get("indicators", []):
        found += child.get("sources", [])
    return found


def test_catalog_is_valid_and_large_enough() -> None:
    """Every bundled file validates, with at least ten pledges."""
    catalog = load_folder(REPO / "pledges")
    assert len(catalog.pledges) >= 10
    assert "imrf" in catalog.reviews


@pytest.mark.parametrize("path", sorted((REPO / "pledges").glob("*.yaml")), ids=lambda p: p.name)
def test_every_quote_is_verbatim_from_its_seed(path: Path) -> None:
    """Each source quote appears word for word in the seed document it names."""
    data = load(path.read_text(encoding="utf-8"))
    items = data.values() if path.name.startswith("_") else [data]
    for item in items:
        sources = _sources(item)
        assert sources or path.name.startswith("_"), f"{path.name} cites no source"
        for source in sources:
            assert (SEEDS / source["document"]).is_file(), source["document"]
            assert source["quote"] in (SEEDS / source["document"]).read_text(encoding="utf-8"), source["quote"]


def test_every_seed_is_used() -> None:
    """The catalog draws on every seed document."""
    cited = set()
    for path in (REPO / "pledges").glob("*.yaml"):
        data = load(path.read_text(encoding="utf-8"))
        for item in data.values() if path.name.startswith("_") else [data]:
            cited |= {s["document"] for s in _sources(item)}
    assert cited >= {p.name for p in SEEDS.glob("*.txt")}


def test_the_three_imrf_pledges_are_there() -> None:
    """The three IMRF pledges are reviewed at the IMRF; the GCM plan, with its two-year Action Plan, is due at the end of 2027."""
    catalog = load_folder(REPO / "pledges")
    imrf = {p.id for p in catalog.pledges.values() if "imrf" in p.reviews}
    assert {"gcm-implementation-plan", "migrant-health-policy", "children-on-the-move-civil-documentation"} <= imrf
    gcm = catalog.pledges["gcm-implementation-plan"]
    assert gcm.due.date.end.isoformat() == "2027-12-31" and gcm.due.assumed
    assert all(m.due.end <= gcm.due.date.end for m in gcm.milestones), "its milestones fall within its due date"


def test_assumed_dates_carry_reasons() -> None:
    """No date is assumed silently."""
    catalog = load_folder(REPO / "pledges")
    for pledge in catalog.pledges.values():
        for assumable in [pledge.due, *(m for m in pledge.milestones)]:
            assert not assumable.assumed or assumable.reason


def test_init_scaffolds_a_working_workspace(tmp_path: Path) -> None:
    """`tracker init DIR` copies the catalog; status then runs inside it."""
    result = run_process("init", str(tmp_path / "new"), cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "new" / "tracker.toml").is_file() and (tmp_path / "new" / "reports").is_dir()
    status = run_process("status", "--json", cwd=tmp_path / "new", env={"TRACKER_TODAY": "2026-11-23"})
    assert len(json.loads(status.stdout)) >= 10
    again = run_process("init", str(tmp_path / "new"), cwd=tmp_path)
    assert again.returncode == 1 and "already holds a workspace" in again.stderr


def test_init_empty_has_only_the_review_calendar(tmp_path: Path) -> None:
    """`tracker init --empty` gives a workspace with no pledges."""
    assert run_process("init", "--empty", str(tmp_path / "e"), cwd=tmp_path).returncode == 0
    assert [p.name for p in (tmp_path / "e" / "pledges").iterdir()] == ["_reviews.yaml"]
    assert run_process("status", "--json", cwd=tmp_path / "e").stdout.strip() == "[]"
