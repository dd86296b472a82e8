"""Records as tantivy documents (writing only): each analysed field's stream, keyword facets,
ranges, the sort key, the sampling bucket and the stored record.

Analysed fields are handed to tantivy already analysed by our own chain (analysis/tokens.py), as
a Stream: when a field holds one term per position, numbered 0, 1, 2, … (nearly always), it goes
as its terms joined by spaces, split again by tantivy's whitespace tokenizer into the same terms
at the same positions: four times cheaper for tantivy than a PreTokenizedString. Otherwise (a
coordinated compound's two terms at one position) it goes as (term, position, start, end) tokens.
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import lru_cache

import tantivy

from bigsearch.analysis.compounds import compound_parts
from bigsearch.analysis.stemming import fold, stem
from bigsearch.analysis.tokens import WORD, analyse, words
from bigsearch.engines.interface import sample_bucket
from bigsearch.engines.records import KIND_PARAGRAPH, KIND_SOURCE
from bigsearch.engines.tantivy_schema import POSITION_BITS, RECORD, SAMPLE, SORT_KEY, date_number, encode
from bigsearch.facets import FACETS

Stream = str | list[tuple[str, int, int, int]]

# Each word's terms, found once per process: word -> its stem (main fields), its folded stem, and
# its compound parts' stems when it has any (parts). A build meets the same words again and
# again, so a paragraph's streams are joins over these tables, not a loop in Python per word.
_MAIN: dict[str, str] = {}
_FOLDED: dict[str, str] = {}
_PARTS: dict[str, str] = {}  # only words with parts: their stems joined by spaces
_CACHE_LIMIT = 300_000  # words; the tables start again past this


def _learn(words_: Iterable[str]) -> None:
    """Puts the words not seen yet into the tables."""
    new = [word for word in set(words_) if word not in _MAIN]
    if len(_MAIN) + len(new) > _CACHE_LIMIT:
        _MAIN.clear()
        _FOLDED.clear()
        _PARTS.clear()
    for word in new:
        _MAIN[word] = stem(word)
        _FOLDED[word] = stem(fold(word))
        parts = dict.fromkeys(compound_parts(word))
        if parts:
            _PARTS[word] = " ".join(stem(part) for part in parts)


def _lowered_words(text: str) -> list[str] | None:
    """The lowercased \\w+ words of a text without a hyphen, in one pass: what tokens.words gives
    word by word, or None where lowercasing the whole text may differ from lowercasing each word
    (a length-changing lowercase, the context-dependent Greek final sigma)."""
    lowered = text.lower()
    if len(lowered) != len(text) or "Σ" in text:
        return None
    return WORD.findall(lowered)


def body_streams(text: str) -> dict[str, Stream]:
    """The "text", "folded" and "parts" streams of a paragraph.

    The same terms at the same positions as analyse("text"|"folded", text) (tests check it on
    the corpus, the Snowball vocabulary and random text). "parts" goes as its terms joined by
    spaces: the same terms and as many (what term queries and their scores read); its positions
    are never read (no phrase ever asks for compound parts).
    """
    found = None if "-" in text else _lowered_words(text)
    if found is None:  # a coordinated compound ("drog- och brottsförebyggande"): the reference path
        return _reference_streams(text)
    _learn(found)
    main = " ".join(map(_MAIN.__getitem__, found))
    folded = " ".join(map(_FOLDED.__getitem__, found))
    parts = " ".join(map(_PARTS.__getitem__, filter(_PARTS.__contains__, found)))
    return {"text": main, "folded": folded, "parts": parts}


def _reference_streams(text: str) -> dict[str, Stream]:
    tokens = list(words(text))
    _learn(word for word, _, _, _ in tokens)
    main = [(_MAIN[word], position, start, end) for word, position, start, end in tokens]
    folded = [(_FOLDED[word], position, start, end) for word, position, start, end in tokens]
    parts = " ".join(_PARTS[word] for word, _, _, _ in tokens if word in _PARTS)
    return {"text": _stream(main), "folded": _stream(folded), "parts": parts}


def _consecutive(tokens: list[tuple[str, int, int, int]]) -> bool:
    return all(position == number for number, (_, position, _, _) in enumerate(tokens))


def _stream(tokens: list[tuple[str, int, int, int]]) -> Stream:
    return " ".join(term for term, _, _, _ in tokens) if _consecutive(tokens) else tokens


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
        if field == "doc_title" and not record.get("first"):
            text = ""  # the document's title is searchable once per meeting, like its attendance
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
    doc.add_unsigned(SAMPLE, sample_bucket(record["id"]))
    doc.add_bytes(RECORD, encode(record))
    return doc


def source_document(source: dict) -> tantivy.Document:
    doc = tantivy.Document()
    doc.add_text("kind", KIND_SOURCE)
    doc.add_text("source_key", source["source_key"])
    doc.add_bytes(RECORD, encode(source))
    return doc


