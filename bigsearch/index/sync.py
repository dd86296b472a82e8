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
import functools
import os
import stat as stat_mode
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from bigsearch import processes
from bigsearch.engines import records
from bigsearch.engines.records import file_digest, file_stat, source_key
from bigsearch.engines.registry import (
    ENGINES,
    IndexState,
    choose_engine,
    engine_settings,
    index_state,
    remember_engine,
    remembered_engine,
    remove_other_engines,
)
from bigsearch.errors import (
    ConfigError,
    IndexCorruptError,
    IndexDiskFullError,
    IndexMissingError,
    IndexWriteError,
    ReadError,
    RemovalRefusedError,
)
from bigsearch.index import ingest_worker
from bigsearch.index.names import SourceNames, origin, rename
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
MAX_QUIET_REMOVALS = 100  # a run removing more sources than this, or than half the index, asks first
DISK_FULL = {errno.ENOSPC, errno.EDQUOT}

Warn = Callable[[str], None] | None
Progress = Callable[[int, int, str], None] | None  # (done, total, file name): each file analysed and written
# (stage, done, total) as the run moves on: READING (files compared with the index), ANALYSING (the
# changed files ingested, analysed and written; `progress` names each), COMMITTING (total None:
# the engine makes the run durable, which can take as long as the rest).
Stages = Callable[[str, int, int | None], None] | None
READING, ANALYSING, COMMITTING = "reading", "analysing", "committing"
Confirm = Callable[[str], bool] | None  # (the question: what the run would remove) -> go ahead?


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
    hints: list[str] = field(default_factory=list)  # advice for what comes next (a faster engine)

    def summary(self) -> str:
        from bigsearch.messages import t

        counts = [t("sync.added", n=self.added), t("sync.updated", n=self.updated), t("sync.removed", n=self.removed),
                  t("sync.unchanged", n=self.unchanged), t("sync.failed", n=len(self.failed))]
        if self.kept:
            counts.append(t("sync.kept", n=self.kept))
        if self.warned:
            counts.append(t("sync.warned", n=len({name for name, _ in self.warned})))
        if self.ignored:
            counts.append(t("sync.ignored", n=len(self.ignored)))
        summary = t("sync.summary", counts=", ".join(counts), paragraphs=t("sync.paragraphs", n=self.paragraphs))
        if self.ocr_read or self.ocr_cached:
            summary = t("sync.with_ocr", summary=summary,
                        pages=t("sync.ocr_pages", n=self.ocr_read + self.ocr_cached),
                        read=self.ocr_read, cached=self.ocr_cached)
        return summary


@dataclass
class Manifest:
    """What the index holds per source file, from its source records."""

    hashes: dict[str, str] = field(default_factory=dict)  # content hash
    prefixes: dict[str, str] = field(default_factory=dict)  # paragraph id prefix
    stats: dict[str, str] = field(default_factory=dict)  # size and modification time
    bodies: dict[str, str] = field(default_factory=dict)  # the body named with `index --body`
    names: dict[str, str] = field(default_factory=dict)  # shown path (index/names.py)
    existed: bool = True  # False: no index yet


@dataclass
class Change:
    key: str
    path: Path
    digest: str
    stat: str
    known: bool  # the index holds an older version of it
    body: str | None  # the body named for it (`index --body`), kept from earlier runs
    shown: str = ""  # its shown path (index/names.py)


@dataclass
class Plan:
    removed: list[str]  # source keys whose documents leave the index
    changed: list[Change]  # files to (re-)ingest; each is read when it is written, not before
    # folders among the paths that hold no protocol file now (an unmounted share?): how many of
    # the removed sources come from each
    emptied: dict[str, int] = field(default_factory=dict)

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
    stages: Stages = None,
    confirm: Confirm = None,
    notify: Warn = None,
) -> SyncReport:
    """Bring the index at `index_dir` in line with the protocol files under `paths`.

    `engine` (see engines/registry.py) is the one the index was built with unless given;
    `settings` are an engine's connection details (opensearch: url, index_name); `body` names the
    body that met for every document under `paths` (a folder that is one body's archive), and is
    kept for them in later runs. `ocr` (auto, never, force) says how scanned pages are read; their
    text is cached in <index>/ocr-cache.

    New and changed files are ingested. Documents of other files stay, except those of files
    gone from a folder among `paths`; `prune` (and `rebuild`) also drop every source not under
    `paths`. A run that would remove more than half of the index, more than MAX_QUIET_REMOVALS
    sources, or any source of a folder among `paths` that holds no protocol files now (an
    unmounted share), goes ahead only when `confirm(question)` says yes (RemovalRefusedError
    otherwise, before anything is written). Each removed source is named in report.removed_sources.

    A first build says so (`notify`) and writes the engine choice before anything else; a rebuild
    with another engine says so first, and the old engine's sources count as removed unless this
    run indexes them again. A run that commits removes the files of other engines (a killed
    build's, an engine changed with --rebuild). A run that fails or is killed leaves the previous
    index as it was; a full disk raises IndexDiskFullError after removing what the run wrote.
    `progress` and `stages` report how far it got (see Progress and Stages).
    """
    state, why = index_state(index_dir)
    if state is IndexState.DAMAGED and not rebuild:
        raise IndexCorruptError(f"the index at {index_dir} is damaged: {why} — run `bigsearch index --rebuild`")
    entry = choose_engine(index_dir, engine)
    built_with = remembered_engine(index_dir)
    if engine and built_with and engine != built_with and not rebuild and state is not IndexState.MISSING:
        raise ConfigError(f"the index at {index_dir} was built with {built_with} — add --rebuild to rebuild it with "
                          f"{engine}, or choose another --index-dir")
    given = {k: v for k, v in (settings or {}).items() if v not in (None, "")}  # --replicas 0 is given
    previous = None
    if state is IndexState.MISSING and notify:
        unfinished = f" (an earlier {built_with} build did not finish: its files go)" if built_with else ""
        notify(f"no index at {index_dir} yet — building a new {entry.name} index{unfinished} …")
    elif state is IndexState.PRESENT and built_with and built_with != entry.name and ENGINES[built_with].embedded:
        if notify:
            notify(f"the index at {index_dir} is a {built_with} index — rebuilding it with {entry.name}; the "
                   f"{built_with} index stays until the new one is committed, then its files are removed")
        previous = functools.partial(_sources_of, ENGINES[built_with], Path(index_dir), warn)
    if entry.embedded and state in (IndexState.MISSING, IndexState.FOREIGN, IndexState.OUTDATED):
        # No index yet: the engine choice is written first, so that a killed build is resumed
        # (and its files cleaned) by the same engine, not mistaken for another's folder.
        Path(index_dir).mkdir(parents=True, exist_ok=True)
        if built_with != entry.name:
            remember_engine(Path(index_dir), entry.name)
            built_with = entry.name
    opened = entry.open(Path(index_dir), {**engine_settings(index_dir), **given}, warn)
    try:
        report = sync_engine(opened, paths, rebuild=rebuild, warn=warn, progress=progress, prune=prune, body=body,
                             ingest_in_worker=entry.ingest_worker, where=Path(index_dir),
                             ocr=options_for_index(Path(index_dir), ocr), stages=stages, confirm=confirm,
                             previous=previous)
    finally:
        opened.close()
    remembered = {"engine": built_with, **engine_settings(index_dir)}
    if remembered != {"engine": entry.name, **opened.settings()}:
        Path(index_dir).mkdir(parents=True, exist_ok=True)
        remember_engine(Path(index_dir), entry.name, **opened.settings())
    hint = outgrown_hint(entry, Path(index_dir), paths, report)
    if hint:
        report.hints.append(hint)
    return report


def outgrown_hint(entry, index_dir: Path, paths: list[Path], report: SyncReport) -> str | None:
    """Said once: by the run that takes the index past the size its engine serves well, with the
    command that builds it with the engine that serves it better."""
    if entry.outgrown is None:
        return None
    size, better, why = entry.outgrown
    after = report.added + report.updated + report.unchanged + report.kept
    before = after - report.added + report.removed
    if not before < size <= after:
        return None
    import shlex

    command = shlex.join(["bigsearch", "index", "--engine", better, "--rebuild", *(str(p) for p in paths),
                          "--index-dir", str(index_dir)])
    others = (" (name every folder the index holds: --rebuild keeps only the paths given)" if report.kept else "")
    return f"the index now holds {after:,} protocols: --engine {better} {why} — {command}{others}"


def sync_engine(engine, paths: list[Path], rebuild: bool = False, warn: Warn = None, progress: Progress = None,
                prune: bool = False, body: str | None = None, ingest_in_worker: bool = True,
                where: Path | None = None, ocr: OcrOptions | None = None, stages: Stages = None,
                confirm: Confirm = None, previous: Callable[[], Manifest] | None = None) -> SyncReport:
    """The sync itself, on an engine at hand (see `sync`); `where` names the index in messages;
    `previous` reads what the index held before an engine change (its sources are planned from)."""
    report = SyncReport()
    ocr = ocr or options_for_index(getattr(engine, "index_dir", None))
    folder = _embedded_folder(engine)
    files, roots = discovered(paths, report, warn, own=(folder,) if folder else ())
    where = where or Path(getattr(engine, "index_dir", "") or ".")
    with engine.write_lock():  # before the manifest is read: a second run plans from the first one's commit
        if rebuild and folder is not None:
            set_aside_if_damaged(folder, warn)
        manifest = read_manifest(engine, rebuild)
        held = previous() if previous is not None and not manifest.hashes else manifest
        plan = make_plan(files, roots, held, rebuild, prune, body, report, warn, stages, paths)
        check_removals(plan, held, confirm)
        if not plan and manifest.existed and not rebuild:
            return report
        parallel = len(plan.changed) >= PARALLEL_FROM
        try:
            writer = engine.writer(rebuild=rebuild, parallel=parallel)
            apply(writer, plan, manifest, rebuild, report, warn, progress, parallel and ingest_in_worker, ocr, stages)
        except OSError as exc:
            raise write_error(exc, where, not manifest.existed) from exc
        except (IndexDiskFullError, IndexWriteError) as exc:  # the engine's own words, and what is left
            kind = IndexDiskFullError if isinstance(exc, IndexDiskFullError) else IndexWriteError
            raise kind(f"{exc}; {what_is_kept(not manifest.existed)}") from exc
        report_refused(writer, report, warn)
        if folder is not None:
            remove_other_engines(folder, keep=engine.name)
    return report


def _sources_of(entry, index_dir: Path, warn: Warn) -> Manifest:
    """What the index of another engine in the folder holds (the one an engine change replaces)."""
    engine = entry.open(index_dir, engine_settings(index_dir), warn)
    try:
        return read_manifest(engine, rebuild=True)
    finally:
        engine.close()


def _embedded_folder(engine) -> Path | None:
    """The index folder of an embedded engine (None for a cluster)."""
    entry = ENGINES.get(getattr(engine, "name", ""))
    return Path(engine.index_dir) if entry is not None and entry.embedded else None


def check_removals(plan: Plan, manifest: Manifest, confirm: Confirm) -> None:
    """A run may remove a few sources unasked; more than half of the index, more than
    MAX_QUIET_REMOVALS, or anything of a folder that holds no protocol file now (an unmounted share
    looks like a folder whose every file was deleted) only when `confirm(question)` agrees."""
    removing, indexed = len(plan.removed), len(manifest.hashes)
    if not plan.emptied and removing * 2 <= indexed and removing <= MAX_QUIET_REMOVALS:
        return
    why = "".join(f"{folder} holds no protocol files now (an unmounted share?): " for folder in sorted(plan.emptied))
    if confirm is not None and confirm(f"{why}remove {removing} of the {indexed} indexed protocols?"):
        return
    raise RemovalRefusedError(
        f"{why}this run would remove {removing} of the {indexed} indexed protocols — nothing was changed; if "
        "they are gone for good, run it again with --yes"
    )


# -- the steps -------------------------------------------------------------------------------------


def discovered(paths: list[Path], report: SyncReport, warn: Warn,
               own: tuple[Path, ...] = ()) -> tuple[list[Path], list[Path]]:
    """The protocol files under `paths` (never those of the index folders `own`), and the folders
    among `paths` (as source keys)."""

    def ignore(path: Path, reason: str) -> None:
        report.ignored.append((str(path), reason))

    files = discover(paths, on_skip=LimitedWarnings(warn).wrap(ignore), own=own)
    return files, [Path(source_key(path)) for path in paths if Path(path).is_dir()]


def set_aside_if_damaged(index_dir: Path, warn: Warn) -> None:
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
        manifest.names[key] = source.get("source") or ""
        if source.get("named_body"):
            manifest.bodies[key] = source["named_body"]
    return manifest


def make_plan(files: list[Path], roots: list[Path], manifest: Manifest, rebuild: bool, prune: bool,
              body: str | None, report: SyncReport, warn: Warn, stages: Stages = None,
              paths: list[Path] = ()) -> Plan:
    current = {source_key(path): path for path in files}
    removed = removals(current, manifest, roots, prune, rebuild, report, warn)
    changed = list(changes(current, manifest, rebuild, body, report, warn, stages))
    gone = set(removed)
    kept = {} if rebuild else {key: name for key, name in manifest.names.items() if name and key not in gone}
    names = SourceNames(kept)
    for change in changed:  # in the order of discovery: the same names for the same run
        change.shown = names.name(change.key, change.path, origin(change.path, list(paths) or [change.path]))
    emptied = {str(root): count for root in roots if not any(Path(key).is_relative_to(root) for key in current)
               if (count := sum(Path(key).is_relative_to(root) for key in gone))}
    return Plan(removed, changed, emptied)


def _under(key: str, roots: list[Path]) -> bool:
    path = Path(key)
    return any(path.is_relative_to(root) for root in roots)


def removals(current: dict[str, Path], manifest: Manifest, roots: list[Path], prune: bool, rebuild: bool,
             report: SyncReport, warn: Warn) -> list[str]:
    """Indexed sources that leave the index: files deleted from a folder being indexed, or with
    --prune / --rebuild, every one not among this run's files. The rest is kept untouched.
    (check_removals asks before a run removes much, or anything of a folder that went empty.)"""
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
            warn: Warn, stages: Stages = None) -> Iterator[Change]:
    """The files to (re-)ingest: new ones, and those whose content changed (or all, with rebuild)."""
    for number, (key, path) in enumerate(current.items(), start=1):
        if stages:
            stages(READING, number, len(current))
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
          ingest_in_worker: bool, ocr: OcrOptions | None = None, stages: Stages = None) -> None:
    """The plan, written through `writer` and committed once: removals, then each changed file replaced as one unit."""
    taken = {} if rebuild else {p: k for k, p in manifest.prefixes.items() if k not in set(plan.removed)}
    try:
        for key in plan.removed:
            writer.remove_source(key)
            report.removed += 1
            report.removed_sources.append(key)
        changed = {change.path: change for change in plan.changed}
        if stages:
            stages(ANALYSING, 0, len(changed))
        for number, (path, doc, error) in enumerate(ingested(list(changed), ingest_in_worker, ocr), start=1):
            change = changed[path]
            if progress:
                progress(number, len(changed), path.name)
            if stages:
                stages(ANALYSING, number, len(changed))
            if doc is None:
                if change.known:  # changed, and now unreadable: its old paragraphs go
                    writer.remove_source(change.key)
                fail(report, warn, path, error or "cannot be read")
                continue
            rename(doc, change.shown)
            taken.pop(manifest.prefixes.get(change.key, ""), None)
            make_ids_unique(doc, taken, change.key)
            write_document(writer, doc, change, report, warn)
        if stages:
            stages(COMMITTING, 0, None)
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


def what_is_kept(fresh: bool) -> str:
    """After a failed run: what is true of the index (a first build leaves none)."""
    return "no index was written" if fresh else "the previous index is kept"


def write_error(exc: OSError, index_dir: Path, fresh: bool) -> Exception:
    kept = what_is_kept(fresh)
    if exc.errno in DISK_FULL:
        return IndexDiskFullError(f"the disk is full at {index_dir}: free space and run again; {kept}")
    return IndexWriteError(f"cannot write the index at {index_dir} ({exc.strerror or exc}); {kept} — "
                           "check the directory, or choose another with --index-dir")


def fail(report: SyncReport, warn: Warn, path: Path, reason: str, verb: str = "skipped") -> None:
    report.failed.append((str(path), reason))
    if warn:
        warn(f"{verb} {safe_name(path)}: {reason}")
