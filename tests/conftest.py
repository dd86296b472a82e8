from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import settings

from bigsearch.engines.registry import ENGINES as ENGINE_TABLE

# Tests write only to temp dirs: no example database in the checkout.
settings.register_profile("bigsearch", database=None)
settings.load_profile("bigsearch")

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "corpus"


@pytest.fixture(scope="session")
def corpus_dir() -> Path:
    return CORPUS


@pytest.fixture(scope="session")
def seed_docs():
    """The bundled seed protocols, ingested once, keyed by the first three characters of the file name."""
    from bigsearch.ingest.pipeline import ingest_paths

    return {doc.source[:3]: doc for doc in ingest_paths([CORPUS])}


@pytest.fixture(scope="session")
def all_paragraphs(seed_docs):
    return [p for doc in seed_docs.values() for p in doc.paragraphs]


@pytest.fixture(autouse=True)
def _isolated_env(monkeypatch, tmp_path):
    """Tests never write outside a temp dir: the default index goes to tmp_path."""
    monkeypatch.setenv("BIGSEARCH_INDEX", str(tmp_path / "index"))
    monkeypatch.setenv("BIGSEARCH_CORPUS", str(CORPUS))


# The embedded engines of the engine table: every test that searches the shared index runs on
# each (the conformance suite). OpenSearch joins through tests/test_opensearch_conformance.py (an
# in-memory stand-in) and tests/test_opensearch_live.py (when a cluster is given).
ENGINES = tuple(name for name, entry in ENGINE_TABLE.items() if entry.embedded)


def _build(tmp_path_factory, engine: str) -> Path:
    from bigsearch.index.sync import sync

    index_dir = tmp_path_factory.mktemp(f"index-{engine}")
    report = sync(index_dir, [CORPUS], engine=engine)
    assert report.added == 5 and not report.failed
    return index_dir


@pytest.fixture(scope="session", params=ENGINES)
def built_index(request, tmp_path_factory) -> Path:
    """The bundled corpus indexed once per engine into a temp dir, shared read-only by the search tests."""
    return _build(tmp_path_factory, request.param)


@pytest.fixture(scope="session")
def whoosh_index(tmp_path_factory) -> Path:
    """For the few tests about one engine's files or pictures (browser snapshots)."""
    return _build(tmp_path_factory, "whoosh")


@pytest.fixture()
def searcher(built_index):
    from bigsearch.search.searcher import Searcher

    with Searcher(built_index) as s:
        yield s
