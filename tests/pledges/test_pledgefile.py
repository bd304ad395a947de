"""Parsing pledge files: safe YAML, clear positions, Unicode welcome."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from conftest import Tracker
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tracker.errors import PledgeFileError
from tracker.pledges.loader import check_folder, parse_pledge

MINIMAL = "title: {title}\nowner: Ministry\ndue: 2027\nsources: [{{document: a.txt, quote: q}}]\n"


def _write(tmp_path: Path, text: str, name: str = "p.yaml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_khmer_title_loads(tmp_path: Path) -> None:
    """Khmer script is ordinary text."""
    pledge = parse_pledge(_write(tmp_path, MINIMAL.format(title="ផែនការជាតិ")))
    assert pledge.title == "ផែនការជាតិ"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("a: &x [1]\nb: *x\n", "anchors and aliases"),
        ("title: !!python/name:os.system x\n", "YAML tags"),
        ("- just\n- a list\n", "expected a mapping"),
        (MINIMAL.format(title="x") + "id: other\n", "the pledge id is the file name"),
        (MINIMAL.format(title='"bell \\a"'), "control characters"),
        (MINIMAL.format(title="x") + "contacts: [not-an-email]\n", "contacts.0"),
    ],
)
def test_unsafe_or_odd_files_are_refused(tmp_path: Path, text: str, message: str) -> None:
    """Aliases, tags, wrong shapes, an id key, control characters and bad e-mails are refused with a position."""
    with pytest.raises(PledgeFileError) as caught:
        parse_pledge(_write(tmp_path, text))
    assert message in str(caught.value)
    assert str(caught.value).startswith(str(tmp_path / "p.yaml") + ":") or "p.yaml:" in str(caught.value)


def test_file_name_must_be_an_id(tmp_path: Path) -> None:
    """The file stem is the id, so it must be a lowercase slug."""
    with pytest.raises(PledgeFileError, match="file name must be a lowercase id"):
        parse_pledge(_write(tmp_path, MINIMAL.format(title="x"), name="Bad Name.yaml"))


@settings(max_examples=150, suppress_health_check=[HealthCheck.function_scoped_fixture], deadline=None)
@given(st.text(max_size=400))
def test_any_text_loads_or_fails_cleanly(tmp_path: Path, text: str) -> None:
    """Arbitrary text is either a pledge or a PledgeFileError naming the file; nothing else escapes."""
    path = tmp_path / "fuzz.yaml"
    path.write_bytes(text.encode("utf-8", "surrogatepass"))
    try:
        parse_pledge(path)
    except PledgeFileError as exc:
        assert all("fuzz.yaml" in line for line in exc.problems)


def test_control_characters_in_list_items_are_refused(tmp_path: Path) -> None:
    """A bell hidden in a partner name is as unwelcome as one in the title."""
    with pytest.raises(PledgeFileError, match="control characters"):
        parse_pledge(_write(tmp_path, MINIMAL.format(title="x") + 'partners: ["a\\u0007b"]\n'))


def test_validate_and_doctor_count_what_they_checked(tracker: Tracker) -> None:
    """`validate` and `doctor` check the files without keeping them, and still say how many were valid."""
    result = tracker("validate")
    assert result.exit_code == 0
    assert result.stdout.strip() == "ok: 14 pledges and 3 reviews are valid"
    assert tracker("status").exit_code == 0  # doctor checks a database that exists
    doctor = tracker("doctor", "--json")
    checks = {c["check"]: c["detail"] for c in json.loads(doctor.stdout)}
    assert checks["pledge files"] == "14 pledges and 3 reviews are valid"
    assert check_folder(tracker.root / "pledges") == (14, 3)


def test_the_folder_digest_skips_what_is_not_a_pledge_file(tmp_path: Path) -> None:
    """A dangling link, a folder named like a pledge, notes and hidden files do not count; a missing folder is empty."""
    from tracker.pledges.layout import scan

    folder = tmp_path / "pledges"
    folder.mkdir()
    (folder / "a-pledge.yaml").write_text("title: x\n", encoding="utf-8")
    before = scan(folder)
    (folder / "gone.yaml").symlink_to(tmp_path / "nowhere.yaml")
    (folder / "folder.yaml").mkdir()
    (folder / "notes.txt").write_text("x", encoding="utf-8")
    (folder / ".hidden.yaml").write_text("x", encoding="utf-8")
    assert scan(folder) == before
    states: dict[str, tuple[int, int]] = {}
    assert scan(folder, states) == before and list(states) == ["a-pledge.yaml"]
    assert scan(tmp_path / "missing") == scan(tmp_path / "empty-too")
