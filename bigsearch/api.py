"""The public Python API: what the CLI and the browser use, and what the benchmark times.

    import bigsearch
    with bigsearch.open_index("index") as ix:          # builds it from the corpus when missing
        result = ix.search("Andersberg", principal="polisen", year="2019..2024")
        for hit in result.hits:
            print(hit.date, hit.section, hit.principal, hit.id, hit.snippet)
        paragraph = ix.paragraph(result.hits[0].id)
        ix.index(["more-protocols/"])                  # add or update; never removes other files

Results are plain dataclasses (bigsearch.search.results) with character offsets for highlights.
The filters are every facet's options (bigsearch/facets.py): year, date_from, date_to,
principal, person, attendee, place, doc_type, body.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from bigsearch.search.results import Filters, Hit, SearchResult


class Index:
    def __init__(self, index_dir: Path, corpus: Path | None = None, build: bool = True,
                 notify: Callable[[str], None] | None = None):
        from bigsearch.session import open_searcher

        self.index_dir = Path(index_dir)
        self.corpus = corpus
        self._notify = notify
        self.searcher = open_searcher(self.index_dir, corpus, notify=notify, build=build)

    def close(self) -> None:
        self.searcher.close()

    def __enter__(self) -> Index:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    @property
    def engine(self) -> str:
        return self.searcher.engine.name

    def search(self, query: str, *, sort: str = "relevance", limit: int = 10, offset: int = 0, facets: bool = True,
               **filters: str | None) -> SearchResult:
        """`filters` are the facets' options (year, date_from, principal, body, …); an unknown one is a TypeError."""
        return self.searcher.search(query, Filters(**filters), sort=sort, limit=limit, offset=offset, facets=facets)

    def paragraph(self, paragraph_id: str) -> Hit:
        return self.searcher.get(paragraph_id)

    def context(self, paragraph_id: str, size: int = 1) -> tuple[list[Hit], list[Hit]]:
        return self.searcher.context(paragraph_id, size)

    def index(self, paths: list[str | Path], rebuild: bool = False, **options):
        """Adds or updates the protocols under `paths`; returns the sync report."""
        from bigsearch.index.sync import sync

        self.searcher.close()
        try:
            return sync(self.index_dir, [Path(p) for p in paths], rebuild=rebuild, warn=self._notify, **options)
        finally:
            from bigsearch.search.searcher import Searcher

            self.searcher = Searcher(self.index_dir)

    def stats(self):
        return self.searcher.stats()

    def reports(self):
        """Meetings, people and principals (bigsearch.search.reports.Reports)."""
        from bigsearch.search.reports import Reports

        return Reports(self.searcher)


def open_index(index_dir: str | Path | None = None, corpus: str | Path | None = None, build: bool = True,
               notify: Callable[[str], None] | None = None) -> Index:
    """The index at `index_dir` ($BIGSEARCH_INDEX, ./index or the per-user default); built from `corpus`
    (default: the bundled protocols) when it does not exist yet and `build` is true."""
    from bigsearch.config import resolve_corpus, resolve_index

    return Index(resolve_index(Path(index_dir) if index_dir else None),
                 resolve_corpus(Path(corpus) if corpus else None), build=build, notify=notify)


def opensearch_index_body(shards: int = 1, replicas: int = 1) -> dict:
    """The settings and mappings an OpenSearch index for bigsearch is created with (PUT /<index>)."""
    from bigsearch.engines.opensearch_mapping import index_body

    return index_body(shards, replicas)


def export_opensearch(paths: list[Path], out: Callable[[str], None], warn: Callable[[str], None] | None = None):
    """Bulk NDJSON (action + document lines, each handed to `out`) for the protocols under `paths`,
    written by the one sync: `export --format opensearch`. Returns the sync's report."""
    from bigsearch.engines.opensearch_export import BulkExport
    from bigsearch.index.sync import sync_engine

    return sync_engine(BulkExport(out), [Path(p) for p in paths], warn=warn)
