"""The opensearch engine against a live cluster (tests/opensearch-node/start, then
BIGSEARCH_TEST_OPENSEARCH_URL=<the URL it prints>; credentials as for bigsearch).

The search suite itself runs on the cluster through conftest (ENGINES, built_index): every test
of the shared index gets an [opensearch] variant. Here: the comparisons with the whoosh engine
(test_opensearch_conformance.py, re-run on the real cluster), the cluster's own analysis, and the
defects only a real server shows. Each test that writes takes an index of its own and deletes it.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.opensearch_node import LIVE_URL, drop, skip_reason, unique_index_name
from tests.test_opensearch_conformance import (  # noqa: F401 - re-run on this module's fixtures
    test_date_order_and_pages_agree_with_the_whoosh_engine,
    test_deep_pages_past_the_result_window_use_search_after_in_a_point_in_time,
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


def _stems(engine, analyzer: str, words: list[str]) -> list[str | None]:
    """Each word's first token under the index's analyzer (a word of several tokens: asked alone)."""
    tokens = _analyze(engine, analyzer, words)
    first: dict[int, str] = {}
    for token in tokens:
        first.setdefault(token["position"], token["token"])
    stems = [first[k] for k in sorted(first)]
    if len(stems) != len(words):
        stems = [(_analyze(engine, analyzer, [w]) or [{"token": None}])[0]["token"] for w in words]
    return stems


def test_lucenes_swedish_sub_fields_differ_from_our_stems_by_two_rules_as_the_readme_says(engine):
    """README (What differs): bigsearch searches its own stems; the `.lucene_swedish` sub-fields use
    Lucene's older Snowball Swedish, without the -et/-ets and -öst rules: 553 of the 30,738 words of
    Snowball's Swedish reference vocabulary get another stem there."""
    from bigsearch.analysis.stemming import snowball

    words = (REFERENCE / "voc.txt").read_text(encoding="utf-8").split()
    expected = (REFERENCE / "output.txt").read_text(encoding="utf-8").split()
    assert len(words) == len(expected) == 30_738
    differ = []
    for start in range(0, len(words), 1000):
        chunk = words[start:start + 1000]
        for word, lucene, ours in zip(chunk, _stems(engine, "lucene_swedish", chunk), expected[start:start + 1000],
                                      strict=True):
            assert snowball(word) == ours  # our Snowball is the reference (our few exceptions aside)
            if lucene != ours:
                differ.append((word, lucene, ours))
    assert len(differ) == 553
    for word, lucene, ours in differ:  # huset: huset / hus; husets: huset / hus; avlöste: avlöst / avlös
        assert (word.endswith(("et", "ets")) and lucene.endswith("et")) or (lucene.endswith("öst") and ours.endswith("ös")), (
            word, lucene, ours)


def test_our_stems_are_what_the_analysed_fields_hold(engine):
    """The -et rule that Lucene lacks: "arbetet" is found by our stem "arbet" in the pre-analysed field."""
    from bigsearch.analysis.stemming import stem
    from bigsearch.engines import interface as q

    assert stem("arbetet") == stem("arbete") == "arbet"
    assert _stems(engine, "lucene_swedish", ["arbetet", "arbete"]) == ["arbetet", "arbet"]
    with_et = engine.search(q.Term("text", "arbet"), limit=500)
    assert with_et.total > 0 and any(re.search(r"\barbetet\b", hit.record["text"], re.I) for hit in with_et.hits)


def test_pre_analysed_fields_keep_alternatives_at_one_position(engine):
    tokens = _analyze(engine, "bigsearch_preanalysed", ["drog|drogförebygg och brottsförebygg"])
    assert [(t["token"], t["position"]) for t in tokens] == [
        ("drog", 0), ("drogförebygg", 0), ("och", 1), ("brottsförebygg", 2)]


def test_a_long_group_of_alternatives_is_never_cut(engine):
    long = "kontrollsumma" + "ab" * 150  # 313 letters: the whitespace tokenizer's default cuts at 255
    tokens = _analyze(engine, "bigsearch_preanalysed", [f"före {long}|{long[:200]} efter"])
    assert [(t["token"], t["position"]) for t in tokens] == [("före", 0), (long, 1), (long[:200], 1), ("efter", 2)]


def test_a_paragraph_with_a_long_word_is_found_by_it_and_by_a_phrase_after_it(tmp_path, corpus_dir, whoosh):
    from bigsearch.index.sync import sync
    from bigsearch.search.searcher import Searcher
    from tests.opensearch_node import build_index, drop_index

    folder = tmp_path / "corpus"
    folder.mkdir()
    source = sorted(corpus_dir.glob("*.txt"))[0]
    long = "kontrollsumma" + "ab" * 150
    text = source.read_text(encoding="utf-8")
    assert "Dagordningen godkändes." in text
    (folder / source.name).write_text(text.replace("Dagordningen godkändes.", f"Dagordningen med {long} godkändes.", 1),
                                      encoding="utf-8")
    assert not build_index(tmp_path / "os", [folder]).failed and not sync(tmp_path / "wh", [folder]).failed
    try:
        with Searcher(tmp_path / "os") as mine, Searcher(tmp_path / "wh") as theirs:
            for query in (long, f'"{long} godkändes"', '"dagordningen med"', f'"med {long}"'):
                found = mine.search(query, limit=50)
                assert [h.id for h in found.hits] == [h.id for h in theirs.search(query, limit=50).hits], query
            assert mine.search(long).total == mine.search(f'"med {long} godkändes"').total == 1
    finally:
        drop_index(tmp_path / "os")


def test_a_rebuild_moves_the_alias_to_a_new_index_and_drops_the_old(own_engine, corpus_dir):
    from bigsearch.engines import interface as q
    from bigsearch.index.sync import sync_engine as sync

    engine = own_engine
    sync(engine, [corpus_dir])
    before = engine.concrete_indices()
    count = engine.count(q.All())
    sync(engine, [corpus_dir], rebuild=True)
    after = engine.concrete_indices()
    assert len(after) == 1 and after != before
    assert not engine.client.indices.exists(index=before[0])
    assert engine.count(q.All()) == count


# -- the defects a real server shows (issue 22): each test failed on the cluster before its fix --------

TWENTY_PREFIXES = " OR ".join(f"{letter}*" for letter in "abdefghiklmnoprstuvå")


def test_the_cluster_keeps_its_default_clause_limit(engine):
    settings = engine.client.cluster.get_settings(include_defaults=True, flat_settings=True)
    assert settings["defaults"]["indices.query.bool.max_clause_count"] == "1024"


@pytest.fixture(scope="module")
def wide(tmp_path_factory, corpus_dir):
    """The corpus and 40 generated protocols (bench/make_corpus.py), on the cluster and on whoosh: a
    vocabulary wide enough that prefixes expand to their 128 words in the text and the titles."""
    from bench.make_corpus import write_corpus
    from bigsearch.index.sync import sync
    from bigsearch.search.searcher import Searcher
    from tests.opensearch_node import build_index, drop_index

    generated = tmp_path_factory.mktemp("wide-corpus")
    write_corpus(40, generated, seed=22)
    paths = [corpus_dir, generated]
    cluster_dir, whoosh_dir = tmp_path_factory.mktemp("wide-os"), tmp_path_factory.mktemp("wide-whoosh")
    assert not build_index(cluster_dir, paths).failed
    assert not sync(whoosh_dir, paths).failed
    with Searcher(cluster_dir) as mine, Searcher(whoosh_dir) as theirs:
        yield mine, theirs
    drop_index(cluster_dir)


@pytest.mark.parametrize("query", ["s* f* t*", "s* OR f* OR t*", TWENTY_PREFIXES, f"({TWENTY_PREFIXES}) mötet"])
def test_many_prefixes_pass_the_clause_limit_and_find_what_whoosh_finds(wide, query):
    mine, theirs = (searcher.search(query, limit=5000) for searcher in wide)  # every hit: ranks differ
    assert mine.total == theirs.total > 0
    assert {h.id for h in mine.hits} == {h.id for h in theirs.hits}
    assert mine.facets == theirs.facets
    from bigsearch.search.expand import TOTAL_NOTE

    capped = ("more than 128 words", TOTAL_NOTE)  # one word's cap, or the query's shared among its words
    assert mine.notes == theirs.notes and any(c in note for note in mine.notes for c in capped)


class RequestCounter:
    """Counts the HTTP requests an engine's client sends (each a round trip to the cluster)."""

    def __init__(self, engine):
        self.lines: list[str] = []
        transport = engine.client.transport
        original = transport.perform_request

        def counted(method, url, *args, **kwargs):
            self.lines.append(f"{method} {url}")
            return original(method, url, *args, **kwargs)

        transport.perform_request = counted

    def during(self, work) -> list[str]:
        start = len(self.lines)
        work()
        return self.lines[start:]


@pytest.mark.parametrize("query", ["s*", "f* s* t*", TWENTY_PREFIXES, "Andersbrg~1", "fritidsgård~2", "skolorna",
                                   "Satra", '"stolt och nykter"', "polisen trygghet", "Bomhus OR Sätra -Andersberg"])
def test_a_search_costs_at_most_three_round_trips(wide, query):
    searcher = wide[0]
    assert searcher.known("principal")  # the facet values a query resolves against: read once per session
    counter = RequestCounter(searcher.engine)
    requests = counter.during(lambda: searcher.search(query, limit=10))
    assert len(requests) <= 3, requests


def _layout(engine) -> tuple[int, int]:
    (index,) = engine.concrete_indices()
    settings = engine.client.indices.get_settings(index=index)[index]["settings"]["index"]
    return int(settings["number_of_shards"]), int(settings["number_of_replicas"])


def test_a_rebuild_keeps_the_shards_and_replicas_the_index_was_made_with(own_engine, corpus_dir, tmp_path):
    from typer.testing import CliRunner

    from bigsearch.cli.app import app
    from bigsearch.engines import interface as q

    index = ["index", str(corpus_dir), "--index-dir", str(tmp_path / "ix")]
    first = CliRunner().invoke(app, [*index, "--engine", "opensearch", "--url", LIVE_URL, "--index-name",
                                     own_engine.alias, "--shards", "6", "--replicas", "0"])
    assert first.exit_code == 0, first.output
    assert _layout(own_engine) == (6, 0)
    count = own_engine.count(q.All())
    rebuilt = CliRunner().invoke(app, [*index, "--rebuild"])  # no layout given: the index's own is kept
    assert rebuilt.exit_code == 0, rebuilt.output
    assert _layout(own_engine) == (6, 0)
    assert own_engine.count(q.All()) == count > 0
    again = CliRunner().invoke(app, [*index, "--rebuild", "--shards", "2"])  # given: taken
    assert again.exit_code == 0, again.output
    assert _layout(own_engine) == (2, 0)


def test_deep_pages_read_one_point_in_time_while_the_index_changes(own_engine, corpus_dir, monkeypatch):
    """Past the first window the engine pages with search_after; a paragraph written meanwhile, in the
    part of the order already skipped, must not shift the page (with replicas, neither may a copy
    that refreshed at another moment)."""
    from bigsearch.engines import interface as q
    from bigsearch.engines import opensearch_engine
    from bigsearch.index.sync import sync_engine as sync

    engine = own_engine
    assert not sync(engine, [corpus_dir]).failed
    everything = [h.record for h in engine.search(q.All(), sort="date", limit=1000).hits]
    monkeypatch.setattr(opensearch_engine, "MAX_WINDOW", 10)
    monkeypatch.setattr(opensearch_engine, "PAGE", 4)
    # A date change past the first page (4 hits): the paragraph written meanwhile sorts right after it.
    gap = next(k for k in range(4, len(everything) - 1)
               if everything[k]["date"] and everything[k]["date"] < everything[k + 1]["date"])
    offset = gap + 3
    late = {"kind": "p", "id": "written-meanwhile", "doc_key": "p:written-meanwhile", "source_key": "elsewhere",
            "date": everything[gap]["date"], "year": everything[gap]["year"], "position": 10**6, "text": "ny"}
    searches = 0
    search = engine.client.search

    def search_then_write(*args, **kwargs):
        nonlocal searches
        answer = search(*args, **kwargs)
        searches += 1
        if searches == 2:  # after the first page of the deep walk
            engine.client.index(index=engine.alias, id=late["doc_key"], body=late, refresh=True)
        return answer

    monkeypatch.setattr(engine.client, "search", search_then_write)
    deep = engine.search(q.All(), sort="date", limit=9, offset=offset)
    assert searches >= 2 and engine.count(q.Term("id", "written-meanwhile")) == 1
    assert [h.record["id"] for h in deep.hits] == [r["id"] for r in everything[offset:offset + 9]]
    assert deep.total == len(everything)


@pytest.mark.usefixtures("english")
@pytest.mark.parametrize("query", ["date:2020-13-45", "date:2020-02-30..2020-06-30", "år:2019 date:..2021-00-10"])
def test_an_impossible_date_is_refused_by_the_query_language_before_the_cluster_sees_it(index_of, query):
    from typer.testing import CliRunner

    from bigsearch.cli.app import app

    result = CliRunner().invoke(app, ["search", query, "--index-dir", str(index_of("opensearch"))])
    assert result.exit_code == 2, result.output
    assert "is not a date" in result.output and "date:2020-01-01" in result.output, result.output
    assert "Traceback" not in result.output and "simplify" not in result.output


def test_credentials_are_not_sent_over_plain_http_unless_insecure_is_asked_for(tmp_path, corpus_dir, monkeypatch):
    from typer.testing import CliRunner

    from bigsearch.cli.app import app
    from tests.opensearch_node import drop_index

    monkeypatch.setenv("BIGSEARCH_OPENSEARCH_USER", "admin")
    monkeypatch.setenv("BIGSEARCH_OPENSEARCH_PASSWORD", "secret-Passw0rd")
    monkeypatch.delenv("BIGSEARCH_OPENSEARCH_INSECURE", raising=False)
    first = sorted(corpus_dir.glob("*.txt"))[0]
    args = ["index", str(first), "--engine", "opensearch", "--url", LIVE_URL, "--index-name", unique_index_name(),
            "--index-dir", str(tmp_path / "ix")]
    try:
        refused = CliRunner().invoke(app, args)
        assert refused.exit_code == 2, refused.output
        assert "https://" in refused.output and "BIGSEARCH_OPENSEARCH_INSECURE=1" in refused.output
        assert "secret-Passw0rd" not in refused.output
        monkeypatch.setenv("BIGSEARCH_OPENSEARCH_INSECURE", "1")
        with pytest.warns(UserWarning, match="in clear over http"):
            allowed = CliRunner().invoke(app, args)
        assert allowed.exit_code == 0, allowed.output
    finally:
        if (tmp_path / "ix").exists():
            drop_index(tmp_path / "ix")


def test_words_of_removed_and_changed_files_leave_the_vocabulary(own_engine, corpus_dir, tmp_path):
    import shutil

    from bigsearch.analysis.stemming import stem
    from bigsearch.index.sync import sync_engine as sync

    folder = tmp_path / "corpus"
    shutil.copytree(corpus_dir, folder)
    first, second = sorted(folder.glob("*.txt"))[:2]
    text = first.read_text(encoding="utf-8")
    assert "Dagordningen godkändes." in text
    first.write_text(text.replace("Dagordningen godkändes.", "Dagordningen godkändes. Zyxkvorum och zyxbrunn."),
                     encoding="utf-8")
    second.write_text(second.read_text(encoding="utf-8") + "\n", encoding="utf-8")
    assert not sync(own_engine, [folder]).failed

    def vocabulary(prefix: str) -> list[str]:
        return list(own_engine.lexicon().prefixed("text", prefix))

    assert vocabulary("zyx") == [stem("zyxbrunn"), stem("zyxkvorum")]
    first.write_text(text.replace("Dagordningen godkändes.", "Dagordningen godkändes. Zyxbrunn."), encoding="utf-8")
    assert sync(own_engine, [folder]).updated == 1
    assert vocabulary("zyx") == [stem("zyxbrunn")]  # the changed file no longer holds zyxkvorum
    first.unlink()
    assert sync(own_engine, [folder]).removed == 1
    assert vocabulary("zyx") == []  # nor anything of the removed file's own words
    assert vocabulary(stem("dagordningen")) == [stem("dagordningen")]  # words other files hold stay


REJECTED = {"error": {"root_cause": [{"type": "es_rejected_execution_exception", "reason": "rejected execution of "
                                      "coordinating operation [search queue full]"}],
                      "type": "es_rejected_execution_exception", "reason": "rejected execution"}, "status": 429}


class Busy:
    """The cluster's answer when it is overloaded (429, es_rejected_execution_exception), given to the
    first `times` requests whose path ends with one of `endings` before they reach the node; the
    rest go to the real node."""

    def __init__(self, engine, endings: tuple[str, ...], times: int = 2):
        import json

        self.refused: list[str] = []
        connection = engine.client.transport.connection_pool.connection
        original = connection.perform_request

        def perform_request(method, url, *args, **kwargs):
            if url.split("?")[0].endswith(endings) and sum(u.endswith(url) for u in self.refused) < times:
                self.refused.append(url)
                connection._raise_error(429, json.dumps(REJECTED), "application/json")
            return original(method, url, *args, **kwargs)

        connection.perform_request = perform_request


def test_a_busy_cluster_is_asked_again_with_back_off_for_searches_counts_and_deletes(own_engine, corpus_dir,
                                                                                      tmp_path, monkeypatch):
    import shutil

    from bigsearch.engines import interface as q
    from bigsearch.index.sync import sync_engine as sync
    from bigsearch.search.searcher import Searcher

    folder = tmp_path / "corpus"
    shutil.copytree(corpus_dir, folder)
    assert not sync(own_engine, [folder]).failed
    waits: list[float] = []
    monkeypatch.setattr("time.sleep", waits.append)
    busy = Busy(own_engine, ("/_search", "/_msearch", "/_count", "/_delete_by_query"))
    with Searcher(tmp_path, engine=own_engine) as searcher:
        assert searcher.search("f* Andersberg", limit=5).total == 3
    assert own_engine.count(q.Term("year", 2024)) > 0
    gone = sorted(folder.glob("*.txt"))[0]
    key = str(gone.resolve())
    gone.unlink()
    assert sync(own_engine, [folder]).removed == 1
    assert own_engine.count(q.Term("source_key", key)) == 0
    assert {url.split("/")[-1].split("?")[0] for url in busy.refused} >= {"_search", "_msearch", "_count",
                                                                           "_delete_by_query"}
    assert waits and waits == sorted(waits[:2]) + waits[2:]  # backing off: waits grow


def test_a_removal_that_meets_a_concurrent_write_is_finished_or_the_sync_fails(own_engine, corpus_dir, tmp_path):
    """A real version conflict: while the cluster removes a file's paragraphs (slowed to one a second
    so that the write lands in the middle), another client rewrites them. The removal must end with
    none left, or the sync must fail; it must never report success with paragraphs left behind."""
    import shutil
    import threading

    from bigsearch.engines import interface as q
    from bigsearch.index.sync import sync_engine as sync

    folder = tmp_path / "corpus"
    shutil.copytree(corpus_dir, folder)
    assert not sync(own_engine, [folder]).failed
    gone = sorted(folder.glob("*.txt"))[0]
    key = str(gone.resolve())
    paragraphs = own_engine.source_paragraphs(key)
    assert len(paragraphs) > 4
    delete_by_query = own_engine.client.delete_by_query
    writers = []

    def rewrite_meanwhile():
        from bigsearch.engines.opensearch_docs import paragraph_doc_id, paragraph_document

        for record in paragraphs[2:]:
            doc = paragraph_document(record)
            own_engine.client.index(index=own_engine.alias, id=paragraph_doc_id(key, record["id"]), body=doc)
        own_engine.client.indices.refresh(index=own_engine.alias)

    def slowed(*args, **kwargs):
        if not writers:  # the first removal: rewrite its later paragraphs while it runs
            writers.append(threading.Timer(1.0, rewrite_meanwhile))
            writers[0].start()
        return delete_by_query(*args, scroll_size=1, requests_per_second=2, **kwargs)

    own_engine.client.delete_by_query = slowed
    gone.unlink()
    try:
        report = sync(own_engine, [folder])
    except Exception as failed:  # failing clearly is allowed; a re-run must then converge
        assert "remove" in str(failed)
        report = sync(own_engine, [folder])
    writers[0].join()
    assert report.removed == 1
    assert own_engine.count(q.Term("source_key", key)) == 0


def _index_in_a_process(index_dir: Path, paths: list[Path], index_name: str):
    import subprocess
    import sys

    return subprocess.Popen(
        [sys.executable, "-m", "bigsearch", "index", *map(str, paths), "--engine", "opensearch", "--url", LIVE_URL,
         "--index-name", index_name, "--index-dir", str(index_dir)],
        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)


def _indexed_operations(client, pattern: str) -> int:
    stats = client.indices.stats(index=pattern, metric="indexing")
    return stats["_all"]["primaries"].get("indexing", {}).get("index_total", 0) if stats.get("_all") else 0


def _kill_once_writing(process, client, pattern: str, since: int = 0) -> None:
    import signal
    import time

    deadline = time.monotonic() + 300
    while process.poll() is None and time.monotonic() < deadline:
        if _indexed_operations(client, pattern) > since:
            process.send_signal(signal.SIGKILL)
            break
        time.sleep(0.05)
    assert process.wait() == -signal.SIGKILL, "the run ended before it could be killed: give it more files"


@pytest.fixture(scope="module")
def many_protocols(tmp_path_factory):
    from bench.make_corpus import write_corpus

    folder = tmp_path_factory.mktemp("protocols")
    write_corpus(120, folder, seed=7)
    return folder


def test_a_sync_killed_mid_run_is_finished_by_the_next_without_duplicates_or_losses(many_protocols, tmp_path):
    from bigsearch.engines import interface as q
    from bigsearch.engines.opensearch_engine import OpenSearchEngine
    from bigsearch.index.sync import sync
    from bigsearch.search.searcher import Searcher

    name = unique_index_name("killed")
    engine = OpenSearchEngine(LIVE_URL, name)
    files = sorted(many_protocols.glob("*.txt"))
    first, rest = files[:60], files[60:]
    folder = tmp_path / "archive"
    folder.mkdir()
    for path in first:
        (folder / path.name).write_bytes(path.read_bytes())
    try:
        # 1. The first build killed: nothing is behind the alias yet; the next run builds it whole.
        _kill_once_writing(_index_in_a_process(tmp_path / "ix", [folder], name), engine.client, f"{name}-*")
        again = _index_in_a_process(tmp_path / "ix", [folder], name)
        assert again.wait() == 0, again.stderr.read().decode()
        # 2. An incremental run killed while it adds files; the next one finishes it.
        for path in rest:
            (folder / path.name).write_bytes(path.read_bytes())
        before = _indexed_operations(engine.client, name)
        _kill_once_writing(_index_in_a_process(tmp_path / "ix", [folder], name), engine.client, name, before)
        again = _index_in_a_process(tmp_path / "ix", [folder], name)
        assert again.wait() == 0, again.stderr.read().decode()

        assert not sync(tmp_path / "whoosh", [folder]).failed
        with Searcher(tmp_path / "whoosh") as whoosh:
            expected = {hit.id for hit in whoosh.search_every("och OR att OR i OR mötet").hits}
            paragraphs = whoosh.stats().paragraphs
        ids = [record["id"] for record in engine._scan_fields(
            {"bool": {"filter": [{"term": {"kind": "p"}}]}}, ["id"])]
        assert len(ids) == len(set(ids)) == engine.count(q.All()) == paragraphs  # no duplicates, none lost
        assert expected <= set(ids)
        assert len(engine.sources()) == len(files)
        assert engine.concrete_indices() == sorted(engine.client.indices.get(index=f"{name}-*"))  # no leftovers
    finally:
        for index in engine.client.indices.get(index=f"{name}-*"):
            engine.client.indices.delete(index=index)
        engine.close()
