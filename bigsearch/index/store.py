"""Where the index lives: open, create, lock, version. Nothing here parses protocols."""

from __future__ import annotations

import contextlib
import fcntl
import os
import time
from collections.abc import Iterator
from pathlib import Path

from bigsearch.errors import IndexBusyError, IndexMissingError, IndexReadOnlyError
from bigsearch.index.schema import SCHEMA_VERSION, make_schema

LOCK_NAME = ".bigsearch.lock"
INDEX_PREFIX = "bigsearch_v"


def index_name(version: int = SCHEMA_VERSION) -> str:
    return f"{INDEX_PREFIX}{version}"


def exists(index_dir: Path) -> bool:
    from whoosh.index import exists_in

    return index_dir.is_dir() and exists_in(str(index_dir), indexname=index_name())


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
    from whoosh.filedb.filestore import FileStorage

    if not exists(index_dir):
        raise IndexMissingError(f"no index at {index_dir} — run `bigsearch index`")
    storage = FileStorage(str(index_dir), readonly=True)
    return storage.open_index(indexname=index_name())


def open_for_writing(index_dir: Path):
    from whoosh.filedb.filestore import FileStorage

    ensure_writable(index_dir)
    storage = FileStorage(str(index_dir))
    if exists(index_dir):
        return storage.open_index(indexname=index_name())
    return storage.create_index(make_schema(), indexname=index_name())


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
    handle = open(index_dir / LOCK_NAME, "a+")  # noqa: SIM115 - held for the whole block
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
        yield
    finally:
        with contextlib.suppress(OSError):
            fcntl.flock(handle, fcntl.LOCK_UN)
        handle.close()


def index_size(index_dir: Path) -> int:
    return sum(p.stat().st_size for p in index_dir.glob("*") if p.is_file())
