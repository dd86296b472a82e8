"""One open index shared by every request, opened again when `bigsearch index` has changed it.

Requests run in a thread pool; one lock lets one request at a time use the index (a page is a
handful of milliseconds of searching; the engines' readers are not all safe to share between
threads). Rendering happens outside the lock: results are plain dataclasses.
"""

from __future__ import annotations

import contextlib
import os
import threading
from collections.abc import Iterator
from pathlib import Path

from bigsearch.api import Index, open_index


def index_stamp(index_dir: Path) -> tuple:
    """What the index folder holds now (names, sizes, modification times): a commit changes it."""
    try:
        entries = sorted(os.scandir(index_dir), key=lambda entry: entry.name)
    except OSError:
        return ()
    stamp = []
    for entry in entries:
        try:
            info = entry.stat(follow_symlinks=False)
        except OSError:
            continue
        stamp.append((entry.name, info.st_size, info.st_mtime_ns))
    return tuple(stamp)


class IndexHolder:
    def __init__(self, index_dir: Path, opened: Index | None = None) -> None:
        self.index_dir = Path(index_dir)
        self._lock = threading.Lock()
        self._index = opened
        self._stamp = index_stamp(self.index_dir) if opened is not None else None
        self.opened = 1 if opened is not None else 0  # how many times an index was opened (tests count it)

    @contextlib.contextmanager
    def index(self) -> Iterator[Index]:
        """The index, for one request; opened (again) first when missing or changed on disk."""
        with self._lock:
            stamp = index_stamp(self.index_dir)
            if self._index is None or stamp != self._stamp:
                if self._index is not None:
                    self._index.close()
                    self._index = None
                self._index = open_index(self.index_dir, build=False)
                self._stamp = index_stamp(self.index_dir)  # after: opening may itself leave a file there
                self.opened += 1
            yield self._index

    def close(self) -> None:
        with self._lock:
            if self._index is not None:
                self._index.close()
                self._index = None
