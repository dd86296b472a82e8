"""Facet counts over all hits of a query: every counted facet of the registry (bigsearch/facets.py).

Counted from per-document columns (whoosh_schema.facet_column), so many hits cost no stored-field reads.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from itertools import chain

from bigsearch.engines.whoosh_schema import facet_column
from bigsearch.facets import FACETS, year_value


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
            if not values:
                return ()
            from operator import itemgetter

            return itemgetter(*docnums)(values) if len(docnums) > 1 else [values[d] for d in docnums]
        if not self.reader.has_column(name):
            return ()
        if name not in self._readers:
            self._readers[name] = self.reader.column_reader(name)
        column = self._readers[name]
        return (_decode(column[docnum], multi) for docnum in docnums)

    def count(self, docnums: Iterable[int], names: Iterable[str] | None = None) -> dict[str, dict]:
        """Facet values -> paragraph counts; year values are ints, None for undated paragraphs."""
        docnums = docnums if isinstance(docnums, list) else list(docnums)
        counts: dict[str, dict] = {}
        for name in names if names is not None else [facet.name for facet in FACETS.counted()]:
            facet = FACETS[name]
            column, multi = facet_column(facet), facet.multi
            counter: Counter = Counter()
            values = self._values(column, multi, docnums)
            if multi:  # one C-level pass over every value of every hit
                counter.update(chain.from_iterable(values))
            elif name == "year":
                years = Counter(values)  # few distinct stored values: map them after counting
                for value, count in years.items():
                    counter[year_value(value)] += count
            else:
                counter.update(values)
                counter.pop(None, None)
            counts[name] = dict(counter)
        return counts
