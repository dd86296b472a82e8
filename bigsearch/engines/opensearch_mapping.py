"""The OpenSearch index body (settings + mappings), generated from the facet registry and the analysis.

Two kinds of text fields, on purpose:

- `analysed.*` (text, section_title, doc_title, parts, folded, attendee_words) hold OUR analysis,
  computed in Python by tokens.analyse and sent pre-analysed: each position's terms joined by "|",
  positions separated by spaces ("drog|drogförebygg och brottsförebygg"). The index analyzer
  splits on spaces and emits the "|" alternatives at the same position (pattern_capture), so the
  core's terms — Snowball stems, our compound parts, our folding, coordinated compounds — match
  exactly as in the embedded engines, phrases included. The search analyzer is a bare whitespace
  split: the core's terms are looked up as they are. These fields are left out of _source.
- `text`, `section_title`, `title` keep the original text (in _source, not indexed as such) and
  are analysed by Lucene's own Swedish chain in sub-fields named for it, for people who query
  the cluster with their own tools (Dashboards, the REST API): `.lucene_swedish` (standard
  tokenizer, lowercase, Lucene's Snowball Swedish, offsets for OpenSearch's highlighter),
  `.lucene_swedish_parts` (a dictionary decompounder whose word list comes from our compound
  data) and `.lucene_swedish_folded` (asciifolding). They are secondary: Lucene's Snowball
  Swedish is generated from an older Snowball that lacks two rules of ours (-et/-ets: "huset"
  stays "huset", ours gives "hus"; -öst: "avlöste" gives "avlöst", ours "avlös"), so they stem
  553 of the 30,738 words of Snowball's Swedish reference vocabulary differently. bigsearch
  searches only the `analysed.*` fields; its highlights are computed from the stored text by the
  search core, the same for every engine.

Facets are keyword fields (doc values) named after the registry's record keys.
"""

from __future__ import annotations

import math

from bigsearch.engines.interface import TEXT_FIELDS
from bigsearch.engines.records import KIND_PARAGRAPH, KIND_SOURCE  # noqa: F401 - the kinds a query names
from bigsearch.facets import FACETS

ANALYSED = "analysed"  # object holding the pre-analysed fields
KIND_VOCABULARY = "v"  # besides records' KIND_PARAGRAPH and KIND_SOURCE
MAX_RESULT_WINDOW = 25_000
MAX_GROUP_CHARS = 1024 * 1024  # Lucene's limit for a tokenizer's max_token_length
SEPARATOR = "|"  # between terms at one position; never inside a term (terms are \w+)

# Keyword (exact) fields: everything a query or filter names exactly, plus the facets.
KEYWORDS = ("kind", "doc_key", "id", "source", "source_key", "doc_type", "section", "section_prefix", "principal",
            "unit", "body",
            "persons", "places", "attendees", "undated", "vocab_field", "vocab_term", "source_hash",
            "source_stat", "id_prefix")


def decompound_words(min_zipf: float | None = None) -> list[str]:
    """The decompounder's word list: the words our splitter accepts as a compound's head.

    Taken from the same wordfreq Swedish list and thresholds as analysis/compounds.py (a part is
    at least MIN_PART letters, frequent enough, and not a function word).
    """
    from bigsearch.analysis import compounds

    threshold = compounds.HEAD_MIN_ZIPF if min_zipf is None else min_zipf
    words = []
    for word, frequency in compounds._frequencies().items():
        if len(word) < compounds.MIN_PART or not word.isalpha() or word in compounds.NOT_PARTS:
            continue
        if math.log10(frequency) + 9 >= threshold:
            words.append(word)
    return sorted(words)


def analysis_settings(word_list: list[str]) -> dict:
    from bigsearch.analysis import compounds

    return {
        "filter": {
            "lucene_swedish_snowball": {"type": "snowball", "language": "Swedish"},
            "bigsearch_decompound": {
                "type": "dictionary_decompounder",
                "word_list": word_list,
                "min_word_size": compounds.MIN_WORD,
                "min_subword_size": compounds.MIN_PART,
                "only_longest_match": True,
            },
            "bigsearch_alternatives": {
                "type": "pattern_capture",
                "preserve_original": False,
                "patterns": [f"([^{SEPARATOR}]+)"],
            },
        },
        "tokenizer": {
            # One position's alternatives ("drog|drogförebygg") are one whitespace token: it must never be
            # cut (the default cuts at 255 characters), so the limit is Lucene's largest.
            "bigsearch_groups": {"type": "whitespace", "max_token_length": MAX_GROUP_CHARS},
        },
        "analyzer": {
            # Our own analysis, sent pre-analysed (see the module docstring).
            "bigsearch_preanalysed": {
                "type": "custom", "tokenizer": "bigsearch_groups", "filter": ["bigsearch_alternatives"],
            },
            "bigsearch_terms": {"type": "custom", "tokenizer": "bigsearch_groups", "filter": []},
            # Lucene's own Swedish chain over the original text (secondary: see the module docstring).
            "lucene_swedish": {
                "type": "custom", "tokenizer": "standard", "filter": ["lowercase", "lucene_swedish_snowball"],
            },
            "lucene_swedish_parts": {
                "type": "custom", "tokenizer": "standard",
                "filter": ["lowercase", "bigsearch_decompound", "lucene_swedish_snowball"],
            },
            "lucene_swedish_folded": {
                "type": "custom", "tokenizer": "standard",
                "filter": ["lowercase", "asciifolding", "lucene_swedish_snowball"],
            },
        },
    }


def _original_text() -> dict:
    """The original text, kept in _source; Lucene's Swedish analyses of it in sub-fields named for them."""
    return {
        "type": "text",
        "index": False,
        "fields": {
            "lucene_swedish": {"type": "text", "analyzer": "lucene_swedish", "index_options": "offsets"},
            "lucene_swedish_parts": {"type": "text", "analyzer": "lucene_swedish_parts"},
            "lucene_swedish_folded": {"type": "text", "analyzer": "lucene_swedish_folded"},
        },
    }


def mappings() -> dict:
    properties: dict = {name: {"type": "keyword"} for name in KEYWORDS}
    for facet in FACETS.keyword():  # a facet declared in the registry is a keyword field with doc values
        properties.setdefault(facet.key, {"type": "keyword"})
    properties["year"] = {"type": "short"}  # the one numeric facet: ranges and terms aggregations
    properties["date"] = {"type": "date", "format": "strict_date"}
    properties["position"] = {"type": "integer"}
    properties["page"] = {"type": "integer"}  # where in the original, for citations
    properties["line"] = {"type": "integer"}
    properties["ocr_confidence"] = {"type": "integer"}
    properties["paragraphs"] = {"type": "integer"}
    properties["first"] = {"type": "boolean"}
    properties["text"] = _original_text()
    properties["section_title"] = _original_text()
    properties["title"] = _original_text()
    # Kept in _source only: never searched, never aggregated.
    for name in ("source_stat", "attendee_records", "named_body"):
        properties[name] = {"type": "keyword", "index": False, "doc_values": False}
    properties[ANALYSED] = {
        "type": "object",
        "properties": {
            name: {
                "type": "text",
                "analyzer": "bigsearch_preanalysed",
                "search_analyzer": "bigsearch_terms",
                "norms": True,
                "index_options": "positions",
            }
            for name in TEXT_FIELDS
        },
    }
    return {
        "dynamic": "strict",  # a record key without a mapping is an error, not a guessed field
        "_source": {"excludes": [ANALYSED, f"{ANALYSED}.*"]},
        "properties": dict(sorted(properties.items())),
    }


def index_body(shards: int = 1, replicas: int = 1, word_list: list[str] | None = None) -> dict:
    """The body of PUT /<index>: settings and mappings."""
    return {
        "settings": {
            # The window lets one request list a one-letter prefix's vocabulary (20,001 terms: fuzzy~, did-you-mean).
            "index": {"number_of_shards": shards, "number_of_replicas": replicas, "max_result_window": MAX_RESULT_WINDOW},
            "analysis": analysis_settings(decompound_words() if word_list is None else word_list),
        },
        "mappings": mappings(),
    }


def analysed_field(name: str) -> str:
    return f"{ANALYSED}.{name}"
