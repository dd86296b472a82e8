"""The opensearch engine against a live cluster (tests/opensearch-node/start, then
BIGSEARCH_TEST_OPENSEARCH_URL=<the URL it prints>; credentials as for bigsearch).

The search suite itself runs on the cluster through conftest (ENGINES, built_index): every test
of the shared index gets an [opensearch] variant. Here: the comparisons with the whoosh engine
(test_opensearch_conformance.py, re-run on the real cluster), the cluster's own analysis, and the
defects only a real server shows. Each test that writes takes an index of its own and deletes it.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.opensearch_node import LIVE_URL, drop, skip_reason, unique_index_name
from tests.test_opensearch_conformance import (  # noqa: F401 - re-run on this module's fixtures
    test_date_order_and_pages_agree_with_the_whoosh_engine,
    test_deep_pages_past_the_result_window_use_search_after,
    test_filters_agree_with_the_whoosh_engine,
    test_listings_stats_and_documents_agree_with_the_whoosh_engine,
    test_the_same_paragraphs_counts_and_facets_as_the_whoosh_engine,
    test_the_vocabulary_serves_prefixes_in_term_order,
)

pytestmark = pytest.mark.skipif(not LIVE_URL, reason=skip_reason())
REFERENCE = Path(__file__).parent / "data" / "snowball-swedish"


@pytest.fixture()
def engine(index_of):
    from bigsearch.engines.registry import open_engine

    engine = open_engine(index_of("opensearch"))
    yield engine
    engine.close()


@pytest.fixture()
def searcher(index_of):
    from bigsearch.search.searcher import Searcher

    with Searcher(index_of("opensearch")) as s:
        yield s


@pytest.fixture()
def whoosh(index_of):
    from bigsearch.search.searcher import Searcher

    with Searcher(index_of("whoosh")) as s:
        yield s


@pytest.fixture()
def own_engine():
    """An engine on an index of its own (deleted afterwards), for tests that write."""
    from bigsearch.engines.opensearch_engine import OpenSearchEngine

    engine = OpenSearchEngine(LIVE_URL, unique_index_name())
    yield engine
    drop(engine)
    engine.close()


def _analyze(engine, analyzer: str, texts: list[str]) -> list[dict]:
    return engine.client.indices.analyze(index=engine.alias, body={"analyzer": analyzer, "text": texts})["tokens"]


def test_opensearch_snowball_swedish_gives_our_stems_on_the_reference_vocabulary(engine):
    from bigsearch.analysis.stemming import stem

    words = (REFERENCE / "voc.txt").read_text(encoding="utf-8").split()
    expected = (REFERENCE / "output.txt").read_text(encoding="utf-8").split()
    assert len(words) == len(expected)
    differ = []
    for start in range(0, len(words), 500):
        chunk = words[start:start + 500]
        tokens = _analyze(engine, "bigsearch_swedish", chunk)
        # One token per word (position = word number, the array's values being separate texts).
        got = {}
        for token in tokens:
            got.setdefault(token["position"], token["token"])
        stems = [got.get(k) for k in sorted(got)]
        if len(stems) != len(chunk):
            stems = [(_analyze(engine, "bigsearch_swedish", [w]) or [{"token": None}])[0]["token"] for w in chunk]
        differ += [(w, s, e) for w, s, e in zip(chunk, stems, expected[start:start + 500], strict=True)
                   if s != e or stem(w) != e]
    assert not differ, differ[:20]


def test_pre_analysed_fields_keep_alternatives_at_one_position(engine):
    tokens = _analyze(engine, "bigsearch_preanalysed", ["drog|drogförebygg och brottsförebygg"])
    assert [(t["token"], t["position"]) for t in tokens] == [
        ("drog", 0), ("drogförebygg", 0), ("och", 1), ("brottsförebygg", 2)]


def test_a_rebuild_moves_the_alias_to_a_new_index_and_drops_the_old(own_engine, corpus_dir):
    from bigsearch.engines import interface as q
    from bigsearch.index.engine_sync import sync

    engine = own_engine
    sync(engine, [corpus_dir])
    before = engine.concrete_indices()
    count = engine.count(q.All())
    sync(engine, [corpus_dir], rebuild=True)
    after = engine.concrete_indices()
    assert len(after) == 1 and after != before
    assert not engine.client.indices.exists(index=before[0])
    assert engine.count(q.All()) == count
