"""`bigsearch export --format opensearch`: one more writer fed by the one sync (index/sync.py).

It prints bulk NDJSON for a cluster's `_bulk` API — an action line and a document line for each
paragraph, its new vocabulary and the file's manifest entry — the very documents the opensearch
engine indexes, so an index loaded from it is searchable by bigsearch and found in sync.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable

from bigsearch.engines.opensearch_docs import SeenTerms, ndjson_lines, source_actions


class BulkExport:
    """An engine that holds nothing yet (every file is new) and whose writer prints each line."""

    name = "opensearch-export"

    def __init__(self, out: Callable[[str], None]) -> None:
        self.out = out

    def sources(self) -> list[dict]:
        return []

    def write_lock(self) -> contextlib.AbstractContextManager:
        return contextlib.nullcontext()

    def writer(self, rebuild: bool = False, parallel: bool = False) -> BulkExportWriter:
        return BulkExportWriter(self.out)

    def close(self) -> None:
        pass


class BulkExportWriter:
    def __init__(self, out: Callable[[str], None]) -> None:
        self.out = out
        self.failed_sources: dict = {}
        self._seen = SeenTerms()

    def replace_source(self, source: dict, paragraphs: list[dict]) -> None:
        for line in ndjson_lines(source_actions(source, paragraphs, self._seen)):
            self.out(line)

    def remove_source(self, source_key: str) -> None:
        pass  # nothing was exported before this run

    def commit(self) -> None:
        pass  # every line is out already

    def cancel(self) -> None:
        pass
