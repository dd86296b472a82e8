from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import settings

from bigsearch.engines.registry import ENGINES as ENGINE_TABLE
from tests import opensearch_node
from tests.opensearch_node import LIVE_URL

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
def indexed_docs():
    """The seed protocols as `bigsearch index corpus/` holds them: each shown as corpus/<file>, with
    the ids that hash it (bigsearch/index/names.py); keyed like seed_docs."""
    from bigsearch.index.names import naming
    from bigsearch.ingest.pipeline import ingest_paths

    return {doc.source.rsplit("/", 1)[-1][:3]: doc for doc in ingest_paths([CORPUS], named=naming([CORPUS]))}


@pytest.fixture(scope="session")
def all_paragraphs(indexed_docs):
    """Every seed paragraph as the index holds it (its id hashes its shown path)."""
    return [p for doc in indexed_docs.values() for p in doc.paragraphs]


@pytest.fixture(autouse=True)
def _isolated_env(monkeypatch, tmp_path):
    """Tests never write outside a temp dir: the default index goes to tmp_path."""
    monkeypatch.setenv("BIGSEARCH_INDEX", str(tmp_path / "index"))
    monkeypatch.setenv("BIGSEARCH_CORPUS", str(CORPUS))
    # What bigsearch says is Swedish unless the locale asks otherwise: fixed here, so that a
    # developer's English locale does not change what the tests read (tests/test_language.py
    # runs both languages).
    monkeypatch.setenv("BIGSEARCH_LANG", "sv")


@pytest.fixture()
def english(monkeypatch):
    """For a test that reads what bigsearch says in English (--lang en; tests/test_language.py)."""
    monkeypatch.setenv("BIGSEARCH_LANG", "en")


# Every test that searches the shared index runs on each engine of the engine table (the conformance
# suite): the embedded ones always, opensearch when a live cluster is given (BIGSEARCH_TEST_OPENSEARCH_URL:
# see tests/opensearch-node/). Offline, tests/test_opensearch_conformance.py runs it on a stand-in.
ENGINES = tuple(name for name, entry in ENGINE_TABLE.items() if entry.embedded or (name == "opensearch" and LIVE_URL))


@pytest.fixture(scope="session")
def index_of(tmp_path_factory):
    """engine name -> the bundled corpus indexed by that engine, built once per session, read-only."""
    from bigsearch.index.sync import sync

    built: dict[str, Path] = {}

    def build(engine: str) -> Path:
        if engine not in built:
            index_dir = tmp_path_factory.mktemp(f"index-{engine}")
            if engine == "opensearch":
                report = opensearch_node.build_index(index_dir, [CORPUS])
            else:
                report = sync(index_dir, [CORPUS], engine=engine)
            built[engine] = index_dir
            assert report.added == 5 and not report.failed
        return built[engine]

    yield build
    if "opensearch" in built:
        opensearch_node.drop_index(built["opensearch"])


@pytest.fixture(scope="session", params=ENGINES)
def built_index(request, index_of) -> Path:
    """The bundled corpus indexed once per engine into a temp dir, shared read-only by the search tests."""
    return index_of(request.param)


@pytest.fixture(scope="session")
def whoosh_index(index_of) -> Path:
    """For the few tests about one engine's files or pictures (browser snapshots)."""
    return index_of("whoosh")


@pytest.fixture()
def searcher(built_index):
    from bigsearch.search.searcher import Searcher

    with Searcher(built_index) as s:
        yield s
