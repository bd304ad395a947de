"""IATI 2.03 XML: the codelists both directions use, safe reading of activity files, and their texts.

Reading goes through defusedxml: entity declarations (billion laughs, external entities reading local files) and
external references are refused before any content is used.
"""

from __future__ import annotations

import re
import unicodedata
from pathlib import Path
from xml.etree import ElementTree as ET  # types only: every parse goes through defusedxml

from defusedxml import ElementTree as SafeET
from defusedxml import EntitiesForbidden, ExternalReferenceForbidden

from tracker.errors import UsageError

XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
IATI_VERSION = "2.03"
# IndicatorMeasure codelist (2.03): 1 unit, 2 percentage, 3 nominal, 4 ordinal, 5 qualitative.
MEASURE_KIND = {"1": "number", "2": "percent", "3": "qualitative", "4": "qualitative", "5": "qualitative"}
MEASURE_NAMES = {"unit": "1", "percentage": "2", "nominal": "3", "ordinal": "4", "qualitative": "5"}
# ResultType codelist: 1 output, 2 outcome, 3 impact, 9 other.
RESULT_TYPES = {"output": "1", "outcome": "2", "impact": "3", "other": "9"}
# Reported status -> ActivityStatus codelist (1 pipeline, 2 implementation, 3 finalisation, 4 closed, 5 cancelled).
ACTIVITY_STATUS = {
    "not-started": "1", "in-progress": "2", "stalled": "2", "achieved": "3", "partly-achieved": "3", "missed": "3", "withdrawn": "5",
}
ROLE_ACCOUNTABLE, ROLE_IMPLEMENTING = "2", "4"
OWN_VOCABULARY = "99"  # IndicatorVocabulary: the reporting organisation's own codes
START_TYPES, END_TYPES = ("2", "1"), ("3", "4")  # actual start before planned start; planned end before actual end
TEXT_MAX, SUMMARY_MAX, INDICATOR_ID_MAX = 2000, 10000, 48
_UNWANTED = re.compile(r"[\x00-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
_STOPWORDS = {"a", "an", "and", "at", "by", "for", "in", "of", "on", "or", "the", "to", "with"}


def read_activities(path: Path) -> list[ET.Element]:
    """Parse an IATI activity file safely and return its `iati-activity` elements, or raise UsageError."""
    name = path.name
    try:
        tree = SafeET.parse(path, forbid_dtd=False, forbid_entities=True, forbid_external=True)
    except EntitiesForbidden as exc:
        if exc.sysid:
            raise UsageError(f"{name}: refused: the file declares the external entity {exc.name!r} ({clean(exc.sysid)[:200]}), "
                             "which could read local files or the network; nothing was imported") from None
        raise UsageError(f"{name}: refused: the file declares the entity {exc.name!r}; entities can expand without limit "
                         "(billion laughs), and IATI files never need them; nothing was imported") from None
    except ExternalReferenceForbidden as exc:
        raise UsageError(f"{name}: refused: the file refers to the external resource {clean(exc.sysid or '')[:200]!r}; "
                         "nothing was imported") from None
    except SafeET.ParseError as exc:
        raise UsageError(f"{name}: not well-formed XML ({exc})") from None
    except OSError as exc:
        raise UsageError(f"{name}: cannot read: {exc.strerror}") from None
    root = tree.getroot()
    if root is None or root.tag != "iati-activities":
        tag = clean(str(root.tag))[:80] if root is not None else ""
        raise UsageError(f"{name}: not an IATI activity file: the root element is <{tag}>, not <iati-activities>")
    activities = root.findall("iati-activity")
    if not activities:
        raise UsageError(f"{name}: holds no <iati-activity>")
    return activities


def choose_activity(activities: list[ET.Element], wanted: str | None, file_name: str) -> ET.Element:
    """Return the activity named by --activity, the only one, or raise UsageError listing the choices."""
    ids = [identifier_of(a) for a in activities]
    if wanted is not None:
        for activity, identifier in zip(activities, ids, strict=True):
            if identifier == wanted.strip():
                return activity
        shown = ", ".join(i or "(no identifier)" for i in ids[:20]) + (f" and {len(ids) - 20} more" if len(ids) > 20 else "")
        raise UsageError(f"{file_name}: no activity {wanted!r}; it holds {shown}")
    if len(activities) == 1:
        return activities[0]
    lines = [f"{file_name} holds {len(activities)} activities; choose one with --activity IDENTIFIER:"]
    for activity, identifier in list(zip(activities, ids, strict=True))[:50]:
        title = narrative(activity.find("title"), lang_of(activity)) or "(no title)"
        lines.append(f"  {identifier or '(no identifier)'}  {truncate(title, 100)}")
    if len(activities) > 50:
        lines.append(f"  ... and {len(activities) - 50} more")
    raise UsageError("\n".join(lines))


def summary_of(activity: ET.Element, lang: str | None) -> str | None:
    descriptions = activity.findall("description")
    general = [d for d in descriptions if (d.get("type") or "1").strip() == "1"]
    for element in general + descriptions:
        text = narrative(element, lang)
        if text:
            return text
    return None


def partners_of(activity: ET.Element, lang: str | None, owner: str) -> list[str]:
    partners: list[str] = []
    for element in activity.findall("participating-org"):
        name = org_name(element, lang)
        if name and name != owner and truncate(name, TEXT_MAX) not in partners:
            partners.append(truncate(name, TEXT_MAX))
    return partners


def org_name(element: ET.Element | None, lang: str | None) -> str | None:
    if element is None:
        return None
    return narrative(element, lang) or clean(element.get("ref") or "") or None


def identifier_of(activity: ET.Element) -> str:
    return clean(activity.findtext("iati-identifier") or "")


def lang_of(activity: ET.Element) -> str | None:
    return activity.get(XML_LANG)


def narrative(parent: ET.Element | None, lang: str | None) -> str | None:
    """Return the English narrative of an element (own xml:lang, else the activity's), else its first non-empty one."""
    if parent is None:
        return None
    found = [((n.get(XML_LANG) or lang or "").strip().lower(), clean(n.text or "")) for n in parent.findall("narrative")]
    found = [(code, text) for code, text in found if text]
    for code, text in found:
        if code == "en" or code.startswith("en-"):
            return text
    return found[0][1] if found else None


def clean(text: str) -> str:
    """Return text on one line: control and bidi-override characters removed, whitespace runs collapsed."""
    return " ".join(_UNWANTED.sub(" ", text).split())


def truncate(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def slug(text: str, limit: int = 80) -> str:
    """Return an id from free text: ASCII lowercase words joined by hyphens, cut at a word end within `limit` characters."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii").lower()
    words = re.sub(r"[^a-z0-9]+", "-", ascii_text).strip("-")
    if len(words) <= limit:
        return words
    cut = words[: limit + 1].rsplit("-", 1)[0] if "-" in words[: limit + 1] else words[:limit]
    parts = cut[:limit].rstrip("-").split("-")
    while len(parts) > 1 and parts[-1] in _STOPWORDS:
        parts.pop()
    return "-".join(parts)


def unique(base: str, taken: set[str]) -> str:
    candidate, n = base, 1
    while candidate in taken:
        n += 1
        suffix = f"-{n}"
        candidate = base[: 80 - len(suffix)].rstrip("-") + suffix
    taken.add(candidate)
    return candidate
