"""Syncing an index with the protocol files: add new, re-ingest changed, drop vanished, skip unchanged.

One sync for every engine. Under the engine's write lock it reads what the index holds (the
manifest: one source record per file), plans, and writes the plan through the engine's
EngineWriter (engines/interface.py), committed once: a source's paragraphs are replaced as one
unit, and the engine makes the commit atomic, so a run that fails or is killed leaves the
previous index. `export --format opensearch` is one more writer fed by this sync.

The steps, each small: discover the files, read the manifest, plan the removals and changes,
open a writer, apply the plan (ingest, records, write), commit, report.
"""

from __future__ import annotations

import contextlib
import errno
import os
import stat as stat_mode
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from bigsearch import processes
from bigsearch.engines import records
from bigsearch.engines.records import file_digest, file_stat, source_key
from bigsearch.engines.registry import choose_engine, engine_settings, remember_engine, remembered_engine
from bigsearch.errors import (
    ConfigError,
    IndexCorruptError,
    IndexDiskFullError,
    IndexMissingError,
    IndexWriteError,
    ReadError,
)
from bigsearch.index import ingest_worker
from bigsearch.ingest import limits
from bigsearch.ingest.ocr import OcrOptions, options_for_index
from bigsearch.ingest.pipeline import (
    LimitedWarnings,
    discover,
    document_warnings,
    ingest_file,
    make_ids_unique,
)
from bigsearch.textsafe import safe_name

PARALLEL_FROM = 200  # files; below this worker processes cost more than they save
DISK_FULL = {errno.ENOSPC, errno.EDQUOT}

Warn = Callable[[str], None] | None
Progress = Callable[[int, int, str], None] | None


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
    ocr_read: int = 0  # scanned pages read by OCR in this run
    ocr_cached: int = 0  # scanned pages whose OCR text came from the cache (read by an earlier run)

    def summary(self) -> str:
        extra = ""
        if self.kept:
            extra += f", {self.kept} kept (not among this run's files)"
        if self.warned:
            extra += f", {len({name for name, _ in self.warned})} with a warning"
        if self.ignored:
            extra += f", {len(self.ignored)} not protocols (unknown type or link out of the folder)"
        ocr = ""
        if self.ocr_read or self.ocr_cached:
            ocr = (f"; {self.ocr_read + self.ocr_cached} scanned pages: {self.ocr_read} read by OCR, "
                   f"{self.ocr_cached} from the OCR cache")
        return (
            f"{self.added} added, {self.updated} updated, {self.removed} removed, "
            f"{self.unchanged} unchanged, {len(self.failed)} failed{extra}; {self.paragraphs} paragraphs indexed{ocr}"
        )


@dataclass
class Manifest:
    """What the index holds per source file, from its source records."""

    hashes: dict[str, str] = field(default_factory=dict)  # content hash
    prefixes: dict[str, str] = field(default_factory=dict)  # paragraph id prefix
    stats: dict[str, str] = field(default_factory=dict)  # size and modification time
    bodies: dict[str, str] = field(default_factory=dict)  # the body named with `index --body`
    existed: bool = True  # False: no index yet


@dataclass
class Change:
    key: str
    path: Path
    digest: str
    stat: str
    known: bool  # the index holds an older version of it
    body: str | None  # the body named for it (`index --body`), kept from earlier runs


@dataclass
class Plan:
    removed: list[str]  # source keys whose documents leave the index
    changed: list[Change]  # files to (re-)ingest; each is read when it is written, not before

    def __bool__(self) -> bool:
        return bool(self.removed or self.changed)


def sync(
    index_dir: Path,
    paths: list[Path],
    rebuild: bool = False,
    warn: Warn = None,
    progress: Progress = None,
    prune: bool = False,
    engine: str | None = None,
    settings: dict | None = None,
    body: str | None = None,
    ocr: str = "auto",
) -> SyncReport:
    """Bring the index at `index_dir` in line with the protocol files under `paths`.

    `engine` (see engines/registry.py) is the one the index was built with unless given;
    `settings` are an engine's connection details (opensearch: url, index_name); `body` names the
    body that met for every document under `paths` (a folder that is one body's archive), and is
    kept for them in later runs. `ocr` (auto, never, force) says how scanned pages are read; their
    text is cached in <index>/ocr-cache.

    New and changed files are ingested. Documents of other files stay, except those of files
    gone from a folder among `paths`; `prune` (and `rebuild`) also drop every source not under
    `paths`. Each removed source is named in report.removed_sources.

    A run that fails or is killed leaves the previous index as it was; a full disk raises
    IndexDiskFullError after removing what the run wrote.
    """
    entry = choose_engine(index_dir, engine)
    built_with = remembered_engine(index_dir)
    if engine and built_with and engine != built_with and not rebuild:
        raise ConfigError(f"the index at {index_dir} was built with {built_with} — add --rebuild to rebuild it with "
                          f"{engine}, or choose another --index-dir")
    given = {k: v for k, v in (settings or {}).items() if v not in (None, "")}  # --replicas 0 is given
    opened = entry.open(Path(index_dir), {**engine_settings(index_dir), **given}, warn)
    try:
        report = sync_engine(opened, paths, rebuild=rebuild, warn=warn, progress=progress, prune=prune, body=body,
                             ingest_in_worker=entry.ingest_worker, where=Path(index_dir),
                             ocr=options_for_index(Path(index_dir), ocr))
    finally:
        opened.close()
    remembered = {"engine": built_with, **engine_settings(index_dir)}
    if remembered != {"engine": entry.name, **opened.settings()}:
        Path(index_dir).mkdir(parents=True, exist_ok=True)
        remember_engine(Path(index_dir), entry.name, **opened.settings())
    return report


def sync_engine(engine, paths: list[Path], rebuild: bool = False, warn: Warn = None, progress: Progress = None,
                prune: bool = False, body: str | None = None, ingest_in_worker: bool = True,
                where: Path | None = None, ocr: OcrOptions | None = None) -> SyncReport:
    """The sync itself, on an engine at hand (see `sync`); `where` names the index in messages."""
    report = SyncReport()
    ocr = ocr or options_for_index(getattr(engine, "index_dir", None))
    files, roots = discovered(paths, report, warn)
    where = where or Path(getattr(engine, "index_dir", "") or ".")
    with engine.write_lock():
        manifest = read_manifest(engine, rebuild)
        plan = make_plan(files, roots, manifest, rebuild, prune, body, report, warn)
        if not plan and manifest.existed and not rebuild:
            return report
        parallel = len(plan.changed) >= PARALLEL_FROM
        try:
            writer = engine.writer(rebuild=rebuild, parallel=parallel)
            apply(writer, plan, manifest, rebuild, report, warn, progress, parallel and ingest_in_worker, ocr)
        except OSError as exc:
            raise write_error(exc, where, not manifest.existed) from exc
        report_refused(writer, report, warn)
    return report


# -- the steps -------------------------------------------------------------------------------------


def discovered(paths: list[Path], report: SyncReport, warn: Warn) -> tuple[list[Path], list[Path]]:
    """The protocol files under `paths`, and the folders among `paths` (as source keys)."""

    def ignore(path: Path, reason: str) -> None:
        report.ignored.append((str(path), reason))

    files = discover(paths, on_skip=LimitedWarnings(warn).wrap(ignore))
    return files, [Path(source_key(path)) for path in paths if Path(path).is_dir()]


def read_manifest(engine, rebuild: bool) -> Manifest:
    """What the engine's index holds (empty when there is none, or a damaged one is rebuilt)."""
    try:
        sources = engine.sources()
    except IndexMissingError:
        return Manifest(existed=False)
    except IndexCorruptError:
        if rebuild:
            return Manifest()
        raise
    manifest = Manifest()
    for source in sources:
        key = source["source_key"]
        manifest.hashes[key] = source.get("source_hash", "")
        manifest.prefixes[key] = source.get("id_prefix", "")
        manifest.stats[key] = source.get("source_stat", "")
        if source.get("named_body"):
            manifest.bodies[key] = source["named_body"]
    return manifest


def make_plan(files: list[Path], roots: list[Path], manifest: Manifest, rebuild: bool, prune: bool,
              body: str | None, report: SyncReport, warn: Warn) -> Plan:
    current = {source_key(path): path for path in files}
    removed = removals(current, manifest, roots, prune, rebuild, report, warn)
    return Plan(removed, list(changes(current, manifest, rebuild, body, report, warn)))


def _under(key: str, roots: list[Path]) -> bool:
    path = Path(key)
    return any(path.is_relative_to(root) for root in roots)


def removals(current: dict[str, Path], manifest: Manifest, roots: list[Path], prune: bool, rebuild: bool,
             report: SyncReport, warn: Warn) -> list[str]:
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


def _read_later(path: Path) -> bool:
    """Not a regular file, or over the size limit: not hashed (a FIFO would block, a huge file
    cost its size); the readers refuse it with the reason when its turn comes."""
    info = path.stat()
    return not stat_mode.S_ISREG(info.st_mode) or info.st_size > limits.MAX_FILE_BYTES


def changes(current: dict[str, Path], manifest: Manifest, rebuild: bool, body: str | None, report: SyncReport,
            warn: Warn) -> Iterator[Change]:
    """The files to (re-)ingest: new ones, and those whose content changed (or all, with rebuild)."""
    for key, path in current.items():
        named = body or manifest.bodies.get(key)
        known = key in manifest.hashes and not rebuild
        try:
            stat = file_stat(path)
            unchanged = stat == manifest.stats.get(key) and named == manifest.bodies.get(key)
            if not rebuild and unchanged:
                report.unchanged += 1  # same size and modification time: not even read
                continue
            if _read_later(path):  # not read at all: ingest skips it with the reason
                yield Change(key, path, "", stat, known, named)
                continue
            digest = file_digest(path)  # streamed: a large run never holds its files in memory
        except OSError as exc:
            fail(report, warn, path, f"cannot read: {exc.strerror or exc}")
            continue
        if not rebuild and manifest.hashes.get(key) == digest and named == manifest.bodies.get(key):
            report.unchanged += 1
        else:
            yield Change(key, path, digest, stat, known, named)


def ingested(paths: list[Path], in_worker: bool, ocr: OcrOptions | None = None):
    """(path, Document or None, error or None) in order: in a worker process, or here one at a time."""
    if in_worker and processes.supported():
        yield from ingest_worker.ingested(paths, ocr)
        return
    for path in paths:
        try:
            yield path, ingest_file(path, ocr), None
        except ReadError as exc:
            yield path, None, str(exc)


def apply(writer, plan: Plan, manifest: Manifest, rebuild: bool, report: SyncReport, warn: Warn, progress: Progress,
          ingest_in_worker: bool, ocr: OcrOptions | None = None) -> None:
    """The plan, written through `writer` and committed once: removals, then each changed file replaced as one unit."""
    taken = {} if rebuild else {p: k for k, p in manifest.prefixes.items() if k not in set(plan.removed)}
    try:
        for key in plan.removed:
            writer.remove_source(key)
            report.removed += 1
            report.removed_sources.append(key)
        changed = {change.path: change for change in plan.changed}
        for number, (path, doc, error) in enumerate(ingested(list(changed), ingest_in_worker, ocr), start=1):
            change = changed[path]
            if progress:
                progress(number, len(changed), path.name)
            if doc is None:
                if change.known:  # changed, and now unreadable: its old paragraphs go
                    writer.remove_source(change.key)
                fail(report, warn, path, error or "cannot be read")
                continue
            taken.pop(manifest.prefixes.get(change.key, ""), None)
            make_ids_unique(doc, taken, change.key)
            write_document(writer, doc, change, report, warn)
        writer.commit()
    except BaseException:
        with contextlib.suppress(Exception):
            writer.cancel()
        raise


def write_document(writer, doc, change: Change, report: SyncReport, warn: Warn) -> None:
    """One ingested file: its warnings reported, its source and paragraph records replaced."""
    for line in document_warnings(doc, change.path):
        report.warned.append((str(change.path), line))
        if warn:
            warn(line)
    if change.body:
        doc.body = change.body
    source = records.source_record(doc, change.key, change.digest, change.stat, named_body=change.body)
    writer.replace_source(source, records.paragraph_records(doc, change.key))
    report.paragraphs += len(doc.paragraphs)
    report.ocr_read += doc.ocr.read
    report.ocr_cached += doc.ocr.cached
    if change.known:
        report.updated += 1
    else:
        report.added += 1


def report_refused(writer, report: SyncReport, warn: Warn) -> None:
    """Sources a cluster refused paragraphs of: counted as failed, and sent again on the next run."""
    for key, failures in writer.failed_sources.items():
        first = failures[0]
        fail(report, warn, Path(key), f"{len(failures)} paragraph(s) refused by the index (first: {first.status}: "
                                      f"{first.reason}) — the file is sent again on the next run",
             verb="indexed incompletely")


def write_error(exc: OSError, index_dir: Path, fresh: bool) -> Exception:
    kept = "no index was written" if fresh else "the previous index is kept"
    if exc.errno in DISK_FULL:
        return IndexDiskFullError(f"the disk is full at {index_dir}: free space and run again; {kept}")
    return IndexWriteError(f"cannot write the index at {index_dir} ({exc.strerror or exc}); {kept} — "
                           "check the directory, or choose another with --index-dir")


def fail(report: SyncReport, warn: Warn, path: Path, reason: str, verb: str = "skipped") -> None:
    report.failed.append((str(path), reason))
    if warn:
        warn(f"{verb} {safe_name(path)}: {reason}")
