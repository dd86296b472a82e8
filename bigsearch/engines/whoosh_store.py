"""Where the index lives: open, create, lock, version, integrity. Nothing here parses protocols.

An index exists only once a build has committed: Whoosh writes an empty table of contents
(generation 0) when it creates an index, so a first build killed before its commit leaves a
generation-0 index, which counts as missing (and the next `search` builds it).
"""

from __future__ import annotations

import contextlib
import errno
import fcntl
import os
import re
import shutil
import time
from collections.abc import Iterator
from pathlib import Path

from bigsearch.engines import whoosh_integrity as integrity
from bigsearch.engines.records import KIND_SOURCE
from bigsearch.engines.whoosh_schema import SCHEMA_VERSION, make_schema
from bigsearch.errors import (
    IndexBusyError,
    IndexCorruptError,
    IndexDiskFullError,
    IndexMissingError,
    IndexReadOnlyError,
)
from bigsearch.facets import FACETS
from bigsearch.processes import HELD_LOCK_FDS

LOCK_NAME = ".bigsearch.lock"
INDEX_PREFIX = "bigsearch_v"


def index_name(version: int = SCHEMA_VERSION) -> str:
    """The index's name in its files: the schema version, and the facets' layout (a new facet makes a new index)."""
    return f"{INDEX_PREFIX}{version}_{FACETS.layout()}"


def _toc_pattern(name: str) -> re.Pattern:
    return re.compile(rf"^_{re.escape(name)}_([0-9]+)\.toc$")


def latest_generation(index_dir: Path) -> int:
    """The generation of the newest table of contents, -1 when there is none."""
    if not index_dir.is_dir():
        return -1
    pattern = _toc_pattern(index_name())
    found = [int(m.group(1)) for name in os.listdir(index_dir) if (m := pattern.match(name))]
    return max(found, default=-1)


def exists(index_dir: Path) -> bool:
    """True once a build has committed (generation 1 or later); says nothing about damage."""
    return latest_generation(index_dir) >= 1


def other_versions(index_dir: Path) -> list[str]:
    """Index names of other schema versions found in the directory."""
    if not index_dir.is_dir():
        return []
    names = set()
    for path in index_dir.glob(f"_{INDEX_PREFIX}*_*.toc"):
        name = path.name[1:].rsplit("_", 1)[0]
        if name != index_name():
            names.add(name)
    return sorted(names)


def remove_version(index_dir: Path, name: str) -> None:
    for path in index_dir.glob(f"_{name}_*"):
        with contextlib.suppress(OSError):
            path.unlink()
    for path in index_dir.glob(f"{name}_*"):
        with contextlib.suppress(OSError):
            path.unlink()


def open_for_reading(index_dir: Path):
    """The committed index, checked for damage first (IndexCorruptError names the damaged file)."""
    from whoosh.filedb.filestore import FileStorage

    if not exists(index_dir):
        raise IndexMissingError(f"no index at {index_dir} — run `bigsearch index`")
    storage = FileStorage(str(index_dir), readonly=True)
    return _open_checked(storage, index_dir)


def open_for_writing(index_dir: Path, rebuild: bool = False):
    """The index to update; a new empty one when none has committed yet.

    A damaged index raises IndexCorruptError, unless `rebuild` asks for a new one anyway.
    """
    from whoosh.filedb.filestore import FileStorage

    ensure_writable(index_dir)
    storage = FileStorage(str(index_dir))
    if exists(index_dir):
        try:
            return _open_checked(storage, index_dir)
        except IndexCorruptError:
            if not rebuild:
                raise
    return storage.create_index(make_schema(), indexname=index_name())


def readable(ix) -> bool:
    """Whether the index's file records can all be read: damage the open-time checks cannot see
    (a segment larger than what they hash whole) can make Whoosh fail anywhere while reading."""
    try:
        with ix.searcher() as searcher:
            for _ in searcher.documents(kind=KIND_SOURCE):
                pass
    except OSError:
        raise
    except Exception:  # noqa: BLE001 - a damaged segment can make Whoosh raise anything
        return False
    return True


def create(index_dir: Path):
    """A new, empty index in place of whatever is there (it counts as missing until a commit)."""
    from whoosh.filedb.filestore import FileStorage

    ensure_writable(index_dir)
    return FileStorage(str(index_dir)).create_index(make_schema(), indexname=index_name())


def _open_checked(storage, index_dir: Path, attempts: int = 20):
    """Open and check the newest committed state. A writer committing meanwhile deletes the files
    of the state being opened: that is not damage, so it is retried on the newer state."""
    for attempt in range(attempts):
        generation = latest_generation(index_dir)
        try:
            return _open_generation(storage, index_dir, generation)
        except (IndexCorruptError, FileNotFoundError):
            if latest_generation(index_dir) == generation or attempt == attempts - 1:
                raise
    raise AssertionError("unreachable")


def _open_generation(storage, index_dir: Path, generation: int):
    from whoosh.index import TOC, FileIndex

    toc_path = index_dir / f"_{index_name()}_{generation}.toc"
    try:
        segments = TOC.read(storage, index_name(), gen=generation).segments
        ix = FileIndex(storage, indexname=index_name())
    except OSError:
        raise  # not damage: permissions, a file deleted by a commit, …
    except Exception as exc:  # noqa: BLE001 - unpickling garbage can raise anything
        raise _corrupt(toc_path, f"unreadable table of contents ({type(exc).__name__})") from None
    for segment in segments:
        problem = integrity.check_segment(index_dir, segment)
        if problem:
            path, reason = problem
            raise _corrupt(path, reason)
    return ix


def _corrupt(path: Path, reason: str) -> IndexCorruptError:
    return IndexCorruptError(
        f"the index file {path} is damaged ({reason}) — `bigsearch index --rebuild` repairs it",
        path=path,
    )


def remove_leftovers(index_dir: Path, older_than: float | None = None) -> list[str]:
    """Delete this index's files that the committed table of contents does not name.

    They are what killed or failed runs left behind: partial segments, half-written tables of
    contents, temporary folders. Call only under the write lock. `older_than` (a time.time())
    spares files written since then. Nothing is deleted when the table of contents is unreadable.
    """
    name = index_name()
    generation = latest_generation(index_dir)
    keep_segments: set[str] = set()
    if generation >= 0:
        from whoosh.filedb.filestore import FileStorage
        from whoosh.index import TOC

        try:
            toc = TOC.read(FileStorage(str(index_dir), readonly=True), name, gen=generation)
        except Exception:  # noqa: BLE001 - a damaged index keeps its files until --rebuild
            return []
        keep_segments = {segment.segment_id() for segment in toc.segments}
    toc_pattern = _toc_pattern(name)
    toc_temp = re.compile(rf"^_{re.escape(name)}_[0-9]+\.toc\.")
    segment_file = re.compile(rf"^({re.escape(name)}_[0-9a-z]+)\.[A-Za-z0-9_.]+$")
    removed = []
    for entry in os.scandir(index_dir):
        toc_match = toc_pattern.match(entry.name)
        segment_match = segment_file.match(entry.name)
        if toc_match:
            stale = int(toc_match.group(1)) != generation
        elif segment_match:
            stale = segment_match.group(1) not in keep_segments
        else:
            stale = bool(toc_temp.match(entry.name)) or entry.name == f"{name}.tmp"
        if not stale:
            continue
        with contextlib.suppress(OSError):
            if older_than is not None and entry.stat(follow_symlinks=False).st_mtime >= older_than:
                continue
            if entry.is_dir(follow_symlinks=False):
                shutil.rmtree(entry.path)
            else:
                os.unlink(entry.path)
            removed.append(entry.name)
    return sorted(removed)


def ensure_writable(index_dir: Path) -> None:
    try:
        index_dir.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise IndexReadOnlyError(
            f"cannot create the index directory {index_dir} ({exc.strerror}) — choose another with --index-dir"
        ) from exc
    if not os.access(index_dir, os.W_OK):
        raise IndexReadOnlyError(
            f"the index directory {index_dir} is read-only — searching works, but to update it "
            "make it writable or pass another --index-dir"
        )


@contextlib.contextmanager
def write_lock(index_dir: Path, wait_seconds: float = 600.0, on_wait=None) -> Iterator[None]:
    """One writer at a time. An OS lock (flock) dies with its process, so a killed run leaves no stale lock."""
    ensure_writable(index_dir)
    try:
        handle = open(index_dir / LOCK_NAME, "a+")  # noqa: SIM115 - held for the whole block
    except OSError as exc:
        if exc.errno in (errno.ENOSPC, errno.EDQUOT):
            raise IndexDiskFullError(f"the disk is full at {index_dir}: free space and run again") from exc
        raise IndexReadOnlyError(
            f"cannot create the lock file in {index_dir} ({exc.strerror}) — make the directory writable or "
            "choose another with --index-dir"
        ) from exc
    try:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            if on_wait:
                on_wait(f"another `bigsearch index` is updating {index_dir}; waiting for it to finish …")
            deadline = time.monotonic() + wait_seconds
            while True:
                try:
                    fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
                    break
                except BlockingIOError:
                    if time.monotonic() > deadline:
                        raise IndexBusyError(
                            f"an index run is in progress on {index_dir} — try again when it has finished"
                        ) from None
                    time.sleep(0.2)
        HELD_LOCK_FDS.add(handle.fileno())  # a forked worker closes its copy (bigsearch/processes.py)
        yield
    finally:
        HELD_LOCK_FDS.discard(handle.fileno())
        with contextlib.suppress(OSError):
            fcntl.flock(handle, fcntl.LOCK_UN)
        handle.close()


def index_size(index_dir: Path) -> int:
    return sum(p.stat().st_size for p in index_dir.glob("*") if p.is_file())
