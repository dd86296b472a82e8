"""The tantivy index layout: its schema, and records turned into tantivy documents.

Analysed fields are handed to tantivy already analysed by our own chain
(bigsearch.analysis.tokens), so stems, compound parts, folding and positions are exactly the
same as every other engine's (see Stream). Keyword fields are indexed whole ("raw"): every keyword
facet of the registry (bigsearch/facets.py), the counted ones also as fast fields, so counts over
every hit come from columns, not stored documents. The whole record is stored as JSON and
returned unchanged.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from functools import lru_cache

import tantivy

from bigsearch.analysis.compounds import compound_parts
from bigsearch.analysis.stemming import fold, stem
from bigsearch.analysis.tokens import WORD, analyse, words
from bigsearch.engines.records import KIND_PARAGRAPH, KIND_SOURCE
from bigsearch.facets import FACETS

# Bump whenever the fixed fields or the analysis change: an index of another version must be
# rebuilt. A change of facets is told by the registry's layout, stored beside it.
SCHEMA_VERSION = 2

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
    builder.add_boolean_field("first", indexed=True)
    builder.add_bytes_field(RECORD, stored=True)
    return builder.build()


def date_number(value: str) -> int:
    """"2019-03-07" -> 20190307."""
    return int(value.replace("-", ""))


@lru_cache(maxsize=300_000)
def _word_terms(word: str) -> tuple[str, str, tuple[str, ...]]:
    """A word's terms in the main, folded and parts fields: what tokens.analyse gives each field."""
    return stem(word), stem(fold(word)), tuple(stem(part) for part in dict.fromkeys(compound_parts(word)))


def _words(text: str) -> list[tuple[str, int, int, int]]:
    if "-" in text:  # coordinated compounds ("drog- och brottsförebyggande"): the reference path
        return list(words(text))
    # Without a hyphen tokens.words yields exactly the lowercased \w+ matches, numbered.
    return [(match.group().lower(), number, match.start(), match.end())
            for number, match in enumerate(WORD.finditer(text))]


# A field's analysed stream as handed to tantivy. When it holds one term per position, numbered
# 0, 1, 2, … (nearly always), it goes as its terms joined by spaces, split again by tantivy's
# whitespace tokenizer into the same terms at the same positions: four times cheaper for tantivy
# than a PreTokenizedString. Otherwise (a coordinated compound's two terms at one position, the
# sparse positions of compound parts) it goes as (term, position, start, end) tokens.
Stream = str | list[tuple[str, int, int, int]]


def _consecutive(tokens: list[tuple[str, int, int, int]]) -> bool:
    return all(position == number for number, (_, position, _, _) in enumerate(tokens))


def _stream(tokens: list[tuple[str, int, int, int]]) -> Stream:
    return " ".join(term for term, _, _, _ in tokens) if _consecutive(tokens) else tokens


def body_streams(text: str) -> dict[str, Stream]:
    """The "text", "folded" and "parts" streams of a paragraph in one pass over its words.

    The same terms at the same positions as analyse("text"|"folded"|"parts", text) (tests check
    it on the corpus and the Snowball vocabulary), at a third of the cost.
    """
    found = _words(text)
    terms = [_word_terms(word) for word, _, _, _ in found]
    if not found or found[-1][1] == len(found) - 1:  # no two terms share a position
        main: Stream = " ".join([term[0] for term in terms])
        folded: Stream = " ".join([term[1] for term in terms])
    else:
        pairs = list(zip(terms, found, strict=True))
        main = [(term[0], position, start, end) for term, (_, position, start, end) in pairs]
        folded = [(term[1], position, start, end) for term, (_, position, start, end) in pairs]
    parts = [(part, position, start, end)
             for term, (_, position, start, end) in zip(terms, found, strict=True) if term[2] for part in term[2]]
    return {"text": main, "folded": folded, "parts": parts}


def stream_terms(stream: Stream) -> list[tuple[str, int]]:
    """(term, position) pairs of a stream, as tantivy indexes them."""
    if isinstance(stream, str):
        return [(term, number) for number, term in enumerate(stream.split(" ")) if stream]
    return [(term, position) for term, position, _, _ in stream]


def analysed(record: dict) -> dict[str, tuple[str, Stream]]:
    """Analysed field -> (its text, its stream) for one paragraph record."""
    body = record.get("text") or ""
    out = {field: (body, stream) for field, stream in body_streams(body).items()}
    for field, key in (("section_title", "section_title"), ("doc_title", "title")):
        text = record.get(key) or ""
        out[field] = (text, _title_stream(field, text) if text else "")
    # Attendance is searchable once per meeting (on its first paragraph), not on every paragraph.
    attendance = " ".join(record.get("attendees") or ()) if record.get("first") else ""
    out["attendee_words"] = (attendance, _stream(analyse("attendee_words", attendance)) if attendance else "")
    return out


@lru_cache(maxsize=4096)
def _title_stream(field: str, text: str) -> Stream:
    """Titles repeat on every paragraph of a document (and section titles within a section)."""
    return _stream(analyse(field, text))


def _add_stream(doc: tantivy.Document, field: str, text: str, stream: Stream) -> None:
    if not stream:
        return
    if isinstance(stream, str):
        doc.add_text(field, stream)
    else:
        tokens = [tantivy.Token(term, position, start, end) for term, position, start, end in stream]
        doc.add_pre_tokenized_text(field, tantivy.PreTokenizedString(text, tokens))


def _distinct(values: Iterable[str] | None) -> list[str]:
    return [value for value in dict.fromkeys(values or ()) if value]


def paragraph_document(record: dict) -> tantivy.Document:
    doc = tantivy.Document()
    doc.add_text("kind", KIND_PARAGRAPH)
    for field, (text, stream) in analysed(record).items():
        _add_stream(doc, field, text, stream)
    for name in ("id", "source_key"):
        doc.add_text(name, str(record[name]))
    for facet in FACETS.keyword():
        if facet.multi:
            for value in _distinct(record.get(facet.key)):
                doc.add_text(facet.key, value)
        elif record.get(facet.key):
            doc.add_text(facet.key, str(record[facet.key]))
    year = record.get("year")
    if year is None:
        doc.add_text("undated", "1")
    else:
        doc.add_integer("year", int(year))
    position = int(record.get("position") or 0)
    doc.add_unsigned("position", position)
    number = date_number(record["date"]) if record.get("date") else 0
    if number:
        doc.add_integer("date", number)
    # Without a date a paragraph sorts before every dated one ("date") and after them ("-date"),
    # then by position, as in the whoosh engine.
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
    doc.add_bytes(RECORD, encode({"engine": "tantivy", "schema_version": SCHEMA_VERSION,
                                  "facets": FACETS.layout()}))
    return doc


def encode(record: dict) -> bytes:
    return json.dumps(record, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def decode(doc: tantivy.Document) -> dict:
    return json.loads(bytes(doc.get_first(RECORD)))
