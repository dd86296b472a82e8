"""Ingested documents as the plain records every engine stores (see interface.py for the keys),
and what identifies a source file: its key, its size and modification time, its content hash.

A paragraph record holds each facet's value as the facet extracts it (bigsearch/facets.py).
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

from bigsearch.facets import FACETS
from bigsearch.ingest.model import Document
from bigsearch.textsafe import printable

KIND_PARAGRAPH = "p"  # a record's kind, where an engine keeps several kinds in one index
KIND_SOURCE = "f"  # one per file: the sync manifest, committed with its paragraphs


def source_key(path: Path) -> str:
    """A source's key in every index: its resolved path, printable (a name that is not UTF-8 is stored escaped)."""
    return printable(str(path.resolve()))


def file_stat(path: Path) -> str:
    """Size and modification time: an unchanged file is recognised without being read."""
    info = path.stat()
    return f"{info.st_size}:{info.st_mtime_ns}"


def file_digest(path: Path) -> str:
    """The content hash (SHA-256), read in blocks: a large run never holds its files in memory."""
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def paragraph_records(doc: Document, source_key: str) -> list[dict]:
    facets = tuple(FACETS)
    records = []
    for number, paragraph in enumerate(doc.paragraphs):
        record = {
            "kind": KIND_PARAGRAPH,
            "id": paragraph.id,
            "source": paragraph.source,
            "source_key": source_key,
            "section_prefix": paragraph.section_prefix,
            "section_title": paragraph.section_title,
            "unit": paragraph.unit,
            "text": paragraph.text,
            "position": paragraph.position,
            "title": doc.title,
            "page": paragraph.page,
            "line": paragraph.line,
            "ocr_confidence": paragraph.ocr_confidence,  # the page's mean word confidence, when read by OCR
            "first": number == 0,
        }
        for facet in facets:
            record[facet.key] = facet.extract(paragraph, doc)
        records.append(record)
    return records


def source_record(doc: Document, source_key: str, digest: str, stat: str, named_body: str | None = None) -> dict:
    attendees = [
        {"name": a.name, "organisation": a.organisation, "principal": a.principal, "role": a.role}
        for a in doc.attendees
    ]
    return {
        "source_key": source_key,
        "source": doc.source,
        "source_hash": digest,
        "source_stat": stat,
        "id_prefix": doc.id_prefix,
        "title": doc.title,
        "attendee_records": json.dumps(attendees, ensure_ascii=False),
        "paragraphs": len(doc.paragraphs),
        "named_body": named_body,
    }
