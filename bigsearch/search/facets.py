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
    "place": ("places_facet", True),
    "doc_type": ("doc_type", False),
}


class FacetCounter:
    """Counts facet values over docnums from columns loaded once per searcher."""

    def __init__(self, reader) -> None:
        self.reader = reader
        self._columns: dict[str, list] = {}

    def column(self, name: str, multi: bool) -> list:
        if name not in self._columns:
            values: list = []
            if self.reader.has_column(name):
                for value in self.reader.column_reader(name):
                    if isinstance(value, bytes):
                        value = value.decode("utf-8")
                    if multi:
                        value = tuple(v for v in value.split("\n") if v) if value else ()
                    elif value in ("", 0, None):
                        value = None
                    else:
                        value = str(value)
                    values.append(value)
            self._columns[name] = values
        return self._columns[name]

    def count(self, docnums: Iterable[int]) -> dict[str, dict[str, int]]:
        docnums = docnums if isinstance(docnums, list) else list(docnums)
        counts: dict[str, dict[str, int]] = {}
        for name, (column, multi) in FACETS.items():
            values = self.column(column, multi)
            counter: Counter = Counter()
            if values:
                if multi:
                    for docnum in docnums:
                        counter.update(values[docnum])
                else:
                    counter.update(values[docnum] for docnum in docnums)
                counter.pop(None, None)
            if name == "year":
                counts[name] = {key: counter[key] for key in sorted(counter)}
            else:
                counts[name] = dict(sorted(counter.items(), key=lambda item: (-item[1], item[0])))
        return counts
