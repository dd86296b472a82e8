"""Opening an index for reading, building it first when it does not exist yet.

Above the search core and the sync, beside the API: searching itself never builds an index.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from bigsearch.engines.registry import IndexState, index_state
from bigsearch.errors import ConfigError, IndexCorruptError, IndexMissingError
from bigsearch.messages import t
from bigsearch.search.searcher import Searcher


def open_searcher(
    index_dir: Path,
    corpus_dir: Path | None = None,
    notify: Callable[[str], None] | None = None,
    build: bool = True,
) -> Searcher:
    """A Searcher on the index; builds it from `corpus_dir` first (with a message) when it does not
    exist yet or is outdated — never in a folder that holds a damaged index or other files."""
    state, reason = index_state(index_dir)
    if state is IndexState.DAMAGED:
        raise IndexCorruptError(f"the index at {index_dir} is damaged: {reason} — run `bigsearch index --rebuild`")
    if state is IndexState.FOREIGN:
        raise ConfigError(f"{index_dir} is not a bigsearch index: {reason} — choose another --index-dir "
                          "(or BIGSEARCH_INDEX), or run `bigsearch index` to build one there")
    if state is not IndexState.PRESENT:
        if not build or corpus_dir is None:
            raise IndexMissingError(t("session.no_index", index=index_dir))
        if not Path(corpus_dir).is_dir():
            raise IndexMissingError(t("session.no_corpus", index=index_dir, corpus=corpus_dir))
        from bigsearch.index.sync import sync  # only when building: a search never loads the sync

        if notify:
            reason = "session.outdated" if state is IndexState.OUTDATED else "session.missing"
            notify(t(reason, index=index_dir, corpus=corpus_dir))
        report = sync(index_dir, [Path(corpus_dir)], warn=notify)
        if notify:
            notify(t("session.built", summary=report.summary()))
    return Searcher(index_dir)
