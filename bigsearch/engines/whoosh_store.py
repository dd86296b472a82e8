"""Where the index lives: open, create, lock, version, integrity. Nothing here parses protocols.

An index exists only once a build has committed: Whoosh writes an empty table of contents
(generation 0) when it creates an index, so a first build killed before its commit leaves a
generation-0 index, which counts as missing (and the next `search` builds it).
"""

from __future__ import annotations

import contextlib
import os
import re
import shutil
from pathlib import Path

from bigsearch.engines import whoosh_commit, whoosh_patches
from bigsearch.engines import whoosh_integrity as integrity
from bigsearch.engines.records import KIND_SOURCE
from bigsearch.engines.run_lock import ensure_writable
from bigsearch.engines.verified import IndexCheck, VerifiedFiles
from bigsearch.engines.whoosh_schema import SCHEMA_VERSION, make_schema
from bigsearch.errors import (
    IndexCorruptError,
    IndexMissingError,
)
from bigsearch.facets import FACETS

INDEX_PREFIX = whoosh_commit.INDEX_PREFIX
# Every commit of a bigsearch index writes its facet arrays and checksums (whoosh_commit.py).
whoosh_patches.COMMIT_WORK[:] = [whoosh_commit.commit_toc]


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


def folder_damage(index_dir: Path) -> str | None:
    """Segment files without any table of contents: an index whose table of contents is gone (a
    first build writes its empty table of contents before any segment)."""
    if not index_dir.is_dir() or latest_generation(index_dir) >= 0:
        return None
    segments = list(index_dir.glob(f"{index_name()}_*.seg"))
    if segments:
        return f"{len(segments)} segment file(s) but no table of contents (_{index_name()}_N.toc)"
    return None


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
    verified = VerifiedFiles(index_dir)
    for attempt in range(attempts):
        generation = latest_generation(index_dir)
        try:
            return _open_generation(storage, index_dir, generation, verified)
        except (IndexCorruptError, FileNotFoundError):
            if latest_generation(index_dir) == generation or attempt == attempts - 1:
                raise
    raise AssertionError("unreachable")


def _open_generation(storage, index_dir: Path, generation: int, verified: VerifiedFiles | None = None):
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
        problem = integrity.check_segment(index_dir, segment, verified)
        if problem:
            path, reason = problem
            raise _corrupt(path, reason)
    return ix


def verify_fully(index_dir: Path) -> IndexCheck:
    """Reads every segment file of the committed index in full against its checksum (a segment
    committed without one is read through Whoosh, every stored field, posting and column); the
    first damaged file ends the check. Whole files are recorded as verified (engines/verified.py)."""
    from whoosh.filedb.filestore import FileStorage
    from whoosh.index import TOC

    result = IndexCheck(str(index_dir), "whoosh")
    generation = latest_generation(index_dir)
    toc_path = index_dir / f"_{index_name()}_{generation}.toc"
    if generation < 1:
        result.damaged, result.problem = str(index_dir), "holds no committed index"
        return result
    storage = FileStorage(str(index_dir), readonly=True)
    try:
        segments = TOC.read(storage, index_name(), gen=generation).segments
    except Exception as exc:  # noqa: BLE001 - unpickling garbage can raise anything
        result.damaged, result.problem = str(toc_path), f"unreadable table of contents ({type(exc).__name__})"
        return result
    result.files, result.bytes_read = 1, toc_path.stat().st_size
    verified = VerifiedFiles(index_dir)
    for segment in segments:
        path = integrity.segment_path(index_dir, segment)
        problem = integrity.check_segment(index_dir, segment, verified, full=True)
        if problem is None and not integrity.has_full_digest(segment):
            problem = _read_through(storage, segment, path)
        if problem:
            result.damaged, result.problem = str(problem[0]), problem[1]
            return result
        result.files += 1
        result.bytes_read += path.stat().st_size
    if os.access(index_dir, os.W_OK):
        verified.save(keep={integrity.segment_path(index_dir, segment).name for segment in segments})
    return result


def _read_through(storage, segment, path: Path) -> tuple[Path, str] | None:
    """Every stored field, posting list and column of one segment decoded (for segments without a checksum)."""
    from whoosh.reading import SegmentReader

    from bigsearch.engines.whoosh_schema import make_schema

    try:
        reader = SegmentReader(storage, make_schema(), segment)
        try:
            for _ in reader.iter_docs():
                pass
            for fieldname in reader.indexed_field_names():
                for term in reader.lexicon(fieldname):
                    reader.postings(fieldname, term).all_ids()
            for fieldname, field in reader.schema.items():
                if field.column_type is not None and reader.has_column(fieldname):
                    list(reader.column_reader(fieldname))
        finally:
            reader.close()
    except OSError as exc:
        return path, f"cannot be read: {exc.strerror or exc}"
    except Exception as exc:  # noqa: BLE001 - damaged data makes Whoosh raise anything
        return path, f"cannot be decoded ({type(exc).__name__}: {exc})"[:300]
    return None


def damage_behind(index_dir: Path) -> IndexCorruptError | None:
    """After a read failed in a way damage would explain: the damaged file, found by reading every
    file in full, or None when the index is whole (then the failure is not damage)."""
    try:
        found = verify_fully(index_dir)
    except OSError:
        return None
    if found.whole:
        return None
    return _corrupt(Path(found.damaged), found.problem)


def _corrupt(path: Path, reason: str) -> IndexCorruptError:
    return IndexCorruptError(
        f"the index file {path} is damaged ({reason}) — `bigsearch index --rebuild` repairs it",
        path=path,
    )


def remove_leftovers(index_dir: Path, older_than: float | None = None) -> list[str]:
    """Delete this index's files that the committed table of contents does not name.

    They are what killed or failed runs left behind: partial segments, half-written tables of
    contents, temporary folders. Call only under the write lock. `older_than` (a time.time())
    spares files written since then. Nothing is deleted when the table of contents is missing or
    unreadable: a damaged index keeps its files until --rebuild moves them aside.
    """
    from whoosh.filedb.filestore import FileStorage
    from whoosh.index import TOC

    name = index_name()
    generation = latest_generation(index_dir)
    if generation < 0:
        return []  # a first build writes its table of contents first: without one, this is damage
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


def index_size(index_dir: Path) -> int:
    return sum(p.stat().st_size for p in index_dir.glob("*") if p.is_file())
