"""Facet counts (year, principal, person, place, doc_type) over all hits of a query.

Counted from per-document columns, so many hits cost no stored-field reads.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable

# facet name -> (column, multi-valued)
FACETS = {
    "year": ("year", False),
    "principal": ("principal", False),
    "person": ("persons_facet", True),
    "attendee": ("attendees_facet", True),
    "place": ("places_facet", True),
    "doc_type": ("doc_type", False),
}
UNDATED = "undated"
MIN_YEAR, MAX_YEAR = 1000, 2999


def year_value(value) -> int | None:
    """A stored year, or None for an undated paragraph (its column holds a filler value)."""
    try:
        year = int(value)
    except (TypeError, ValueError):
        return None
    return year if MIN_YEAR <= year <= MAX_YEAR else None


def _decode(value, multi: bool):
    if isinstance(value, bytes):
        value = value.decode("utf-8")
    if multi:
        return tuple(v for v in value.split("\n") if v) if value else ()
    return None if value in ("", 0, None) else str(value)


class FacetCounter:
    """Counts facet values over docnums.

    A few hits read their values straight from the columns; many hits (a common word over a
    large index) use the whole columns, decoded once per searcher and kept.
    """

    # Below this share of the index, reading value by value beats decoding whole columns.
    WHOLE_COLUMN_SHARE = 0.05

    def __init__(self, reader) -> None:
        self.reader = reader
        self._columns: dict[str, list] = {}
        self._readers: dict[str, object] = {}

    def column(self, name: str, multi: bool) -> list:
        if name not in self._columns:
            values: list = []
            if self.reader.has_column(name):
                values = [_decode(value, multi) for value in self.reader.column_reader(name)]
            self._columns[name] = values
        return self._columns[name]

    def _values(self, name: str, multi: bool, docnums: list[int]):
        if name in self._columns or len(docnums) > self.WHOLE_COLUMN_SHARE * self.reader.doc_count_all():
            values = self.column(name, multi)
            return (values[docnum] for docnum in docnums) if values else ()
        if not self.reader.has_column(name):
            return ()
        if name not in self._readers:
            self._readers[name] = self.reader.column_reader(name)
        column = self._readers[name]
        return (_decode(column[docnum], multi) for docnum in docnums)

    def count(self, docnums: Iterable[int]) -> dict[str, dict[str, int]]:
        docnums = docnums if isinstance(docnums, list) else list(docnums)
        counts: dict[str, dict[str, int]] = {}
        for name, (column, multi) in FACETS.items():
            counter: Counter = Counter()
            values = self._values(column, multi, docnums)
            if multi:
                for value in values:
                    counter.update(value)
            else:
                counter.update(values)
            counter.pop(None, None)
            if name == "year":
                years: Counter = Counter()
                for key, count in counter.items():
                    year = year_value(key)
                    years[str(year) if year else UNDATED] += count
                dated = sorted((key for key in years if key != UNDATED), key=int)
                counts[name] = {key: years[key] for key in dated}
                if years[UNDATED]:
                    counts[name][UNDATED] = years[UNDATED]
            else:
                counts[name] = dict(sorted(counter.items(), key=lambda item: (-item[1], item[0])))
        return counts
