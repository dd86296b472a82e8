"""Records (engines/records.py) as OpenSearch documents and bulk actions, and as bulk NDJSON.

Document ids are deterministic, so re-sending a source overwrites its paragraphs in place:
  paragraph  p:<hash of source_key>:<paragraph id>   (paragraph ids are unique per source)
  source     f:<hash of source_key>                   (the sync manifest entry)
  vocabulary v:<field>:<term>                         (one per analysed term: Lexicon.prefixed)
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Iterator

from bigsearch.analysis.tokens import analyse
from bigsearch.engines.interface import TEXT_FIELDS
from bigsearch.engines.opensearch_mapping import (
    ANALYSED,
    KIND_PARAGRAPH,
    KIND_SOURCE,
    KIND_VOCABULARY,
    SEPARATOR,
)

MAX_ID_BYTES = 512  # OpenSearch's limit on _id


def _digest(text: str, size: int = 16) -> str:
    return hashlib.sha1(text.encode("utf-8")).hexdigest()[:size]


def _bounded(doc_id: str) -> str:
    if len(doc_id.encode("utf-8")) <= MAX_ID_BYTES:
        return doc_id
    return f"{doc_id[:2]}#{_digest(doc_id, 40)}"


def paragraph_doc_id(source_key: str, paragraph_id: str) -> str:
    return _bounded(f"p:{_digest(source_key)}:{paragraph_id}")


def source_doc_id(source_key: str) -> str:
    return f"f:{_digest(source_key)}"


def vocabulary_doc_id(field: str, term: str) -> str:
    return _bounded(f"v:{field}:{term}")


def encode_tokens(tokens: Iterable[tuple[str, int, int, int]]) -> str:
    """Analysed tokens as pre-analysed text: one space-separated group per position, its terms joined by "|"."""
    groups: dict[int, dict[str, None]] = {}
    for term, position, _start, _end in tokens:
        groups.setdefault(position, {})[term] = None
    return " ".join(SEPARATOR.join(terms) for _, terms in sorted(groups.items()))


ANALYSED_FROM = ("text", "section_title", "title", "attendees", "first")  # the record keys analysed_terms reads


def analysed_terms(record: dict) -> dict[str, list[tuple[str, int, int, int]]]:
    """Each analysed field's tokens, from the record's text as the whoosh engine indexes it."""
    text = record.get("text") or ""
    attendee_words = " ".join(record.get("attendees") or []) if record.get("first") else ""
    sources = {
        "text": ("text", text),
        "section_title": ("section_title", record.get("section_title") or ""),
        # The document's title, like attendance, once per meeting (on its first paragraph).
        "doc_title": ("doc_title", (record.get("title") or "") if record.get("first") else ""),
        "parts": ("parts", text),
        "folded": ("folded", text),
        # Attendance is searchable once per meeting (on its first paragraph), as in the whoosh engine.
        "attendee_words": ("attendee_words", attendee_words),
    }
    return {name: analyse(field, value) if value else [] for name, (field, value) in sources.items()}


def paragraph_document(record: dict, tokens: dict | None = None) -> dict:
    tokens = analysed_terms(record) if tokens is None else tokens
    doc = {key: value for key, value in record.items() if key != "kind"}
    doc["kind"] = KIND_PARAGRAPH
    doc["doc_key"] = paragraph_doc_id(record["source_key"], record["id"])
    doc["undated"] = "1" if record.get("year") is None else None
    doc[ANALYSED] = {name: encode_tokens(tokens[name]) for name in TEXT_FIELDS}
    return doc


def source_document(source: dict) -> dict:
    doc = dict(source)
    doc["kind"] = KIND_SOURCE
    doc["doc_key"] = source_doc_id(source["source_key"])
    return doc


def vocabulary_document(field: str, term: str) -> dict:
    return {"kind": KIND_VOCABULARY, "doc_key": vocabulary_doc_id(field, term), "vocab_field": field, "vocab_term": term}


class SeenTerms:
    """Vocabulary terms already sent in this run (bounded: past the cap, terms are simply re-sent)."""

    def __init__(self, cap: int = 2_000_000):
        self.cap = cap
        self.terms: set[tuple[str, str]] = set()

    def new(self, field: str, term: str) -> bool:
        key = (field, term)
        if key in self.terms:
            return False
        if len(self.terms) >= self.cap:
            self.terms.clear()
        self.terms.add(key)
        return True


def source_actions(source: dict, paragraphs: list[dict], seen: SeenTerms, index: str | None = None) -> Iterator[dict]:
    """Bulk actions for one source: its paragraphs, their new vocabulary, then the source (manifest) last.

    The manifest entry comes last so that a run killed half-way leaves the old content hash and the
    next run sends the source again.
    """
    for record in paragraphs:
        tokens = analysed_terms(record)
        doc = paragraph_document(record, tokens)
        yield _action(doc, index)
        for field in TEXT_FIELDS:
            for term in dict.fromkeys(token[0] for token in tokens[field]):
                if seen.new(field, term):
                    yield _action(vocabulary_document(field, term), index)
    yield _action(source_document(source), index)


def _action(doc: dict, index: str | None) -> dict:
    action = {"_op_type": "index", "_id": doc["doc_key"], "_source": doc}
    if index:
        action["_index"] = index
    return action


def ndjson_lines(actions: Iterable[dict]) -> Iterator[str]:
    """Bulk-API NDJSON: an action line then a document line per action (no _index: POST to /<index>/_bulk)."""
    for action in actions:
        meta = {"_id": action["_id"]}
        if action.get("_index"):
            meta["_index"] = action["_index"]
        yield json.dumps({action["_op_type"]: meta}, ensure_ascii=False)
        if action["_op_type"] != "delete":
            yield json.dumps(action["_source"], ensure_ascii=False)
