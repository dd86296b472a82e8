"""The tantivy engine: bigsearch's records and analysis in a tantivy index (the fast engine).

Atomicity and locking are tantivy's own: a commit becomes visible when its meta.json is renamed
into place (a run killed before that leaves the previous state), and the writer holds
.tantivy-writer.lock through an OS file lock that dies with its process, so a killed run leaves
no stale lock. Another live writer makes `writer()` wait, then raise IndexBusyError.

Damage is reported as IndexCorruptError naming the file (segment files are checked against their
own CRC-32 footers) and `bigsearch index --rebuild`; a read-only index folder stays searchable.
Everything else is tantivy doing the work: BM25 top-k, counts, facets as terms aggregations over
fast fields, sorting by one fast column that holds date and position.
"""

from __future__ import annotations

import contextlib
import json
import re
import shutil
import tempfile
import time
import weakref
from collections.abc import Callable, Iterator
from pathlib import Path

import tantivy
from tantivy import Occur

from bigsearch.engines import tantivy_schema as ts
from bigsearch.engines.interface import FACET_KEYS, KEYWORD_FIELDS, SORTS, EngineHit, EngineResult, Q
from bigsearch.engines.records import KIND_PARAGRAPH, KIND_SOURCE
from bigsearch.engines.tantivy_check import damaged_file
from bigsearch.engines.tantivy_query import translate
from bigsearch.errors import (
    BigsearchError,
    IndexBusyError,
    IndexCorruptError,
    IndexDiskFullError,
    IndexMissingError,
    IndexReadOnlyError,
    QueryError,
)
from bigsearch.facets import FACETS

WRITER_HEAP = 192_000_000
WRITER_THREADS = 1  # one indexing thread keeps up with the Python side (which analyses) and leaves a core to ingest
FACET_BUCKETS = 65_000  # tantivy's default aggregation bucket limit
REBUILD = "`bigsearch index --rebuild`"
_INDEX_FILE = re.compile(r"[0-9a-f]{32}\.[a-z]+|meta\.json|\.managed\.json")
_LOCK_BUSY = "LockBusy"
_LOCKFILE = "Failed to acquire Lockfile"


def _tantivy_failure(exc: BaseException) -> bool:
    """A failure inside tantivy: a ValueError, or a Rust panic (pyo3's PanicException, a BaseException)."""
    return isinstance(exc, ValueError) or type(exc).__name__ == "PanicException"


def _damaged(index_dir: Path, exc: Exception) -> IndexCorruptError:
    """tantivy failed reading the index: name the damaged file (found by checksums when possible)."""
    found = damaged_file(index_dir)
    if found:
        where, problem = found
    else:
        match = _INDEX_FILE.search(str(exc))
        where, problem = (index_dir / match.group(0) if match else index_dir), f"is unreadable ({exc})"
    return IndexCorruptError(f"the index at {index_dir} is damaged: {where} {problem} — run {REBUILD}")


class TantivyEngine:
    name = "tantivy"
    schema_version = ts.SCHEMA_VERSION

    def __init__(self, index_dir: Path, lock_wait_seconds: float = 600.0,
                 on_wait: Callable[[str], None] | None = None) -> None:
        self.index_dir = Path(index_dir)
        self.lock_wait_seconds = lock_wait_seconds
        self.on_wait = on_wait
        self.schema = ts.build_schema()
        self._index: tantivy.Index | None = None
        self._view: Path | None = None  # links to a read-only index (see _open_read_only)
        self._view_cleanup: weakref.finalize | None = None

    # -- the registry's table (engines/registry.py) ---------------------------------------------

    @staticmethod
    def exists(index_dir: Path) -> bool:
        return (Path(index_dir) / "meta.json").is_file()

    @staticmethod
    def outdated(index_dir: Path) -> bool:
        return False  # an index of another version is reported when opened (IndexCorruptError: --rebuild)

    @classmethod
    def open(cls, index_dir: Path, settings: dict, notify: Callable[[str], None] | None = None) -> TantivyEngine:
        return cls(index_dir, on_wait=notify)

    def settings(self) -> dict:
        return {}

    # -- opening -----------------------------------------------------------------------------------

    def _open(self) -> tantivy.Index:
        if self._index is None:
            if not self.exists(self.index_dir):
                raise IndexMissingError(f"no index at {self.index_dir} — run `bigsearch index --engine tantivy`")
            index = self._open_index()
            index.register_tokenizer(ts.TERMS_TOKENIZER, ts.terms_analyzer())
            self._index = index
            self._check_version()
        return self._index

    def _open_index(self, attempts: int = 3) -> tantivy.Index:
        for attempt in range(attempts):
            try:
                return tantivy.Index.open(str(self.index_dir))
            except BaseException as exc:
                if not _tantivy_failure(exc):
                    raise
                if _LOCKFILE in str(exc) and not self._writable():
                    return self._open_read_only()
                # A commit in another process may have replaced the segments named by the meta.json
                # just read: when every file is intact now, read again.
                if attempt + 1 == attempts or damaged_file(self.index_dir) is not None:
                    raise _damaged(self.index_dir, exc) from exc
                time.sleep(0.05)
        raise AssertionError("unreachable")

    def _writable(self) -> bool:
        try:
            with tempfile.TemporaryFile(dir=self.index_dir):
                return True
        except OSError:
            return False

    def _open_read_only(self) -> tantivy.Index:
        """A read-only index folder (a read-only mount, another user's index): tantivy takes a lock
        file even to read, so it reads the index through links from a private temporary folder."""
        self._release_view()
        view = Path(tempfile.mkdtemp(prefix="bigsearch-tantivy-view-"))
        self._view = view
        self._view_cleanup = weakref.finalize(self, shutil.rmtree, view, True)  # also when never closed
        for path in self.index_dir.iterdir():
            if path.is_file() and not path.name.endswith(".lock"):
                (view / path.name).symlink_to(path.resolve())
        try:
            return tantivy.Index.open(str(view))
        except BaseException as exc:
            if not _tantivy_failure(exc):
                raise
            raise _damaged(self.index_dir, exc) from exc

    def _release_view(self) -> None:
        self._view = None
        if self._view_cleanup is not None:
            self._view_cleanup()
            self._view_cleanup = None

    def _check_version(self) -> None:
        meta = self._records(tantivy.Query.term_query(self.schema, "kind", ts.KIND_META), 1)
        version = meta[0].get("schema_version") if meta else None
        layout = meta[0].get("facets") if meta else None
        if version is None and self._searcher().num_docs == 0:
            return  # created, nothing committed yet: an empty index of this version
        if version != ts.SCHEMA_VERSION:
            self._index = None
            raise IndexCorruptError(
                f"the index at {self.index_dir} was built by another version of bigsearch "
                f"(tantivy schema {version}, this version reads {ts.SCHEMA_VERSION}) — run {REBUILD}"
            )
        if layout != FACETS.layout():
            self._index = None
            raise IndexCorruptError(f"the index at {self.index_dir} was built with other facets — run {REBUILD}")

    def verify(self) -> None:
        """Reads every file of the index against its checksum; IndexCorruptError names a damaged one."""
        self._open()
        found = damaged_file(self.index_dir)
        if found:
            where, problem = found
            raise IndexCorruptError(f"the index at {self.index_dir} is damaged: {where} {problem} — run {REBUILD}")

    def _searcher(self) -> tantivy.Searcher:
        index = self._open()
        try:
            return index.searcher()
        except BaseException as exc:
            if not _tantivy_failure(exc):
                raise
            raise _damaged(self.index_dir, exc) from exc

    def _run(self, call, *args, **kwargs):
        """A tantivy call whose failure means a damaged index (reading a segment file failed)."""
        try:
            return call(*args, **kwargs)
        except BaseException as exc:
            if not _tantivy_failure(exc):
                raise
            raise _damaged(self.index_dir, exc) from exc

    def _records(self, query: tantivy.Query, limit: int | None = None) -> list[dict]:
        """Stored records of the documents matching `query` (all of them without a limit)."""
        searcher = self._searcher()
        if limit is None:
            limit = self._run(searcher.search, query, 1, count=True).count
            if not limit:
                return []
        result = self._run(searcher.search, query, max(limit, 1))
        return [self._record(searcher, address) for _, address in result.hits]

    def _record(self, searcher: tantivy.Searcher, address: tantivy.DocAddress) -> dict:
        # A stored record that does not decode is a damaged store file.
        return self._run(lambda: ts.decode(searcher.doc(address)))

    # -- queries ---------------------------------------------------------------------------------

    def _kind(self, kind: str) -> tantivy.Query:
        return tantivy.Query.term_query(self.schema, "kind", kind)

    def _scoped(self, query: Q, filter: Q | None) -> tantivy.Query:
        """Paragraphs only; the filter narrows without adding to any score."""
        clauses = [(Occur.Must, translate(self.schema, query)),
                   (Occur.Must, tantivy.Query.const_score_query(self._kind(KIND_PARAGRAPH), 0.0))]
        if filter is not None:
            clauses.append((Occur.Must, tantivy.Query.const_score_query(translate(self.schema, filter), 0.0)))
        return tantivy.Query.boolean_query(clauses)

    def search(
        self,
        query: Q,
        filter: Q | None = None,
        sort: str = "relevance",
        limit: int = 10,
        offset: int = 0,
        facets: tuple[str, ...] = (),
    ) -> EngineResult:
        if sort not in SORTS:
            raise QueryError(f"sort {sort!r}: use one of {', '.join(SORTS)}")
        unknown = [name for name in facets if name not in FACET_KEYS]
        if unknown:
            raise QueryError(f"no facet {unknown[0]!r}: use one of {', '.join(FACET_KEYS)}")
        scoped = self._scoped(query, filter)
        searcher = self._searcher()
        options: dict = {"count": True, "offset": max(offset, 0)}
        if sort != "relevance":
            options.update(order_by_field=ts.SORT_KEY,
                           order=tantivy.Order.Asc if sort == "date" else tantivy.Order.Desc)
        result = self._run(searcher.search, scoped, max(limit, 1), **options)
        hits = []
        if limit > 0:
            for score, address in result.hits:
                record = self._record(searcher, address)
                hits.append(EngineHit(record, float(score) if sort == "relevance" else 0.0))
        total = result.count
        counts = self._facets(searcher, scoped, facets, total) if facets else {}
        return EngineResult(total=total, hits=hits, facets=counts)

    def _facets(self, searcher: tantivy.Searcher, query: tantivy.Query, names: tuple[str, ...],
                total: int) -> dict[str, dict]:
        counts: dict[str, dict] = {name: {} for name in names}
        if total == 0:
            return counts
        request = {name: {"terms": {"field": FACET_KEYS[name], "size": FACET_BUCKETS}} for name in names}
        answer = self._run(searcher.aggregate, query, request)
        for name in names:
            buckets = answer.get(name, {}).get("buckets", [])
            if name == "year":
                values = {int(bucket["key"]): bucket["doc_count"] for bucket in buckets}
                undated = total - sum(values.values())  # year is single-valued: the rest have none
                if undated:
                    values[None] = undated
            else:
                values = {str(bucket["key"]): bucket["doc_count"] for bucket in buckets}
            counts[name] = values
        return counts

    def count(self, query: Q) -> int:
        return self._run(self._searcher().search, self._scoped(query, None), 1, count=True).count

    def lexicon(self) -> TantivyLexicon:
        return TantivyLexicon(self)

    def values(self, field: str) -> list[str]:
        if field not in KEYWORD_FIELDS or field == "undated":
            raise QueryError(f"{field}: values exist for keyword fields only")
        if field in ts.fast_fields():
            # From the columns of live paragraphs (the term dictionary keeps deleted documents' terms).
            answer = self._run(self._searcher().aggregate, self._kind(KIND_PARAGRAPH),
                               {"v": {"terms": {"field": field, "size": FACET_BUCKETS}}})
            return sorted(str(bucket["key"]) for bucket in answer["v"]["buckets"])
        searcher = self._searcher()
        terms = self._run(searcher.terms_with_prefix, field, "", filter_query=self._kind(KIND_PARAGRAPH))
        return sorted(term for term, _ in terms)

    def paragraph(self, paragraph_id: str) -> dict | None:
        query = tantivy.Query.boolean_query([
            (Occur.Must, self._kind(KIND_PARAGRAPH)),
            (Occur.Must, tantivy.Query.term_query(self.schema, "id", paragraph_id)),
        ])
        found = self._records(query, 1)
        return found[0] if found else None

    def source_paragraphs(self, source_key: str) -> list[dict]:
        query = tantivy.Query.boolean_query([
            (Occur.Must, self._kind(KIND_PARAGRAPH)),
            (Occur.Must, tantivy.Query.term_query(self.schema, "source_key", source_key)),
        ])
        records = self._records(query)
        return sorted(records, key=lambda record: record.get("position") or 0)

    def sources(self) -> list[dict]:
        records = self._records(self._kind(KIND_SOURCE))
        return sorted(records, key=lambda record: record["source_key"])

    def size_bytes(self) -> int:
        if not self.index_dir.is_dir():
            return 0
        return sum(path.stat().st_size for path in self.index_dir.iterdir() if path.is_file())

    def close(self) -> None:
        self._index = None
        self._release_view()

    # -- writing ----------------------------------------------------------------------------------

    def write_lock(self) -> contextlib.AbstractContextManager:
        """tantivy's writer lock is taken by writer(), after the sync has read the manifest."""
        return contextlib.nullcontext()

    def writer(self, rebuild: bool = False, parallel: bool = False) -> TantivyWriter:
        index = self._open_for_writing(rebuild)
        deadline = time.monotonic() + self.lock_wait_seconds
        warned = False
        while True:
            try:
                writer = index.writer(heap_size=WRITER_HEAP, num_threads=WRITER_THREADS)
                break
            except BaseException as exc:
                if not _tantivy_failure(exc):
                    raise
                if _LOCK_BUSY not in str(exc):
                    raise _damaged(self.index_dir, exc) from exc
                if time.monotonic() >= deadline:
                    raise IndexBusyError(
                        f"an index run is in progress on {self.index_dir} — try again when it has finished"
                    ) from None
                if self.on_wait and not warned:
                    self.on_wait(f"another `bigsearch index` is updating {self.index_dir}; waiting for it to finish …")
                    warned = True
                time.sleep(0.2)
        return TantivyWriter(self, writer, rebuild)

    def _open_for_writing(self, rebuild: bool) -> tantivy.Index:
        try:
            self.index_dir.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise IndexReadOnlyError(f"cannot create the index directory {self.index_dir} ({exc.strerror}) — "
                                     "choose another with --index-dir") from exc
        if not self._writable():
            raise IndexReadOnlyError(
                f"the index directory {self.index_dir} is read-only — searching works, but to update it "
                "make it writable or pass another --index-dir"
            )
        if self._view is not None:  # opened read-only before: write to the folder itself
            self.close()
        if not self.exists(self.index_dir):
            return self._created(reuse=True)
        try:
            return self._open()
        except IndexCorruptError:
            if not rebuild:
                raise
        # Rebuilding an index of another version (or a damaged one): start from an empty one.
        return self._created(reuse=False)

    def _created(self, reuse: bool) -> tantivy.Index:
        index = tantivy.Index(self.schema, str(self.index_dir), reuse=reuse)
        index.register_tokenizer(ts.TERMS_TOKENIZER, ts.terms_analyzer())
        self._index = index
        return index

    def _committed(self) -> None:
        if self._index is not None:
            self._index.reload()


def remove_uncommitted_files(index_dir: Path) -> list[str]:
    """Delete segment files that the committed meta.json does not name (a failed or cancelled run's)."""
    try:
        meta = json.loads((Path(index_dir) / "meta.json").read_text("utf-8"))
    except (OSError, ValueError):
        return []  # no readable commit: nothing can be told apart safely
    committed = {segment["segment_id"].replace("-", "") for segment in meta.get("segments", [])}
    removed = []
    for path in Path(index_dir).iterdir():
        stem = path.name.split(".", 1)[0]
        if path.is_file() and len(stem) == 32 and all(c in "0123456789abcdef" for c in stem) and stem not in committed:
            with contextlib.suppress(OSError):
                path.unlink()
                removed.append(path.name)
    return removed


class TantivyWriter:
    def __init__(self, engine: TantivyEngine, writer: tantivy.IndexWriter, rebuild: bool) -> None:
        self.failed_sources: dict = {}  # tantivy refuses no single document: a failure fails the run
        self.engine = engine
        self._writer: tantivy.IndexWriter | None = writer
        self.schema = engine.schema
        if rebuild:
            writer.delete_all_documents()

    def _live(self) -> tantivy.IndexWriter:
        if self._writer is None:
            raise BigsearchError("this index writer has already committed or been cancelled")
        return self._writer

    def _failed(self, exc: Exception) -> BigsearchError:
        # tantivy's indexing thread died (a full disk, a vanished directory): nothing was committed.
        # The thread's own error is often not passed on, so a disk with (almost) no room left says it.
        try:
            nearly_full = shutil.disk_usage(self.engine.index_dir).free < 1 << 20
        except OSError:
            nearly_full = False
        self.cancel()
        if nearly_full or any(sign in str(exc) for sign in ("No space left", "os error 28", "Disk quota", "os error 122")):
            return IndexDiskFullError(f"the disk is full at {self.engine.index_dir}: free space and run again; "
                                      "the previous index is kept")
        return BigsearchError(
            f"writing the index at {self.engine.index_dir} failed ({exc}); the index keeps its last "
            "committed state — check free disk space and permissions, then run `bigsearch index` again"
        )

    def replace_source(self, source: dict, paragraphs: list[dict]) -> None:
        writer = self._live()
        key = source["source_key"]
        documents = [ts.source_document(source)]
        for record in paragraphs:
            if record.get("source_key") != key:
                raise ValueError(f"paragraph {record.get('id')} belongs to {record.get('source_key')}, not {key}")
            documents.append(ts.paragraph_document(record))
        try:
            writer.delete_documents_by_term("source_key", key)
            for document in documents:
                writer.add_document(document)
        except BaseException as exc:
            if not _tantivy_failure(exc):
                raise
            raise self._failed(exc) from exc

    def remove_source(self, source_key: str) -> None:
        try:
            self._live().delete_documents_by_term("source_key", source_key)
        except BaseException as exc:
            if not _tantivy_failure(exc):
                raise
            raise self._failed(exc) from exc

    def commit(self) -> None:
        writer = self._live()
        try:
            writer.delete_documents_by_term("kind", ts.KIND_META)
            writer.add_document(ts.meta_document())
            writer.commit()
        except BaseException as exc:
            if not _tantivy_failure(exc):
                raise
            raise self._failed(exc) from exc
        self._writer = None
        try:
            writer.wait_merging_threads()  # merges the new segments; also releases the writer lock
        except BaseException as exc:  # the commit stands; only a background merge failed
            if not _tantivy_failure(exc):
                raise
            raise BigsearchError(f"merging index segments in {self.engine.index_dir} failed ({exc}) — "
                                 "searching works; run `bigsearch index` again to retry") from exc
        finally:
            del writer
            self.engine._committed()

    def cancel(self) -> None:
        writer, self._writer = self._writer, None
        if writer is not None:
            with contextlib.suppress(BaseException):
                writer.rollback()
            # Still holding the writer lock: what this run wrote and never committed goes now
            # (a full disk gets its space back), before another writer can start.
            remove_uncommitted_files(self.engine.index_dir)
            del writer  # dropping the writer releases its lock


class TantivyLexicon:
    def __init__(self, engine: TantivyEngine) -> None:
        self.engine = engine
        self.searcher = engine._searcher()
        self._prefixed: dict[tuple[str, str], list[str]] = {}

    def df(self, field: str, term: str) -> int:
        return self.engine._run(self.searcher.doc_freq, field, term)

    def prefixed(self, field: str, prefix: str) -> Iterator[str]:
        # tantivy lists a prefix's terms by document frequency: put them in term order once.
        key = (field, prefix)
        if key not in self._prefixed:
            terms = self.engine._run(self.searcher.terms_with_prefix, field, prefix)
            self._prefixed[key] = sorted(term for term, _ in terms)
        yield from self._prefixed[key]
