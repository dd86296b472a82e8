"""Syncing the index with the protocol files: add new, re-ingest changed, drop vanished, skip unchanged.

Everything a run changes lands in one Whoosh commit, whose table of contents is renamed into
place atomically: a run killed at any moment leaves the previous index intact, and the next run
removes the files it left behind.
"""

from __future__ import annotations

import contextlib
import errno
import hashlib
import os
import stat as stat_mode
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from bigsearch.engines import records
from bigsearch.engines import whoosh_store as store
from bigsearch.engines.records import file_stat, source_key
from bigsearch.engines.whoosh_schema import KIND_FILE, KIND_PARAGRAPH
from bigsearch.errors import (
    ConfigError,
    IndexCorruptError,
    IndexDiskFullError,
    IndexMissingError,
    IndexWriteError,
    ReadError,
)
from bigsearch.index import workers
from bigsearch.ingest import limits
from bigsearch.ingest.model import Document
from bigsearch.ingest.pipeline import (
    LimitedWarnings,
    discover,
    document_warnings,
    ingest_file,
    make_ids_unique,
)
from bigsearch.textsafe import safe_name


@dataclass
class SyncReport:
    added: int = 0
    updated: int = 0
    removed: int = 0
    unchanged: int = 0
    failed: list[tuple[str, str]] = field(default_factory=list)
    paragraphs: int = 0
    kept: int = 0  # indexed sources not among this run's files, left as they are
    removed_sources: list[str] = field(default_factory=list)  # source keys: printable already
    warned: list[tuple[str, str]] = field(default_factory=list)  # indexed, with a warning
    ignored: list[tuple[str, str]] = field(default_factory=list)  # unknown type, link out of the folder

    def summary(self) -> str:
        extra = ""
        if self.kept:
            extra += f", {self.kept} kept (not among this run's files)"
        if self.warned:
            extra += f", {len({name for name, _ in self.warned})} with a warning"
        if self.ignored:
            extra += f", {len(self.ignored)} not protocols (unknown type or link out of the folder)"
        return (
            f"{self.added} added, {self.updated} updated, {self.removed} removed, "
            f"{self.unchanged} unchanged, {len(self.failed)} failed{extra}; {self.paragraphs} paragraphs indexed"
        )


@dataclass
class Manifest:
    """What the index holds per source file: content hash and id prefix."""

    hashes: dict[str, str] = field(default_factory=dict)
    prefixes: dict[str, str] = field(default_factory=dict)
    stats: dict[str, str] = field(default_factory=dict)


def read_manifest(ix) -> Manifest:
    manifest = Manifest()
    with ix.searcher() as searcher:
        for fields in searcher.documents(kind=KIND_FILE):
            manifest.hashes[fields["source_key"]] = fields.get("source_hash", "")
            manifest.prefixes[fields["source_key"]] = fields.get("id_prefix", "")
            manifest.stats[fields["source_key"]] = fields.get("source_stat", "")
    return manifest


def whoosh_document(record: dict) -> dict:
    """An engine record (engines/records.py) as the Whoosh schema's fields."""
    names = record.get("attendees") or []
    document = {
        "kind": KIND_PARAGRAPH,
        "id": record["id"],
        "source": record["source"],
        "source_key": record["source_key"],
        "doc_type": record["doc_type"],
        "section_title": record.get("section_title") or "",
        "persons": ",".join(record["persons"]),
        "places": ",".join(record["places"]),
        "persons_facet": "\n".join(record["persons"]).encode("utf-8"),
        "places_facet": "\n".join(record["places"]).encode("utf-8"),
        "text": record["text"],
        "parts": record["text"],
        "folded": record["text"],
        "position": record["position"],
        "order": record["position"],
        "body": record.get("body"),
        "page": record.get("page"),
        "line": record.get("line"),
        "section_prefix": record.get("section_prefix"),
        "title": record.get("title") or "",
        "doc_title": record.get("title") or "",
        "attendees": ",".join(names),
        # Attendance is searchable once per meeting (on its first paragraph), not on every paragraph.
        "attendee_words": " ".join(names) if record.get("first") else "",
        "attendees_facet": "\n".join(names).encode("utf-8"),
    }
    for name in ("date", "section", "principal", "unit"):
        if record.get(name):
            document[name] = record[name]
    if record.get("year") is not None:
        document["year"] = record["year"]
    else:
        document["undated"] = "1"
    return {key: value for key, value in document.items() if value is not None}


def paragraph_records(doc: Document, key: str) -> Iterable[dict]:
    for record in records.paragraph_records(doc, key):
        yield whoosh_document(record)


def file_record(doc: Document, key: str, digest: str, stat: str) -> dict:
    """The engine source record (the manifest entry) as a Whoosh file record."""
    record = {**records.source_record(doc, key, digest, stat), "kind": KIND_FILE, "id": f"file:{key}",
              "title": doc.title or ""}
    # No indexed date/year/doc_type/text: no paragraph query or filter can ever match a file record.
    return record


@dataclass
class _Change:
    key: str
    path: Path
    digest: str
    stat: str


@dataclass
class _Plan:
    removed: list[str]  # source keys whose documents leave the index
    changed: list[_Change]  # files to (re-)ingest; each is read when it is written, not before


def _read_later(path: Path) -> bool:
    """Not a regular file, or over the size limit: not hashed (a FIFO would block, a huge file
    cost its size); the readers refuse it with the reason when its turn comes."""
    info = path.stat()
    return not stat_mode.S_ISREG(info.st_mode) or info.st_size > limits.MAX_FILE_BYTES


def _file_digest(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _under(key: str, roots: list[Path]) -> bool:
    path = Path(key)
    return any(path.is_relative_to(root) for root in roots)


def _removals(current: dict[str, Path], manifest: Manifest, roots: list[Path], prune: bool, rebuild: bool,
              report: SyncReport, warn) -> list[str]:
    """Indexed sources that leave the index: files deleted from a folder being indexed, or with
    --prune / --rebuild, every one not among this run's files. The rest is kept untouched."""
    removed = []
    for key in manifest.hashes:
        if key in current:
            continue
        if prune or rebuild:
            removed.append(key)
        elif _under(key, roots) and not os.path.lexists(key):
            removed.append(key)  # deleted from the folder
        else:
            report.kept += 1
            if _under(key, roots) and warn:  # there, but no longer taken as a protocol file
                warn(f"kept {key} in the index: it is no longer indexed from its folder — "
                     "`bigsearch index --prune` removes it")
    return sorted(removed)


def _plan(current: dict[str, Path], manifest: Manifest, removed: list[str], rebuild: bool, report: SyncReport,
          warn) -> _Plan:
    plan = _Plan(removed=removed, changed=[])
    for key, path in current.items():
        try:
            stat = file_stat(path)
            if not rebuild and stat == manifest.stats.get(key):
                report.unchanged += 1  # same size and modification time: not even read
                continue
            if _read_later(path):  # not read at all: ingest skips it with the reason
                plan.changed.append(_Change(key, path, "", stat))
                continue
            digest = _file_digest(path)  # streamed: a large run never holds its files in memory
        except OSError as exc:
            _fail(report, warn, path, f"cannot read: {exc.strerror or exc}")
            continue
        if not rebuild and manifest.hashes.get(key) == digest:
            report.unchanged += 1
        else:
            plan.changed.append(_Change(key, path, digest, stat))
    return plan


PARALLEL_FROM = 200  # files; below this the worker processes cost more than they save


def _workers(changed: int) -> int:
    if changed < PARALLEL_FROM or not workers.supported():
        return 1
    return min(2, os.cpu_count() or 1)


def _open_writer(ix, changed: int):
    procs = _workers(changed)
    if procs > 1:
        return workers.SafeMpWriter(ix, procs=procs, limitmb=256)
    return ix.writer(limitmb=256)


def sync(
    index_dir: Path,
    paths: list[Path],
    rebuild: bool = False,
    warn: Callable[[str], None] | None = None,
    progress: Callable[[int, int, str], None] | None = None,
    prune: bool = False,
    engine: str | None = None,
    settings: dict | None = None,
) -> SyncReport:
    """Bring the index at `index_dir` in line with the protocol files under `paths`.

    `engine` (whoosh, tantivy, opensearch) is the one the index was built with unless given;
    `settings` are an engine's connection details (opensearch: url, index_name).

    New and changed files are ingested. Documents of other files stay, except those of files
    gone from a folder among `paths`; `prune` (and `rebuild`) also drop every source not under
    `paths`. Each removed source is named in report.removed_sources.

    A run that fails or is killed leaves the previous index as it was; a full disk raises
    IndexDiskFullError after removing what the run wrote.
    """
    from bigsearch.engines.registry import (
        IndexState,
        choose_engine,
        index_state,
        remember_engine,
        remembered_engine,
    )

    state, why = index_state(index_dir)
    if state is IndexState.DAMAGED and not rebuild:
        raise IndexCorruptError(f"the index at {index_dir} is damaged: {why} — run `bigsearch index --rebuild`")
    name = choose_engine(index_dir, engine)
    built_with = remembered_engine(index_dir)
    if engine and built_with and engine != built_with and not rebuild:
        raise ConfigError(f"the index at {index_dir} was built with {built_with} — add --rebuild to rebuild it with "
                          f"{engine}, or choose another --index-dir")
    report = SyncReport()

    def ignore(path: Path, reason: str) -> None:
        report.ignored.append((str(path), reason))

    files = discover(paths, on_skip=LimitedWarnings(warn).wrap(ignore))
    roots = [Path(source_key(path)) for path in paths if path.is_dir()]
    if name != "whoosh":
        return _sync_engine(index_dir, name, settings or {}, files, roots, rebuild, prune, report, warn, progress)
    with store.write_lock(index_dir, on_wait=warn):
        if rebuild:
            _set_aside_if_damaged(index_dir, warn)
        started = time.time()
        old_versions = store.other_versions(index_dir)
        if old_versions and warn:
            warn(f"the index at {index_dir} was built by another version of bigsearch — rebuilding it")
        fresh = not store.exists(index_dir)
        try:
            ix, manifest = _open(index_dir, rebuild)
            # What killed or failed runs left behind goes before this run writes anything.
            store.remove_leftovers(index_dir, older_than=started)
        except OSError as exc:
            raise _write_error(exc, index_dir, fresh) from exc
        current = {source_key(path): path for path in files}
        removed = _removals(current, manifest, roots, prune, rebuild, report, warn)
        plan = _plan(current, manifest, removed, rebuild, report, warn)
        if not (plan.removed or plan.changed or rebuild or fresh):
            return report
        try:
            sink = _WhooshSink(_open_writer(ix, len(plan.changed)), rebuild)
            _apply(sink, plan, manifest, rebuild, report, warn, progress, parallel=False)
        except BaseException as exc:
            with contextlib.suppress(OSError):  # the run's own error is the one to report
                store.remove_leftovers(index_dir)  # this run's partial segments; the committed ones stay
            if isinstance(exc, OSError):
                raise _write_error(exc, index_dir, fresh) from exc
            raise
        for old in old_versions:
            store.remove_version(index_dir, old)
        if built_with != "whoosh":
            remember_engine(index_dir, "whoosh")
    return report


def _set_aside_if_damaged(index_dir: Path, warn) -> None:
    """A rebuild starts from an empty folder when the index there cannot be opened: its files are
    moved aside (not deleted), so that whatever damaged them cannot stop the rebuild."""
    from bigsearch.engines.registry import damaged, set_aside

    why = damaged(index_dir)
    if why is None:
        return
    aside = set_aside(index_dir)
    if warn:
        warn(f"the index at {index_dir} is damaged ({why.split(' — ')[0]}); its files are moved to {aside} — "
             "delete that folder once the new index works")


def _open(index_dir: Path, rebuild: bool):
    """The index to update and what it holds. Damage the open-time checks cannot see can still
    make reading the index fail: that is reported as damage too, and --rebuild starts afresh."""
    ix = store.open_for_writing(index_dir, rebuild=rebuild)
    try:
        return ix, read_manifest(ix)
    except OSError:
        raise
    except Exception as exc:  # noqa: BLE001 - a damaged segment can make Whoosh raise anything
        if not rebuild:
            raise IndexCorruptError(
                f"the index at {index_dir} cannot be read ({type(exc).__name__}: {exc}) — "
                "`bigsearch index --rebuild` repairs it"
            ) from None
    return store.create(index_dir), Manifest()


class _WhooshSink:
    """A Whoosh writer behind the calls the sync makes (see _apply)."""

    def __init__(self, writer, rebuild: bool) -> None:
        self.writer = writer
        self.rebuild = rebuild

    def remove_source(self, key: str) -> None:
        self.writer.delete_by_term("source_key", key)

    def replace_source(self, doc: Document, change: _Change, known: bool) -> None:
        if known:
            self.writer.delete_by_term("source_key", change.key)
        for record in paragraph_records(doc, change.key):
            self.writer.add_document(**record)
        self.writer.add_document(**file_record(doc, change.key, change.digest, change.stat))

    def commit(self) -> None:
        if self.rebuild:
            from whoosh.writing import CLEAR

            self.writer.commit(mergetype=CLEAR)
        else:
            self.writer.commit()

    def cancel(self) -> None:
        if not self.writer.is_closed:
            self.writer.cancel()


class _EngineSink:
    """An EngineWriter (tantivy, opensearch) behind the same calls."""

    def __init__(self, writer) -> None:
        self.writer = writer

    def remove_source(self, key: str) -> None:
        self.writer.remove_source(key)

    def replace_source(self, doc: Document, change: _Change, known: bool) -> None:
        self.writer.replace_source(records.source_record(doc, change.key, change.digest, change.stat),
                                   records.paragraph_records(doc, change.key))

    def commit(self) -> None:
        self.writer.commit()

    def cancel(self) -> None:
        self.writer.cancel()


def _ingested(paths: list[Path], parallel: bool):
    """(path, Document or None, error or None) in order: in a worker process, or here one at a time."""
    if parallel and workers.supported():
        yield from workers.ingested(paths)
        return
    for path in paths:
        try:
            yield path, ingest_file(path), None
        except ReadError as exc:
            yield path, None, str(exc)


def _apply(sink, plan: _Plan, manifest: Manifest, rebuild: bool, report: SyncReport, warn, progress,
           parallel: bool) -> None:
    """The plan, written through `sink` and committed once: removals, then each changed file replaced as one unit."""
    taken = {} if rebuild else {p: k for k, p in manifest.prefixes.items() if k not in set(plan.removed)}
    try:
        for key in plan.removed:
            sink.remove_source(key)
            report.removed += 1
            report.removed_sources.append(key)
        changes = {change.path: change for change in plan.changed}
        for number, (path, doc, error) in enumerate(_ingested(list(changes), parallel), start=1):
            change = changes[path]
            if progress:
                progress(number, len(changes), path.name)
            known = change.key in manifest.hashes and not rebuild
            if doc is None:
                if known:  # changed, and now unreadable: its old paragraphs go
                    sink.remove_source(change.key)
                _fail(report, warn, path, error or "cannot be read")
                continue
            taken.pop(manifest.prefixes.get(change.key, ""), None)
            make_ids_unique(doc, taken, change.key)
            for line in document_warnings(doc, path):
                report.warned.append((str(path), line))
                if warn:
                    warn(line)
            sink.replace_source(doc, change, known)
            report.paragraphs += len(doc.paragraphs)
            if known:
                report.updated += 1
            else:
                report.added += 1
        sink.commit()
    except BaseException:
        with contextlib.suppress(Exception):
            sink.cancel()
        raise


def _engine_manifest(engine, rebuild: bool) -> tuple[Manifest, bool]:
    """What the engine's index holds, and whether there was an index at all."""
    manifest = Manifest()
    try:
        sources = engine.sources()
    except IndexMissingError:
        return manifest, False
    except IndexCorruptError:
        if rebuild:
            return manifest, True
        raise
    for source in sources:
        key = source["source_key"]
        manifest.hashes[key] = source.get("source_hash", "")
        manifest.prefixes[key] = source.get("id_prefix", "")
        manifest.stats[key] = source.get("source_stat", "")
    return manifest, True


def _sync_engine(index_dir: Path, name: str, settings: dict, files: list[Path], roots: list[Path], rebuild: bool,
                 prune: bool, report: SyncReport, warn, progress) -> SyncReport:
    """The sync of an engine other than Whoosh; then the index folder remembers that engine."""
    from bigsearch.engines.registry import open_engine, remember_engine

    if name == "tantivy":
        Path(index_dir).mkdir(parents=True, exist_ok=True)
        if rebuild:
            _set_aside_if_damaged(Path(index_dir), warn)
    engine = open_engine(Path(index_dir), name, settings, on_wait=warn)
    try:
        sync_with_engine(engine, files, roots, rebuild=rebuild, prune=prune, report=report, warn=warn,
                         progress=progress, index_dir=Path(index_dir))
    finally:
        engine.close()
    Path(index_dir).mkdir(parents=True, exist_ok=True)
    extra = {"url": engine.url, "index_name": engine.alias} if name == "opensearch" else {}
    remember_engine(Path(index_dir), name, **extra)
    return report


def sync_with_engine(engine, files: list[Path], roots: list[Path], rebuild: bool = False, prune: bool = False,
                     report: SyncReport | None = None, warn=None, progress=None,
                     index_dir: Path | None = None) -> SyncReport:
    """Sync through the Engine interface (tantivy, opensearch): the same decisions as the Whoosh
    path (_removals, _plan), a source's paragraphs replaced as one unit, one commit at the end;
    ingest runs in a worker process for large runs while this process analyses and indexes."""
    report = report or SyncReport()
    where = index_dir or Path(getattr(engine, "index_dir", "") or ".")
    manifest, existed = _engine_manifest(engine, rebuild)
    current = {source_key(path): path for path in files}
    removed = _removals(current, manifest, roots, prune, rebuild, report, warn)
    plan = _plan(current, manifest, removed, rebuild, report, warn)
    if not (plan.removed or plan.changed or rebuild or not existed):
        return report
    try:
        writer = engine.writer(rebuild=rebuild)
    except OSError as exc:
        raise _write_error(exc, where, not existed) from exc
    try:
        _apply(_EngineSink(writer), plan, manifest, rebuild, report, warn, progress,
               parallel=len(plan.changed) >= PARALLEL_FROM)
    except OSError as exc:
        raise _write_error(exc, where, not existed) from exc
    for key, failures in getattr(writer, "failed_sources", {}).items():
        first = failures[0]
        _fail(report, warn, Path(key), f"{len(failures)} paragraph(s) refused by the index (first: {first.status}: "
                                       f"{first.reason}) — the file is sent again on the next run",
              verb="indexed incompletely")
    return report


DISK_FULL = {errno.ENOSPC, errno.EDQUOT}


def _write_error(exc: OSError, index_dir: Path, fresh: bool) -> Exception:
    kept = "no index was written" if fresh else "the previous index is kept"
    if exc.errno in DISK_FULL:
        return IndexDiskFullError(f"the disk is full at {index_dir}: free space and run again; {kept}")
    return IndexWriteError(f"cannot write the index at {index_dir} ({exc.strerror or exc}); {kept} — "
                           "check the directory, or choose another with --index-dir")


def _fail(report: SyncReport, warn, path: Path, reason: str, verb: str = "skipped") -> None:
    report.failed.append((str(path), reason))
    if warn:
        warn(f"{verb} {safe_name(path)}: {reason}")
