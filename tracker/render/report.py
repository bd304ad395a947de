"""The weekly report in its file formats: Markdown, HTML and JSON (streamed: a global portfolio's is 16 MB)."""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from typing import Any

from tracker.views.report import PledgeEntries


def render(data: dict[str, Any], fmt: str, pretty: bool = False) -> str:
    """Return the report in one of the file formats: md, html or json."""
    if fmt == "json":
        return "".join(json_chunks(data, pretty))
    if fmt == "html":
        from tracker.render.report_html import render_html

        return render_html(data)
    from tracker.render.markdown import render_markdown

    return render_markdown(data)


CHUNK = 500  # pledge entries per piece of JSON output


def json_chunks(data: dict[str, Any], pretty: bool = False) -> Iterator[str]:
    """Yield the report as JSON in pieces; compact output writes the pledge entries' JSON text as it is, one at a time."""
    pledges = data["pledges"]
    if pretty or not isinstance(pledges, PledgeEntries):
        # Indented JSON goes through the pure-Python encoder: ten times slower on a global portfolio.
        yield json.dumps({**data, "pledges": list(pledges)}, indent=2 if pretty else None, ensure_ascii=False) + "\n"
        return
    marker = f"\x00{os.urandom(16).hex()}"  # a placeholder no user text can contain
    head, tail = json.dumps({**data, "pledges": marker}, ensure_ascii=False).split(json.dumps(marker), 1)
    texts = pledges.texts
    yield head + "["
    for start in range(0, len(texts), CHUNK):
        yield (", " if start else "") + ", ".join(texts[start:start + CHUNK])
    yield "]" + tail + "\n"
