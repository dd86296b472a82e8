"""The opensearch engine against recorded HTTP answers: retries, failures, alias swap, credentials.

No cluster: tests/opensearch_fake.py replaces the client's connection class, so the real
opensearch-py client builds, sends, retries and raises as it would against a server.
"""

from __future__ import annotations

import base64
import logging
from urllib.parse import unquote

import pytest

from bigsearch.engines.opensearch_bulk import send
from bigsearch.engines.opensearch_engine import OpenSearchEngine, OpenSearchError
from bigsearch.errors import ConfigError
from tests.opensearch_fake import FakeCluster, bulk_answer, bulk_ids

URL = "https://search.example.org:9200"
SECRET = "s3cret-Passw0rd"
CREDENTIALS = {"BIGSEARCH_OPENSEARCH_USER": "bigsearch", "BIGSEARCH_OPENSEARCH_PASSWORD": SECRET}


def actions(n: int) -> list[dict]:
    return [{"_op_type": "index", "_index": "ix", "_id": f"p:{k}", "_source": {"kind": "p", "id": str(k)}}
            for k in range(n)]


@pytest.fixture()
def helper_sleeps(monkeypatch):
    """The bulk helper's own back-off sleeps, recorded instead of slept."""
    import opensearchpy.helpers.actions as helper

    slept: list[float] = []
    monkeypatch.setattr(helper.time, "sleep", slept.append)
    return slept


def test_a_busy_cluster_429_is_retried_with_back_off(helper_sleeps):
    cluster = FakeCluster().on("POST", "/_bulk", (429, {"error": "too many requests", "status": 429}), bulk_answer)
    report = send(cluster.client(), actions(3), max_retries=3, initial_backoff=1.5, sleep=lambda s: None)
    assert cluster.lines() == ["POST /_bulk", "POST /_bulk"]
    assert bulk_ids(cluster.requests[1]) == ["p:0", "p:1", "p:2"]
    assert helper_sleeps == [1.5]
    assert report.succeeded == 3 and not report.failures


def test_documents_answered_429_are_sent_again_alone(helper_sleeps):
    cluster = FakeCluster().on("POST", "/_bulk", lambda r: bulk_answer(r, {"p:1": 429}), bulk_answer)
    report = send(cluster.client(), actions(3), max_retries=2, initial_backoff=1.0, sleep=lambda s: None)
    assert bulk_ids(cluster.requests[1]) == ["p:1"]
    assert report.succeeded == 3 and not report.failures


def test_server_errors_are_retried_in_rounds_with_exponential_back_off(helper_sleeps):
    error = (500, {"error": "internal", "status": 500})
    cluster = FakeCluster().on("POST", "/_bulk", error, error, bulk_answer)
    slept: list[float] = []
    report = send(cluster.client(), actions(2), max_retries=3, initial_backoff=2.0, sleep=slept.append)
    assert len(cluster.requests) == 3
    assert slept == [2.0, 4.0]
    assert report.succeeded == 2 and report.retried == 4 and not report.failures


def test_a_lasting_server_error_is_counted_per_document_not_dropped(helper_sleeps):
    cluster = FakeCluster().on("POST", "/_bulk", (503, {"error": "unavailable", "status": 503}))
    report = send(cluster.client(), actions(4), max_retries=2, initial_backoff=0.5, sleep=lambda s: None)
    assert len(cluster.requests) == 3  # the first try and two retries
    assert report.succeeded == 0
    assert sorted(f.doc_id for f in report.failures) == ["p:0", "p:1", "p:2", "p:3"]
    assert {f.status for f in report.failures} == {503}


def test_a_refused_document_is_reported_with_its_reason_and_not_retried(helper_sleeps):
    cluster = FakeCluster().on("POST", "/_bulk", lambda r: bulk_answer(r, {"p:2": 400}, {"p:2": "failed to parse field [date]"}))
    report = send(cluster.client(), actions(4), max_retries=3, initial_backoff=1.0, sleep=lambda s: None)
    assert len(cluster.requests) == 1
    assert report.succeeded == 3
    assert [(f.doc_id, f.status) for f in report.failures] == [("p:2", 400)]
    assert "failed to parse field [date]" in report.failures[0].reason


def test_batches_follow_the_chunk_size(helper_sleeps):
    cluster = FakeCluster().on("POST", "/_bulk", bulk_answer)
    report = send(cluster.client(), actions(7), chunk_size=3, max_retries=0)
    assert [len(bulk_ids(r)) for r in cluster.requests] == [3, 3, 1]
    assert report.succeeded == 7


# -- the alias swap ----------------------------------------------------------------------------

OLD = {"bigsearch-20240101000000": {"aliases": {"bigsearch": {}}}}


def swap_cluster(alias_answer) -> FakeCluster:
    return (FakeCluster()
            .on("GET", "/_alias/bigsearch", alias_answer)
            .on("GET", r"/bigsearch-\*", (200, {"bigsearch-20240101000000": {}}))
            .on("HEAD", "/bigsearch", (404, None))
            .on("GET", "/bigsearch-20240101000000/_settings", (200, {"bigsearch-20240101000000": {"settings": {
                "index": {"number_of_shards": "3", "number_of_replicas": "2"}}}}))
            .on("PUT", "/bigsearch-T1", (200, {"acknowledged": True}))
            .on("POST", "/_bulk", bulk_answer)
            .on("PUT", "/bigsearch-T1/_settings", (200, {"acknowledged": True}))
            .on("POST", "/bigsearch-T1/_refresh", (200, {}))
            .on("POST", "/_aliases", (200, {"acknowledged": True}))
            .on("DELETE", "/bigsearch-20240101000000", (200, {"acknowledged": True}))
            .on("DELETE", "/bigsearch-T1", (200, {"acknowledged": True})))


def engine_on(cluster: FakeCluster, environ=None) -> OpenSearchEngine:
    return OpenSearchEngine(URL, "bigsearch", client=cluster.client(environ=environ), clock=lambda: "T1")


SOURCE = {"source_key": "/archive/a.txt", "source": "a.txt", "source_hash": "h", "source_stat": "1:2", "id_prefix": "x",
          "title": "Protokoll", "attendee_records": "[]", "paragraphs": 1}
PARAGRAPH = {"kind": "p", "id": "x-s1-p1", "source": "a.txt", "source_key": "/archive/a.txt", "doc_type": "protokoll",
             "date": "2024-02-09", "year": 2024, "section": "1", "section_title": "Öppnande", "principal": None,
             "unit": None, "persons": [], "places": ["Sätra"], "attendees": ["Anna Berg"], "text": "Polisen i Sätra.",
             "position": 0, "title": "Protokoll", "first": True}


def test_rebuild_builds_a_new_index_and_moves_the_alias_atomically(helper_sleeps):
    cluster = swap_cluster((200, OLD))
    writer = engine_on(cluster).writer(rebuild=True)
    writer.replace_source(SOURCE, [PARAGRAPH])
    writer.commit()
    assert cluster.lines() == [
        "GET /_alias/bigsearch",
        "GET /bigsearch-*",
        "GET /bigsearch-20240101000000/_settings",
        "PUT /bigsearch-T1",
        "POST /_bulk",
        "PUT /bigsearch-T1/_settings",
        "POST /bigsearch-T1/_refresh",
        "POST /_aliases",
        "DELETE /bigsearch-20240101000000",
    ]
    created = cluster.requests[3].body
    assert created["settings"]["index"]["refresh_interval"] == "-1"  # no refreshes while building
    # The old index's layout is kept; replicas come after the build.
    assert (created["settings"]["index"]["number_of_shards"], created["settings"]["index"]["number_of_replicas"]) == (3, 0)
    assert created["mappings"]["dynamic"] == "strict"
    assert cluster.requests[5].body == {"index": {"number_of_replicas": 2, "refresh_interval": None}}
    assert cluster.requests[7].body == {"actions": [
        {"remove": {"index": "bigsearch-20240101000000", "alias": "bigsearch"}},
        {"add": {"index": "bigsearch-T1", "alias": "bigsearch"}},
    ]}
    sent = cluster.requests[4].body
    assert {line["index"]["_index"] for line in sent[0::2]} == {"bigsearch-T1"}
    assert sent[-1]["kind"] == "f"  # the manifest entry last


def test_the_first_build_adds_the_alias_without_removing_anything(helper_sleeps):
    cluster = swap_cluster((404, {"error": "alias [bigsearch] missing", "status": 404}))
    writer = engine_on(cluster).writer()
    writer.replace_source(SOURCE, [PARAGRAPH])
    writer.commit()
    assert cluster.lines()[:4] == ["GET /_alias/bigsearch", "HEAD /bigsearch", "GET /bigsearch-*", "PUT /bigsearch-T1"]
    assert cluster.requests[-1].line == "POST /_aliases"
    assert cluster.requests[-1].body == {"actions": [{"add": {"index": "bigsearch-T1", "alias": "bigsearch"}}]}


def test_a_cancelled_rebuild_deletes_its_index_and_leaves_the_alias(helper_sleeps):
    cluster = swap_cluster((200, OLD))
    writer = engine_on(cluster).writer(rebuild=True)
    writer.replace_source(SOURCE, [PARAGRAPH])
    writer.cancel()
    assert cluster.lines() == ["GET /_alias/bigsearch", "GET /bigsearch-*", "GET /bigsearch-20240101000000/_settings", "PUT /bigsearch-T1",
                               "DELETE /bigsearch-T1"]


def test_a_failing_swap_leaves_the_old_index_behind_the_alias(helper_sleeps):
    cluster = swap_cluster((200, OLD))
    cluster.routes.insert(0, ["POST", __import__("re").compile("/_aliases"), [(500, {"error": "boom", "status": 500})]])
    writer = engine_on(cluster).writer(rebuild=True)
    writer.replace_source(SOURCE, [PARAGRAPH])
    with pytest.raises(OpenSearchError, match="move the alias"):
        writer.commit()
    assert "DELETE /bigsearch-20240101000000" not in cluster.lines()
    assert cluster.lines()[-1] == "DELETE /bigsearch-T1"


def test_an_index_in_the_way_of_the_alias_is_an_error_not_overwritten():
    cluster = swap_cluster((404, {"error": "missing", "status": 404}))
    cluster.routes.insert(0, ["HEAD", __import__("re").compile("/bigsearch"), [(200, None)]])
    with pytest.raises(ConfigError, match="is an index, not an alias"):
        engine_on(cluster).writer()


# -- incremental writes ----------------------------------------------------------------------

def incremental_cluster(existing_ids: list[str], bulk=bulk_answer) -> FakeCluster:
    hits = [{"_source": {"doc_key": d}, "sort": [d]} for d in existing_ids]
    return (FakeCluster()
            .on("GET", "/_alias/bigsearch", (200, OLD))
            .on("GET", r"/bigsearch-\*", (200, {"bigsearch-20240101000000": {}}))
            .on("POST", "/bigsearch/_search", (200, {"hits": {"total": {"value": len(hits)}, "hits": hits}}))
            .on("POST", "/_bulk", bulk)
            .on("POST", "/bigsearch/_update/.*", (200, {"result": "updated"}))
            .on("POST", "/bigsearch/_delete_by_query", (200, {"deleted": 3, "version_conflicts": 0, "failures": []}))
            .on("POST", "/bigsearch/_count", (200, {"count": 0}))
            .on("POST", "/bigsearch/_refresh", (200, {})))


def test_a_changed_source_overwrites_its_paragraphs_and_deletes_the_stale_ones(helper_sleeps):
    from bigsearch.engines.opensearch_docs import paragraph_doc_id

    kept = paragraph_doc_id("/archive/a.txt", "x-s1-p1")
    stale = paragraph_doc_id("/archive/a.txt", "x-s9-p9")
    cluster = incremental_cluster([kept, stale])
    writer = engine_on(cluster).writer()
    writer.replace_source(SOURCE, [PARAGRAPH])
    writer.remove_source("/archive/gone.txt")
    writer.commit()
    assert cluster.lines() == ["GET /_alias/bigsearch", "GET /bigsearch-*", "POST /bigsearch/_search", "POST /bigsearch/_search",
                               "POST /_bulk", "POST /bigsearch/_refresh", "POST /bigsearch/_delete_by_query",
                               "POST /bigsearch/_count", "POST /bigsearch/_refresh"]
    lines = cluster.requests[4].body
    ops = [(next(iter(line)), next(iter(line.values()))["_id"]) for line in lines if next(iter(line)) in ("index", "delete")
           and "_id" in next(iter(line.values()))]
    assert ops[0] == ("index", kept)
    assert ("delete", stale) in ops and ("delete", kept) not in ops
    assert ops.index(("delete", stale)) < len(ops) - 1 and ops[-1][1].startswith("f:")  # stale go before the manifest
    assert cluster.requests[6].body == {"query": {"term": {"source_key": "/archive/gone.txt"}}}
    assert cluster.requests[6].params["refresh"] in ("true", b"true")


def test_a_delete_that_leaves_documents_is_run_again_and_then_an_error(helper_sleeps):
    conflicted = (200, {"deleted": 1, "version_conflicts": 2, "failures": []})
    cluster = incremental_cluster([])
    cluster.routes = [r for r in cluster.routes if r[1].pattern not in ("/bigsearch/_delete_by_query", "/bigsearch/_count")]
    cluster.on("POST", "/bigsearch/_delete_by_query", conflicted, (200, {"deleted": 2, "version_conflicts": 0}))
    cluster.on("POST", "/bigsearch/_count", (200, {"count": 2}), (200, {"count": 0}))
    writer = engine_on(cluster).writer()
    writer.remove_source("/archive/gone.txt")  # the second attempt removes the rest
    assert cluster.lines().count("POST /bigsearch/_delete_by_query") == 2 and helper_sleeps == [1.0]

    stuck = incremental_cluster([])
    stuck.routes = [r for r in stuck.routes if r[1].pattern != "/bigsearch/_count"]
    stuck.on("POST", "/bigsearch/_count", (200, {"count": 2}))
    writer = engine_on(stuck).writer()
    with pytest.raises(OpenSearchError, match=r"could not remove /archive/gone.txt: 2 documents remain after 4 attempts"):
        writer.remove_source("/archive/gone.txt")


def test_searches_and_counts_a_busy_cluster_refused_are_asked_again_with_growing_waits(helper_sleeps):
    from bigsearch.engines import interface as q

    busy = (429, {"error": {"type": "es_rejected_execution_exception", "reason": "queue full"}, "status": 429})
    cluster = (FakeCluster()
               .on("POST", "/bigsearch/_count", busy, busy, (200, {"count": 7}))
               .on("POST", "/bigsearch/_msearch", (200, {"responses": [
                   {"status": 429, "error": {"type": "es_rejected_execution_exception"}},
                   {"hits": {"total": {"value": 3}, "hits": []}}]}),
                   (200, {"responses": [{"hits": {"total": {"value": 5}, "hits": []}}]})))
    engine = engine_on(cluster)
    assert engine.count(q.All()) == 7
    assert helper_sleeps == [1.0, 2.0]
    counts = engine.term_counts([("text", "a"), ("text", "b")])
    assert counts == {("text", "a"): 5, ("text", "b"): 3}  # only the refused one was sent again
    assert len(cluster.requests[-1].body) == 2
    always = FakeCluster().on("POST", "/bigsearch/_count", busy)
    with pytest.raises(OpenSearchError, match="too busy"):
        engine_on(always).count(q.All())


def test_a_source_with_a_refused_paragraph_is_marked_to_be_sent_again(helper_sleeps):
    from bigsearch.engines.opensearch_docs import paragraph_doc_id, source_doc_id

    bad = paragraph_doc_id("/archive/a.txt", "x-s1-p1")
    cluster = incremental_cluster([], bulk=lambda r: bulk_answer(r, {bad: 400}))
    writer = engine_on(cluster).writer()
    writer.replace_source(SOURCE, [PARAGRAPH])
    writer.commit()
    assert writer.report.failures[0].doc_id == bad
    assert list(writer.failed_sources) == ["/archive/a.txt"]
    update = next(r for r in cluster.requests if "_update" in r.path)
    assert unquote(update.path) == f"/bigsearch/_update/{source_doc_id('/archive/a.txt')}"
    assert update.body == {"doc": {"source_hash": "", "source_stat": ""}}


# -- credentials and errors -------------------------------------------------------------------

def _secrets() -> list[str]:
    token = base64.b64encode(f"bigsearch:{SECRET}".encode()).decode()
    return [SECRET, token]


def test_credentials_are_sent_but_never_logged_or_shown(helper_sleeps, caplog, tmp_path):
    cluster = (FakeCluster()
               .on("GET", "/_alias/bigsearch", (200, OLD))
               .on("POST", "/bigsearch/_search", (401, {"error": "unauthorized", "status": 401})))
    engine = engine_on(cluster, environ=CREDENTIALS)
    caplog.set_level(logging.DEBUG)
    from bigsearch.engines import interface as q

    with pytest.raises(OpenSearchError) as raised:
        engine.search(q.Term("text", "polis"))
    assert cluster.requests[-1].headers["authorization"] == f"Basic {_secrets()[1]}"  # sent …
    shown = str(raised.value) + caplog.text + "".join(repr(r) for r in cluster.requests)
    assert "401" in str(raised.value) and "search.example.org" in str(raised.value)
    assert caplog.text  # the client did log the requests …
    for secret in _secrets():
        assert secret not in shown  # … but no secret


def test_credentials_in_the_url_are_refused_with_the_fix():
    with pytest.raises(ConfigError, match="BIGSEARCH_OPENSEARCH_USER") as raised:
        OpenSearchEngine(f"https://bigsearch:{SECRET}@search.example.org:9200", "bigsearch", client=object())
    assert SECRET not in str(raised.value)


def test_credentials_come_from_netrc_when_the_environment_has_none(tmp_path):
    from bigsearch.engines.opensearch_client import credentials

    netrc = tmp_path / "netrc"
    netrc.write_text(f"machine search.example.org login reader password {SECRET}\n")
    netrc.chmod(0o600)
    assert credentials(URL, environ={}, netrc_file=netrc) == ("reader", SECRET)
    assert credentials("https://other.example.org", environ={}, netrc_file=netrc) is None
    assert credentials(URL, environ=CREDENTIALS, netrc_file=netrc) == ("bigsearch", SECRET)
    with pytest.raises(ConfigError, match="both"):
        credentials(URL, environ={"BIGSEARCH_OPENSEARCH_USER": "x"})


def test_tls_is_verified_by_default_and_a_ca_bundle_can_be_named(tmp_path):
    from bigsearch.engines.opensearch_client import make_client

    client = make_client(URL, environ={})
    assert client.transport.connection_pool.connections[0].use_ssl
    assert client.transport.kwargs["verify_certs"] is True
    with pytest.warns(UserWarning, match="insecure"):
        insecure = make_client(URL, environ={"BIGSEARCH_OPENSEARCH_INSECURE": "1"})
    assert insecure.transport.kwargs["verify_certs"] is False
    with pytest.raises(ConfigError, match="CA bundle"):
        make_client(URL, environ={"BIGSEARCH_OPENSEARCH_CA_CERTS": str(tmp_path / "missing.pem")})


def test_an_unreachable_cluster_is_a_one_line_error():
    from opensearchpy.exceptions import ConnectionError as Unreachable

    def refuse(request):
        raise Unreachable("N/A", "connection refused", None)

    cluster = FakeCluster().on("POST", "/bigsearch/_count", refuse)
    from bigsearch.engines import interface as q

    with pytest.raises(OpenSearchError, match="failed to count .*cluster is up"):
        engine_on(cluster).count(q.All())


def test_a_query_the_cluster_refuses_is_a_query_error_saying_what_to_do():
    from bigsearch.engines import interface as q
    from bigsearch.errors import QueryError

    refusal = {"error": {"root_cause": [{"type": "too_many_clauses", "reason": "maxClauseCount is set to 1024"}],
                         "type": "search_phase_execution_exception"}, "status": 400}
    cluster = FakeCluster().on("POST", "/bigsearch/_search", (400, refusal))
    with pytest.raises(QueryError, match="maxClauseCount is set to 1024.*simplify the query"):
        engine_on(cluster).search(q.Term("text", "polis"))


def test_refused_credentials_say_where_to_set_them():
    from bigsearch.engines import interface as q

    cluster = FakeCluster().on("POST", "/bigsearch/_count", (403, {"error": {"type": "security_exception"}, "status": 403}))
    with pytest.raises(OpenSearchError, match="403.*BIGSEARCH_OPENSEARCH_USER"):
        engine_on(cluster).count(q.All())


def test_a_missing_index_says_how_to_build_it():
    from bigsearch.engines import interface as q
    from bigsearch.errors import IndexMissingError

    cluster = FakeCluster().on("POST", "/bigsearch/_count", (404, {"error": {"type": "index_not_found_exception"}, "status": 404}))
    with pytest.raises(IndexMissingError, match="bigsearch index --engine opensearch"):
        engine_on(cluster).count(q.All())


def test_invalid_index_names_are_refused_before_any_request():
    for name in ("BigSearch", "_x", "a b", "a/b", ""):
        with pytest.raises(ConfigError, match="index name"):
            OpenSearchEngine(URL, name, client=object())


def test_credentials_over_plain_http_are_refused_unless_insecure_and_then_warned():
    from bigsearch.engines.opensearch_client import make_client

    environ = {"BIGSEARCH_OPENSEARCH_USER": "admin", "BIGSEARCH_OPENSEARCH_PASSWORD": "s3cret-pw"}
    with pytest.raises(ConfigError, match=r"in clear over http:// — use https://") as refused:
        make_client("http://search.example.org:9200", environ=environ)
    assert "s3cret-pw" not in str(refused.value)
    assert make_client("https://search.example.org:9200", environ=environ)  # TLS: fine
    assert make_client("http://search.example.org:9200", environ={})  # no credentials: nothing to leak
    with pytest.warns(UserWarning, match="in clear over http"):
        make_client("http://search.example.org:9200", environ={**environ, "BIGSEARCH_OPENSEARCH_INSECURE": "1"})
