"""One search's results a page at a time, in the order a reader expects.

The engines sort "newest first" by (date, position) reversed, which turns each meeting upside down.
A reader wants the newest meeting first and its paragraphs in document order, so a page in that
sort ends where a meeting date ends (it reads on to the end of the last date, a bounded number of
hits more) and each date's paragraphs are put back in document order, meeting by meeting.
Oldest first is already document order; relevance is left as ranked.
"""

from __future__ import annotations

from itertools import takewhile

from bigsearch.search.results import Filters, Hit, SearchResult

PAGE_SIZE = 100  # hits fetched at a time
DATE_READ_AHEAD = 2000  # at most this many hits more to finish the last date of a page

# The sorts a user cycles through, and how the status line names them.
SORT_NAMES = {"relevance": "relevans", "-date": "nyast först", "date": "äldst först"}


def sorts_for(query: str) -> tuple[str, ...]:
    """Relevance needs a query; filters alone list by date."""
    return ("relevance", "-date", "date") if query.strip() else ("-date", "date")


def reading_order(hits: list[Hit]) -> list[Hit]:
    """Hits sorted newest first by (date, position), with each date's paragraphs in document order,
    one meeting after another (meetings on the same date keep the order they first appear in)."""
    out: list[Hit] = []
    start = 0
    while start < len(hits):
        end = start
        while end < len(hits) and hits[end].date == hits[start].date:
            end += 1
        block = hits[start:end][::-1]  # position descending -> ascending
        meetings: dict[str, list[Hit]] = {}
        for hit in block:
            meetings.setdefault(hit.source_key or hit.source, []).append(hit)
        for paragraphs in meetings.values():
            out.extend(paragraphs)
        start = end
    return out


class Pages:
    """Fetches one search's hits page by page; runs in a worker thread, one object per search."""

    def __init__(self, searcher, query: str, filters: Filters, sort: str, page_size: int = PAGE_SIZE) -> None:
        self.searcher = searcher
        self.query = query
        self.filters = filters
        self.sort = sort
        self.page_size = max(1, page_size)
        self.read = 0  # hits read from the engine so far, in its order
        self.total = 0

    @property
    def more(self) -> bool:
        return self.read < self.total

    def _fetch(self, offset: int, limit: int, facets: bool) -> SearchResult:
        if self.query.strip():
            return self.searcher.search(self.query, self.filters, sort=self.sort, limit=limit, offset=offset,
                                        facets=facets)
        return self.searcher.browse(self.filters, sort=self.sort, limit=limit, offset=offset, facets=facets)

    def first(self) -> SearchResult:
        """The first page, with the facet counts of every hit."""
        result = self._fetch(0, self.page_size, True)
        self.total = result.total
        result.hits = self._page(result.hits)
        return result

    def next(self) -> list[Hit]:
        """The next page (empty when every hit has been read)."""
        if not self.more:
            return []
        result = self._fetch(self.read, self.page_size, False)
        self.total = result.total
        return self._page(result.hits)

    def _page(self, hits: list[Hit]) -> list[Hit]:
        hits = list(hits)
        if self.sort == "-date":
            hits = self._to_end_of_date(hits)
            self.read += len(hits)
            return reading_order(hits)
        self.read += len(hits)
        return hits

    def _to_end_of_date(self, hits: list[Hit]) -> list[Hit]:
        """`hits` and the hits after them that share the last one's date, so no meeting is split."""
        if not hits:
            return hits
        last_date = hits[-1].date
        extra = 0
        while self.read + len(hits) < self.total and extra < DATE_READ_AHEAD:
            chunk = self._fetch(self.read + len(hits), self.page_size, False).hits
            same = list(takewhile(lambda hit: hit.date == last_date, chunk))
            hits.extend(same)
            extra += len(same)
            if len(same) < len(chunk) or not chunk:
                break
        return hits

