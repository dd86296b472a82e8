"""Syncing the index with the protocol files: add new, re-ingest changed, drop vanished, skip unchanged.

Everything a run changes lands in one Whoosh commit, whose table of contents is renamed into
place atomically: a run killed at any moment leaves the previous index intact, and the next run
removes the files it left behind.
"""

from __future__ import annotations

import contextlib
import errno
import hashlib
import json
import os
import stat as stat_mode
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from bigsearch.errors import IndexCorruptError, IndexDiskFullError, IndexWriteError, ReadError
from bigsearch.index import store, workers
from bigsearch.index.schema import KIND_FILE, KIND_PARAGRAPH
from bigsearch.ingest import limits
from bigsearch.ingest.model import Document
from bigsearch.ingest.pipeline import (
    LimitedWarnings,
    discover,
    document_warnings,
    ingest_file,
    make_ids_unique,
)
from bigsearch.textsafe import printable, safe_name


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


def source_key(path: Path) -> str:
    return printable(str(path.resolve()))  # a name that is not UTF-8 is stored escaped


def paragraph_records(doc: Document, key: str) -> Iterable[dict]:
    names = list(dict.fromkeys(a.name.replace(",", " ") for a in doc.attendees if a.name))
    for number, paragraph in enumerate(doc.paragraphs):
        record = {
            "kind": KIND_PARAGRAPH,
            "id": paragraph.id,
            "source": paragraph.source,
            "source_key": key,
            "doc_type": paragraph.doc_type,
            "section_title": paragraph.section_title or "",
            "persons": ",".join(paragraph.persons),
            "places": ",".join(paragraph.places),
            "persons_facet": "\n".join(paragraph.persons).encode("utf-8"),
            "places_facet": "\n".join(paragraph.places).encode("utf-8"),
            "text": paragraph.text,
            "parts": paragraph.text,
            "folded": paragraph.text,
            "position": paragraph.position,
            "order": paragraph.position,
            "body": getattr(paragraph, "body", None) or getattr(doc, "body", None),
            "page": getattr(paragraph, "page", None),
            "line": getattr(paragraph, "line", None),
            "title": doc.title or "",
            "doc_title": doc.title or "",
            "attendees": ",".join(names),
            # Attendance is searchable once per meeting (on its first paragraph), not on every paragraph.
            "attendee_words": " ".join(names) if number == 0 else "",
            "attendees_facet": "\n".join(names).encode("utf-8"),
        }
        for name in ("date", "section", "principal", "unit"):
            value = getattr(paragraph, name)
            if value:
                record[name] = value
        if paragraph.year is not None:
            record["year"] = paragraph.year
        else:
            record["undated"] = "1"
        yield {key: value for key, value in record.items() if value is not None}


def file_stat(path: Path) -> str:
    info = path.stat()
    return f"{info.st_size}:{info.st_mtime_ns}"


def file_record(doc: Document, key: str, digest: str, stat: str) -> dict:
    attendees = [
        {"name": a.name, "organisation": a.organisation, "principal": a.principal, "role": getattr(a, "role", None)}
        for a in doc.attendees
    ]
    record = {
        "kind": KIND_FILE,
        "id": f"file:{key}",
        "source": doc.source,
        "source_key": key,
        "source_hash": digest,
        "source_stat": stat,
        "id_prefix": doc.id_prefix,
        "title": doc.title or "",
        "attendee_records": json.dumps(attendees, ensure_ascii=False),
        "paragraphs": len(doc.paragraphs),
    }
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
) -> SyncReport:
    """Bring the index at `index_dir` in line with the protocol files under `paths`.

    New and changed files are ingested. Documents of other files stay, except those of files
    gone from a folder among `paths`; `prune` (and `rebuild`) also drop every source not under
    `paths`. Each removed source is named in report.removed_sources.

    A run that fails or is killed leaves the previous index as it was; a full disk raises
    IndexDiskFullError after removing what the run wrote.
    """
    report = SyncReport()

    def ignore(path: Path, reason: str) -> None:
        report.ignored.append((str(path), reason))

    files = discover(paths, on_skip=LimitedWarnings(warn).wrap(ignore))
    roots = [Path(source_key(path)) for path in paths if path.is_dir()]
    with store.write_lock(index_dir, on_wait=warn):
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
            _write(ix, plan, manifest, rebuild, report, warn, progress)
        except BaseException as exc:
            with contextlib.suppress(OSError):  # the run's own error is the one to report
                store.remove_leftovers(index_dir)  # this run's partial segments; the committed ones stay
            if isinstance(exc, OSError):
                raise _write_error(exc, index_dir, fresh) from exc
            raise
        for name in old_versions:
            store.remove_version(index_dir, name)
    return report


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


def _write(ix, plan: _Plan, manifest: Manifest, rebuild: bool, report: SyncReport, warn, progress) -> None:
    if rebuild:
        taken: dict[str, str] = {}
    else:
        gone = set(plan.removed)
        taken = {prefix: key for key, prefix in manifest.prefixes.items() if key not in gone}
    writer = _open_writer(ix, len(plan.changed))
    try:
        for key in plan.removed:
            writer.delete_by_term("source_key", key)
            report.removed += 1
            report.removed_sources.append(key)
        for number, change in enumerate(plan.changed, start=1):
            if progress:
                progress(number, len(plan.changed), change.path.name)
            known = change.key in manifest.hashes
            if known and not rebuild:  # changed, or turned unreadable: its old paragraphs go either way
                writer.delete_by_term("source_key", change.key)
            try:
                doc = ingest_file(change.path)
            except ReadError as exc:
                _fail(report, warn, change.path, str(exc))
                continue
            if known and not rebuild:
                report.updated += 1
            else:
                report.added += 1
            taken.pop(manifest.prefixes.get(change.key, ""), None)
            make_ids_unique(doc, taken, change.key)
            for line in document_warnings(doc, change.path):
                report.warned.append((str(change.path), line))
                if warn:
                    warn(line)
            for record in paragraph_records(doc, change.key):
                writer.add_document(**record)
            writer.add_document(**file_record(doc, change.key, change.digest, change.stat))
            report.paragraphs += len(doc.paragraphs)
        if rebuild:
            from whoosh.writing import CLEAR

            writer.commit(mergetype=CLEAR)
        else:
            writer.commit()
    except BaseException:
        with contextlib.suppress(Exception):
            if not writer.is_closed:
                writer.cancel()
        raise


DISK_FULL = {errno.ENOSPC, errno.EDQUOT}


def _write_error(exc: OSError, index_dir: Path, fresh: bool) -> Exception:
    kept = "no index was written" if fresh else "the previous index is kept"
    if exc.errno in DISK_FULL:
        return IndexDiskFullError(f"the disk is full at {index_dir}: free space and run again; {kept}")
    return IndexWriteError(f"cannot write the index at {index_dir} ({exc.strerror or exc}); {kept} — "
                           "check the directory, or choose another with --index-dir")


def _fail(report: SyncReport, warn, path: Path, reason: str) -> None:
    report.failed.append((str(path), reason))
    if warn:
        warn(f"skipped {safe_name(path)}: {reason}")
