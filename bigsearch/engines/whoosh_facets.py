"""Facet counts over the hits of a query, from each segment's facet arrays (whoosh_arrays.py).

A search hands over its hits as a boolean array over the index's documents; each facet is one
numpy.bincount per segment over the value numbers of the documents hit, added up under the
index's value numbers (each segment's values mapped once per opened index). Only the values
asked for leave numpy: the `limit` largest counts, ties by value. Nothing is decoded per search.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from bigsearch.engines.interface import sample_buckets
from bigsearch.engines.whoosh_arrays import SegmentArrays
from bigsearch.facets import FACETS


@dataclass
class Counted:
    facets: dict[str, dict] = field(default_factory=dict)
    other: dict[str, int] = field(default_factory=dict)
    sampled: int | None = None


class _Values:
    """A facet's values over every segment, sorted, and each segment's value numbers mapped to them."""

    def __init__(self, key: str, segments: list[SegmentArrays]) -> None:
        names = sorted(set().union(*(segment.values(key) for segment in segments)))
        number = {name: n for n, name in enumerate(names)}
        self.names = names
        # Per segment: its value number -> the index's; a last entry takes -1 (no value) to len(names).
        self.maps = [np.fromiter((*(number[name] for name in segment.values(key)), len(names)), dtype=np.int64,
                                 count=len(segment.values(key)) + 1) for segment in segments]


class FacetCounter:
    """Counts facet values over the hits of one opened index (one committed state)."""

    # A multi-valued facet's codes are gathered document by document when the hits are fewer than
    # this share of the documents, else picked by a mask over all of them.
    GATHER_SHARE = 0.05

    def __init__(self, index_dir: Path, reader) -> None:
        leaves = reader.leaf_readers() if hasattr(reader, "leaf_readers") else [(reader, 0)]
        self.segments = [SegmentArrays(Path(index_dir), leaf.segment()) for leaf, _ in leaves]
        self.offsets = [offset for _, offset in leaves]
        self._values: dict[str, _Values] = {}

    def _facet_values(self, key: str) -> _Values:
        if key not in self._values:
            self._values[key] = _Values(key, self.segments)
        return self._values[key]

    def count(self, hits: np.ndarray, names: tuple[str, ...], limit: int | None = None,
              sample: int | None = None) -> Counted:
        """Facet name -> value -> paragraphs among `hits` (a boolean array over the documents): the
        `limit` values with the most (ties: the smaller value first; year: every value, as ints,
        undated under None). With more hits than `sample`, counted over the sample's buckets."""
        out = Counted()
        total = int(np.count_nonzero(hits))
        buckets = sample_buckets(total, sample)
        parts = []
        for segment, offset in zip(self.segments, self.offsets, strict=True):
            part = hits[offset:offset + segment.docs]
            if buckets is not None:
                part = part & (segment.sample < buckets)
            parts.append(part)
        if buckets is not None:
            counted = sum(int(np.count_nonzero(part)) for part in parts)
            if counted:
                out.sampled = counted
            else:  # an unlucky sample of nothing: count everything
                parts = [hits[offset:offset + segment.docs] for segment, offset in zip(self.segments, self.offsets,
                                                                                      strict=True)]
        for name in names:
            facet = FACETS[name]
            values = self._facet_values(facet.key)
            counts = np.zeros(len(values.names) + 1, dtype=np.int64)  # the last: documents without a value
            for segment, part, mapping in zip(self.segments, parts, values.maps, strict=True):
                codes = self._codes(segment, facet, part)
                if len(codes):
                    counts += np.bincount(mapping[codes], minlength=len(counts))
            if facet.key == "year":
                years: dict = {int(values.names[n]): int(counts[n]) for n in np.flatnonzero(counts[:-1])}
                if counts[-1]:
                    years[None] = int(counts[-1])
                out.facets[name] = years
                continue
            counts = counts[:-1]
            present = np.flatnonzero(counts)
            order = present[np.argsort(-counts[present], kind="stable")]  # values are sorted: ties by value
            kept = order if limit is None else order[:limit]
            out.facets[name] = {values.names[n]: int(counts[n]) for n in kept}
            out.other[name] = int(counts[order[len(kept):]].sum())
        return out

    def _codes(self, segment: SegmentArrays, facet, hits: np.ndarray) -> np.ndarray:
        """The value numbers of the hit documents of one segment (-1: a document without a value)."""
        if not facet.multi:
            return segment.codes(facet.key)[hits]
        codes, offsets = segment.codes(facet.key), segment.offsets(facet.key)
        if not len(codes):
            return codes
        documents = np.flatnonzero(hits)
        if len(documents) < self.GATHER_SHARE * segment.docs:  # few hits: their rows, document by document
            starts = offsets[documents]
            lengths = offsets[documents + 1] - starts
            total = int(lengths.sum())
            firsts = np.cumsum(lengths) - lengths  # where each document's codes start among those gathered
            return codes[np.repeat(starts - firsts, lengths) + np.arange(total)]
        return codes[hits[segment.rows(facet.key)]]
