"""The ingest pipeline: reader -> clean -> furniture -> items -> segment -> header -> Document.

Every line a reader sees ends in a paragraph except page furniture: the items' text (part "item",
or "body" outside items), agenda entries ("agenda"), and — ranked low — the header's fields,
the signatures and attachment captions ("header", "signature", "caption").
"""

from __future__ import annotations

import bisect
import hashlib
import os
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from bigsearch.domain.places import places_in
from bigsearch.domain.principals import Registry, default_registry
from bigsearch.errors import ConfigError, ReadError
from bigsearch.ingest import clean, furniture, items, layout
from bigsearch.ingest.header import apply_roles, parse_header, running_text
from bigsearch.ingest.header import paragraphs as header_paragraphs
from bigsearch.ingest.model import LOW_PARTS, Document, Paragraph, RawText
from bigsearch.ingest.names import PersonResolver, full_names_in, known_first_names
from bigsearch.ingest.ocr import OcrOptions
from bigsearch.ingest.readers import SUPPORTED_SUFFIXES, read_bytes, read_path
from bigsearch.ingest.segment import Chunk, segment
from bigsearch.messages import in_language_of, t
from bigsearch.textsafe import safe_name

# Paragraph kinds (`Paragraph.part`) and the label their ids carry: the items' text keeps the
# "s<section>"/"h<n>" labels; the rest gets its own, so adding it never renumbers the items' ids.
_ID_LABELS = {"header": "hd", "signature": "sg", "agenda": "a", "caption": "c"}
_LEADERS = re.compile(r"\s*(?:\.{4,}|…{2,})\s*")
# Readers that give one line per paragraph with an empty line after each.
_BREAKS_KNOWN = ("docx", "odt", "doc", "rtf", "html")


def parse(raw: RawText, registry: Registry | None = None) -> Document:
    """One file's text -> a Document with its paragraphs and their metadata."""
    registry = registry or default_registry()
    text = clean.normalise(raw.text)
    lines = text.split("\n")
    one_per_line = clean.is_line_per_paragraph(lines)
    flat = layout.is_flat(lines)
    if flat and raw.kind != "txt":
        lines = layout.unwrap(lines)  # a transcript written to PDF or Word: wrapped at the page width
    lines = furniture.strip(lines, raw.furniture, flat)
    chains = items.choose(items.candidates(lines, inline=flat), lines)
    lines, headings = items.place(lines, chains, flat)
    found, double_spaced = clean.block_lines(lines, breaks_known=raw.kind in _BREAKS_KNOWN,
                                             line_per_paragraph=one_per_line and not flat)
    if not found:
        raise ReadError("no text in the file")
    seg = segment(found, headings, registry, double_spaced)
    header_end = seg.header[-1].index + 1 if seg.header else 0
    header_lines = lines[:header_end]
    body_lines = running_text(header_lines) if headings else set()
    header_lines = ["" if i in body_lines else line for i, line in enumerate(header_lines)]
    signature_lines = [line.text for line in seg.signature]
    header = parse_header(header_lines, registry, text, bool(headings), flat, signature_lines)
    is_minutes = header.doc_type in ("protokoll", "minnesanteckningar", "dokument")
    signers_elsewhere = apply_roles(header, is_minutes)
    # The organisations of the attendee list are this document's known principals.
    known = registry.with_known(a.organisation for a in header.attendees if a.organisation)
    if known is not registry:
        seg = segment(found, headings, known, double_spaced)
        registry = known
    leftover = [Chunk(None, None, 0, None, None, -1, [lines[i].strip()], part="body", index=i) for i in sorted(body_lines)]
    chunks = leftover + seg.chunks
    header_as_body = not any(c.part in ("item", "body", "agenda") for c in chunks)
    if header_as_body:
        # Nothing but header: never drop the text, index it all as body.
        chunks = segment(found, {}, registry, double_spaced, body_from_start=True).chunks
    if not chunks:
        raise ReadError("no body text found — only header and signature lines")
    doc = Document(
        source=raw.source,
        doc_type=header.doc_type,
        title=header.title,
        date=header.date.isoformat() if header.date else None,
        year=header.year,
        attendees=header.attendees,
        distribution=header.distribution,
        signatories=[name for name, _ in header.roles],
        warnings=list(raw.warnings) + header.warnings,
        kind=raw.kind,
        body=header.body,
        ocr=raw.ocr,
    )
    doc.warnings.extend(_missing(doc, header, chains, header_as_body))
    for chunk in chunks:
        chunk.lines = [_LEADERS.sub(" ", line) if "..." in line or "……" in line else line
                       for line in chunk.lines]  # a contents list's dot leaders
    texts = [chunk.text for chunk in chunks]
    attendee_names = [a.name for a in doc.attendees]
    attendee_first = known_first_names(n.split()[0] for n in attendee_names)
    mentioned = [name for t in texts for name in full_names_in(t, attendee_first)]
    named = doc.distribution + doc.signatories + header.absent + signers_elsewhere
    resolver = PersonResolver(attendee_names, named + mentioned)
    doc.id_prefix = id_prefix(raw.source, doc.date, doc.year, doc.doc_type)
    pages = _PageFinder(raw.pages)
    source_lines = _LineFinder(text if raw.kind == "txt" else "")
    above = [] if header_as_body else header_paragraphs(header.fields)
    below = [] if header_as_body else header_paragraphs(header.tail, signatures=True)
    pieces = ([(t.part, None, t.text) for t in above] + [(chunk.part, chunk, chunk.text) for chunk in chunks]
              + [(t.part, None, t.text) for t in below])
    doc.attendance_at = next((i for i, t in enumerate(above) if t.attendance), 0)
    counters: dict[str, int] = {}
    for position, (part, chunk, paragraph_text) in enumerate(pieces):
        label = _label(part, chunk)
        counters[label] = counters.get(label, 0) + 1
        page = pages.page_of(paragraph_text)
        confidence = raw.page_confidence[page - 1] if page and page <= len(raw.page_confidence) else None
        doc.paragraphs.append(
            Paragraph(
                id=f"{doc.id_prefix}-{label}-p{counters[label]}",
                source=raw.source,
                doc_type=doc.doc_type,
                date=doc.date,
                year=doc.year,
                section=chunk.section if chunk else None,
                section_title=chunk.section_title if chunk else None,
                principal=chunk.principal if chunk and part not in LOW_PARTS else None,
                unit=chunk.unit if chunk and part not in LOW_PARTS else None,
                persons=resolver.persons(paragraph_text),
                places=places_in(paragraph_text),
                text=paragraph_text,
                position=position,
                section_prefix=chunk.prefix if chunk else None,
                page=page,
                line=source_lines.line_of(paragraph_text),
                part=part,
                ocr=confidence is not None,
                ocr_confidence=confidence,
            )
        )
    if _mostly_furniture(text, doc):
        doc.warnings.append("most of the text looked like page furniture (letterhead, page numbers) and was left out")
    return doc


def _label(part: str, chunk: Chunk | None) -> str:
    if part in ("item", "body"):
        return f"s{chunk.section}" if chunk.section else f"h{chunk.heading_index}"
    code = _ID_LABELS[part]
    return f"{code}{chunk.section}" if chunk is not None and chunk.section else code


def _missing(doc: Document, header, chains, header_as_body: bool) -> list[str]:
    """What a reader of the file would expect and the ingester did not find, as warnings."""
    out = []
    if header_as_body:
        out.append(t("ingest.header_as_body"))
    if doc.date is None and not header.warnings:
        out.append(t("ingest.no_date"))
    if not chains:
        out.append(t("ingest.no_items"))
    if header.has_attendance_label and not doc.attendees:
        out.append(t("ingest.no_attendees"))
    return out


def _mostly_furniture(text: str, doc: Document) -> bool:
    kept = sum(len(p.text) for p in doc.paragraphs)
    return len(text) > 2000 and kept < 0.1 * len(text)


class _PageFinder:
    """The page (1-based) a paragraph starts on, from a PDF's page texts; None for other formats."""

    def __init__(self, pages: list[str]):
        self.pages = [" ".join(clean.normalise(page).split()) for page in pages]
        self.current = 0

    def page_of(self, text: str) -> int | None:
        if not self.pages:
            return None
        probe = " ".join(text.split()[:4])
        for index in range(self.current, len(self.pages)):
            if probe in self.pages[index]:
                self.current = index
                return index + 1
        return self.current + 1


class _LineFinder:
    """The line (1-based) of a text file a paragraph starts on; None for other formats."""

    def __init__(self, text: str):
        self.starts: list[int] = []
        parts: list[str] = []
        offset = 0
        for line in text.split("\n") if text else []:
            collapsed = " ".join(line.split())
            self.starts.append(offset)
            parts.append(collapsed)
            offset += len(collapsed) + 1
        self.flat = " ".join(parts)
        self.cursor = 0

    def line_of(self, text: str) -> int | None:
        if not self.starts:
            return None
        words = text.split()
        for size in (4, 1):
            found = self.flat.find(" ".join(words[:size]), self.cursor)
            if found >= 0:
                self.cursor = found
                return bisect.bisect_right(self.starts, found)
        return bisect.bisect_right(self.starts, self.cursor)


def id_prefix(source: str, date: str | None, year: int | None, doc_type: str) -> str:
    """The paragraph-id prefix of a file: a pure function of the file itself.

    Meeting date (or year and type) plus a short hash of the file name, so ids never depend
    on which other files are indexed, or in which order: export, an incremental index and
    --rebuild give the same ids. Paragraph ids are "<prefix>-s<section>-p<n>".
    """
    base = date or (f"{year}-{doc_type}" if year else doc_type)
    return f"{base}-{_short_hash(source)}"


def _short_hash(text: str) -> str:
    return hashlib.sha1(text.encode("utf-8", errors="surrogateescape")).hexdigest()[:6]


def make_ids_unique(doc: Document, taken: dict[str, str], owner: str | None = None) -> None:
    """Ids are per file name (see `id_prefix`); only two files of the same name in different
    folders, with the same date, can still collide: the later one gets its path's hash.

    `taken` maps id prefixes already in use to the file (owner) using them.
    """
    owner = owner or doc.source
    holder = taken.get(doc.id_prefix)
    if holder is not None and holder != owner:
        doc.id_prefix = f"{doc.id_prefix}-{_short_hash(owner)}"
        for paragraph in doc.paragraphs:
            section, number = paragraph.id.rsplit("-", 2)[1:]
            paragraph.id = f"{doc.id_prefix}-{section}-{number}"
    taken[doc.id_prefix] = owner


Skip = Callable[[Path, str], None]


def discover(paths: Iterable[Path], on_skip: Skip | None = None, own: Iterable[Path] = ()) -> list[Path]:
    """The protocol files under the given files and directories, sorted for stable ids. Folders in
    `own` (the index being written, when it lies inside an indexed folder) are bigsearch's, not read.

    In a directory, files of other types and links leading out of it are passed to `on_skip`
    with the reason (never silently left out); links are never followed out of the folder.
    A file named on the command line is read whatever its type (the type is told by content).
    """
    found: list[Path] = []
    for path in paths:
        if not path.exists() and not path.is_symlink():
            raise ConfigError(
                f"no such file or directory: {safe_name(path)} — check the path (or set BIGSEARCH_CORPUS)"
            )
        if path.is_dir():
            found.extend(_walk_folder(path, on_skip, {Path(folder).resolve() for folder in own}))
        elif path.exists():
            found.append(path)
        elif on_skip:
            on_skip(path, "a broken link — its target does not exist")
    return sorted(dict.fromkeys(found), key=lambda p: (p.name, str(p)))


def _walk_folder(root: Path, on_skip: Skip | None, own: set[Path] = frozenset()) -> list[Path]:
    found: list[Path] = []
    real_root = root.resolve()
    for folder, dirnames, filenames in os.walk(root, followlinks=False):
        dirnames[:] = sorted(name for name in dirnames if (Path(folder) / name).resolve() not in own)
        for name in sorted(dirnames):
            link = Path(folder) / name
            if link.is_symlink() and not _inside(link, real_root) and on_skip:
                on_skip(link, "a link to a folder outside the indexed folder — not followed")
        for name in sorted(filenames):
            path = Path(folder) / name
            if name.startswith((".", "~$")):
                continue
            if path.is_symlink():
                if not path.exists():
                    if on_skip:
                        on_skip(path, "a broken link — its target does not exist")
                    continue
                if not _inside(path, real_root):
                    if on_skip:
                        on_skip(path, "a link to a file outside the indexed folder — not followed")
                    continue
            if path.suffix.lower() not in SUPPORTED_SUFFIXES:
                if on_skip:
                    on_skip(path, f"unknown file type ({safe_name(path.suffix or 'no extension')}) — not a protocol format")
                continue
            found.append(path)
    return found


def _inside(path: Path, real_root: Path) -> bool:
    try:
        path.resolve().relative_to(real_root)
    except (ValueError, OSError, RuntimeError):
        return False
    return True


class LimitedWarnings:
    """Names each file skipped during discovery, one line each up to `limit`, then one summary line
    (a folder of 10,000 photos must not bury the other warnings)."""

    def __init__(self, warn: Callable[[str], None] | None, limit: int = 20):
        self.warn, self.limit, self.count = warn, limit, 0

    def wrap(self, record: Skip) -> Skip:
        def on_skip(path: Path, reason: str) -> None:
            record(path, reason)
            self.count += 1
            if self.warn and self.count <= self.limit:
                self.warn(f"skipped {safe_name(path)}: {reason}")
            elif self.warn and self.count == self.limit + 1:
                self.warn(f"skipped more files that are not protocols; only the first {self.limit} are named")

        return on_skip


@dataclass
class IngestReport:
    read: int = 0
    skipped: list[tuple[str, str]] = field(default_factory=list)
    warned: list[tuple[str, str]] = field(default_factory=list)
    unknown: list[str] = field(default_factory=list)
    paragraphs: int = 0

    def summary(self) -> str:
        parts = [f"{self.read} files read", f"{len(self.skipped)} skipped"]
        if self.warned:
            parts.append(f"{len({name for name, _ in self.warned})} read with a warning")
        if self.unknown:
            parts.append(f"{len(self.unknown)} of unknown type or outside the folder")
        return ", ".join(parts) + f"; {self.paragraphs} paragraphs"


def _parsed(raw: RawText) -> Document:
    try:
        return parse(raw)
    except RecursionError as exc:  # pathological input is a bad file, not a crash
        raise ReadError("too deeply nested to read") from exc
    except (ValueError, IndexError, KeyError, TypeError, AttributeError) as exc:
        # A layout the ingester's parts did not expect: this file is skipped with the reason (its
        # text was read, so the failure is bigsearch's), the run goes on with the others.
        raise ReadError(f"the ingester failed on its layout ({type(exc).__name__}: {exc}) — a bug in bigsearch: "
                        "please report it with the file") from exc


def ingest_file(path: Path, ocr: OcrOptions | None = None) -> Document:
    """One protocol file as a Document; ReadError when it cannot be read. `ocr`: how scanned pages are read."""
    return _parsed(read_path(path, ocr=ocr))


def ingest_bytes(name: str, data: bytes, suffix: str, ocr: OcrOptions | None = None) -> Document:
    """A protocol already read into memory as a Document; ReadError when it cannot be read."""
    return _parsed(read_bytes(safe_name(name), data, suffix, ocr))


def document_warnings(doc: Document, path: Path | str) -> list[str]:
    """One printable line per warning of an indexed document."""
    return [in_language_of(warning, "ingest.indexed_with_warning", name=safe_name(path), warning=warning)
            for warning in doc.warnings]


def ingest_paths(
    paths: Iterable[Path], report: IngestReport | None = None, warn: Callable[[str], None] | None = None,
    ocr: OcrOptions | None = None,
    named: Callable[[Document, Path], None] | None = None,
) -> Iterator[Document]:
    """Documents for every readable file; an unreadable one is reported through `warn` and skipped.
    `named` gives each document its shown name and ids, from its path (index/names.py)."""
    report = report if report is not None else IngestReport()

    def skip_unknown(path: Path, reason: str) -> None:
        report.unknown.append(str(path))

    limited = LimitedWarnings(warn)
    taken: dict[str, str] = {}
    for path in discover(paths, on_skip=limited.wrap(skip_unknown)):
        try:
            doc = ingest_file(path, ocr)
        except ReadError as exc:
            report.skipped.append((str(path), str(exc)))
            if warn:
                warn(f"skipped {safe_name(path)}: {exc}")
            continue
        if named:
            named(doc, path)
        make_ids_unique(doc, taken, str(path))
        report.read += 1
        report.paragraphs += len(doc.paragraphs)
        for line in document_warnings(doc, path):
            report.warned.append((str(path), line))
            if warn:
                warn(line)
        yield doc
