"""Ingested documents as the plain records every engine stores (see interface.py for the keys)."""

from __future__ import annotations

import json
from pathlib import Path

from bigsearch.ingest.model import Document
from bigsearch.textsafe import printable

KIND_PARAGRAPH = "p"


def source_key(path: Path) -> str:
    """A source's key in every index: its resolved path, printable (a name that is not UTF-8 is stored escaped)."""
    return printable(str(path.resolve()))


def file_stat(path: Path) -> str:
    """Size and modification time: an unchanged file is recognised without being read."""
    info = path.stat()
    return f"{info.st_size}:{info.st_mtime_ns}"


def attendee_names(doc: Document) -> list[str]:
    return list(dict.fromkeys(a.name.replace(",", " ").strip() for a in doc.attendees if a.name and a.name.strip()))


def paragraph_records(doc: Document, source_key: str) -> list[dict]:
    names = attendee_names(doc)
    attendance_at = getattr(doc, "attendance_at", 0)
    records = []
    for number, paragraph in enumerate(doc.paragraphs):
        records.append({
            "kind": KIND_PARAGRAPH,
            "id": paragraph.id,
            "source": paragraph.source,
            "source_key": source_key,
            "doc_type": paragraph.doc_type,
            "date": paragraph.date,
            "year": paragraph.year,
            "section": paragraph.section,
            "section_prefix": getattr(paragraph, "section_prefix", None),
            "section_title": paragraph.section_title,
            "principal": paragraph.principal,
            "unit": paragraph.unit,
            "persons": list(paragraph.persons),
            "places": list(paragraph.places),
            "attendees": names,
            "text": paragraph.text,
            "position": paragraph.position,
            "title": doc.title,
            "body": getattr(paragraph, "body", None) or getattr(doc, "body", None),
            "page": getattr(paragraph, "page", None),
            "line": getattr(paragraph, "line", None),
            "first": number == attendance_at,
            "part": getattr(paragraph, "part", "item"),
        })
    return records


def source_record(doc: Document, source_key: str, digest: str, stat: str) -> dict:
    attendees = [
        {"name": a.name, "organisation": a.organisation, "principal": a.principal, "role": getattr(a, "role", None)}
        for a in doc.attendees
    ]
    return {
        "source_key": source_key,
        "source": doc.source,
        "source_hash": digest,
        "source_stat": stat,
        "id_prefix": getattr(doc, "id_prefix", ""),
        "title": doc.title,
        "attendee_records": json.dumps(attendees, ensure_ascii=False),
        "paragraphs": len(doc.paragraphs),
    }
