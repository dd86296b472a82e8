"""The engine interface: what the search core asks of an index, in plain Python types only.

The search core (bigsearch/search) parses the user's query, resolves facet values and expands
words into index terms (stems, variants, prefixes, fuzzy matches) itself; an engine receives a
small query tree of already-analysed terms (`Q`) and answers with plain dicts. No Whoosh,
tantivy or OpenSearch type ever crosses this module.

Records. A paragraph is a dict with these keys (absent or None when unknown):
    kind "p"; id; source (file name); source_key (the file's resolved path); doc_type;
    date ("YYYY-MM-DD" or None); year (int or None); section; section_title; principal; unit;
    persons, places, attendees (lists of names); text; position (int, order within the source);
    title (the document's title); `first` (True on the one paragraph of the source that carries
    its attendance for search: the attendance list's paragraph, else the first); and `part`
    ("item", "body", "agenda", or — ranked low — "header", "signature", "caption").
A source (one per file: the sync manifest) is a dict with: source_key, source, source_hash,
source_stat, id_prefix, title, attendee_records (JSON list of {name, organisation, role}),
paragraphs (count).

Fields a query may name (all analysed text fields hold our own analysis: see `analysed_fields`):
    text, section_title, doc_title, parts, folded, attendee_words  -- analysed text (terms are stems)
    principal, persons, attendees, places, doc_type, section, id, source_key, undated ("1")  -- exact
    year (int), date (ISO string)  -- ranges
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Protocol

from bigsearch.facets import FACETS
from bigsearch.options import SORTS as OPTION_SORTS

# -- the query tree an engine receives -------------------------------------------------------------


@dataclass(frozen=True)
class Term:
    field: str
    value: str | int
    boost: float = 1.0


@dataclass(frozen=True)
class Phrase:
    field: str
    terms: tuple[str, ...]
    boost: float = 1.0


@dataclass(frozen=True)
class Range:
    """Inclusive; an open end is None. year: ints; date: ISO strings."""

    field: str
    low: int | str | None
    high: int | str | None


@dataclass(frozen=True)
class And:
    children: tuple[Q, ...]


@dataclass(frozen=True)
class Or:
    children: tuple[Q, ...]
    boost: float = 1.0


@dataclass(frozen=True)
class Not:
    """Only inside an And (the core never sends a bare Not)."""

    child: Q


@dataclass(frozen=True)
class Constant:
    """Matches what `child` matches, every document with the same small score."""

    child: Q
    score: float


@dataclass(frozen=True)
class All:
    """Every paragraph."""


@dataclass(frozen=True)
class Nothing:
    pass


Q = Term | Phrase | Range | And | Or | Not | Constant | All | Nothing

TEXT_FIELDS = ("text", "section_title", "doc_title", "parts", "folded", "attendee_words")
KEYWORD_FIELDS = ("principal", "persons", "attendees", "places", "doc_type", "section", "id", "source_key", "undated")
RANGE_FIELDS = ("year", "date")
# Facets an engine counts: facet name -> record key (multi-valued keys hold lists).
FACET_KEYS = {facet.name: facet.record_key for facet in FACETS}
SORTS = OPTION_SORTS


# -- what an engine answers -------------------------------------------------------------------------


@dataclass
class EngineHit:
    record: dict  # the paragraph record as stored (every key listed above)
    score: float


@dataclass
class EngineResult:
    total: int
    hits: list[EngineHit]
    # facet name -> value -> paragraph count, over ALL matching paragraphs (not just the page).
    # year values are ints; paragraphs without a year are counted under None.
    facets: dict[str, dict] = field(default_factory=dict)


class Lexicon(Protocol):
    """The index's vocabulary of one analysed field, for expanding words into terms."""

    def df(self, field: str, term: str) -> int: ...

    def prefixed(self, field: str, prefix: str) -> Iterator[str]:
        """Terms of `field` starting with `prefix`, in term order (lazily: callers stop early)."""
        ...


class EngineWriter(Protocol):
    def replace_source(self, source: dict, paragraphs: list[dict]) -> None:
        """Adds a source and its paragraphs, replacing whatever the index held for its source_key."""
        ...

    def remove_source(self, source_key: str) -> None: ...

    def commit(self) -> None:
        """Makes every change of this writer visible at once (atomically: a crash before or during
        leaves the previous state), then releases the writer."""
        ...

    def cancel(self) -> None: ...


class Engine(Protocol):
    name: str

    def writer(self, rebuild: bool = False) -> EngineWriter:
        """A writer; with rebuild the commit replaces the whole index."""
        ...

    def search(
        self,
        query: Q,
        filter: Q | None = None,
        sort: str = "relevance",
        limit: int = 10,
        offset: int = 0,
        facets: tuple[str, ...] = (),
    ) -> EngineResult: ...

    def count(self, query: Q) -> int: ...

    def lexicon(self) -> Lexicon: ...

    def values(self, field: str) -> list[str]:
        """Every value of a keyword field (principal, persons, attendees, places, …)."""
        ...

    def paragraph(self, paragraph_id: str) -> dict | None: ...

    def source_paragraphs(self, source_key: str) -> list[dict]:
        """A source's paragraphs in document order."""
        ...

    def sources(self) -> list[dict]:
        """Every source record (the manifest)."""
        ...

    def size_bytes(self) -> int: ...

    def close(self) -> None: ...
