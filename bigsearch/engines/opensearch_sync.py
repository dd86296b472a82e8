"""What `export --format opensearch` needs to write the manifest as the sync does."""

from __future__ import annotations

import hashlib
from pathlib import Path


def source_key(path: Path) -> str:
    """As the sync stores it (bigsearch/index/writer.py): the resolved path, printable."""
    from bigsearch.textsafe import printable

    return printable(str(path.resolve()))


def file_stat(path: Path) -> str:
    info = path.stat()
    return f"{info.st_size}:{info.st_mtime_ns}"


def file_digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


DEFAULT_INDEX_NAME = "bigsearch"
