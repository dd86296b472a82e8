"""The meeting's own metadata, read field by field: title, type, date, the body that met,
attendees, who kept the minutes and checked them, who was absent, who it is sent to.

Header fields ("Sammanträdesdatum", "Beslutande", "Utses att justera", "ANSLAG/BEVIS", …) come from
data/header_fields.toml (see labels.py). A label starts a field; the lines after it belong to that
field until the next label. Labels stacked without values between them ("Beslutande Övriga
deltagare Anna Ek (S) …", a two-column table read row by row) share the values that follow. The
same reading serves the header above the items and the signatures under them. Every field is
also text a reader sees: `paragraphs` gives it back, label and all, for the index.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field

from bigsearch.domain.dates import year_from_registration
from bigsearch.domain.principals import Registry
from bigsearch.ingest import meeting_date
from bigsearch.ingest.attendance import name_spans, parse_block
from bigsearch.ingest.labels import Label, inline_labels, label_named, labels, match_label, names_the_meeting
from bigsearch.ingest.model import Attendee
from bigsearch.ingest.names import looks_like_name, split_names

__all__ = ["Header", "HeaderField", "parse_header", "fields", "labels", "match_label", "doc_type_of"]

_COLUMNS = re.compile(r"\t+|\s{2,}")
_PARTY_ENTRY = re.compile(r"[A-ZÅÄÖ][\wåäöé-]+\s+[A-ZÅÄÖ][\wåäöé-]+\s*\((?:[A-ZÅÄÖ]{1,3}|[a-zåäö]{1,3}|MP|KD|SD|FP)\)")
_SENTENCE = re.compile(r"[.!?]$")
_DOC_TYPES = (  # (type, words of the title that name it), first match wins
    ("yttrande", re.compile(r"\byttrande", re.IGNORECASE)),
    ("kallelse", re.compile(r"\bkallelse\b", re.IGNORECASE)),
    ("föredragningslista", re.compile(r"\bföredragningslista\b|\bdagordning\b", re.IGNORECASE)),
    ("minnesanteckningar", re.compile(r"\bminnesanteckningar\b|\bmötesanteckningar\b", re.IGNORECASE)),
    ("protokoll", re.compile(r"protokoll", re.IGNORECASE)),
)
# Kinds of field whose lines are signatures (part "signature" in the index).
SIGNATURE_KINDS = ("role", "justify")


@dataclass
class HeaderField:
    label: Label | None
    # The label as written and the value lines after it (the first is the rest of the label's line).
    written: str = ""
    lines: list[str] = field(default_factory=list)
    start: int = 0  # index of its first line in the lines given to `fields`
    labels: list[Label] = field(default_factory=list)  # labels stacked on this field

    @property
    def kind(self) -> str | None:
        return self.label.kind if self.label else None

    @property
    def value(self) -> str:
        return " ".join(" ".join(line.split()) for line in self.lines if line.strip())


@dataclass
class Header:
    title: str | None = None
    doc_type: str = "dokument"
    date: dt.date | None = None
    year: int | None = None
    attendees: list[Attendee] = field(default_factory=list)
    # People named in the header who were not there: absent, replaced, sent the minutes.
    absent: list[str] = field(default_factory=list)
    distribution: list[str] = field(default_factory=list)
    # (name, role) for who kept the minutes, chaired and checked them.
    roles: list[tuple[str, str]] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    # The body that met ("Socialnämnden"), from an "Organ" field or a heading that names one.
    body: str | None = None
    fields: list[HeaderField] = field(default_factory=list)
    tail: list[HeaderField] = field(default_factory=list)  # the signatures under the items
    # Whether the text has an attendance label at all (a missing list is then worth a warning).
    has_attendance_label: bool = False


# -- fields ------------------------------------------------------------------------------------------


def split_at_labels(line: str, flat: bool) -> list[str]:
    """A line cut where header labels start inside it: table cells ("Socialnämnden<TAB>
    Sammanträdesdatum<TAB>2016-02-22"), and — in text that lost its line breaks, or for labels that
    never stand mid-sentence — a capitalised label after a space ("… kl 09.00 Beslutande Anna Ek …")."""
    cuts: list[int] = []
    for match in inline_labels(line):
        if match.start() == 0:
            continue
        label = label_named(match.group(0))
        before = line[: match.start()]
        in_cell = before.endswith("\t") or before.endswith("  ")
        if in_cell or flat or label.kind in ("role", "justify", "notice", "absent", "attendees", "distribution"):
            if not in_cell and not flat and _inside_entry(before, label):
                continue
            cuts.append(match.start())
    if not cuts:
        return [line]
    pieces, last = [], 0
    for cut in cuts:
        pieces.append(line[last:cut].rstrip())
        last = cut
    pieces.append(line[last:])
    return [p for p in pieces if p.strip()]


def _inside_entry(before: str, label: Label) -> bool:
    """"Kalle Ek, Ordförande" or "Eva Holm (S) Ordförande": a role written after a name is the
    person's role, not a new field — unless several people follow."""
    return label.kind == "role" and bool(re.search(r"[,)]\s*$", before))


def fields(lines: list[str], flat: bool = False) -> list[HeaderField]:
    """The lines cut at their labels; lines before the first label form a field without one."""
    out = [HeaderField(None, start=0)]
    for index, raw in enumerate(lines):
        for piece in split_at_labels(raw, flat) if raw.strip() else [raw]:
            found = match_label(piece) if piece.strip() else None
            if found is None:
                out[-1].lines.append(piece)
                continue
            label, rest = found
            written = piece.strip()[: len(piece.strip()) - len(rest)].strip() if rest else piece.strip()
            # "Beslutande Ledamöter Anna Ek (S)": an attendance label right after another refines it.
            inner = match_label(rest) if rest else None
            if inner is not None and label.kind == inner[0].kind == "attendees":
                label, rest = inner
            current = HeaderField(label, written, start=index, labels=[label])
            if rest:
                current.lines.append(rest)
            out.append(current)
    return _stack(out)


def _stack(found: list[HeaderField]) -> list[HeaderField]:
    """Labels with no value before the next label (a table's labels read in a row) take the values
    of the field after them; the field then counts as the first attendance label among them."""
    out: list[HeaderField] = []
    pending: list[HeaderField] = []
    for current in found:
        if current.label is not None and not any(line.strip() for line in current.lines):
            pending.append(current)
            continue
        if pending and current.label is not None:
            stack = pending + [current]
            attendance = next((f.label for f in stack if f.kind == "attendees"), None)
            merged = HeaderField(attendance or current.label, " ".join(f.written for f in stack), current.lines,
                                 pending[0].start, [f.label for f in stack if f.label])
            out.append(merged)
            pending = []
            continue
        out.extend(pending)
        pending = []
        out.append(current)
    out.extend(pending)
    return out


# -- what the fields say ---------------------------------------------------------------------------------


def doc_type_of(text: str, has_sections: bool) -> str:
    """The kind of document from the words that open it: yttrande, kallelse, föredragningslista,
    minnesanteckningar or protokoll, whichever is written first; a document with items and an
    attendance list is a protokoll."""
    head = text[:300]
    found = [(match.start(), kind) for kind, pattern in _DOC_TYPES for match in [pattern.search(head)] if match]
    if found:
        return min(found)[1]
    if has_sections and re.search(r"närvarande|beslutande|ledamöter|justera|sammanträde", text[:600], re.IGNORECASE):
        return "protokoll"
    return "dokument"


def parse_header(lines: list[str], registry: Registry, full_text: str, has_sections: bool,
                 flat: bool = False, signature: list[str] | None = None) -> Header:
    """The header above the items (`lines`) and the signatures under them (`signature`)."""
    header = Header()
    header.fields = fields(lines, flat)
    tail = fields(signature, flat) if signature else []
    header.tail = tail
    pieces = [piece for line in lines for piece in (split_at_labels(line, flat) if line.strip() else [line])]
    header.date, why = meeting_date.meeting_date(pieces, full_text)
    texts = [line for line in lines if line.strip()]
    header.title = _title(header.fields, texts)
    header.doc_type = doc_type_of(full_text, has_sections)
    if header.date:
        header.year = header.date.year
    else:
        if why and why != meeting_date.NO_DATE:
            header.warnings.append(why)
        header.year = year_from_registration("\n".join(texts)) or year_from_registration(full_text[:2000])
    header.body = body_of(header.fields)
    for part in header.fields + tail:
        kind = part.kind
        if kind in (None, "date", "place") and part in header.fields:
            # Members listed with their party where no attendance label stands (the label lost in a
            # table's other column or mangled): "Carl-Axel Wilhelmsson (C), 1:e vice ordförande …".
            listed = _party_lists(part.lines)
            if listed:
                header.attendees.extend(parse_block(listed, registry).attendees)
        if kind == "attendees":
            header.has_attendance_label = True
            block = parse_block(part.lines, registry)
            for attendee in block.attendees:
                attendee.status = attendee.status or part.label.value
                header.attendees.append(attendee)
            header.absent.extend(block.absent)
        elif kind == "absent":
            header.absent.extend(a.name for a in parse_block(part.lines, registry).attendees)
        elif kind == "distribution":
            header.distribution.extend(parse_distribution([part.value]))
        elif kind in SIGNATURE_KINDS or (kind == "notice" and part.label.text.casefold().startswith("underskrift")):
            header.roles.extend(_roles(part))
    header.roles.extend(_column_roles(header.fields + tail))
    header.absent = [n for n in dict.fromkeys(header.absent) if n not in {a.name for a in header.attendees}]
    return header


def _party_lists(lines: list[str]) -> list[str]:
    """Lines (or the end of a line) listing people with their party: at least two "Name (S)" in the
    field, and the line not a sentence."""
    if sum(len(_PARTY_ENTRY.findall(line)) for line in lines) < 2:
        return []
    out = []
    for line in lines:
        first = _PARTY_ENTRY.search(line)
        if first and not _SENTENCE.search(line.strip()[-1:] if len(line) < 200 else ""):
            out.append(line[first.start():])
    return out


def _title(parts: list[HeaderField], texts: list[str]) -> str | None:
    preamble = [line.strip() for line in (parts[0].lines if parts and parts[0].label is None else []) if line.strip()]
    for line in preamble:
        if names_the_meeting(line) or "yttrande" in line.lower():
            return " ".join(line.split())
    for text in texts:
        if "yttrande" in text.lower():
            return " ".join(text.split())
    return " ".join(preamble[0].split()) if preamble else (" ".join(texts[0].split()) if texts else None)


_BODY = re.compile(
    r"(nämnd|styrelse|fullmäktige|utskott|råd|beredning|ledningsgrupp|presidi|direktion|samverkansgrupp)"
    r"(en|et|e|s|um|t)?\b",
    re.IGNORECASE,
)


def body_of(parts: list[HeaderField]) -> str | None:
    """The body that met: the value of an "Organ" field, else the first short heading naming one."""
    for part in parts:
        if part.label and part.label.text in ("Organ", "Nämnd/Styrelse") and part.lines:
            value = _COLUMNS.split(part.lines[0].strip())[0].strip()
            if value and _BODY.search(value):
                return value
    for part in parts[:1]:
        for line in part.lines[:6]:
            for cell in (c.strip() for c in _COLUMNS.split(line.strip()) if c.strip()):
                words = cell.split()
                if (_BODY.search(cell) and len(words) <= 6 and cell[:1].isupper() and not re.search(r"\d", cell)
                        and not names_the_meeting(cell)):
                    return cell
    return None


def _names_in(text: str) -> list[str]:
    text = re.sub(r"\.{2,}|…|_+", " ", text)
    cells = [c.strip() for c in re.split(r"\t+|\s{2,}|,|;|\s+och\s+|\s+samt\s+", text) if c.strip()]
    found: list[str] = []
    for cell in cells:
        cell = re.sub(r"\s*\([^)]*\)", "", cell).strip(" ,.")
        spans = [cell[s.start: s.end] for s in name_spans(cell) if not s.absent]
        if spans:
            found.extend(spans)
        elif looks_like_name(cell):
            found.append(cell)  # "Andy Tu vesson"
    return found


def _roles(part: HeaderField) -> list[tuple[str, str]]:
    role = part.label.value if part.label.kind == "role" else None
    if role is None or sum(1 for label in part.labels if label.kind == "role") >= 2:
        return []  # several role labels over several names: see _column_roles
    return [(name, role) for name in _names_in("\t".join(part.lines))]


def _column_roles(parts: list[HeaderField]) -> list[tuple[str, str]]:
    """Signatures in columns: "Vid protokollet  Justeras" over "Nanny Hörnqvist  Anna-Karin Wågberg
    Sperring", or role labels stacked over names in the same order."""
    out: list[tuple[str, str]] = []
    for part in parts:
        stacked = [label for label in part.labels if label.kind == "role"]
        if len(stacked) < 2:
            continue
        names = _names_in("\t".join(part.lines))
        if len(names) == len(stacked):
            out.extend((name, label.value) for name, label in zip(names, stacked, strict=True))
    return out


def parse_distribution(texts: list[str]) -> list[str]:
    """'Delges närvarande, Anne Jäder, John Köhler samt kommunstyrelsen' -> the people named."""
    value = " ".join(texts)
    value = re.sub(r"^(?:protokollet\s+)?delges\b\s*:?\s*", "", value.strip(), flags=re.IGNORECASE)
    return [name for name in split_names(value) if looks_like_name(name)]


def apply_roles(header: Header, is_minutes: bool) -> list[str]:
    """Give each attendee the roles the signatures name; in minutes, a signer missing from the list
    was there too (a secretary, chair or justerare signs what they attended). Returns the names of
    signers who are not attendees (in other documents: the sender of a kallelse)."""
    by_name = {a.name: a for a in header.attendees}
    others: list[str] = []
    for name, role in header.roles:
        attendee = by_name.get(name) or next((a for a in header.attendees if _same_person(a.name, name)), None)
        if attendee is None:
            if not is_minutes:
                others.append(name)
                continue
            attendee = Attendee(name=name, role=role)
            header.attendees.append(attendee)
            by_name[name] = attendee
            continue
        if attendee.role is None:
            attendee.role = role
        elif role not in attendee.role:
            attendee.role = f"{attendee.role}, {role}"
    return list(dict.fromkeys(others))


def _same_person(a: str, b: str) -> bool:
    """"Anna-Karin Wågberg Sperring" and "Anna-Karin Wågberg Sperring (S)", or a name written with
    one more middle name."""
    x, y = a.split(), b.split()
    return x[0] == y[0] and x[-1] == y[-1]


@dataclass
class FieldText:
    """A header field or signature as text a reader sees (a paragraph of part "header" or "signature")."""

    part: str
    text: str
    line: int  # index of its first line in the lines the fields were read from
    attendance: bool = False  # the meeting's attendance list


def paragraphs(parts: list[HeaderField], signatures: bool = False) -> list[FieldText]:
    """The fields as text a reader sees — "signature" for signatures and justering (and for every
    line under the text when `signatures`), "header" for the rest."""
    out: list[FieldText] = []
    for part in parts:
        lines = [line for line in part.lines if line.strip()]
        if part.label is None:
            for line in lines:
                if _text([line]):
                    out.append(FieldText("signature" if signatures else "header", _text([line]), part.start))
            continue
        kind = "signature" if part.kind in SIGNATURE_KINDS else "header"
        written = part.written
        if written.casefold().startswith("underskrift"):
            written = ""  # a form label, not text
            kind = "signature"
        text = _text([written] + lines)
        if text:
            out.append(FieldText(kind, text, part.start, part.kind == "attendees"))
    return out


def _text(lines: list[str]) -> str:
    cells = [" ".join(c.split()) for line in lines for c in _COLUMNS.split(line) if c.strip()]
    text = " ".join(cells)
    return re.sub(r"\s*(?:\.{2,}|…)\s*", " ", text).strip()


def running_text(lines: list[str]) -> set[int]:
    """Lines above the items that are sentences, not header: body text of a document whose header
    is followed by prose before its first item."""
    return {
        index for index, line in enumerate(lines)
        if len(line.split()) >= 8 and _SENTENCE.search(line.strip()) and not line.rstrip().endswith("..")
        and not names_the_meeting(line[:40]) and match_label(line) is None and not inline_labels(line)
    }
