"""The opensearch engine on the 3-node loopback cluster (tests/opensearch-node/start --nodes 3):
a node restarted in the middle of a sync. The sync completes, or fails with a message that says
what happened; a re-run then converges on exactly the files' paragraphs.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.opensearch_node import LIVE_URL, NODE_DIR, skip_reason, unique_index_name

WORK = Path(os.environ.get("BIGSEARCH_OPENSEARCH_WORK") or NODE_DIR / "work")


def _three_nodes() -> str | None:
    """Why these tests cannot run here, or None."""
    if not LIVE_URL:
        return skip_reason()
    if not (WORK / "node-3.pid").exists():
        return (f"no 3-node cluster of tests/opensearch-node at {LIVE_URL} (no {WORK}/node-3.pid): "
                "start one with tests/opensearch-node/start --nodes 3")
    return None


pytestmark = pytest.mark.skipif(_three_nodes() is not None, reason=_three_nodes() or "")


@pytest.fixture(scope="module")
def protocols(tmp_path_factory):
    from bench.make_corpus import write_corpus

    folder = tmp_path_factory.mktemp("protocols")
    write_corpus(60, folder, seed=3)
    return folder


def _client():
    from bigsearch.engines.opensearch_client import make_client

    return make_client(LIVE_URL)


def _wait_for_three_green_nodes(client) -> None:
    health = client.cluster.health(wait_for_nodes="3", wait_for_status="green", params={"timeout": "120s"},
                                   request_timeout=130)
    assert health["number_of_nodes"] == 3 and health["status"] == "green", health


def _writing(client, pattern: str) -> bool:
    stats = client.indices.stats(index=pattern, metric="indexing")
    return bool(stats.get("_all")) and stats["_all"]["primaries"].get("indexing", {}).get("index_total", 0) > 0


@pytest.mark.parametrize("node", [2, 1], ids=["a-data-node", "the-node-bigsearch-talks-to"])
def test_a_node_restarted_mid_sync_leaves_a_finished_or_clearly_failed_sync_and_a_rerun_converges(
        protocols, tmp_path, node):
    from bigsearch.engines import interface as q
    from bigsearch.engines.opensearch_engine import OpenSearchEngine
    from bigsearch.index.sync import sync
    from bigsearch.search.searcher import Searcher

    client = _client()
    _wait_for_three_green_nodes(client)
    name = unique_index_name("restart")
    command = [sys.executable, "-m", "bigsearch", "index", str(protocols), "--engine", "opensearch", "--url",
               LIVE_URL, "--index-name", name, "--index-dir", str(tmp_path / "ix")]
    engine = OpenSearchEngine(LIVE_URL, name)
    try:
        run = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        deadline = time.monotonic() + 300
        while run.poll() is None and not _writing(client, f"{name}-*") and time.monotonic() < deadline:
            time.sleep(0.05)
        assert run.poll() is None, "the sync ended before a node could be restarted: give it more files"
        subprocess.run([str(NODE_DIR / "stop"), "--node", str(node), "--kill"], check=True)
        time.sleep(3)
        subprocess.run([str(NODE_DIR / "start"), "--nodes", "3"], check=True, stdout=subprocess.DEVNULL)
        _, errors = run.communicate(timeout=900)
        if run.returncode != 0:  # failing is allowed, clearly: one line naming the cluster, no traceback
            assert "Traceback" not in errors and "OpenSearch at" in errors, errors
        _wait_for_three_green_nodes(client)
        again = subprocess.run(command, capture_output=True, text=True, timeout=900)
        assert again.returncode == 0, again.stderr

        assert not sync(tmp_path / "whoosh", [protocols]).failed
        with Searcher(tmp_path / "whoosh") as whoosh:
            paragraphs = whoosh.stats().paragraphs
            expected = whoosh.search("Andersberg OR polisen", limit=10_000)
        with Searcher(tmp_path / "ix") as mine:
            found = mine.search("Andersberg OR polisen", limit=10_000)
        assert engine.count(q.All()) == paragraphs  # no duplicates, none lost
        assert {h.id for h in found.hits} == {h.id for h in expected.hits} and found.total == expected.total
        assert len(engine.sources()) == len(list(protocols.glob("*.txt")))
    finally:
        for index in client.indices.get(index=f"{name}-*"):
            client.indices.delete(index=index)
        engine.close()
        client.close()
