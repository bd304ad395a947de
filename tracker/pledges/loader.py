"""Read pledge files and the review calendar; report problems as `file:line: field: message`."""

from __future__ import annotations

import difflib
import os
import re
import typing
from collections.abc import Callable, Collection, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ValidationError

from tracker.errors import PledgeFileError
from tracker.pledges import yamlload
from tracker.pledges.layout import REVIEWS_FILE, pledge_paths
from tracker.pledges.models import Pledge, Review

_SLUG = re.compile(r"^[a-z0-9][a-z0-9-]{0,79}$")


@dataclass(frozen=True)
class Catalog:
    """Every pledge and review defined in a `pledges/` folder."""

    pledges: dict[str, Pledge]
    reviews: dict[str, Review]


MAX_FILE_BYTES = 1 << 20


def display(path: Path) -> str:
    """Return a path as users should see it: relative to the working directory when possible."""
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except (ValueError, OSError):
        return str(path)


def read_limited(path: Path) -> bytes:
    """Return a pledge file's bytes; one over MAX_FILE_BYTES is refused before it is read (FileNotFoundError passes)."""
    try:
        with path.open("rb") as handle:
            size = os.fstat(handle.fileno()).st_size
            raw = handle.read(MAX_FILE_BYTES + 1) if size <= MAX_FILE_BYTES else b""
    except FileNotFoundError:
        raise
    except OSError as exc:
        raise PledgeFileError([f"{display(path)}: cannot read: {exc.strerror}"]) from None
    if size > MAX_FILE_BYTES or len(raw) > MAX_FILE_BYTES:
        found = max(size, len(raw))
        raise PledgeFileError([f"{display(path)}:1: the file is {found:,} bytes; a pledge file holds at most {MAX_FILE_BYTES:,} bytes (1 MiB)"])
    return raw


def _read(path: Path) -> str:
    try:
        return read_limited(path).decode("utf-8")
    except UnicodeDecodeError as exc:
        raise PledgeFileError([f"{display(path)}:1: file is not UTF-8 text ({exc.reason})"]) from None
    except FileNotFoundError as exc:
        raise PledgeFileError([f"{display(path)}: cannot read: {exc.strerror}"]) from None


def _load_tree(path: Path, text: str) -> Any:
    try:
        return yamlload.load(text)
    except yamlload.YamlProblem as exc:
        where = f"{display(path)}:{exc.line}" if exc.line else display(path)
        raise PledgeFileError([f"{where}: {exc.message}"]) from None


def _format_errors(path: Path, tree: Any, error: ValidationError, model: type[BaseModel], prefix: str = "") -> list[str]:
    problems: list[tuple[int, str]] = []
    for item in error.errors(include_url=False):
        loc = tuple(item["loc"])
        line, depth = yamlload.walk(tree, loc)
        field = prefix + ".".join(str(part) for part in loc[:depth]) or "(file)"
        message = item["msg"].removeprefix("Value error, ")
        if item["type"] == "extra_forbidden" and loc:
            message = _unknown_key(str(loc[-1]), keys_at(model, loc))
        problems.append((line or 1, f"{display(path)}:{line or 1}: {field}: {message}"))
    return [text for _, text in sorted(problems, key=lambda found: found[0])]  # in the order of the file


def _unknown_key(key: str, known: list[str]) -> str:
    """Say that a key is unknown and name the one probably meant (a misspelling), else the keys allowed there."""
    close = difflib.get_close_matches(key.casefold(), known, n=1, cutoff=0.6)
    if close:
        return f"unknown key; did you mean {close[0]}?"
    return f"unknown key (known: {', '.join(known)})" if known else "unknown key"


def keys_at(model: type[BaseModel], loc: tuple[int | str, ...]) -> list[str]:
    """Return the keys a file may use where the last part of a pydantic error `loc` is (the id is never a key at the top)."""
    current: type[BaseModel] | None = model
    for part in loc[:-1]:
        if isinstance(part, int):
            continue  # an item of a list: the list's own model
        if current is None or part not in current.model_fields:
            return []
        current = _model_in(current.model_fields[part].annotation)
    if current is None:
        return []
    return [name for name in current.model_fields if not (name == "id" and len(loc) == 1)]


def _model_in(annotation: Any) -> type[BaseModel] | None:
    """Return the model a field holds, looking inside lists, optionals and annotations."""
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    for arg in typing.get_args(annotation):
        found = _model_in(arg)
        if found is not None:
            return found
    return None


def parse_pledge(path: Path, text: str | None = None) -> Pledge:
    """Parse and validate one pledge file; its id is the file stem. Every problem of the file is reported at once."""
    text = _read(path) if text is None else text
    tree = _load_tree(path, text)
    if not isinstance(tree, dict):
        raise PledgeFileError([f"{display(path)}:1: (file): expected a mapping of pledge fields"])
    problems = []
    if not _SLUG.match(path.stem):
        problems.append(f"{display(path)}:1: id: file name must be a lowercase id such as gcm-plan.yaml")
    if "id" in tree:
        line = yamlload.locate(tree, ("id",)) or 1
        problems.append(f"{display(path)}:{line}: id: the pledge id is the file name; remove this key")
    fields = {key: value for key, value in tree.items() if key != "id"}
    try:
        # A file name that is no id is reported above; the fields are still checked, under a stand-in id.
        pledge = Pledge.model_validate({**fields, "id": path.stem if _SLUG.match(path.stem) else "unnamed"})
    except ValidationError as exc:
        problems += _format_errors(path, tree, exc, Pledge)
    if problems:
        raise PledgeFileError(problems)
    return pledge


def parse_reviews(path: Path, text: str | None = None) -> dict[str, Review]:
    """Parse the review calendar: a mapping of review id to its definition."""
    if text is None and not path.exists():
        return {}
    text = _read(path) if text is None else text
    tree = _load_tree(path, text)
    if tree is None:
        return {}
    if not isinstance(tree, dict):
        raise PledgeFileError([f"{display(path)}:1: (file): expected a mapping of review ids"])
    reviews, problems = {}, []
    for key, body in tree.items():
        try:
            if not isinstance(body, dict):
                raise PledgeFileError([f"{display(path)}:{yamlload.locate(tree, (key,))}: {key}: expected a mapping"])
            reviews[str(key)] = Review.model_validate({**body, "id": key})
        except ValidationError as exc:
            problems += _format_errors(path, body, exc, Review, prefix=f"{key}.")
        except PledgeFileError as exc:
            problems += exc.problems
    if problems:
        raise PledgeFileError(problems)
    return reviews


def check_references(pledges: Iterable[tuple[Path, Sequence[str]]], reviews: Collection[str]) -> list[str]:
    """Return a problem line for every review id a pledge file names (path, its review ids) that the calendar lacks."""
    problems = []
    for path, named in pledges:
        for index, review_id in enumerate(named):
            if review_id not in reviews:
                known = ", ".join(sorted(reviews)) or "none defined"
                problems.append(
                    f"{display(path)}:{_line(path, ('reviews', index))}: reviews.{index}: "
                    f"unknown review {review_id!r} (known: {known})"
                )
    return problems


def _line(path: Path, loc: tuple[int | str, ...]) -> int:
    try:
        return yamlload.locate(yamlload.load(_read(path)), loc) or 1
    except (yamlload.YamlProblem, PledgeFileError):
        return 1


def load_folder(folder: Path) -> Catalog:
    """Parse every file of a pledges folder, raising one PledgeFileError listing all problems."""
    pledges: dict[str, Pledge] = {}
    reviews = _check(folder, lambda pledge: pledges.__setitem__(pledge.id, pledge))
    return Catalog(pledges, reviews)


def check_folder(folder: Path) -> tuple[int, int]:
    """Check every file of a pledges folder without keeping the parsed pledges; return how many pledges and reviews."""
    count = 0

    def seen(_: Pledge) -> None:
        nonlocal count
        count += 1

    reviews = _check(folder, seen)
    return count, len(reviews)


def _check(folder: Path, keep: Callable[[Pledge], None]) -> dict[str, Review]:
    """Parse every file, hand each valid pledge to `keep`, raise one PledgeFileError listing all problems."""
    problems: list[str] = []
    references: list[tuple[Path, Sequence[str]]] = []
    reviews: dict[str, Review] | None = {}
    try:
        reviews = parse_reviews(folder / REVIEWS_FILE)
    except PledgeFileError as exc:
        problems += exc.problems
        reviews = None  # a broken calendar is reported once, not again as every review a pledge names
    seen: dict[str, Path] = {}
    for path in pledge_paths(folder):
        if path.stem in seen:
            problems.append(f"{display(path)}:1: id: {path.stem!r} is also defined by {display(seen[path.stem])}")
            continue
        seen[path.stem] = path
        try:
            pledge = parse_pledge(path)
        except PledgeFileError as exc:
            problems += exc.problems
            continue
        references.append((path, pledge.reviews))
        keep(pledge)
    if reviews is not None:
        problems += check_references(references, reviews)
    if problems or reviews is None:
        raise PledgeFileError(problems)
    return reviews
