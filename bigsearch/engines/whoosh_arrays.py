"""Each Whoosh segment's facet columns as numpy arrays, written once when the segment is committed.

A search counts facets with numpy.bincount over these arrays (whoosh_facets.py) instead of
decoding Whoosh's per-document columns on every search. Two files sit beside each segment's
compound file:

    <segment>.facets.npy   one int32 array: every array below, end to end (memory-mapped to read)
    <segment>.facets.json  where each array starts and how long it is; each facet's values

For a facet with one value per paragraph, `<key>.codes` holds each document's value number (-1:
none); for a multi-valued facet, `<key>.offsets` (documents + 1) and `<key>.codes` hold each
document's value numbers as compressed rows (document d: codes[offsets[d]:offsets[d + 1]]).
Value numbers index the facet's values, sorted. `sample` is each document's sampling bucket
(interface.sample_bucket). Source records have no values (-1, no codes).

They are the segment's: written before the table of contents names it, fingerprinted with it
(whoosh_integrity), deleted with it (whoosh_store.remove_leftovers).
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import numpy as np

from bigsearch.engines.whoosh_schema import SAMPLE_COLUMN, facet_column
from bigsearch.facets import FACETS, year_value

SUFFIXES = (".facets.npy", ".facets.json")
FORMAT = 1


def paths(index_dir: Path, segment) -> tuple[Path, Path]:
    base = Path(index_dir) / segment.segment_id()
    return tuple(base.with_name(base.name + suffix) for suffix in SUFFIXES)  # type: ignore[return-value]


def counted_facets():
    """The facets counted from arrays: every counted facet of the registry."""
    return FACETS.counted()


# -- writing ------------------------------------------------------------------------------------------


def _numbered(values: list) -> tuple[np.ndarray, list[str]]:
    """Per item, the number of its value among the sorted distinct values (-1 for None)."""
    seen: dict[str, int] = {}
    raw = np.fromiter((-1 if value is None else seen.setdefault(value, len(seen)) for value in values),
                      dtype=np.int32, count=len(values))
    ordered = sorted(seen)
    renumber = np.empty(len(seen) + 1, dtype=np.int32)
    renumber[-1] = -1  # raw -1 stays -1
    for number, value in enumerate(ordered):
        renumber[seen[value]] = number
    return renumber[raw], ordered


def _text(value) -> str | None:
    if isinstance(value, bytes):
        value = value.decode("utf-8")
    return None if value in ("", None) else str(value)


def _column(reader, name: str, docs: int) -> list:
    if not reader.has_column(name):
        return [None] * docs
    return list(reader.column_reader(name))


def build(reader) -> tuple[dict, np.ndarray]:
    """The layout and the arrays of one segment, from its Whoosh columns (read once, here)."""
    docs = reader.doc_count_all()
    parts: list[np.ndarray] = []
    layout: dict = {"format": FORMAT, "docs": docs, "arrays": {}, "values": {}}
    position = 0

    def put(name: str, array: np.ndarray) -> None:
        nonlocal position
        layout["arrays"][name] = [position, len(array)]
        parts.append(array.astype(np.int32, copy=False))
        position += len(array)

    for facet in counted_facets():
        column = _column(reader, facet_column(facet), docs)
        if facet.multi:
            rows = [() if value in (b"", "", None) else tuple(v for v in _text(value).split("\n") if v)
                    for value in column]
            offsets = np.zeros(docs + 1, dtype=np.int64)
            np.cumsum([len(row) for row in rows], out=offsets[1:])
            codes, values = _numbered([value for row in rows for value in row])
            if offsets[-1] >= 2**31:
                raise OverflowError("a segment too large for its facet arrays")
            put(f"{facet.key}.offsets", offsets)
            put(f"{facet.key}.codes", codes)
        elif facet.key == "year":
            years = [year_value(value) for value in column]
            codes, values = _numbered([None if year is None else str(year) for year in years])
            put(f"{facet.key}.codes", codes)
        else:
            codes, values = _numbered([_text(value) for value in column])
            put(f"{facet.key}.codes", codes)
        layout["values"][facet.key] = values
    sample = _column(reader, SAMPLE_COLUMN, docs)
    put("sample", np.asarray([value or 0 for value in sample], dtype=np.int32))
    data = np.concatenate(parts) if parts else np.zeros(0, dtype=np.int32)
    return layout, data


def write(index_dir: Path, segment, storage, schema) -> None:
    """Writes a committed segment's arrays (once: a segment never changes)."""
    from whoosh.reading import SegmentReader

    npy, meta = paths(index_dir, segment)
    if npy.exists() and meta.exists():
        return
    reader = SegmentReader(storage, schema, segment)
    try:
        layout, data = build(reader)
    finally:
        reader.close()
    for path, write_one in ((npy, lambda handle: np.save(handle, data, allow_pickle=False)),
                            (meta, lambda handle: handle.write(json.dumps(layout, ensure_ascii=False).encode()))):
        temporary = path.with_name(path.name + ".tmp")
        with open(temporary, "wb") as handle:
            write_one(handle)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temporary, path)


# -- reading ------------------------------------------------------------------------------------------


class SegmentArrays:
    """One segment's arrays, memory-mapped: nothing is decoded until a search reads it."""

    def __init__(self, index_dir: Path, segment) -> None:
        npy, meta = paths(index_dir, segment)
        self.layout = json.loads(meta.read_text("utf-8"))
        self.docs: int = self.layout["docs"]
        self._data = np.load(npy, mmap_mode="r", allow_pickle=False)
        self._rows: dict[str, np.ndarray] = {}

    def array(self, name: str) -> np.ndarray:
        start, length = self.layout["arrays"][name]
        return self._data[start:start + length]

    def values(self, key: str) -> list[str]:
        return self.layout["values"].get(key, [])

    def codes(self, key: str) -> np.ndarray:
        return self.array(f"{key}.codes")

    def offsets(self, key: str) -> np.ndarray:
        return self.array(f"{key}.offsets")

    def rows(self, key: str) -> np.ndarray:
        """A multi-valued facet's document number for each of its codes (made once when needed)."""
        if key not in self._rows:
            offsets = self.offsets(key)
            self._rows[key] = np.repeat(np.arange(self.docs, dtype=np.int32), np.diff(offsets))
        return self._rows[key]

    @property
    def sample(self) -> np.ndarray:
        return self.array("sample")
