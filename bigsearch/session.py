"""Opening an index for reading, building it first when it does not exist yet.

Above the search core and the sync, beside the API: searching itself never builds an index.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from bigsearch.engines.registry import index_exists, index_outdated
from bigsearch.errors import IndexMissingError
from bigsearch.search.searcher import Searcher


def open_searcher(
    index_dir: Path,
    corpus_dir: Path | None = None,
    notify: Callable[[str], None] | None = None,
    build: bool = True,
) -> Searcher:
    """A Searcher on the index; builds it from `corpus_dir` first (with a message) when missing or outdated."""
    if not index_exists(index_dir):
        if not build or corpus_dir is None:
            raise IndexMissingError(f"no index at {index_dir} — run `bigsearch index`")
        if not Path(corpus_dir).is_dir():
            raise IndexMissingError(
                f"no index at {index_dir} and no corpus at {corpus_dir} to build it from — "
                "run `bigsearch index PATH` or set BIGSEARCH_CORPUS"
            )
        from bigsearch.index.sync import sync  # only when building: a search never loads the sync

        if notify:
            reason = "was built by another version" if index_outdated(index_dir) else "does not exist yet"
            notify(f"the index at {index_dir} {reason} — building it from {corpus_dir} …")
        report = sync(index_dir, [Path(corpus_dir)], warn=notify)
        if notify:
            notify(f"index built: {report.summary()}")
    return Searcher(index_dir)
