"""The meeting's own metadata: title, type, date, attendees, distribution — read field by field.

Header fields ("Sammanträdesdatum", "Beslutande", "Utses att justera", "ANSLAG/BEVIS", …) come
from data/header_fields.toml. A label starts a field; the lines after it belong to that field
until the next label. Only date fields and the title give the meeting date; the dates of a
notice, a signing or an appeal never do. When the evidence disagrees or is missing, there is
no date and a warning says why.
"""

from __future__ import annotations

import datetime as dt
import re
import tomllib
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources

from bigsearch.domain.dates import find_dates, year_from_registration
from bigsearch.domain.principals import Registry
from bigsearch.ingest.model import Attendee
from bigsearch.ingest.names import looks_like_name, split_names

_MEETING_LINE = re.compile(r"protokoll|minnesanteckning|anteckningar|möte|sammanträde", re.IGNORECASE)
_COLUMNS = re.compile(r"\t+|\s{2,}")
_ISO_WRAP_END = re.compile(r"(?<!\d)(\d{4}-(?:\d{1,2}-?)?)$")
_ISO_WRAP_START = re.compile(r"^\d{1,2}(?:-\d{1,2})?(?!\d)")
_LONG_WRAP_END = re.compile(r"(?:\bden\s+)?\b\d{1,2}(?:\s+[a-zåäö]+)?$", re.IGNORECASE)
# "(S)", "(kd)", "(-)", or an organisation in brackets: "(Polisen)", "(Gästrike Räddningstjänst)".
_PARTY = re.compile(r"^\s*\(\s*([A-Za-zÅÄÖåäö][\w&./ -]{0,39}|-)\s*\)")
_TRAILING_PARTY = re.compile(r"\s+([A-ZÅÄÖ]{1,3})$")
# Partial attendance written after a name: "§§ 50-61", "t.o.m. punkt 5", "ej 13", "del av § 159", "kl 13-15".
_ATTENDANCE_NOTE = re.compile(
    r"\s*,?\s*(?:§§?\s*\d[\d\s,–-]*|(?:t\.?\s?o\.?\s?m\.?|fr\.?\s?o\.?\s?m\.?|del av|ej|ej\s+§)\s+(?:punkt\s+|§\s*)?\d[\d\s,–-]*"
    r"|kl\.?\s*[\d.:]+(?:\s*[-–]\s*[\d.:]+)?|\d{1,3}(?:\s*[-–,]\s*\d{1,3})*)\s*$",
    re.IGNORECASE,
)
_ROLE_WORDS = re.compile(
    r"ordf|ordförande|sekreterare|sekr\b|ersättare|ers\b|ersätter|tjg|ledamot|chef|samordnare|strateg|handläggare|"
    r"rektor|controller|ekonom|jurist|direktör|ansvarig|utvecklare|koordinator|assistent|ombud|revisor|"
    r"föredragande|kommunalråd|sakkunnig|konsult|utredare|inspektör|officer|polis\w*chef|gruppledare|vice",
    re.IGNORECASE,
)


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
    warnings: list[str] = field(default_factory=list)
    # Lines of running text found above the first item: body, not header.
    leftover: list[HeaderLine] = field(default_factory=list)
    # The body that met ("Socialnämnden"), from an "Organ" field or a heading that names one.
    body: str | None = None


@dataclass(frozen=True)
class Label:
    text: str
    kind: str  # date, place, attendees, absent, justify, notice, distribution, agenda
    status: str | None = None


@lru_cache(maxsize=1)
def labels() -> tuple[Label, ...]:
    data = tomllib.loads(resources.files("bigsearch.data").joinpath("header_fields.toml").read_text("utf-8"))
    found = [Label(text, "date") for text in data["date"]] + [Label(text, "place") for text in data["place"]]
    found += [Label(text, "attendees", status) for text, status in data["attendees"].items()]
    for kind, texts in data["other"].items():
        found += [Label(text, kind) for text in texts]
    return tuple(sorted(found, key=lambda label: len(label.text), reverse=True))


@lru_cache(maxsize=1)
def _label_pattern() -> re.Pattern:
    alternatives = "|".join(re.escape(label.text).replace(r"\ ", r"\s+") for label in labels())
    return re.compile(rf"^(?P<label>{alternatives})(?=$|[\s:.]|\t)\s*:?\s*(?P<rest>.*)$", re.IGNORECASE)


def match_label(text: str) -> tuple[Label, str] | None:
    """(label, the rest of the line) when `text` starts with a header label."""
    match = _label_pattern().match(text.strip())
    if not match:
        return None
    written = " ".join(match["label"].split()).casefold()
    label = next(label for label in labels() if label.text.casefold() == written)
    return label, match["rest"].strip()


def doc_type_of(text: str, has_sections: bool) -> str:
    head = text[:600].lower()
    if "yttrande" in head:
        return "yttrande"
    attendance = re.search(r"närvarande|beslutande|ledamöter|justera|sammanträde", head)
    if "protokoll" in head or "minnesanteckning" in head or (has_sections and attendance):
        return "protokoll"
    return "dokument"


def unwrap_dates(texts: list[str]) -> list[str]:
    """Join a date broken over two lines ("… BIG 2025-" / "01-24", "den 16" / "april 2018")."""
    out: list[str] = []
    for text in texts:
        if out and _ISO_WRAP_END.search(out[-1].rstrip()) and _ISO_WRAP_START.match(text.strip()):
            out[-1] = out[-1].rstrip() + text.strip()
            continue
        if out and _LONG_WRAP_END.search(out[-1].rstrip()) and not list(find_dates(out[-1])):
            joined = out[-1].rstrip() + " " + text.strip()
            if len(list(find_dates(joined))) > len(list(find_dates(text))):
                out[-1] = joined
                continue
        out.append(text)
    return out


@dataclass
class _Field:
    label: Label | None
    lines: list[HeaderLine] = field(default_factory=list)


def _fields(lines: list[HeaderLine]) -> list[_Field]:
    """The header cut at its labels; lines before the first label form a field without one."""
    fields = [_Field(None)]
    for line in lines:
        text = line.text.strip()
        found = match_label(text)
        if found is None:
            # A label in a later table cell ("Socialnämnden<TAB>Sammanträdesdatum<TAB>2016-02-22").
            cells = [c for c in _COLUMNS.split(text) if c.strip()]
            for index, cell in enumerate(cells[1:], start=1):
                inner = match_label(cell)
                if inner is not None and inner[0].kind in ("date", "notice"):
                    fields[-1].lines.append(HeaderLine("\t".join(cells[:index]), line.block))
                    found = (inner[0], " ".join([inner[1], *cells[index + 1 :]]).strip())
                    break
        if found is None:
            fields[-1].lines.append(line)
            continue
        label, rest = found
        # "Beslutande Ledamöter Anna Ek (S)": a label directly after another one refines it.
        inner = match_label(rest) if rest else None
        if inner is not None and label.kind == inner[0].kind == "attendees":
            label, rest = inner
        fields.append(_Field(label))
        if rest:
            fields[-1].lines.append(HeaderLine(rest, line.block))
    return fields


def _decide_date(lines: list[HeaderLine], warnings: list[str]) -> tuple[dt.date | None, str | None]:
    fields = _fields([HeaderLine(t, 0) for t in unwrap_dates([line.text for line in lines])])
    field_dates: list[dt.date] = []
    title_dates: list[dt.date] = []
    loose: list[dt.date] = []
    title: str | None = None
    signing = False  # after "Justering"/"ANSLAG/BEVIS", a "Plats och tid" is the signing's or posting's
    for index, part in enumerate(fields):
        kind = part.label.kind if part.label else None
        texts = [line.text for line in part.lines]
        if kind in ("justify", "notice"):
            signing = True
        if kind == "date" and signing:
            continue
        if kind == "date":
            dates = [d for t in texts for _, d in find_dates(t)]
            if not dates and index + 1 < len(fields) and fields[index + 1].label is None:
                dates = [d for line in fields[index + 1].lines[:1] for _, d in find_dates(line.text)]
            field_dates.extend(dates[:1])
        elif kind is None:
            for text in texts:
                dates = [d for _, d in find_dates(text)]
                if _MEETING_LINE.search(text) and not re.search(r"justera|anslag|överklag|nästa", text, re.IGNORECASE):
                    title = title or text
                    if dates:
                        title_dates.append(dates[0])
                        continue
                loose.extend(dates)
    evidence = sorted(set(field_dates) | set(title_dates))
    if len(evidence) == 1:
        return evidence[0], title
    if len(evidence) > 1:
        warnings.append(
            "the meeting date is unclear (" + ", ".join(d.isoformat() for d in evidence) + ") — no date stored"
        )
        return None, title
    if len(set(loose)) == 1:
        return loose[0], title
    if len(set(loose)) > 1:
        warnings.append(
            "no dated title or date field, and several dates in the header ("
            + ", ".join(sorted({d.isoformat() for d in loose})) + ") — no date stored"
        )
    return None, title


def parse_header(lines: list[HeaderLine], registry: Registry, full_text: str, has_sections: bool) -> Header:
    texts = [line.text for line in lines]
    header = Header()
    header.date, title = _decide_date(lines, header.warnings)
    header.title = title or next((t for t in texts if "yttrande" in t.lower()), None)
    if header.title is None and texts:
        header.title = texts[0]
    header.doc_type = doc_type_of("\n".join(texts) or full_text, has_sections)
    if header.date:
        header.year = header.date.year
    else:
        header.year = year_from_registration("\n".join(texts)) or year_from_registration(full_text[:2000])
    fields = _fields(lines)
    header.body = body_of(fields)
    header.attendees = []
    for part in fields:
        if part.label and part.label.kind == "attendees":
            for attendee in attendees_from_lines(_until_meeting_line(part.lines), registry):
                attendee.status = attendee.status or part.label.status
                header.attendees.append(attendee)
        elif part.label and part.label.kind == "distribution":
            header.distribution = parse_distribution([f"Delges {part.lines[0].text}" if part.lines else "Delges"]
                                                     + [line.text for line in part.lines[1:]])
        elif part.label is None:
            header.leftover.extend(
                line for line in part.lines
                if len(line.text.split()) >= 8 and re.search(r"[.!?]$", line.text.strip())
                and not _MEETING_LINE.match(line.text)
            )
    return header


_BODY = re.compile(
    r"(nämnd|styrelse|fullmäktige|utskott|råd|beredning|ledningsgrupp|presidi|direktion|samverkansgrupp)"
    r"(en|et|e|s|um|t)?\b",
    re.IGNORECASE,
)


def body_of(fields: list[_Field]) -> str | None:
    """The body that met: the value of an "Organ" field, else the first short heading naming one."""
    for part in fields:
        if part.label and part.label.text == "Organ" and part.lines:
            value = _COLUMNS.split(part.lines[0].text.strip())[0].strip()
            if value and _BODY.search(value):
                return value
    for part in fields[:1]:
        for line in part.lines[:6]:
            for cell in (c.strip() for c in _COLUMNS.split(line.text.strip()) if c.strip()):
                words = cell.split()
                if (_BODY.search(cell) and len(words) <= 6 and cell[:1].isupper() and not re.search(r"\d", cell)
                        and not _MEETING_LINE.match(cell)):
                    return cell
    return None


def _until_meeting_line(lines: list[HeaderLine]) -> list[HeaderLine]:
    out = []
    for line in lines:
        if _MEETING_LINE.search(line.text) and not looks_like_name(line.text.split(",")[0].strip()):
            break
        out.append(line)
    return out


def parse_entry(text: str, registry: Registry) -> Attendee | None:
    """One attendee written as "Name (S), ordförande", "Name, polisen", "Name (M), tjg ersättare för …",
    "Name  Organisation" or "Name S"; None when `text` does not start with a name."""
    text = _ATTENDANCE_NOTE.sub("", text.strip().rstrip(".;")).strip().lstrip("*").strip()
    columns = [c.strip() for c in _COLUMNS.split(text) if c.strip()]
    head, *others = columns or [""]
    name, rest = _split_name(head)
    if name is None:
        return None
    organisation: str | None = None
    role: str | None = None
    party = _PARTY.match(rest)
    if party:
        organisation = party[1]
        rest = rest[party.end():]
    rest = rest.strip().lstrip(",").strip()
    extras = [part for part in [rest, *others] if part]
    for extra in extras:
        for part in (p.strip() for p in re.split(r",\s*(?![^()]*\))", extra) if p.strip()):
            if organisation is None and registry.resolve(part):
                organisation = part
            elif role is None and _ROLE_WORDS.search(part):
                role = part
            elif organisation is None and part[:1].isupper():
                organisation = part
            elif role is None:
                role = part
            else:
                role = f"{role}, {part}"
    attendee = Attendee(name=name, organisation=organisation, role=role)
    match = registry.resolve(organisation) if organisation else None
    attendee.principal = match.principal if match else None
    return attendee


def _split_name(text: str) -> tuple[str | None, str]:
    """("Anna Ek", "(S), ordförande") from "Anna Ek (S), ordförande"; (None, text) without a name."""
    cut = re.search(r"\s*(?:\(|,)", text)
    candidate, rest = (text[: cut.start()], text[cut.start():]) if cut else (text, "")
    candidate = candidate.strip()
    trailing = _TRAILING_PARTY.search(candidate)
    if trailing and looks_like_name(candidate[: trailing.start()]):
        return candidate[: trailing.start()], f"({trailing[1]}){rest}"
    if looks_like_name(candidate):
        return candidate, rest
    words = candidate.split()
    for size in (4, 3, 2):  # "Anna Ek ersätter Per Berg (M)": a name followed by words
        if len(words) > size and looks_like_name(" ".join(words[:size])) and words[size][:1].islower():
            return " ".join(words[:size]), " ".join(words[size:]) + rest
    return None, text


def attendees_from_lines(lines: list[HeaderLine], registry: Registry) -> list[Attendee]:
    """Attendee lines in any of the layouts minutes use.

    "Name<TAB>Org", "Name  Org" (two or more spaces), "Name Org" where Org is a known
    organisation, "Name (S), ordförande", "Name, role", "Name, Name och Name" on one line,
    or a column of names followed by a column of organisations (zipped).
    """
    found: list[Attendee] = []
    name_only: list[HeaderLine] = []
    for line in lines:
        text = _ATTENDANCE_NOTE.sub("", line.text.strip()).strip()
        if not text:
            continue
        columns = [c.strip() for c in _COLUMNS.split(text) if c.strip()]
        if len(columns) >= 2:
            if all(_is_plain_entry(c) for c in columns) and any(re.search(r"\([A-Za-zÅÄÖåäö-]{1,5}\)", c) for c in columns):
                found.extend(parse_entry(c, registry) for c in columns)
                continue
            entry = parse_entry(text, registry)
            if entry is None:
                org = " ".join(columns[1:])
                match = registry.resolve(org)
                entry = Attendee(name=columns[0], organisation=org, principal=match.principal if match else None)
            found.append(entry)
            continue
        name, org = _split_known_organisation(text, registry)
        if org:
            match = registry.resolve(org)
            found.append(Attendee(name=name, organisation=org, principal=match.principal if match else None))
            continue
        many = _several(text, registry)
        if many:
            found.extend(many)
            continue
        if looks_like_name(text):
            name_only.append(HeaderLine(text, line.block))
            continue
        entry = parse_entry(text, registry)
        if entry is not None and (entry.organisation or entry.role):
            found.append(entry)
        else:
            name_only.append(HeaderLine(text, line.block))
    if name_only:
        for name, org in _zip_columns(name_only, registry):
            match = registry.resolve(org) if org else None
            found.append(Attendee(name=name, organisation=org, principal=match.principal if match else None))
    return found


def _is_plain_entry(text: str) -> bool:
    """A name alone or with its party: "Anna Ek (S)"; a column of its own in a two-column list."""
    name, rest = _split_name(text)
    return name is not None and bool(re.fullmatch(r"\s*(\([A-Za-zÅÄÖåäö-]{1,5}\))?\s*(,\s*\w+\.?)?\s*", rest))


def _several(text: str, registry: Registry) -> list[Attendee]:
    """"Anna Ek (S), Per Berg (M) och Eva Lind (V)" or "Anna Ek, Per Berg": several attendees on a line."""
    parts = [p.strip() for p in re.split(r",|;|\boch\b|\bsamt\b", text) if p.strip()]
    if len(parts) < 2:
        return []
    entries = []
    for part in parts:
        part = _ATTENDANCE_NOTE.sub("", part.rstrip(".")).strip()
        if looks_like_name(part):
            entries.append(Attendee(name=part))
            continue
        name, rest = _split_name(part)
        party = _PARTY.fullmatch(rest.strip()) if name else None
        if not party:
            return []
        match = registry.resolve(party[1])
        entries.append(Attendee(name=name, organisation=party[1], principal=match.principal if match else None))
    return entries


def _split_known_organisation(text: str, registry: Registry) -> tuple[str, str | None]:
    folded = text.casefold()
    for alias in registry.all_aliases():
        if folded.endswith(" " + alias) and len(text) > len(alias) + 3:
            name = text[: len(text) - len(alias)].strip()
            if looks_like_name(name):
                return name, text[len(name) :].strip()
    return text, None


def _zip_columns(lines: list[HeaderLine], registry: Registry) -> list[tuple[str, str | None]]:
    """A column of names followed by a column of organisations."""
    groups: list[list[str]] = []
    last_block = None
    for line in lines:
        if line.block != last_block:
            groups.append([])
            last_block = line.block
        groups[-1].append(line.text.strip())
    if len(groups) == 2 and len(groups[0]) == len(groups[1]) and all(looks_like_name(n) for n in groups[0]):
        return list(zip(groups[0], groups[1], strict=True))
    flat = [text for group in groups for text in group]
    half = len(flat) // 2
    if len(flat) % 2 == 0 and half and all(registry.resolve(org) for org in flat[half:]):
        return list(zip(flat[:half], flat[half:], strict=True))
    return [(text, None) for text in flat if looks_like_name(text)]


def parse_distribution(texts: list[str]) -> list[str]:
    for index, text in enumerate(texts):
        match = re.match(r"^(protokollet\s+)?delges\b\s*:?\s*(.*)$", text.strip(), re.IGNORECASE)
        if not match:
            continue
        value = match[2]
        for following in texts[index + 1 :]:
            if value.rstrip().endswith(".") or match_label(following.strip()):
                break
            value += " " + following
        return [name for name in split_names(value) if looks_like_name(name)]
    return []
