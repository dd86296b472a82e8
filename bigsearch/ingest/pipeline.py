"""The ingest pipeline: reader -> clean -> segment -> metadata -> Document."""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from bigsearch.errors import ConfigError, ReadError
from bigsearch.ingest import clean
from bigsearch.ingest.header import parse_header
from bigsearch.ingest.model import Document, Paragraph, RawText
from bigsearch.ingest.names import PersonResolver, full_names_in, looks_like_name, split_names
from bigsearch.ingest.places import places_in
from bigsearch.ingest.principals import Registry, default_registry
from bigsearch.ingest.readers import SUPPORTED_SUFFIXES, read_bytes, read_path
from bigsearch.ingest.segment import segment


def parse(raw: RawText, registry: Registry | None = None) -> Document:
    """One file's text -> a Document with its paragraphs and their metadata."""
    registry = registry or default_registry()
    text = clean.normalise(raw.text)
    lines = list(clean.drop_furniture(text.split("\n"), raw.furniture))
    blocks, double_spaced = clean.blocks(lines)
    if not blocks:
        raise ReadError("no text in the file")
    seg = segment(blocks, registry, double_spaced)
    header = parse_header(seg.header, registry, text, seg.has_sections)
    doc = Document(
        source=raw.source,
        doc_type=header.doc_type,
        title=header.title,
        date=header.date.isoformat() if header.date else None,
        year=header.year,
        attendees=header.attendees,
        distribution=header.distribution,
        signatories=[n for line in seg.signature for n in split_names(line.replace("  ", ", ")) if looks_like_name(n)],
    )
    texts = [chunk.text for chunk in seg.chunks]
    attendee_names = [a.name for a in doc.attendees]
    mentioned = [name for t in texts for name in full_names_in(t, [n.split()[0] for n in attendee_names])]
    resolver = PersonResolver(attendee_names, mentioned + doc.distribution + doc.signatories)
    prefix = doc.date or (f"{doc.year}-{doc.doc_type}" if doc.year else f"{doc.doc_type}-{_short_hash(raw.source)}")
    doc.id_prefix = prefix
    counters: dict[str, int] = {}
    for position, (chunk, paragraph_text) in enumerate(zip(seg.chunks, texts, strict=True)):
        label = f"s{chunk.section}" if chunk.section else f"h{chunk.heading_index}"
        counters[label] = counters.get(label, 0) + 1
        doc.paragraphs.append(
            Paragraph(
                id=f"{prefix}-{label}-p{counters[label]}",
                source=raw.source,
                doc_type=doc.doc_type,
                date=doc.date,
                year=doc.year,
                section=chunk.section,
                section_title=chunk.section_title,
                principal=chunk.principal,
                unit=chunk.unit,
                persons=resolver.persons(paragraph_text),
                places=places_in(paragraph_text),
                text=paragraph_text,
                position=position,
            )
        )
    return doc


def _short_hash(text: str) -> str:
    return hashlib.sha1(text.encode("utf-8")).hexdigest()[:6]


def make_ids_unique(doc: Document, taken: dict[str, str], owner: str | None = None) -> None:
    """Two protocols of the same date would share ids: the later one gets its file's hash.

    `taken` maps id prefixes already in use to the file (owner) using them.
    """
    owner = owner or doc.source
    holder = taken.get(doc.id_prefix)
    if holder is not None and holder != owner:
        doc.id_prefix = f"{doc.id_prefix}-{_short_hash(doc.source)}"
        for paragraph in doc.paragraphs:
            section, number = paragraph.id.rsplit("-", 2)[1:]
            paragraph.id = f"{doc.id_prefix}-{section}-{number}"
    taken[doc.id_prefix] = owner


def discover(paths: Iterable[Path]) -> list[Path]:
    """The protocol files under the given files and directories, sorted for stable ids."""
    found: list[Path] = []
    for path in paths:
        if not path.exists():
            raise ConfigError(f"no such file or directory: {path} — check the path (or set BIGSEARCH_CORPUS)")
        if path.is_dir():
            found.extend(
                p for p in sorted(path.rglob("*"))
                if p.is_file() and p.suffix.lower() in SUPPORTED_SUFFIXES and not p.name.startswith((".", "~$"))
            )
        else:
            found.append(path)
    return sorted(dict.fromkeys(found), key=lambda p: (p.name, str(p)))


@dataclass
class IngestReport:
    read: int = 0
    skipped: list[tuple[str, str]] = field(default_factory=list)


def _parsed(raw: RawText) -> Document:
    try:
        return parse(raw)
    except RecursionError as exc:  # pathological input is a bad file, not a crash
        raise ReadError("too deeply nested to read") from exc


def ingest_file(path: Path) -> Document:
    """One protocol file as a Document; ReadError when it cannot be read."""
    return _parsed(read_path(path))


def ingest_bytes(name: str, data: bytes, suffix: str) -> Document:
    """A protocol already read into memory as a Document; ReadError when it cannot be read."""
    return _parsed(read_bytes(name, data, suffix))


def ingest_paths(
    paths: Iterable[Path], report: IngestReport | None = None, warn: Callable[[str], None] | None = None
) -> Iterator[Document]:
    """Documents for every readable file; an unreadable one is reported through `warn` and skipped."""
    report = report if report is not None else IngestReport()
    taken: dict[str, str] = {}
    for path in discover(paths):
        try:
            doc = ingest_file(path)
        except ReadError as exc:
            report.skipped.append((str(path), str(exc)))
            if warn:
                warn(f"skipped {path}: {exc}")
            continue
        make_ids_unique(doc, taken, str(path))
        report.read += 1
        yield doc
