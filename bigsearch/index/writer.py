"""Syncing the index with the protocol files: add new, re-ingest changed, drop vanished, skip unchanged.

Everything a run changes lands in one Whoosh commit, whose table of contents is renamed into
place atomically: a run killed at any moment leaves the previous index intact.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from bigsearch.errors import ReadError
from bigsearch.index import store
from bigsearch.index.schema import KIND_FILE, KIND_PARAGRAPH
from bigsearch.ingest.model import Document
from bigsearch.ingest.pipeline import (
    LimitedWarnings,
    discover,
    document_warnings,
    ingest_bytes,
    make_ids_unique,
)
from bigsearch.ingest.readers import read_file_bytes
from bigsearch.textsafe import printable, safe_name


@dataclass
class SyncReport:
    added: int = 0
    updated: int = 0
    removed: int = 0
    unchanged: int = 0
    failed: list[tuple[str, str]] = field(default_factory=list)
    paragraphs: int = 0
    warned: list[tuple[str, str]] = field(default_factory=list)  # indexed, with a warning
    ignored: list[tuple[str, str]] = field(default_factory=list)  # unknown type, link out of the folder

    def summary(self) -> str:
        extra = ""
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
class _Plan:
    vanished: list[str]
    changed: list[tuple[str, Path, bytes, str, str]]  # key, path, content, digest, stat


def _plan(current: dict[str, Path], manifest: Manifest, rebuild: bool, report: SyncReport, warn) -> _Plan:
    plan = _Plan(vanished=[key for key in manifest.hashes if key not in current], changed=[])
    for key, path in current.items():
        try:
            stat = file_stat(path)
            if not rebuild and stat == manifest.stats.get(key):
                report.unchanged += 1  # same size and modification time: not even read
                continue
            data = read_file_bytes(path)  # size checked before reading, bounded read
        except OSError as exc:
            _fail(report, warn, path, f"cannot read: {exc.strerror or exc}")
            continue
        except ReadError as exc:
            _fail(report, warn, path, str(exc))
            continue
        digest = hashlib.sha256(data).hexdigest()
        if not rebuild and manifest.hashes.get(key) == digest:
            report.unchanged += 1
        else:
            plan.changed.append((key, path, data, digest, stat))
    return plan


PARALLEL_FROM = 200  # files; below this the worker processes cost more than they save


def _writer_options(changed: int) -> dict:
    procs = min(2, os.cpu_count() or 1) if changed >= PARALLEL_FROM else 1
    options: dict = {"limitmb": 256}
    if procs > 1:
        options.update(procs=procs, multisegment=True)
    return options


def sync(
    index_dir: Path,
    paths: list[Path],
    rebuild: bool = False,
    warn: Callable[[str], None] | None = None,
    progress: Callable[[int, int, str], None] | None = None,
) -> SyncReport:
    """Bring the index at `index_dir` in line with the protocol files under `paths`."""
    report = SyncReport()

    def ignore(path: Path, reason: str) -> None:
        report.ignored.append((str(path), reason))

    files = discover(paths, on_skip=LimitedWarnings(warn).wrap(ignore))
    with store.write_lock(index_dir, on_wait=warn):
        old_versions = store.other_versions(index_dir)
        if old_versions and warn:
            warn(f"the index at {index_dir} was built by another version of bigsearch — rebuilding it")
        fresh = not store.exists(index_dir)
        ix = store.open_for_writing(index_dir)
        manifest = Manifest() if rebuild else read_manifest(ix)
        current = {source_key(path): path for path in files}
        plan = _plan(current, manifest, rebuild, report, warn)
        if not (plan.vanished or plan.changed or rebuild or fresh):
            return report
        taken = {prefix: key for key, prefix in manifest.prefixes.items() if key in current}

        writer = ix.writer(**_writer_options(len(plan.changed)))
        try:
            for key in plan.vanished:
                writer.delete_by_term("source_key", key)
                report.removed += 1
            for number, (key, path, data, digest, stat) in enumerate(plan.changed, start=1):
                if progress:
                    progress(number, len(plan.changed), path.name)
                known = key in manifest.hashes
                if known:  # changed, or turned unreadable: its old paragraphs go either way
                    writer.delete_by_term("source_key", key)
                try:
                    doc = ingest_bytes(path.name, data, path.suffix)
                except ReadError as exc:
                    _fail(report, warn, path, str(exc))
                    continue
                if known:
                    report.updated += 1
                else:
                    report.added += 1
                taken.pop(manifest.prefixes.get(key, ""), None)
                make_ids_unique(doc, taken, key)
                for line in document_warnings(doc, path):
                    report.warned.append((str(path), line))
                    if warn:
                        warn(line)
                for record in paragraph_records(doc, key):
                    writer.add_document(**record)
                writer.add_document(**file_record(doc, key, digest, stat))
                report.paragraphs += len(doc.paragraphs)
            if rebuild:
                from whoosh.writing import CLEAR

                writer.commit(mergetype=CLEAR)
            else:
                writer.commit()
        except BaseException:
            writer.cancel()
            raise
        for name in old_versions:
            store.remove_version(index_dir, name)
    return report


def _fail(report: SyncReport, warn, path: Path, reason: str) -> None:
    report.failed.append((str(path), reason))
    if warn:
        warn(f"skipped {safe_name(path)}: {reason}")
