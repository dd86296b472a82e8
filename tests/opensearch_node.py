"""The live OpenSearch the tests can run against: the node(s) of tests/opensearch-node/.

BIGSEARCH_TEST_OPENSEARCH_URL names it (tests/opensearch-node/start prints the URL); without it
every live test is skipped with the reason. Each use takes an index name of its own and deletes
its indices afterwards, so a run leaves the cluster as it found it.
"""

from __future__ import annotations

import os
import shutil
import uuid
from pathlib import Path

LIVE_URL = os.environ.get("BIGSEARCH_TEST_OPENSEARCH_URL")
NODE_DIR = Path(__file__).parent / "opensearch-node"


def skip_reason() -> str:
    missing = [tool for tool in ("java", "mvn") if shutil.which(tool) is None]
    if missing:
        return (f"no {' or '.join(missing)} on this machine: the live OpenSearch tests need the test node "
                "(tests/opensearch-node/ builds it with Java 17+ and Maven)")
    return ("BIGSEARCH_TEST_OPENSEARCH_URL is not set: start a node with tests/opensearch-node/start "
            "and set the variable to the URL it prints")


def unique_index_name(purpose: str = "test") -> str:
    return f"bigsearch-{purpose}-{uuid.uuid4().hex[:10]}"


def build_index(index_dir: Path, paths: list[Path], url: str = "", index_name: str | None = None):
    """`bigsearch index --engine opensearch` into a fresh index of the live cluster; the folder remembers it."""
    from bigsearch.index.sync import sync

    return sync(index_dir, paths, engine="opensearch",
                settings={"url": url or LIVE_URL, "index_name": index_name or unique_index_name()})


def drop_index(index_dir: Path) -> None:
    """Deletes the cluster indices behind the index folder's alias."""
    from bigsearch.engines.registry import open_engine

    engine = open_engine(index_dir)
    try:
        drop(engine)
    finally:
        engine.close()


def drop(engine) -> None:
    for index in engine.concrete_indices():
        engine.client.indices.delete(index=index)
