"""The whoosh engine: the default, pure Python. Reading side of the Engine interface.

Top-k comes from Whoosh's scorer; the total and the facet counts from block-wise document sets
(whoosh_docsets) and per-document columns (whoosh_facets), never from stored fields.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from whoosh import query as q
from whoosh.query.qcore import QueryError as WhooshQueryError

from bigsearch.engines import interface as i
from bigsearch.engines import whoosh_store as store
from bigsearch.engines.whoosh_docsets import matching_docs
from bigsearch.engines.whoosh_facets import FacetCounter
from bigsearch.engines.whoosh_query import to_whoosh
from bigsearch.engines.whoosh_schema import KIND_FILE, KIND_PARAGRAPH
from bigsearch.errors import QueryError
from bigsearch.facets import year_value

_LISTS = ("persons", "places", "attendees")


def record_from_fields(fields: dict) -> dict:
    record = dict(fields)
    for key in _LISTS:
        record[key] = [v for v in (fields.get(key) or "").split(",") if v]
    record["year"] = year_value(fields.get("year"))
    for key in ("date", "section", "section_title", "principal", "unit", "title"):
        record[key] = fields.get(key) or None
    record.setdefault("doc_type", "")
    record["position"] = record.pop("order", 0) or 0
    record["ocr"] = fields.get("ocr") == "1"
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

    def __init__(self, index_dir: Path):
        self.index_dir = Path(index_dir)
        self.ix = store.open_for_reading(self.index_dir)
        self.searcher = self.ix.searcher()
        self._facets: FacetCounter | None = None

    def close(self) -> None:
        self.searcher.close()

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
        if not fields or fields.get("kind") == KIND_FILE or "text" not in fields:
            return None
        return record_from_fields(fields)

    def source_paragraphs(self, source_key: str) -> list[dict]:
        results = self.searcher.search(
            q.And([q.Term("kind", KIND_PARAGRAPH), q.Term("source_key", source_key)]), limit=None, sortedby="position"
        )
        return [record_from_fields(r.fields()) for r in results]

    def sources(self) -> list[dict]:
        return [dict(fields) for fields in self.searcher.documents(kind=KIND_FILE)]

    def size_bytes(self) -> int:
        return store.index_size(self.index_dir)
