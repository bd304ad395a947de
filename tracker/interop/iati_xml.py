"""IATI 2.03 XML: the codelists both directions use, safe reading of activity files, and their texts.

Reading goes through defusedxml: entity declarations (billion laughs, external entities reading local files),
external references and a DOCTYPE naming an external DTD are refused before any content is used.
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections import Counter
from datetime import date
from pathlib import Path
from xml.etree import ElementTree as ET  # types only: every parse goes through defusedxml

from defusedxml import DTDForbidden, EntitiesForbidden, ExternalReferenceForbidden
from defusedxml import ElementTree as SafeET

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
DATE_TYPE_NAMES = {"start-planned": "1", "start-actual": "2", "end-planned": "3", "end-actual": "4"}  # IATI 1.0x
TEXT_MAX, LINE_MAX, SUMMARY_MAX, INDICATOR_ID_MAX = 2000, 500, 10000, 48
_UNWANTED = re.compile(r"[\x00-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
_NUMBER = re.compile(r"[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?")
_INTEGER = re.compile(r"[+-]?[0-9]{1,15}")
_XSD_DATE = re.compile(r"(\d{4}-\d{2}-\d{2})(?:T\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?(?:Z|[+-]\d{2}:\d{2})?")
_STOPWORDS = {"a", "an", "and", "at", "by", "for", "in", "of", "on", "or", "the", "to", "with"}


class _Parser(SafeET.DefusedXMLParser):
    """defusedxml's parser that also refuses a DOCTYPE naming an external DTD (SYSTEM or PUBLIC identifier)."""

    def __init__(self) -> None:
        super().__init__(target=ET.TreeBuilder(), forbid_dtd=False, forbid_entities=True, forbid_external=True)
        self.parser.StartDoctypeDeclHandler = self._external_dtd

    def _external_dtd(self, name: str, sysid: str | None, pubid: str | None, has_internal_subset: bool) -> None:
        if sysid or pubid:
            raise DTDForbidden(name, sysid, pubid)


def read_activities(path: Path) -> list[ET.Element]:
    """Parse an IATI activity file safely and return its `iati-activity` elements, or raise UsageError."""
    name = path.name
    try:
        tree = SafeET.parse(path, parser=_Parser())
    except DTDForbidden as exc:
        raise UsageError(f"{name}: refused: the DOCTYPE names the external DTD {clean(exc.sysid or exc.pubid or '')[:200]!r}, "
                         "which could read local files or the network; IATI files need none; nothing was imported") from None
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
    repeated = [i for i, n in Counter(i for i in ids if i).items() if n > 1]
    if repeated:
        shown = ", ".join(repr(truncate(i, 100)) for i in repeated[:10]) + (f" and {len(repeated) - 10} more" if len(repeated) > 10 else "")
        raise UsageError(f"{file_name}: refused: the iati-identifier {shown} occurs more than once in the file; an identifier "
                         "must name one activity, so which to import is ambiguous; nothing was imported")
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
        if name and name != owner and truncate(name, LINE_MAX) not in partners:
            partners.append(truncate(name, LINE_MAX))
    return partners


def org_name(element: ET.Element | None, lang: str | None) -> str | None:
    if element is None:
        return None
    return narrative(element, lang) or clean(element.get("ref") or "") or None


def identifier_of(activity: ET.Element) -> str:
    return clean(activity.findtext("iati-identifier") or "")


def lang_of(activity: ET.Element) -> str | None:
    return activity.get(XML_LANG)


def recipient_country(activity: ET.Element) -> str | None:
    """Return the code of the activity's recipient country when it names exactly one."""
    codes = {(c.get("code") or "").strip().upper() for c in activity.findall("recipient-country")} - {""}
    return codes.pop() if len(codes) == 1 else None


def own_code(indicator: ET.Element) -> str | None:
    """Return the indicator's code in the reporting organisation's own vocabulary (99) when it is a valid id."""
    for reference in indicator.findall("reference"):
        code = (reference.get("code") or "").strip()
        if (reference.get("vocabulary") or "").strip() == OWN_VOCABULARY and re.fullmatch(r"[a-z0-9][a-z0-9-]{0,79}", code):
            return code
    return None


def location_ref(element: ET.Element) -> str:
    """Return the @ref of a value's first location, upper-case, or an empty string."""
    location = element.find("location")
    return (location.get("ref") or "").strip().upper() if location is not None else ""


def narrative(parent: ET.Element | None, lang: str | None) -> str | None:
    """Return the English narrative of an element (own xml:lang, else the activity's), else its first non-empty one.

    An IATI 1.0x element has no narratives: its own text is the narrative.
    """
    if parent is None:
        return None
    texts = parent.findall("narrative") or [parent]
    found = [((n.get(XML_LANG) or lang or "").strip().lower(), clean(n.text or "")) for n in texts]
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


def plain_number(text: str) -> float | int | None:
    """Return a plain decimal number (`12`, `-3.5`, `1e3`), or None for anything else (`N=35;P=55`, `1,200`)."""
    text = text.strip()
    if not _NUMBER.fullmatch(text):
        return None
    if _INTEGER.fullmatch(text):
        return int(text)
    number = float(text)
    return number if math.isfinite(number) else None


def iso_day(value: str | None) -> date | None:
    """Return the day of an xsd:date (or xsd:dateTime) between 1900 and 2200, else None."""
    match = _XSD_DATE.fullmatch((value or "").strip())
    if not match:
        return None
    try:
        day = date.fromisoformat(match.group(1))
    except ValueError:
        return None
    return day if 1900 <= day.year <= 2200 else None
