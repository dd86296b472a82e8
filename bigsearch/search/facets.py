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


def facet_counts(reader, docnums: Iterable[int]) -> dict[str, dict[str, int]]:
    docnums = list(docnums)
    counts: dict[str, dict[str, int]] = {}
    for name, (column, multi) in FACETS.items():
        counter: Counter[str] = Counter()
        if reader.has_column(column):
            values = reader.column_reader(column)
            for docnum in docnums:
                value = values[docnum]
                if not value:
                    continue
                if isinstance(value, bytes):
                    value = value.decode("utf-8")
                if multi:
                    counter.update(v for v in value.split("\n") if v)
                else:
                    counter[str(value)] += 1
        if name == "year":
            counts[name] = {key: counter[key] for key in sorted(counter)}
        else:
            counts[name] = dict(sorted(counter.items(), key=lambda item: (-item[1], item[0])))
    return counts
