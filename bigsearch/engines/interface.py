"""The engine interface: what the search core and the sync ask of an index, in plain Python types only.

The search core (bigsearch/search) parses the user's query, resolves facet values and expands
words into index terms (stems, variants, prefixes, fuzzy matches) itself; an engine receives a
small query tree of already-analysed terms (`Q`, bigsearch/querytree.py) and answers with plain
dicts. No Whoosh, tantivy or OpenSearch type ever crosses this module. The sync
(bigsearch/index/sync.py) writes through an engine's EngineWriter.

Records (built in records.py). A paragraph is a dict with these keys (absent or None when unknown):
    kind "p"; id; source (file name); source_key (the file's resolved path); date ("YYYY-MM-DD" or
    None); year (int or None); section_title; section_prefix; unit; text; position (int, order
    within the source); title (the document's title); page, line (where in the original);
    `first` (True on the source's first paragraph); and each facet's key (bigsearch/facets.py):
    principal, persons, attendees, places, doc_type, body, section, … (multi-valued ones as lists).
A source (one per file: the sync manifest) is a dict with: source_key, source, source_hash,
source_stat, id_prefix, title, attendee_records (JSON list of {name, organisation, role}),
paragraphs (count), named_body (the body named with `index --body`, or None).

Fields a query may name (the analysed text fields hold our own analysis: see analysis/tokens.py):
    text, section_title, doc_title, parts, folded, attendee_words  -- analysed text (terms are stems)
    KEYWORD_FIELDS: every keyword facet's key, id, source_key, undated ("1")  -- exact
    year (int), date (ISO string)  -- ranges
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from typing import Protocol

from bigsearch.facets import FACETS

# The query tree an engine receives (bigsearch/querytree.py): part of this contract.
from bigsearch.querytree import All, And, Constant, Not, Nothing, Or, Phrase, Q, Range, Term  # noqa: E402, F401

TEXT_FIELDS = ("text", "section_title", "doc_title", "parts", "folded", "attendee_words")
RANGE_FIELDS = ("year", "date")


class _KeywordFields(Sequence):
    """Exact fields: every keyword facet's key (bigsearch/facets.py) and the record's own. Read from
    the facet registry on every use, so a facet registered later is one too."""

    def _fields(self) -> tuple[str, ...]:
        return (*(facet.key for facet in FACETS.keyword()), "id", "source_key", "undated")

    def __getitem__(self, index):
        return self._fields()[index]

    def __len__(self) -> int:
        return len(self._fields())

    def __contains__(self, name) -> bool:
        return name in self._fields()


KEYWORD_FIELDS = _KeywordFields()


class _FacetKeys(Mapping):
    """Facets an engine counts: facet name -> record key (multi-valued keys hold lists). Read from
    the facet registry on every use, so a facet registered later is counted too."""

    def __getitem__(self, name: str) -> str:
        facet = FACETS.get(name)
        if facet is None or not facet.counted:
            raise KeyError(name)
        return facet.key

    def __iter__(self) -> Iterator[str]:
        return iter([facet.name for facet in FACETS.counted()])

    def __len__(self) -> int:
        return len(FACETS.counted())


FACET_KEYS = _FacetKeys()
SORTS = ("relevance", "date", "-date")  # best first; by meeting date and position, oldest or newest first


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
    # Sources whose paragraphs the index refused (source_key -> failures with .status and
    # .reason): counted as failed and sent again on the next run. Empty for the embedded engines.
    failed_sources: dict

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
    schema_version: int  # the version of its index layout this engine reads and writes

    def write_lock(self) -> AbstractContextManager:
        """Held by the sync from reading the manifest to the commit, so that two runs never plan on
        the same state (a context that does nothing where the engine cannot lock)."""
        ...

    def writer(self, rebuild: bool = False, parallel: bool = False) -> EngineWriter:
        """A writer; with rebuild the commit replaces the whole index. `parallel` says the run is
        large enough for worker processes."""
        ...

    def settings(self) -> dict:
        """What the index folder remembers about this engine besides its name (engine.json):
        connection details, never credentials."""
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
