"""Syncing an engine with the protocol files through the EngineWriter interface (used by the opensearch engine).

The same decisions as the embedded engines' sync: a file whose size and modification time match
the manifest is unchanged without being read; else its content hash decides; a changed file's
paragraphs are replaced as one unit; a file gone from under the indexed paths is removed — and
nothing outside those paths is ever removed.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from bigsearch.errors import IndexMissingError, ReadError

UNCHANGED, CHANGED, NEW = "unchanged", "changed", "new"


@dataclass
class SyncReport:
    added: int = 0
    updated: int = 0
    removed: int = 0
    unchanged: int = 0
    failed: list[tuple[str, str]] = field(default_factory=list)
    paragraphs: int = 0

    def summary(self) -> str:
        return (
            f"{self.added} added, {self.updated} updated, {self.removed} removed, "
            f"{self.unchanged} unchanged, {len(self.failed)} failed; {self.paragraphs} paragraphs indexed"
        )


def source_key(path: Path) -> str:
    return str(path.resolve())


def file_stat(path: Path) -> str:
    info = path.stat()
    return f"{info.st_size}:{info.st_mtime_ns}"


def file_digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def decide(stat: str, read_digest: Callable[[], str], known: dict | None, rebuild: bool) -> tuple[str, str | None]:
    """(NEW | CHANGED | UNCHANGED, the content hash when it was computed). Reads the file only when needed."""
    if known is None:
        return NEW, read_digest()
    if not rebuild and known.get("source_stat") == stat and known.get("source_hash"):
        return UNCHANGED, None
    digest = read_digest()
    if not rebuild and known.get("source_hash") == digest:
        return UNCHANGED, digest
    return CHANGED, digest


def under(key: str, roots: list[Path]) -> bool:
    """Whether a source key lies under one of the indexed paths (files or directories)."""
    for root in roots:
        text = str(root)
        if key == text or key.startswith(text.rstrip(os.sep) + os.sep):
            return True
    return False


def vanished(manifest: dict[str, dict], current: dict[str, Path], roots: list[Path]) -> list[str]:
    """Sources the index holds under the indexed paths whose files are gone."""
    return sorted(key for key in manifest if key not in current and under(key, roots))


def sync(engine, paths: list[Path], rebuild: bool = False, warn: Callable[[str], None] | None = None,
         progress: Callable[[int, int, str], None] | None = None) -> SyncReport:
    """Bring the engine's index in line with the protocol files under `paths`."""
    from bigsearch.engines.records import paragraph_records, source_record
    from bigsearch.ingest.pipeline import discover, ingest_bytes, make_ids_unique

    report = SyncReport()
    files = discover(paths)
    roots = [Path(p).resolve() for p in paths]
    current = {source_key(path): path for path in files}
    manifest = {} if rebuild else _manifest(engine)
    taken = {s.get("id_prefix", ""): key for key, s in manifest.items() if key in current}

    writer = engine.writer(rebuild=rebuild)
    try:
        for key in vanished(manifest, current, roots):
            writer.remove_source(key)
            report.removed += 1
        for number, (key, path) in enumerate(current.items(), start=1):
            if progress:
                progress(number, len(current), path.name)
            known = manifest.get(key)
            data: list[bytes] = []

            def read(path=path, data=data) -> str:
                data.append(path.read_bytes())
                return file_digest(data[0])

            try:
                verdict, digest = decide(file_stat(path), read, known, rebuild)
            except OSError as exc:
                _fail(report, warn, path, f"cannot read: {exc.strerror or exc}")
                continue
            if verdict == UNCHANGED:
                report.unchanged += 1
                continue
            try:
                doc = ingest_bytes(path.name, data[0], path.suffix)
            except ReadError as exc:
                if known:  # changed and now unreadable: its old paragraphs go, as in the embedded engines
                    writer.remove_source(key)
                _fail(report, warn, path, str(exc))
                continue
            taken.pop((known or {}).get("id_prefix", ""), None)
            make_ids_unique(doc, taken, key)
            writer.replace_source(source_record(doc, key, digest, file_stat(path)), paragraph_records(doc, key))
            report.paragraphs += len(doc.paragraphs)
            if verdict == NEW:
                report.added += 1
            else:
                report.updated += 1
        writer.commit()
    except BaseException:
        writer.cancel()
        raise
    for key, failures in getattr(writer, "failed_sources", {}).items():
        first = failures[0]
        reason = (f"{len(failures)} document(s) refused by the index (first: {first.status}: {first.reason}) "
                  "— the file is sent again on the next run")
        _fail(report, warn, Path(key), reason, verb="indexed incompletely")
    return report


def _manifest(engine) -> dict[str, dict]:
    """What the index holds per source; nothing when there is no index yet (the first run builds it)."""
    try:
        return {s["source_key"]: s for s in engine.sources()}
    except IndexMissingError:
        return {}


def _fail(report: SyncReport, warn, path: Path, reason: str, verb: str = "skipped") -> None:
    report.failed.append((str(path), reason))
    if warn:
        warn(f"{verb} {path}: {reason}")


DEFAULT_INDEX_NAME = "bigsearch"


def index_opensearch(index_dir: Path, paths: list[Path], url: str, index_name: str | None = None,
                     rebuild: bool = False, warn=None, progress=None, client=None) -> SyncReport:
    """`bigsearch index --engine opensearch --url URL [--index-name N]`: syncs, then remembers the
    engine in the index folder (engine.json: engine, url, index name — never credentials)."""
    from bigsearch.engines.opensearch_engine import OpenSearchEngine
    from bigsearch.engines.registry import remember_engine

    engine = OpenSearchEngine(url, index_name or DEFAULT_INDEX_NAME, client=client)
    try:
        report = sync(engine, paths, rebuild=rebuild, warn=warn, progress=progress)
    finally:
        engine.close()
    Path(index_dir).mkdir(parents=True, exist_ok=True)
    remember_engine(Path(index_dir), "opensearch", url=engine.url, index_name=engine.alias)
    return report
