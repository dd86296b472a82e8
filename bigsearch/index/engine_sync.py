"""Syncing an engine object (tantivy, opensearch) with the protocol files: the one sync of
bigsearch/index/writer.py, for an engine at hand; and `bigsearch index --engine opensearch`."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from bigsearch.engines.opensearch_sync import DEFAULT_INDEX_NAME
from bigsearch.index.sync import SyncReport, source_key, sync_with_engine
from bigsearch.ingest.pipeline import LimitedWarnings, discover


def sync(engine, paths: list[Path], rebuild: bool = False, warn: Callable[[str], None] | None = None,
         progress: Callable[[int, int, str], None] | None = None, prune: bool = False):
    """Bring the engine's index in line with the protocol files under `paths` — the one sync of
    bigsearch/index/writer.py (sync_with_engine), for an engine object at hand."""
    report = SyncReport()
    files = discover(paths, on_skip=LimitedWarnings(warn).wrap(lambda path, reason: report.ignored.append(
        (str(path), reason))))
    roots = [Path(source_key(path)) for path in paths if Path(path).is_dir()]
    return sync_with_engine(engine, files, roots, rebuild=rebuild, prune=prune, report=report, warn=warn,
                            progress=progress)


def index_opensearch(index_dir: Path, paths: list[Path], url: str, index_name: str | None = None,
                     rebuild: bool = False, warn=None, progress=None, client=None) -> SyncReport:
    """`bigsearch index --engine opensearch --url URL [--index-name N]`: syncs, then remembers the
    engine in the index folder (engine.json: engine, url, index name — never credentials)."""
    from bigsearch.engines.opensearch_engine import OpenSearchEngine
    from bigsearch.engines.registry import remember_engine

    engine = OpenSearchEngine(url, index_name or DEFAULT_INDEX_NAME, client=client)
    try:
        report = sync(engine, paths, rebuild=rebuild, warn=warn, progress=progress)
    finally:
        engine.close()
    Path(index_dir).mkdir(parents=True, exist_ok=True)
    remember_engine(Path(index_dir), "opensearch", url=engine.url, index_name=engine.alias)
    return report
