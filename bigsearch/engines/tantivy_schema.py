"""The tantivy index layout: its schema, and the stored record (records become documents in
tantivy_documents.py, which only writing needs).

Analysed fields are handed to tantivy already analysed by our own chain
(bigsearch.analysis.tokens), so stems, compound parts, folding and positions are exactly the
same as every other engine's. Keyword fields are indexed whole ("raw"): every keyword facet of
the registry (bigsearch/facets.py), the counted ones also as fast fields, so counts over every
hit come from columns, not stored documents. The whole record is stored as JSON and returned
unchanged.
"""

from __future__ import annotations

import json

import tantivy

from bigsearch.facets import FACETS

# Bump whenever the fixed fields or the analysis change: an index of another version must be
# rebuilt. A change of facets is told by the registry's layout, stored beside it.
SCHEMA_VERSION = 3

KIND_META = "m"  # one per index: which schema version and facet layout wrote it

# Analysed field -> the record text it is built from ("attendee_words": the attendees' names).
ANALYSED_SOURCES = {
    "text": "text",
    "section_title": "section_title",
    "doc_title": "title",
    "parts": "text",
    "folded": "text",
    "attendee_words": "attendees",
}
RECORD = "record"
SORT_KEY = "order"  # date (yyyymmdd) and position in one column: "date then position" in one sort
SAMPLE = "sample"  # the paragraph's sampling bucket (interface.sample_bucket): facets of huge hit sets
POSITION_BITS = 20


TERMS_TOKENIZER = "bigsearch_terms"


def terms_analyzer() -> tantivy.TextAnalyzer:
    """Splits already-analysed terms on spaces; registered on the index by the engine."""
    return tantivy.TextAnalyzerBuilder(tantivy.Tokenizer.whitespace()).build()


def fast_fields() -> tuple[str, ...]:
    """The keyword fields counted from columns: every counted keyword facet's."""
    return tuple(facet.key for facet in FACETS.keyword() if facet.counted)


def build_schema() -> tantivy.Schema:
    builder = tantivy.SchemaBuilder()
    for name in ANALYSED_SOURCES:
        # Documents arrive analysed: the tokenizer only splits our terms (see Stream).
        builder.add_text_field(name, tokenizer_name=TERMS_TOKENIZER, index_option="position")
    faceted = fast_fields()
    for name in ("kind", "id", "source_key", "undated", *(facet.key for facet in FACETS.keyword())):
        builder.add_text_field(name, tokenizer_name="raw", index_option="basic", fast=name in faceted)
    builder.add_integer_field("year", indexed=True, fast=True)
    builder.add_integer_field("date", indexed=True, fast=True)  # yyyymmdd
    builder.add_unsigned_field("position", fast=True)
    builder.add_unsigned_field(SORT_KEY, fast=True)
    builder.add_unsigned_field(SAMPLE, fast=True)
    builder.add_boolean_field("first", indexed=True)
    builder.add_bytes_field(RECORD, stored=True)
    return builder.build()


def date_number(value: str) -> int:
    """"2019-03-07" -> 20190307."""
    return int(value.replace("-", ""))


def meta_document() -> tantivy.Document:
    doc = tantivy.Document()
    doc.add_text("kind", KIND_META)
    doc.add_bytes(RECORD, encode({"engine": "tantivy", "schema_version": SCHEMA_VERSION,
                                  "facets": FACETS.layout()}))
    return doc


def encode(record: dict) -> bytes:
    return json.dumps(record, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def decode(doc: tantivy.Document) -> dict:
    return json.loads(bytes(doc.get_first(RECORD)))
