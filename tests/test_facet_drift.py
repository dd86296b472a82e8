"""A facet is one declaration. A throw-away facet registered here — nowhere else — appears in the
CLI's help and both its parsers, the query language, Filters and the API, every engine's schema
(whoosh, tantivy, opensearch), the JSON output and the browser's facet sidebar."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from bigsearch.engines.registry import ENGINES
from bigsearch.facets import FACETS, Facet, Option
from bigsearch.search.results import Filters
from bigsearch.search.searcher import Searcher

LONG = 200  # characters
EMBEDDED = [name for name, entry in ENGINES.items() if entry.embedded]


class Length(Facet):
    """Short or long paragraphs: its extraction is the one line of `extract`."""

    name, title = "length", "Längd"
    query_names = ("length", "längd")
    query_help = "short or long paragraphs"
    options = (Option("--length", "length", "short or long paragraphs."),)

    def extract(self, paragraph, doc) -> str:
        return "long" if len(paragraph.text) >= LONG else "short"


@pytest.fixture()
def length():
    facet = FACETS.register(Length())
    try:
        yield facet
    finally:
        FACETS.unregister(facet.name)


@pytest.fixture()
def expected(all_paragraphs) -> dict[str, int]:
    """How many paragraphs of the corpus each value holds, counted from the ingested paragraphs."""
    long = sum(len(p.text) >= LONG for p in all_paragraphs)
    assert 0 < long < len(all_paragraphs)
    return {"long": long, "short": len(all_paragraphs) - long}


def test_the_registry_refuses_a_name_already_taken(length):
    clash = Length()
    clash.name = "other"
    with pytest.raises(ValueError, match="length"):
        FACETS.register(clash)


def test_cli_help_and_both_parsers_take_its_flag(length):
    from bigsearch.cli.app import make_app
    from bigsearch.cli.entry import _parser

    app = make_app()  # built from the registry as it is now
    for command in (["search"], ["meetings"], ["browse"], ["timeline"], ["watch", "add"]):
        help_text = CliRunner().invoke(app, [*command, "--help"], terminal_width=200).stdout
        assert "--length" in help_text and "short or long paragraphs." in help_text, command
    assert "--length" not in CliRunner().invoke(app, ["person", "--help"], terminal_width=200).stdout  # period only
    assert _parser().parse_args(["q", "--length", "long"]).length == "long"
    assert Filters(length="long").length == "long" and Filters().length is None


@pytest.fixture(params=EMBEDDED)
def indexed(request, length, tmp_path, corpus_dir):
    from bigsearch.index.sync import sync

    index_dir = tmp_path / f"index-{request.param}"
    report = sync(index_dir, [corpus_dir], engine=request.param)
    assert report.added == 5 and not report.failed
    return index_dir


def test_every_embedded_engine_indexes_counts_and_filters_it(indexed, expected):
    with Searcher(indexed) as searcher:
        assert searcher.search("length:long", limit=0).total == expected["long"]
        assert searcher.search("längd:short", limit=0).total == expected["short"]
        assert searcher.search("mötet", limit=0).facets["length"] == {
            value: searcher.search("mötet length:" + value, limit=0).total for value in ("long", "short")
            if searcher.search("mötet length:" + value, limit=0).total}
        everything = searcher.browse(Filters(length="long"), limit=1000)
        assert everything.total == expected["long"] and everything.facets["length"] == {"long": expected["long"]}
        assert all(len(hit.text) >= LONG for hit in everything.hits)
        picked = searcher.browse(Filters(facets={"length": "short"}), limit=0)
        assert picked.total == expected["short"]
        with pytest.raises(Exception, match="medium"):
            searcher.search("length:medium")


def test_the_schemas_hold_it(length, indexed):
    from bigsearch.engines.opensearch_mapping import mappings
    from bigsearch.engines.whoosh_schema import make_schema

    assert "length" in make_schema().names()
    assert mappings()["properties"]["length"] == {"type": "keyword"}
    if (indexed / "meta.json").is_file():  # tantivy keeps its schema in meta.json
        fields = {field["name"]: field for field in json.loads((indexed / "meta.json").read_text())["schema"]}
        assert fields["length"]["options"]["fast"]


def test_the_opensearch_engine_indexes_counts_and_filters_it(length, corpus_dir, expected):
    from bigsearch.engines.opensearch_engine import OpenSearchEngine
    from bigsearch.index.sync import sync_engine
    from tests.opensearch_memory import MemoryCluster

    memory = MemoryCluster()
    engine = OpenSearchEngine("https://search.example.org:9200", "drift", client=memory.client(), clock=lambda: "t1")
    assert sync_engine(engine, [corpus_dir]).added == 5
    with Searcher(corpus_dir, engine=engine) as searcher:
        assert searcher.search("length:long", limit=0).total == expected["long"]
        assert searcher.browse(Filters(length="short"), limit=0).facets["length"] == {"short": expected["short"]}


def test_json_output_carries_it(indexed, expected):
    from bigsearch.cli.app import make_app

    result = CliRunner().invoke(make_app(), ["search", "mötet", "--length", "long", "--json", "--limit", "3",
                                             "--index-dir", str(indexed)])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert set(data["facets"]["length"]) == {"long"}
    assert data["hits"] and all(hit["length"] == "long" for hit in data["hits"])


async def test_the_browser_lists_it_in_its_sidebar(indexed):
    from bigsearch.tui.app import BrowseApp
    from bigsearch.tui.widgets.facet_sidebar import SEPARATOR, FacetSidebar

    searcher = Searcher(indexed)
    app = BrowseApp(searcher, "mötet")
    try:
        async with app.run_test(size=(120, 40)) as pilot:
            await pilot.pause()
            await app.workers.wait_for_complete()
            await pilot.pause()
            sidebar = app.query_one(FacetSidebar)
            labels = [str(sidebar.get_option_at_index(n).prompt) for n in range(sidebar.option_count)]
            ids = [sidebar.get_option_at_index(n).id for n in range(sidebar.option_count)]
            assert "Längd" in labels
            assert f"length{SEPARATOR}long" in ids
    finally:
        searcher.close()


def test_export_carries_it(length, corpus_dir, expected):
    from bigsearch.cli.app import make_app

    result = CliRunner().invoke(make_app(), ["export", str(corpus_dir)])
    assert result.exit_code == 0, result.output
    rows = [json.loads(line) for line in result.stdout.splitlines() if line.startswith("{")]
    assert sum(row["length"] == "long" for row in rows) == expected["long"]
