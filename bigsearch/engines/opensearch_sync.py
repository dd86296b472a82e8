"""What `export --format opensearch` needs besides the records: the default index name, a content hash."""

from __future__ import annotations

import hashlib

DEFAULT_INDEX_NAME = "bigsearch"


def file_digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()
