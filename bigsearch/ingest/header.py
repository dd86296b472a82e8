"""The meeting's own metadata: title, type, date, attendees, distribution, signatures."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field

from bigsearch.ingest.dates import find_dates, year_from_registration
from bigsearch.ingest.model import Attendee
from bigsearch.ingest.names import looks_like_name, split_names
from bigsearch.ingest.principals import Registry

_ATTENDEES = re.compile(r"^(närvarande|deltagare|närvarande ledamöter|ledamöter)\b\s*:?\s*(.*)$", re.IGNORECASE)
_STOP = re.compile(
    r"^(protokollet\s+)?(delges|frånvarande|ej närvarande|förhinder|övriga|justerare|sekreterare|"
    r"ordförande|plats|tid|datum|dagordning)\b",
    re.IGNORECASE,
)
_DISTRIBUTION = re.compile(r"^(protokollet\s+)?delges\b\s*:?\s*(.*)$", re.IGNORECASE)
_MEETING_LINE = re.compile(r"protokoll|minnesanteckning|anteckningar|möte|sammanträde", re.IGNORECASE)
_DATE_LABEL = re.compile(r"^(datum|mötesdatum|tid|sammanträdesdatum)\b", re.IGNORECASE)
_COLUMNS = re.compile(r"\t+|\s{2,}")


@dataclass
class HeaderLine:
    text: str
    block: int


@dataclass
class Header:
    title: str | None = None
    doc_type: str = "dokument"
    date: dt.date | None = None
    year: int | None = None
    attendees: list[Attendee] = field(default_factory=list)
    distribution: list[str] = field(default_factory=list)


def doc_type_of(text: str, has_sections: bool) -> str:
    head = text[:600].lower()
    if "yttrande" in head:
        return "yttrande"
    if "protokoll" in head or "minnesanteckning" in head or (has_sections and "närvarande" in head):
        return "protokoll"
    return "dokument"


def meeting_date(lines: list[str]) -> dt.date | None:
    """The date of the meeting: from the title line, then a 'Datum:' line, then any header date.

    A protocol is often dated the day it was written, on a line of its own above the title
    ("2020-03-09" above "Protokoll … 2020-03-06"); the title's date is the meeting's.
    """
    for line in lines:
        if _MEETING_LINE.search(line):
            dates = [date for _, date in find_dates(line)]
            if dates:
                return dates[-1]
    for line in lines:
        if _DATE_LABEL.match(line.strip()):
            dates = [date for _, date in find_dates(line)]
            if dates:
                return dates[0]
    for line in lines:
        dates = [date for _, date in find_dates(line)]
        if dates:
            return dates[0]
    return None


def parse_header(lines: list[HeaderLine], registry: Registry, full_text: str, has_sections: bool) -> Header:
    texts = [line.text for line in lines]
    header = Header()
    header.title = next((t for t in texts if _MEETING_LINE.search(t) or "yttrande" in t.lower()), None)
    if header.title is None and texts:
        header.title = texts[0]
    header.doc_type = doc_type_of("\n".join(texts) or full_text, has_sections)
    header.date = meeting_date(texts)
    if header.date:
        header.year = header.date.year
    else:
        header.year = year_from_registration("\n".join(texts)) or year_from_registration(full_text[:2000])
    header.attendees = parse_attendees(lines, registry)
    header.distribution = parse_distribution(texts)
    return header


def parse_attendees(lines: list[HeaderLine], registry: Registry) -> list[Attendee]:
    start = next((i for i, line in enumerate(lines) if _ATTENDEES.match(line.text.strip())), None)
    if start is None:
        return []
    collected: list[HeaderLine] = []
    inline = _ATTENDEES.match(lines[start].text.strip())[2].strip()
    if inline:
        collected.append(HeaderLine(inline, lines[start].block))
    for line in lines[start + 1 :]:
        if _STOP.match(line.text.strip()) or _MEETING_LINE.search(line.text):
            break
        collected.append(line)
    return attendees_from_lines(collected, registry)


def attendees_from_lines(lines: list[HeaderLine], registry: Registry) -> list[Attendee]:
    """Attendee lines in any of the protocols' layouts.

    "Name<TAB>Org", "Name  Org" (two or more spaces), "Name Org" where Org is a known
    organisation, "Name, Name, …" on one line, or a column of names followed by a column
    of organisations (zipped).
    """
    pairs: list[tuple[str, str | None]] = []
    name_only: list[HeaderLine] = []
    for line in lines:
        text = line.text.strip()
        if not text:
            continue
        columns = [c.strip() for c in _COLUMNS.split(text) if c.strip()]
        if len(columns) >= 2:
            pairs.append((columns[0], " ".join(columns[1:])))
            continue
        if "," in text and all(looks_like_name(part) for part in split_names(text)):
            pairs.extend((name, None) for name in split_names(text))
            continue
        name, org = _split_known_organisation(text, registry)
        if org:
            pairs.append((name, org))
        else:
            name_only.append(line)
    if name_only:
        pairs.extend(_zip_columns(name_only, registry))
    attendees = []
    for name, org in pairs:
        match = registry.resolve(org) if org else None
        attendees.append(Attendee(name=name, organisation=org, principal=match.principal if match else None))
    return attendees


def _split_known_organisation(text: str, registry: Registry) -> tuple[str, str | None]:
    folded = text.casefold()
    for alias in registry.all_aliases():
        if folded.endswith(" " + alias) and len(text) > len(alias) + 3:
            name = text[: len(text) - len(alias)].strip()
            if looks_like_name(name):
                return name, text[len(name) :].strip()
    return text, None


def _zip_columns(lines: list[HeaderLine], registry: Registry) -> list[tuple[str, str | None]]:
    """A column of names followed by a column of organisations, as in seed 003."""
    groups: list[list[str]] = []
    last_block = None
    for line in lines:
        if line.block != last_block:
            groups.append([])
            last_block = line.block
        groups[-1].append(line.text.strip())
    if len(groups) == 2 and len(groups[0]) == len(groups[1]):
        return list(zip(groups[0], groups[1], strict=True))
    flat = [text for group in groups for text in group]
    half = len(flat) // 2
    if len(flat) % 2 == 0 and half and all(registry.resolve(org) for org in flat[half:]):
        return list(zip(flat[:half], flat[half:], strict=True))
    return [(text, None) for text in flat if looks_like_name(text)]


def parse_distribution(texts: list[str]) -> list[str]:
    for index, text in enumerate(texts):
        match = _DISTRIBUTION.match(text.strip())
        if not match:
            continue
        value = match[2]
        for following in texts[index + 1 :]:
            if value.rstrip().endswith(".") or _STOP.match(following.strip()):
                break
            value += " " + following
        return [name for name in split_names(value) if looks_like_name(name)]
    return []
