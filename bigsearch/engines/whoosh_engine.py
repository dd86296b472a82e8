"""The whoosh engine: the default, pure Python.

Top-k comes from Whoosh's scorer; the total and the facet counts from block-wise document sets
(whoosh_docsets) and per-document columns (whoosh_facets), never from stored fields. The index
is opened when first read; writing goes through WhooshWriter (whoosh_writer.py) under the
engine's write lock (whoosh_store.write_lock).
"""

from __future__ import annotations

import contextlib
import time
from collections.abc import Callable, Iterator
from pathlib import Path

from whoosh import query as q
from whoosh.query.qcore import QueryError as WhooshQueryError

from bigsearch.engines import interface as i
from bigsearch.engines import whoosh_store as store
from bigsearch.engines.records import KIND_PARAGRAPH, KIND_SOURCE
from bigsearch.engines.version import SCHEMA_VERSION
from bigsearch.engines.whoosh_docsets import matching_docs
from bigsearch.engines.whoosh_facets import FacetCounter
from bigsearch.engines.whoosh_query import to_whoosh
from bigsearch.errors import IndexCorruptError, QueryError
from bigsearch.facets import FACETS, year_value


def record_from_fields(fields: dict) -> dict:
    record = dict(fields)
    for facet in FACETS.keyword():
        value = fields.get(facet.key)
        record[facet.key] = [v for v in (value or "").split(",") if v] if facet.multi else (value or None)
    record["year"] = year_value(fields.get("year"))
    for key in ("date", "section_title", "unit", "title"):
        record[key] = fields.get(key) or None
    record.setdefault("doc_type", "")
    record["position"] = record.pop("order", 0) or 0
    return record


class WhooshLexicon:
    def __init__(self, reader):
        self.reader = reader

    def df(self, field: str, term: str) -> int:
        try:
            return self.reader.doc_frequency(field, term)
        except Exception:  # a term this field cannot encode is simply absent
            return 0

    def prefixed(self, field: str, prefix: str) -> Iterator[str]:
        try:
            for term in self.reader.expand_prefix(field, prefix):
                yield term.decode("utf-8") if isinstance(term, bytes) else str(term)
        except (KeyError, ValueError, UnicodeDecodeError):
            return


class WhooshEngine:
    name = "whoosh"
    schema_version = SCHEMA_VERSION

    def __init__(self, index_dir: Path, notify: Callable[[str], None] | None = None):
        self.index_dir = Path(index_dir)
        self.notify = notify
        self._searcher = None
        self._facets: FacetCounter | None = None

    # -- the registry's table (engines/registry.py) ---------------------------------------------

    @staticmethod
    def exists(index_dir: Path) -> bool:
        return store.exists(Path(index_dir))

    @staticmethod
    def outdated(index_dir: Path) -> bool:
        """Built by another version of bigsearch: the next build replaces it."""
        return bool(store.other_versions(Path(index_dir)))

    @classmethod
    def open(cls, index_dir: Path, settings: dict, notify: Callable[[str], None] | None = None) -> WhooshEngine:
        return cls(index_dir, notify=notify)

    def settings(self) -> dict:
        return {}

    # -- reading ----------------------------------------------------------------------------------

    @property
    def searcher(self):
        """The committed index, opened (and checked for damage) when first read."""
        if self._searcher is None:
            self._searcher = store.open_for_reading(self.index_dir).searcher()
        return self._searcher

    def close(self) -> None:
        if self._searcher is not None:
            self._searcher.close()
            self._searcher = None
            self._facets = None

    @property
    def facet_counter(self) -> FacetCounter:
        if self._facets is None:
            self._facets = FacetCounter(self.searcher.reader())
        return self._facets

    def _docs(self, query: q.Query) -> set[int]:
        try:
            return matching_docs(self.searcher, query)
        except WhooshQueryError as exc:
            raise QueryError(f"cannot run this query ({exc}) — simplify it") from exc

    def search(self, query: i.Q, filter: i.Q | None = None, sort: str = "relevance", limit: int = 10,
               offset: int = 0, facets: tuple[str, ...] = ()) -> i.EngineResult:
        native = to_whoosh(query)
        allowed = self._docs(to_whoosh(filter)) if filter is not None else None
        if allowed is not None and not allowed:
            return i.EngineResult(0, [], {name: {} for name in facets})
        kwargs: dict = {}
        if sort != "relevance":
            kwargs["sortedby"] = ["date", "position"]
            kwargs["reverse"] = sort == "-date"
        try:
            results = self.searcher.search(native, filter=allowed, limit=max(1, offset + limit), **kwargs)
        except WhooshQueryError as exc:
            raise QueryError(f"cannot run this query ({exc}) — simplify it") from exc
        matched = self._docs(native)
        if allowed is not None:
            matched &= allowed
        scored = sort == "relevance"  # sorted results carry the sort key, not a score
        hits = [
            i.EngineHit(record_from_fields(results[n].fields()), round(float(results[n].score or 0.0), 4) if scored else 0.0)
            for n in range(offset, min(results.scored_length(), offset + limit))
        ]
        counts = self.facet_counter.count(sorted(matched), facets) if facets else {}
        return i.EngineResult(len(matched), hits, counts)

    def count(self, query: i.Q) -> int:
        return len(self._docs(to_whoosh(query)))

    def lexicon(self) -> WhooshLexicon:
        return WhooshLexicon(self.searcher.reader())

    def values(self, field: str) -> list[str]:
        reader = self.searcher.reader()
        if field not in reader.schema:
            return []
        return [t.decode("utf-8") if isinstance(t, bytes) else str(t) for t in reader.lexicon(field)]

    def paragraph(self, paragraph_id: str) -> dict | None:
        fields = self.searcher.document(id=paragraph_id)
        if not fields or fields.get("kind") == KIND_SOURCE or "text" not in fields:
            return None
        return record_from_fields(fields)

    def source_paragraphs(self, source_key: str) -> list[dict]:
        results = self.searcher.search(
            q.And([q.Term("kind", KIND_PARAGRAPH), q.Term("source_key", source_key)]), limit=None, sortedby="position"
        )
        return [record_from_fields(r.fields()) for r in results]

    def sources(self) -> list[dict]:
        searcher = self.searcher
        try:
            return [dict(fields) for fields in searcher.documents(kind=KIND_SOURCE)]
        except OSError:
            raise
        except Exception as exc:  # noqa: BLE001 - a damaged segment the open-time checks missed can make Whoosh raise anything
            raise IndexCorruptError(
                f"the index at {self.index_dir} cannot be read ({type(exc).__name__}: {exc}) — "
                "`bigsearch index --rebuild` repairs it"
            ) from None

    def size_bytes(self) -> int:
        return store.index_size(self.index_dir)

    # -- writing ----------------------------------------------------------------------------------

    @contextlib.contextmanager
    def write_lock(self):
        """One run at a time, held from reading the manifest to the commit (an OS lock: it dies with its process)."""
        with store.write_lock(self.index_dir, on_wait=self.notify):
            started = time.time()
            # What killed or failed runs left behind goes before this run writes anything.
            store.remove_leftovers(self.index_dir, older_than=started)
            yield

    def writer(self, rebuild: bool = False, parallel: bool = False):
        """A writer; call it inside write_lock(). With `parallel`, worker processes analyse and write segments."""
        from bigsearch.engines.whoosh_writer import WhooshWriter

        self.close()  # this run's commit replaces what was read
        if store.other_versions(self.index_dir) and self.notify:
            self.notify(f"the index at {self.index_dir} was built by another version of bigsearch — rebuilding it")
        ix = store.open_for_writing(self.index_dir, rebuild=rebuild)
        if rebuild and not store.readable(ix):
            ix = store.create(self.index_dir)  # damage the open-time checks missed: start afresh
        return WhooshWriter(self.index_dir, ix, rebuild, parallel)
