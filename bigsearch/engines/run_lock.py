"""One index run at a time, for every embedded engine: an OS lock on <index>/.bigsearch.lock, taken
before the run reads what the index holds and held until its commit. A flock dies with its
process, so a killed run leaves no stale lock; a second run waits for the first (and then plans
from what the first one committed), or says the index is busy.
"""

from __future__ import annotations

import contextlib
import errno
import fcntl
import os
import time
from collections.abc import Iterator
from pathlib import Path

from bigsearch.errors import IndexBusyError, IndexDiskFullError, IndexReadOnlyError
from bigsearch.processes import HELD_LOCK_FDS

LOCK_NAME = ".bigsearch.lock"
WAIT_SECONDS = 600.0


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
def write_lock(index_dir: Path, wait_seconds: float | None = None, on_wait=None) -> Iterator[None]:
    """One writer at a time. An OS lock (flock) dies with its process, so a killed run leaves no stale lock.
    A busy index is waited for `wait_seconds` (WAIT_SECONDS), then IndexBusyError."""
    wait_seconds = WAIT_SECONDS if wait_seconds is None else wait_seconds
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
