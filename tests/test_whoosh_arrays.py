"""The whoosh engine's facet arrays (engines/whoosh_arrays.py): written once per segment at its commit,
read memory-mapped, never Whoosh's columns decoded by a search, and gone with their segment."""

from __future__ import annotations

import shutil

import numpy as np

from bigsearch.engines import whoosh_arrays
from bigsearch.engines import whoosh_store as store
from bigsearch.engines.whoosh_schema import SAMPLE_COLUMN, facet_column
from bigsearch.facets import FACETS
from bigsearch.index.sync import sync
from bigsearch.search.searcher import Searcher
from tests.index_helpers import unreferenced_files


def segments(index_dir):
    from whoosh.filedb.filestore import FileStorage
    from whoosh.index import TOC

    return TOC.read(FileStorage(str(index_dir)), store.index_name(), gen=store.latest_generation(index_dir)).segments


def test_every_committed_segment_has_its_arrays_and_they_hold_its_values(tmp_path, corpus_dir):
    first, second = tmp_path / "a", tmp_path / "b"
    first.mkdir()
    second.mkdir()
    files = sorted(corpus_dir.glob("*.txt"))
    for path in files[:2]:
        shutil.copy(path, first)
    for path in files[2:]:
        shutil.copy(path, second)
    index_dir = tmp_path / "ix"
    sync(index_dir, [first])
    sync(index_dir, [second])
    found = segments(index_dir)
    assert len(found) == 2
    ix = store.open_for_reading(index_dir)
    with ix.reader() as reader:
        for leaf, _ in reader.leaf_readers():
            arrays = whoosh_arrays.SegmentArrays(index_dir, leaf.segment())
            assert arrays.docs == leaf.doc_count_all()
            principals = [None if code < 0 else arrays.values("principal")[code] for code in arrays.codes("principal")]
            assert principals == [value or None for value in leaf.column_reader("principal")]
            offsets, codes = arrays.offsets("persons"), arrays.codes("persons")
            stored = [fields.get("persons") or "" for fields in leaf.all_stored_fields()]
            rows = [sorted(arrays.values("persons")[c] for c in codes[offsets[d]:offsets[d + 1]])
                    for d in range(arrays.docs)]
            assert rows == [sorted(v for v in value.split(",") if v) for value in stored]
            assert isinstance(arrays.codes("year"), np.memmap) or isinstance(arrays.codes("year").base, np.memmap)
    assert unreferenced_files(index_dir) == []


def test_a_search_counts_facets_without_decoding_whoosh_columns(whoosh_index, monkeypatch):
    from whoosh.codec import whoosh3
    from whoosh.reading import SegmentReader

    with Searcher(whoosh_index) as searcher:
        searcher.search("och")  # opened, warm
        calls = []

        def counted(original):
            def column_reader(self, *args, **kwargs):
                calls.append(args[:1])
                return original(self, *args, **kwargs)
            return column_reader

        monkeypatch.setattr(SegmentReader, "column_reader", counted(SegmentReader.column_reader))
        monkeypatch.setattr(whoosh3.W3PerDocReader, "column_reader", counted(whoosh3.W3PerDocReader.column_reader))
        for text in ("och", "Andersberg", "mötet", "polisen", "våld"):
            result = searcher.search(text, limit=0, facet_limit=None)
            assert result.total and result.facets["year"] and result.facets["attendee"]
        facet_columns = {(facet_column(facet),) for facet in FACETS.counted()} | {(SAMPLE_COLUMN,)}
        assert not facet_columns & set(calls)  # (length columns may be read: for scoring)


def test_arrays_leave_with_their_segment(tmp_path, corpus_dir):
    index_dir = tmp_path / "ix"
    sync(index_dir, [corpus_dir])
    before = {path.name for path in index_dir.glob("*.facets.*")}
    assert len(before) == 2 * len(segments(index_dir))
    sync(index_dir, [corpus_dir], rebuild=True)
    after = {path.name for path in index_dir.glob("*.facets.*")}
    assert after and not before & after
    assert unreferenced_files(index_dir) == []
