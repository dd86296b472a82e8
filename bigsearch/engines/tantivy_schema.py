"""The tantivy index layout: its schema, and records turned into tantivy documents.

Analysed fields are handed to tantivy pre-tokenized, from our own analysis chain
(bigsearch.analysis.tokens), so stems, compound parts, folding and positions are exactly the
same as every other engine's. Keyword fields are indexed whole ("raw"); the faceted ones are also
fast fields, so counts over every hit come from columns, not stored documents. The whole record
is stored as JSON and returned unchanged.
"""

from __future__ import annotations

import json
from collections.abc import Iterable

import tantivy

from bigsearch.analysis.tokens import analyse

# Bump whenever fields or analysis change: an index of another version must be rebuilt.
SCHEMA_VERSION = 1

KIND_PARAGRAPH = "p"
KIND_SOURCE = "f"  # one per file: the sync manifest, committed with its paragraphs
KIND_META = "m"  # one per index: which schema version wrote it

# Analysed field -> the record text it is built from.
ANALYSED_SOURCES = {
    "text": "text",
    "section_title": "section_title",
    "doc_title": "title",
    "parts": "text",
    "folded": "text",
}
FACETED = ("principal", "persons", "attendees", "places", "doc_type")
KEYWORDS = ("kind", "id", "source_key", "section", "undated", *FACETED)
RECORD = "record"
SORT_KEY = "order"  # date (yyyymmdd) and position in one column: "date then position" in one sort
POSITION_BITS = 20


def build_schema() -> tantivy.Schema:
    builder = tantivy.SchemaBuilder()
    for name in (*ANALYSED_SOURCES, "attendee_words"):
        # The tokenizer is never used at index time (documents arrive pre-tokenized).
        builder.add_text_field(name, tokenizer_name="raw", index_option="position")
    for name in KEYWORDS:
        builder.add_text_field(name, tokenizer_name="raw", index_option="basic", fast=name in FACETED)
    builder.add_integer_field("year", indexed=True, fast=True)
    builder.add_integer_field("date", indexed=True, fast=True)  # yyyymmdd
    builder.add_unsigned_field("position", fast=True)
    builder.add_unsigned_field(SORT_KEY, fast=True)
    builder.add_boolean_field("first", indexed=True)
    builder.add_bytes_field(RECORD, stored=True)
    return builder.build()


def date_number(value: str) -> int:
    """"2019-03-07" -> 20190307."""
    return int(value.replace("-", ""))


def _pretokenized(field: str, text: str) -> tantivy.PreTokenizedString | None:
    tokens = analyse(field, text)
    if not tokens:
        return None
    return tantivy.PreTokenizedString(
        text, [tantivy.Token(term, position, start, end) for term, position, start, end in tokens]
    )


def _distinct(values: Iterable[str] | None) -> list[str]:
    return [value for value in dict.fromkeys(values or ()) if value]


def paragraph_document(record: dict) -> tantivy.Document:
    doc = tantivy.Document()
    doc.add_text("kind", KIND_PARAGRAPH)
    texts = {field: record.get(key) or "" for field, key in ANALYSED_SOURCES.items()}
    # Attendance is searchable once per meeting (on its first paragraph), not on every paragraph.
    texts["attendee_words"] = " ".join(record.get("attendees") or ()) if record.get("first") else ""
    for field, text in texts.items():
        if text:
            tokens = _pretokenized(field, text)
            if tokens is not None:
                doc.add_pre_tokenized_text(field, tokens)
    for name in ("id", "source_key", "section", "principal", "doc_type"):
        value = record.get(name)
        if value:
            doc.add_text(name, str(value))
    for name in ("persons", "attendees", "places"):
        for value in _distinct(record.get(name)):
            doc.add_text(name, value)
    year = record.get("year")
    if year is None:
        doc.add_text("undated", "1")
    else:
        doc.add_integer("year", int(year))
    position = int(record.get("position") or 0)
    doc.add_unsigned("position", position)
    if record.get("date"):
        number = date_number(record["date"])
        doc.add_integer("date", number)
        doc.add_unsigned(SORT_KEY, (number << POSITION_BITS) + min(position, (1 << POSITION_BITS) - 1))
    doc.add_boolean("first", bool(record.get("first")))
    doc.add_bytes(RECORD, encode(record))
    return doc


def source_document(source: dict) -> tantivy.Document:
    doc = tantivy.Document()
    doc.add_text("kind", KIND_SOURCE)
    doc.add_text("source_key", source["source_key"])
    doc.add_bytes(RECORD, encode(source))
    return doc


def meta_document() -> tantivy.Document:
    doc = tantivy.Document()
    doc.add_text("kind", KIND_META)
    doc.add_bytes(RECORD, encode({"engine": "tantivy", "schema_version": SCHEMA_VERSION}))
    return doc


def encode(record: dict) -> bytes:
    return json.dumps(record, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def decode(doc: tantivy.Document) -> dict:
    return json.loads(bytes(doc.get_first(RECORD)))
