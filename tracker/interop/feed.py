"""The Atom 1.0 feed (RFC 4287) of a published site: the latest entries, newest first, each linking to its pledge's page.

ElementTree escapes every text and attribute; characters XML cannot carry at all are dropped first. Nothing reads
the clock: the feed is a function of the database and the day, so the same state gives the same bytes.
"""

from __future__ import annotations

import re
import uuid
from datetime import UTC, date, datetime
from typing import Any
from urllib.parse import quote
from xml.etree import ElementTree as ET

from tracker import __version__
from tracker.interop.opendata import midnight
from tracker.store.bulk import latest_entries
from tracker.store.db import Database
from tracker.store.index import canonical
from tracker.views.site import public_name
from tracker.workspace import Settings

ATOM = "http://www.w3.org/2005/Atom"
FEED_FILE = "feed.xml"
# Entry ids are name-based UUIDs in this namespace: the same entry has the same id in every clone and every build.
NAMESPACE = uuid.UUID("5d1f3c2e-8a4b-5e6f-9c0d-7b1a2e3f4d5c")
FIELDS = {"due": "due date"}
NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
KINDS = {"reading": "Reading", "done": "Milestone done", "revision": "Revision", "retract": "Retraction"}


def atom_feed(db: Database, today: date, settings: Settings, title: str, base_url: str | None, limit: int = 50) -> str:
    """Return an Atom feed of the `limit` entries entered last, newest first, among those dated up to `today`.

    An entry dated after `today` is left out, as the site's statuses leave it out. `settings` belongs to the publishing
    call's shape; the feed needs nothing from it yet.
    """
    found = latest_entries(db, today.isoformat(), limit)
    updated = _instant(found[0]["recorded_at"]) if found else _stamp(midnight(today))
    feed = ET.Element("feed", {"xmlns": ATOM})
    _text(feed, "id", f"{_base(base_url)}{FEED_FILE}" if base_url else _urn(f"feed:{title}"))
    _text(feed, "title", title)
    _text(feed, "updated", updated)
    if base_url:
        ET.SubElement(feed, "link", {"rel": "self", "type": "application/atom+xml", "href": f"{_base(base_url)}{FEED_FILE}"})
    ET.SubElement(feed, "link", {"rel": "alternate", "type": "text/html", "href": _base(base_url) or "./"})
    _text(ET.SubElement(feed, "author"), "name", title)
    _text(feed, "generator", "pledge tracker").set("version", __version__)
    feed.extend(_entry(row, title, base_url) for row in found)
    ET.indent(feed, "  ")
    return '<?xml version="1.0" encoding="utf-8"?>\n' + ET.tostring(feed, encoding="unicode") + "\n"


def pledge_href(pledge_id: str, base_url: str | None) -> str:
    """Return the address of a pledge's page: absolute under `base_url`, else relative to the site's root."""
    return f"{_base(base_url)}pledges/{quote(pledge_id, safe='')}.html"


def _base(base_url: str | None) -> str:
    if not base_url:
        return ""
    return base_url if base_url.endswith("/") else base_url + "/"


def _entry(row: dict[str, Any], workspace: str, base_url: str | None) -> ET.Element:
    entry = ET.Element("entry")
    _text(entry, "id", _urn(row["entry_id"] or f"{row['kind']}:{row['pledge_id']}:{row['id']}"))
    _text(entry, "title", f"{_label(row)}: {row['title']}")
    _text(entry, "updated", _instant(row["recorded_at"]))
    _text(ET.SubElement(entry, "author"), "name", public_name(row["author"]) or workspace)
    ET.SubElement(entry, "link", {"rel": "alternate", "type": "text/html", "href": pledge_href(row["pledge_id"], base_url)})
    ET.SubElement(entry, "category", {"term": row["kind"]})
    _text(entry, "summary", summary(row)).set("type", "text")
    return entry


def _label(row: dict[str, Any]) -> str:
    if row["kind"] == "retract" and row["value"]:
        return "Correction"
    if row["kind"] == "update":
        return f"Status {row['value']}"
    kind: str = row["kind"]
    return KINDS.get(kind, kind)


def _text(parent: ET.Element, tag: str, text: str) -> ET.Element:
    child = ET.SubElement(parent, tag)
    child.text = NOT_XML.sub("", text)
    return child


def _urn(name: str) -> str:
    return uuid.uuid5(NAMESPACE, name).urn


def _instant(stored: str) -> str:
    """Return a stored instant as RFC 3339 in UTC, to the second."""
    moment = datetime.fromisoformat(stored)
    return _stamp(moment if moment.tzinfo else moment.replace(tzinfo=UTC))


def _stamp(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def summary(row: dict[str, Any]) -> str:
    """Return what an entry records, in plain text: the status, value, milestone, change or retraction, and its source."""
    kind, dated = row["kind"], f"on {row['date']}"
    if kind == "update":
        text = f"Reported {row['value']} {dated}: {row['note']}"
    elif kind == "reading":
        value = canonical(row["num"]) if row["num"] is not None else row["value"]
        text = f"{row['item_title'] or row['item']} = {value}{' ' + row['unit'] if row['unit'] else ''} {dated}"
        text += f" ({row['note']})" if row["note"] else ""
    elif kind == "done":
        text = f"Milestone “{row['item_title'] or row['item']}” done {dated}"
    elif kind == "retract":
        what = f"corrected (replaced by entry {row['value']})" if row["value"] else "retracted"
        text = f"Entry {row['item']} {what}: {row['note']}"
    else:
        item_kind, item, field = row["item"].split(":", 2)
        text = f"The {item_kind} {item}'s {FIELDS.get(field, field)} changed from {row['old'] or 'none'} to {row['value'] or 'none'}"
        text += f" ({row['note']})" if row["note"] else ""
    return text + (f". Source: {row['source']}" if row["source"] else "")
