"""The whoosh engine: the default, pure Python.

Top-k comes from Whoosh's scorer; the total and the facet counts from block-wise document sets
(whoosh_docsets, boolean numpy arrays) and each segment's facet arrays (whoosh_facets), never
from stored fields; relevance is scored with numpy where it can be (whoosh_scoring). The index
is opened when first read; writing goes through WhooshWriter (whoosh_writer.py) under the
engine's write lock (run_lock.write_lock).

Damage the open did not see (a file that rotted on its media after it was verified, see
engines/verified.py) makes Whoosh fail anywhere — zlib.error, struct.error, a ValueError from
unpickling … Every read is guarded: a failure sends every file of the index through a full check,
and damage found there is reported as IndexCorruptError naming the file; when the index is whole,
the failure is a bug and is raised as it is. A search stops at its deadline (whoosh_deadline.py).
"""

from __future__ import annotations

import contextlib
import functools
import time
from collections.abc import Callable, Iterator
from pathlib import Path

from whoosh import query as q
from whoosh.idsets import DocIdSet
from whoosh.query.qcore import QueryError as WhooshQueryError

from bigsearch.engines import interface as i
from bigsearch.engines import run_lock
from bigsearch.engines import whoosh_store as store
from bigsearch.engines.records import KIND_PARAGRAPH, KIND_SOURCE
from bigsearch.engines.version import SCHEMA_VERSION
from bigsearch.engines.whoosh_deadline import SEARCH_SECONDS, Deadline, SearchStopped, with_deadline
from bigsearch.engines.whoosh_docsets import Docsets
from bigsearch.engines.whoosh_facets import FacetCounter
from bigsearch.engines.whoosh_query import to_whoosh
from bigsearch.engines.whoosh_scoring import Scorer
from bigsearch.errors import BigsearchError, QueryError
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


class _Allowed(DocIdSet):
    """A filter for Whoosh's collector: the documents set in a boolean array."""

    def __init__(self, mask) -> None:
        self.mask = mask

    def __contains__(self, docnum) -> bool:
        return bool(self.mask[docnum])

    def __len__(self) -> int:
        return int(self.mask.sum())

    def __bool__(self) -> bool:
        return True

    def __iter__(self):
        return iter(self.mask.nonzero()[0].tolist())




def _damage_or_same(index_dir: Path, exc: Exception) -> Exception:
    """The damage behind a failed read, or the failure itself when every file is whole."""
    return store.damage_behind(index_dir) or exc


def _reads_index(method):
    """A read of the index whose failure, when damage explains it, is reported as that damage."""

    @functools.wraps(method)
    def guarded(self, *args, **kwargs):
        try:
            return method(self, *args, **kwargs)
        except BigsearchError:
            raise
        except Exception as exc:  # noqa: BLE001 - a damaged segment can make Whoosh raise anything
            found = _damage_or_same(self.index_dir, exc)
            if found is exc:
                raise
            raise found from exc

    return guarded


class WhooshLexicon:
    def __init__(self, reader, index_dir: Path):
        self.reader = reader
        self.index_dir = index_dir

    def _encoded(self, field: str, term: str) -> bytes | None:
        """The term as the field stores it; None when the field cannot hold it (then it is absent)."""
        if field not in self.reader.schema:
            return None
        try:
            return self.reader.schema[field].to_bytes(term)
        except Exception:  # noqa: BLE001 - a term this field cannot encode is simply absent
            return None

    @_reads_index
    def df(self, field: str, term: str) -> int:
        encoded = self._encoded(field, term)
        return 0 if encoded is None else self.reader.doc_frequency(field, encoded)

    def prefixed(self, field: str, prefix: str) -> Iterator[str]:
        encoded = self._encoded(field, prefix)
        if encoded is None:
            return
        try:
            for term in self.reader.expand_prefix(field, encoded):
                yield term.decode("utf-8") if isinstance(term, bytes) else str(term)
        except Exception as exc:  # noqa: BLE001 - see _reads_index
            found = _damage_or_same(self.index_dir, exc)
            if found is exc:
                raise
            raise found from exc


class WhooshEngine:
    name = "whoosh"
    schema_version = SCHEMA_VERSION

    def __init__(self, index_dir: Path, notify: Callable[[str], None] | None = None):
        self.index_dir = Path(index_dir)
        self.notify = notify
        self.search_seconds = SEARCH_SECONDS  # each search stops collecting after this long …
        self.clock = time.monotonic  # … by this clock (tests give one that counts work)
        self._searcher = None
        self._facets: FacetCounter | None = None
        self._docsets: Docsets | None = None
        self._scorer: Scorer | None = None

    # -- the registry's table (engines/registry.py) ---------------------------------------------

    @staticmethod
    def exists(index_dir: Path) -> bool:
        return store.exists(Path(index_dir))

    @staticmethod
    def outdated(index_dir: Path) -> bool:
        """Built by another version of bigsearch: the next build replaces it."""
        return bool(store.other_versions(Path(index_dir)))

    @staticmethod
    def damage(index_dir: Path) -> str | None:
        """Index files that make no index (see engines/registry.py index_state)."""
        return store.folder_damage(Path(index_dir))

    @staticmethod
    def verify_fully(index_dir: Path):
        """Every file read in full against its checksum (`bigsearch check`)."""
        return store.verify_fully(Path(index_dir))

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

    def check_open(self) -> None:
        """Opens the index now, checking its files (IndexCorruptError names a damaged one)."""
        _ = self.searcher

    def close(self) -> None:
        if self._searcher is not None:
            self._searcher.close()
            self._searcher = None
            self._facets = None
            self._docsets = None
            self._scorer = None

    @property
    def facet_counter(self) -> FacetCounter:
        if self._facets is None:
            self._facets = FacetCounter(self.index_dir, self.searcher.reader())
        return self._facets

    @property
    def docsets(self) -> Docsets:
        if self._docsets is None:
            self._docsets = Docsets(self.searcher)
        return self._docsets

    @property
    def scorer(self) -> Scorer:
        if self._scorer is None:
            self._scorer = Scorer(self.searcher, self.docsets)
        return self._scorer

    def _docs(self, query: q.Query, deadline: Deadline | None = None):
        """The documents matching `query`: a boolean numpy array over the document numbers."""
        try:
            return self.docsets.matching(query, deadline)
        except WhooshQueryError as exc:
            raise QueryError(f"cannot run this query ({exc}) — simplify it") from exc

    @_reads_index
    def search(self, query: i.Q, filter: i.Q | None = None, sort: str = "relevance", limit: int = 10,
               offset: int = 0, facets: tuple[str, ...] = (), facet_limit: int | None = None,
               facet_sample: int | None = None) -> i.EngineResult:
        deadline = Deadline(self.search_seconds, self.clock)
        nothing = i.EngineResult(0, [], {name: {} for name in facets}, dict.fromkeys(facets, 0))
        try:
            allowed = self._docs(to_whoosh(filter), deadline) if filter is not None else None
            if allowed is not None and not allowed.any():
                return nothing
            if sort == "relevance" and self.scorer.supported(query):
                matched, hits = self._scored(query, allowed, offset, limit, deadline)
            else:
                matched, hits = self._whoosh_search(query, allowed, sort, offset, limit, deadline)
        except SearchStopped:  # before anything was collected: nothing found by then
            nothing.stopped_after = deadline.seconds
            return nothing
        answer = i.EngineResult(int(matched.sum()), hits)
        if facets:
            counted = self.facet_counter.count(matched, facets, facet_limit, facet_sample)
            answer.facets, answer.facets_other, answer.sampled = counted.facets, counted.other, counted.sampled
        if deadline.passed:
            answer.stopped_after = deadline.seconds
        return answer

    def _scored(self, query: i.Q, allowed, offset: int, limit: int, deadline: Deadline | None = None):
        """Matches and top hits scored with numpy (whoosh_scoring: Whoosh's BM25F over whole postings)."""
        matched, scores = self.scorer.evaluate(query, deadline)
        if allowed is not None:
            matched &= allowed
        best = self.scorer.top(matched, scores, offset + limit)[offset:]
        searcher = self.searcher
        hits = [i.EngineHit(record_from_fields(searcher.stored_fields(docnum)), round(score, 4))
                for docnum, score in best]
        return matched, hits

    def _whoosh_search(self, query: i.Q, allowed, sort: str, offset: int, limit: int,
                       deadline: Deadline | None = None):
        """Matches from the document sets, top hits from Whoosh's collector (phrases, ranges,
        sorting); once the deadline passes, what the collector had taken by then."""
        deadline = deadline or Deadline(self.search_seconds, self.clock)
        native = to_whoosh(query)
        kwargs: dict = {}
        if sort != "relevance":
            kwargs["sortedby"] = ["date", "position"]
            kwargs["reverse"] = sort == "-date"
        restriction = _Allowed(allowed) if allowed is not None else None
        collector = with_deadline(self.searcher.collector(limit=max(1, offset + limit), filter=restriction, **kwargs),
                                  deadline)
        try:
            self.searcher.search_with_collector(native, collector)
        except SearchStopped:
            pass  # the collector keeps the best it had found
        except WhooshQueryError as exc:
            raise QueryError(f"cannot run this query ({exc}) — simplify it") from exc
        results = collector.results()
        matched = None
        if not deadline.passed:
            try:
                matched = self._docs(native, deadline)
            except SearchStopped:
                pass
        if matched is None:  # stopped: what was found is what the collector took
            matched = self.docsets.empty()
            matched[[docnum for _, docnum in results.top_n]] = True
        if allowed is not None:
            matched &= allowed
        scored = sort == "relevance"  # sorted results carry the sort key, not a score
        hits = [
            i.EngineHit(record_from_fields(results[n].fields()), round(float(results[n].score or 0.0), 4) if scored else 0.0)
            for n in range(offset, min(results.scored_length(), offset + limit))
        ]
        return matched, hits

    @_reads_index
    def count(self, query: i.Q) -> int:
        """Documents matching; 0 when the deadline passes first (see whoosh_deadline)."""
        try:
            return int(self._docs(to_whoosh(query), Deadline(self.search_seconds, self.clock)).sum())
        except SearchStopped:
            return 0

    @_reads_index
    def lexicon(self) -> WhooshLexicon:
        return WhooshLexicon(self.searcher.reader(), self.index_dir)

    @_reads_index
    def values(self, field: str) -> list[str]:
        reader = self.searcher.reader()
        if field not in reader.schema:
            return []
        return [t.decode("utf-8") if isinstance(t, bytes) else str(t) for t in reader.lexicon(field)]

    @_reads_index
    def paragraph(self, paragraph_id: str) -> dict | None:
        fields = self.searcher.document(id=paragraph_id)
        if not fields or fields.get("kind") == KIND_SOURCE or "text" not in fields:
            return None
        return record_from_fields(fields)

    @_reads_index
    def source_paragraphs(self, source_key: str) -> list[dict]:
        results = self.searcher.search(
            q.And([q.Term("kind", KIND_PARAGRAPH), q.Term("source_key", source_key)]), limit=None, sortedby="position"
        )
        return [record_from_fields(r.fields()) for r in results]

    @_reads_index
    def sources(self) -> list[dict]:
        return [dict(fields) for fields in self.searcher.documents(kind=KIND_SOURCE)]

    def size_bytes(self) -> int:
        return store.index_size(self.index_dir)

    # -- writing ----------------------------------------------------------------------------------

    @contextlib.contextmanager
    def write_lock(self):
        """One run at a time, held from reading the manifest to the commit (an OS lock: it dies with its process)."""
        with run_lock.write_lock(self.index_dir, on_wait=self.notify):
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
