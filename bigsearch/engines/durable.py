"""Making what a commit wrote survive a power loss: fsync of files and of the folder naming them.

A rename into place is atomic against a crash of the process, not of the machine: without an
fsync the new name can reach the disk before the bytes it names. Whoosh never fsyncs, so its
commit (whoosh_patches) fsyncs each new segment before the table of contents names it, and the
table of contents and the folder after; engine.json is written the same way. tantivy fsyncs its
own files and meta.json. The cost is one wait for the disk per commit, not per document.
"""

from __future__ import annotations

import os
from pathlib import Path


def fsync_file(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def fsync_folder(path: Path) -> None:
    """The folder's entries (new names, renames) on the disk."""
    fd = os.open(path, os.O_RDONLY | os.O_DIRECTORY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def replace_durably(temporary: Path, target: Path) -> None:
    """`temporary` (written and closed) renamed over `target`, its bytes on the disk first."""
    fsync_file(temporary)
    os.replace(temporary, target)
    fsync_folder(target.parent)
