"""Which index files have been read in full and found intact, so that an open need not read them again.

Index files (Whoosh segments, tantivy segment files) are written once and never changed. Whoever
reads one in full against its checksum — the writer right after writing it, `bigsearch check` —
records the file's identity (inode, size, modification and change time in ns) in VERIFIED_FILE.
An open reads in full, against its checksum, every file whose identity is not recorded there, and
only those. Any write to a file makes the kernel set its change time, which no program can set
back, so a file changed after it was recorded is read in full again at the next open. Damage that
bypasses the file system (failing media) keeps the identity: `bigsearch check` reads every file
regardless of this record.

Readers never write the record: a search leaves the index folder as it found it.
"""

from __future__ import annotations

import contextlib
import json
import os
from dataclasses import dataclass
from pathlib import Path

VERIFIED_FILE = ".bigsearch-verified.json"


def identity(path: Path) -> list[int]:
    info = os.stat(path)
    return [info.st_ino, info.st_size, info.st_mtime_ns, info.st_ctime_ns]


class VerifiedFiles:
    def __init__(self, index_dir: Path) -> None:
        self.index_dir = Path(index_dir)
        self.entries: dict[str, list[int]] = {}
        try:
            data = json.loads((self.index_dir / VERIFIED_FILE).read_text("utf-8"))
        except (OSError, ValueError):
            data = {}  # none yet, or unreadable: every file is read in full
        if isinstance(data, dict):
            self.entries = {name: value for name, value in data.items() if isinstance(value, list)}

    def known(self, path: Path) -> bool:
        """Read in full before and unchanged since."""
        recorded = self.entries.get(Path(path).name)
        if recorded is None:
            return False
        try:
            return identity(path) == recorded
        except OSError:
            return False

    def add(self, path: Path) -> None:
        with contextlib.suppress(OSError):
            self.entries[Path(path).name] = identity(path)

    def save(self, keep: set[str] | None = None) -> None:
        """Writes the record (only writers and `check` do); `keep` drops files no longer in the index.
        A folder that cannot be written just means the files are read in full at each open."""
        if keep is not None:
            self.entries = {name: value for name, value in self.entries.items() if name in keep}
        target = self.index_dir / VERIFIED_FILE
        temporary = target.with_name(f"{VERIFIED_FILE}.{os.getpid()}.tmp")
        try:
            temporary.write_text(json.dumps(self.entries, sort_keys=True), "utf-8")
            os.replace(temporary, target)
        except OSError:
            with contextlib.suppress(OSError):
                temporary.unlink()


@dataclass
class IndexCheck:
    """What `bigsearch check` found: every file it read in full, and the first damaged one."""

    index_dir: str
    engine: str
    files: int = 0
    bytes_read: int = 0
    damaged: str | None = None  # the damaged file's path
    problem: str | None = None  # what is wrong with it

    @property
    def whole(self) -> bool:
        return self.damaged is None

    def to_json(self) -> dict:
        return {"index_dir": self.index_dir, "engine": self.engine, "files": self.files,
                "bytes_read": self.bytes_read, "whole": self.whole, "damaged": self.damaged, "problem": self.problem}
