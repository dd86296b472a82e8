"""The search suite on the opensearch engine, offline: the real engine and client over an
in-memory stand-in cluster (tests/opensearch_memory.py), compared with the whoosh engine.

The stand-in evaluates the Query DSL the engine sends over the documents it indexed, so these
tests check the whole path — sync, documents, pre-analysed fields, query translation, facets,
paging, vocabulary, manifest — except OpenSearch's own scoring and analysis (the live suite,
test_opensearch_live.py, runs the same tests on a real cluster).
"""

from __future__ import annotations

import pytest

from bigsearch.search.results import Filters
from tests.opensearch_memory import MemoryCluster
from tests.test_search import (  # noqa: F401 - the search suite, re-run on this module's `searcher`
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

URL = "https://search.example.org:9200"


@pytest.fixture(scope="module")
def cluster(corpus_dir):
    from bigsearch.engines.opensearch_engine import OpenSearchEngine
    from bigsearch.index.sync import sync_engine as sync

    memory = MemoryCluster()
    engine = OpenSearchEngine(URL, "bigsearch", client=memory.client(), clock=lambda: "t1")
    report = sync(engine, [corpus_dir])
    assert report.added == 5 and not report.failed
    return memory


@pytest.fixture()
def engine(cluster):
    from bigsearch.engines.opensearch_engine import OpenSearchEngine

    return OpenSearchEngine(URL, "bigsearch", client=cluster.client(), clock=lambda: "t2")


@pytest.fixture()
def searcher(engine, tmp_path):
    from bigsearch.search.searcher import Searcher

    with Searcher(tmp_path, engine=engine) as s:
        yield s


@pytest.fixture()
def whoosh(built_index):
    from bigsearch.search.searcher import Searcher

    with Searcher(built_index) as s:
        yield s


QUERIES = [
    "Andersberg", "Andersbergs", "Sätra", "Satra", "Brynas", "Bomhus", "våld", "fritidsgård", "polisen", "samverkan",
    "trygghet", "ungdomar", "och", "att", '"stolt och nykter"', '"det är"', "fritids*", "polis* NOT Bomhus",
    "Andersbrg~2", "skolorna", "drogförebyggande", "title:trygghet", "year:2019..2020 mötet",
    "date:2020-01-01..2020-06-30 mötet", "principal:polisen trygghet", "type:protokoll Bomhus", "-och",
    "Jennehag", "tillit OR narkotika", "(Bomhus OR Sätra) -Andersberg", "brott^2 våld",
]


@pytest.mark.parametrize("text", QUERIES)
def test_the_same_paragraphs_counts_and_facets_as_the_whoosh_engine(searcher, whoosh, text):
    mine, theirs = searcher.search(text, limit=500), whoosh.search(text, limit=500)
    assert mine.total == theirs.total
    assert {h.id for h in mine.hits} == {h.id for h in theirs.hits}
    assert mine.facets == theirs.facets
    assert mine.notes == theirs.notes


@pytest.mark.parametrize("filters", [Filters(year="2019..2023"), Filters(principal="polisen"), Filters(place="Sätra"),
                                     Filters(person="Caroline Engberg"), Filters(date_from="2020", date_to="2024-01"),
                                     Filters(facets={"year": "undated"})])
def test_filters_agree_with_the_whoosh_engine(searcher, whoosh, filters):
    mine, theirs = searcher.search("och OR att", filters, limit=500), whoosh.search("och OR att", filters, limit=500)
    assert {h.id for h in mine.hits} == {h.id for h in theirs.hits} and mine.total == theirs.total
    assert mine.undated_excluded == theirs.undated_excluded


def test_date_order_and_pages_agree_with_the_whoosh_engine(searcher, whoosh):
    for sort in ("date", "-date"):
        mine = [h.date for h in searcher.search("och", sort=sort, limit=400).hits]
        theirs = [h.date for h in whoosh.search("och", sort=sort, limit=400).hits]
        assert mine == theirs
    pages = [searcher.search("och", sort="date", limit=7, offset=k).hits for k in range(0, 35, 7)]
    ids = [h.id for page in pages for h in page]
    assert len(ids) == len(set(ids)) == 35
    assert ids == [h.id for h in searcher.search("och", sort="date", limit=35).hits]


def test_deep_pages_past_the_result_window_use_search_after_in_a_point_in_time(engine, monkeypatch):
    from bigsearch.engines import interface as q
    from bigsearch.engines import opensearch_engine

    everything = [h.record["id"] for h in engine.search(q.All(), sort="date", limit=1000).hits]
    monkeypatch.setattr(opensearch_engine, "MAX_WINDOW", 10)
    monkeypatch.setattr(opensearch_engine, "PAGE", 4)
    opened = []
    create_pit = engine.client.create_pit
    monkeypatch.setattr(engine.client, "create_pit", lambda **kw: opened.append(create_pit(**kw)) or opened[-1])
    deep = engine.search(q.All(), sort="date", limit=9, offset=5)
    assert [h.record["id"] for h in deep.hits] == everything[5:14]
    assert deep.total == len(everything)
    assert len(opened) == 1  # and closed again:
    with pytest.raises(Exception, match="404|not found|no such"):
        engine.client.search(body={"pit": {"id": opened[0]["pit_id"]}, "query": {"match_all": {}}})


def test_listings_stats_and_documents_agree_with_the_whoosh_engine(searcher, whoosh):
    for facet in ("principal", "place"):
        assert searcher.listing(facet) == whoosh.listing(facet)
    # Person year spans also count meeting dates, which the whoosh engine misses (its source_key
    # search returns the manifest record, which has no date): compare the rest.
    assert [(r.name, r.paragraphs, r.attended) for r in searcher.listing("person")] == [
        (r.name, r.paragraphs, r.attended) for r in whoosh.listing("person")]
    dates = searcher.source_dates()
    assert len(dates) == 5 and all(d is None or d[:2] in ("19", "20") for d in dates.values())
    mine, theirs = searcher.stats(), whoosh.stats()
    assert (mine.documents, mine.paragraphs, mine.years, mine.undated) == (
        theirs.documents, theirs.paragraphs, theirs.years, theirs.undated)
    assert mine.engine == "opensearch" and mine.index_bytes > 0
    mine_attendance, theirs_attendance = searcher.attendance(), whoosh.attendance()
    assert {k: len(v) for k, v in mine_attendance.items()} == {k: len(v) for k, v in theirs_attendance.items()}
    key = whoosh.source_key_of("2024-02-09-ed0fa0-s6-p13")
    assert [h.id for h in searcher.document_paragraphs(key)] == [h.id for h in whoosh.document_paragraphs(key)]
    assert searcher.get("2024-02-09-ed0fa0-s6-p13") == whoosh.get("2024-02-09-ed0fa0-s6-p13")


def test_the_vocabulary_serves_prefixes_in_term_order(engine):
    lexicon = engine.lexicon()
    terms = list(lexicon.prefixed("text", "fritid"))
    assert terms == sorted(terms) and terms and all(t.startswith("fritid") for t in terms)
    assert lexicon.df("text", terms[0]) > 0
    assert list(lexicon.prefixed("text", "zzzqx")) == []


@pytest.mark.parametrize("text", ["fritids*", "f* s* t*", "Andersbrg~2", "skolorna", "Satra", '"stolt och nykter"',
                                  "polisen trygghet"])
def test_a_search_costs_at_most_three_requests(cluster, searcher, text):
    assert searcher.known("principal")  # the facet values a query resolves against: read once per session
    before = len(cluster.requests)
    searcher.search(text)
    assert len(cluster.requests) - before <= 3, cluster.lines()[before:]


def test_an_unchanged_corpus_sends_nothing_and_a_rebuild_swaps_the_alias(cluster, engine, corpus_dir):
    from bigsearch.index.sync import sync_engine as sync

    before = len(cluster.requests)
    report = sync(engine, [corpus_dir])
    assert report.unchanged == 5 and report.added == report.updated == 0
    assert not any(r.path == "/_bulk" for r in cluster.requests[before:])
    old = sorted(cluster.aliases["bigsearch"])
    report = sync(engine, [corpus_dir], rebuild=True)
    assert report.updated == 5 or report.added == 5
    assert sorted(cluster.aliases["bigsearch"]) == ["bigsearch-t2"] != old
    assert old[0] not in cluster.indices  # the old index is gone


def test_a_changed_file_replaces_its_paragraphs_as_one_unit(tmp_path, corpus_dir):
    import shutil

    from bigsearch.engines import interface as q
    from bigsearch.engines.opensearch_engine import OpenSearchEngine
    from bigsearch.index.sync import sync_engine as sync

    folder = tmp_path / "corpus"
    shutil.copytree(corpus_dir, folder)
    memory = MemoryCluster()
    engine = OpenSearchEngine(URL, "bigsearch", client=memory.client(), clock=lambda: "t1")
    sync(engine, [folder])
    path = sorted(folder.glob("*.txt"))[0]
    key = str(path.resolve())
    before = engine.source_paragraphs(key)
    text = path.read_text(encoding="utf-8")
    path.write_text(text[: len(text) // 2], encoding="utf-8")  # the file loses its second half
    report = sync(engine, [folder])
    after = engine.source_paragraphs(key)
    assert report.updated == 1 and 0 < len(after) < len(before)
    assert engine.count(q.Term("source_key", key)) == len(after)  # no stale paragraph left behind
    path.unlink()
    assert sync(engine, [folder]).removed == 1
    assert engine.count(q.Term("source_key", key)) == 0
    assert key not in {s["source_key"] for s in engine.sources()}


class RefusingCluster(MemoryCluster):
    """Refuses (400) every paragraph document of one file, as a cluster refuses a bad document."""

    def __init__(self, refused_key: str):
        super().__init__()
        self.refused = refused_key
        self.refusing = True

    def _bulk(self, request):
        lines = request.body
        kept, refused = [], []
        k = 0
        while k < len(lines):
            (op, meta), = lines[k].items()
            pair = lines[k:k + (1 if op == "delete" else 2)]
            doc = pair[1] if len(pair) > 1 else {}
            if self.refusing and doc.get("kind") == "p" and doc.get("source_key") == self.refused:
                refused.append(meta["_id"])
            else:
                kept.extend(pair)
            k += len(pair)
        request.body = kept
        status, answer = super()._bulk(request) if kept else (200, {"items": []})
        answer["items"] += [{"index": {"_id": doc_id, "status": 400,
                                       "error": {"type": "mapper_parsing_exception", "reason": "bad date"}}}
                            for doc_id in refused]
        # The helper pairs answers with actions in order: put them back in the order sent.
        order = {next(iter(line.values()))["_id"]: n for n, line in enumerate(lines)
                 if isinstance(next(iter(line.values())), dict) and "_id" in next(iter(line.values()))}
        answer["items"].sort(key=lambda item: order[next(iter(item.values()))["_id"]])
        answer["errors"] = bool(refused)
        return status, answer


def test_refused_documents_are_reported_and_their_file_is_sent_again(tmp_path, corpus_dir):
    from bigsearch.engines.opensearch_engine import OpenSearchEngine
    from bigsearch.index.sync import sync_engine as sync

    path = sorted(corpus_dir.glob("*.txt"))[1]
    memory = RefusingCluster(str(path.resolve()))
    engine = OpenSearchEngine(URL, "bigsearch", client=memory.client(), clock=lambda: "t1")
    warnings: list[str] = []
    report = sync(engine, [corpus_dir], warn=warnings.append)
    assert [failed for failed, _ in report.failed] == [str(path.resolve())]
    assert "refused" in report.failed[0][1] and "bad date" in report.failed[0][1]
    assert any("indexed incompletely" in w for w in warnings)
    memory.refusing = False
    again = sync(engine, [corpus_dir])
    assert again.updated == 1 and again.unchanged == 4 and not again.failed
    assert len(engine.source_paragraphs(str(path.resolve()))) > 0


def test_index_opensearch_remembers_the_cluster_in_the_index_folder(tmp_path, corpus_dir, monkeypatch):
    """`bigsearch index --engine opensearch --url URL --index-name minutes`: the one sync, then engine.json."""
    import json

    from bigsearch.engines import opensearch_engine
    from bigsearch.engines.opensearch_engine import OpenSearchEngine
    from bigsearch.engines.registry import open_engine
    from bigsearch.index.sync import sync as sync_index

    memory = MemoryCluster()
    monkeypatch.setattr(opensearch_engine, "make_client", lambda url: memory.client())
    report = sync_index(tmp_path / "ix", [corpus_dir], engine="opensearch", settings={"url": URL, "index_name": "minutes"})
    assert report.added == 5
    assert json.loads((tmp_path / "ix" / "engine.json").read_text()) == {
        "engine": "opensearch", "url": URL, "index_name": "minutes"}
    engine = open_engine(tmp_path / "ix")
    assert isinstance(engine, OpenSearchEngine) and engine.alias == "minutes"
    assert list(memory.aliases) == ["minutes"]


def test_an_index_loaded_from_the_export_is_searchable_and_in_sync(corpus_dir, whoosh):
    """README, Scaling out: export --format opensearch, _bulk into an index behind the alias,
    then `bigsearch index --engine opensearch` finds every file unchanged."""
    import json

    from bigsearch.api import export_opensearch
    from bigsearch.engines.opensearch_engine import OpenSearchEngine
    from bigsearch.index.sync import sync_engine as sync
    from bigsearch.search.searcher import Searcher

    memory = MemoryCluster()
    memory.indices["minutes-1"] = {}
    memory.aliases["minutes"] = {"minutes-1"}
    exported: list[str] = []
    export_opensearch([corpus_dir], exported.append)
    lines = [json.loads(line) for line in exported]
    for action, doc in zip(lines[0::2], lines[1::2], strict=True):
        memory.indices["minutes-1"][action["index"]["_id"]] = doc
    engine = OpenSearchEngine(URL, "minutes", client=memory.client())
    report = sync(engine, [corpus_dir])
    assert report.unchanged == 5 and report.added == report.updated == 0
    with Searcher(corpus_dir, engine=engine) as searcher:
        assert searcher.search("Andersberg").total == whoosh.search("Andersberg").total == 3


def test_a_killed_runs_unfinished_index_is_deleted_by_the_next_run_and_nothing_else(corpus_dir):
    from bigsearch.engines.opensearch_engine import OpenSearchEngine
    from bigsearch.index.sync import sync_engine as sync

    memory = MemoryCluster()
    memory.indices["bigsearch-20240101000000123456"] = {"p:x": {"kind": "p"}}  # a build that never got the alias
    memory.indices["bigsearch-archive"] = {}  # someone else's index with a similar name
    engine = OpenSearchEngine(URL, "bigsearch", client=memory.client(), clock=lambda: "20250101000000000000")
    assert sync(engine, [corpus_dir]).added == 5
    assert sorted(memory.indices) == ["bigsearch-20250101000000000000", "bigsearch-archive"]
