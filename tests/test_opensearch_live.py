"""The opensearch engine against a live cluster: set BIGSEARCH_TEST_OPENSEARCH_URL (e.g.
http://localhost:9200; credentials as for bigsearch: BIGSEARCH_OPENSEARCH_USER/PASSWORD or ~/.netrc).

Runs the search suite and the whoosh comparisons of test_opensearch_conformance.py on the
cluster, checks that OpenSearch's Snowball Swedish gives our stems on the reference vocabulary
and that the pre-analysed fields keep alternatives at one position. Each run uses its own
index name and deletes it afterwards.
"""

from __future__ import annotations

import os
import uuid
from pathlib import Path

import pytest

from tests.test_opensearch_conformance import (  # noqa: F401 - re-run on this module's fixtures
    test_date_order_and_pages_agree_with_the_whoosh_engine,
    test_deep_pages_past_the_result_window_use_search_after,
    test_filters_agree_with_the_whoosh_engine,
    test_listings_stats_and_documents_agree_with_the_whoosh_engine,
    test_the_same_paragraphs_counts_and_facets_as_the_whoosh_engine,
    test_the_vocabulary_serves_prefixes_in_term_order,
)
from tests.test_search import (  # noqa: F401
    test_andersberg_three_hits_all_2024,
    test_bad_filters_raise_query_error,
    test_compounds_found_below_whole_words,
    test_filters_that_match_nothing_give_nothing,
    test_filters_year_range_dates_person_place,
    test_folded_spelling_ranks_below_exact,
    test_highlights_show_the_inflected_form,
    test_listings_and_stats,
    test_not_minus_prefix_and_fuzzy,
    test_phrase_keeps_stopwords,
    test_principal_filter_accepts_alias_and_case,
    test_principal_report_groups_by_meeting_newest_first,
    test_show_and_neighbours,
    test_sort_by_date,
    test_zero_hits_suggest_from_the_vocabulary,
)

LIVE_URL = os.environ.get("BIGSEARCH_TEST_OPENSEARCH_URL")
pytestmark = pytest.mark.skipif(
    not LIVE_URL, reason="BIGSEARCH_TEST_OPENSEARCH_URL is not set: no OpenSearch cluster to run the live suite on"
)
REFERENCE = Path(__file__).parent / "data" / "snowball-swedish"


@pytest.fixture(scope="module")
def index_name(corpus_dir):
    from bigsearch.engines.opensearch_engine import OpenSearchEngine
    from bigsearch.index.sync import sync_engine as sync

    name = f"bigsearch-test-{uuid.uuid4().hex[:12]}"
    engine = OpenSearchEngine(LIVE_URL, name)
    try:
        report = sync(engine, [corpus_dir])
        assert report.added == 5 and not report.failed, report.failed
        yield name
    finally:
        for index in engine.concrete_indices():
            engine.client.indices.delete(index=index)
        engine.close()


@pytest.fixture()
def engine(index_name):
    from bigsearch.engines.opensearch_engine import OpenSearchEngine

    engine = OpenSearchEngine(LIVE_URL, index_name)
    yield engine
    engine.close()


@pytest.fixture()
def searcher(engine, tmp_path):
    from bigsearch.search.searcher import Searcher

    yield Searcher(tmp_path, engine=engine)


@pytest.fixture()
def whoosh(built_index):
    from bigsearch.search.searcher import Searcher

    with Searcher(built_index) as s:
        yield s


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


def test_a_rebuild_moves_the_alias_to_a_new_index_and_drops_the_old(engine, corpus_dir):
    from bigsearch.engines import interface as q
    from bigsearch.index.sync import sync_engine as sync

    before = engine.concrete_indices()
    count = engine.count(q.All())
    sync(engine, [corpus_dir], rebuild=True)
    after = engine.concrete_indices()
    assert len(after) == 1 and after != before
    assert not engine.client.indices.exists(index=before[0])
    assert engine.count(q.All()) == count
