"""The body that met (organ) as a facet: --body, body:/organ: in queries, the meetings column,
one serialisation in JSON, and `index DIR --body NAME` for a folder that is one body's archive."""

from __future__ import annotations

import json
import shutil

import pytest
from typer.testing import CliRunner

from bigsearch.cli.app import app
from bigsearch.engines.registry import ENGINES
from bigsearch.errors import QueryError
from bigsearch.search.results import Filters
from bigsearch.search.searcher import Searcher


def test_the_seeds_body_comes_from_their_title_and_is_a_counted_facet(searcher):
    found = searcher.search_every("mötet")
    protocols = [hit for hit in found.hits if hit.doc_type == "protokoll"]
    assert protocols and all(hit.body == "BIG" for hit in protocols)  # "Protokoll fört vid ledningsgruppsmöte BIG …"
    assert all(hit.body is None for hit in found.hits if hit.doc_type != "protokoll")  # BIG's yttrande: no meeting
    assert searcher.search("mötet").facets["body"] == {"BIG": len(protocols)}


def test_body_and_organ_name_the_facet_in_a_query(searcher):
    protocols = searcher.search("type:protokoll", limit=0).total
    assert searcher.search("body:BIG", limit=0).total == searcher.search("organ:big", limit=0).total == protocols
    assert searcher.search("Organ:BIG mötet", limit=0).total == searcher.search("mötet type:protokoll", limit=0).total
    assert searcher.search("mötet -organ:BIG", limit=0).total == searcher.search("mötet -type:protokoll", limit=0).total


def test_text_searches_the_paragraph_text_that_body_once_did(searcher):
    words = searcher.search("text:våld", limit=0).total
    assert words == searcher.search("brödtext:våld", limit=0).total > 0
    with pytest.raises(QueryError, match="no body 'våld'.*text:"):
        searcher.search("body:våld")


def test_the_body_filter_resolves_any_case_and_says_what_it_knows(searcher):
    total = searcher.search("mötet type:protokoll", limit=0).total
    assert searcher.search("mötet", Filters(body="big"), limit=0).total == total > 0
    with pytest.raises(QueryError, match=r"no body 'Socialnämnden'.*known: BIG"):
        searcher.search("mötet", Filters(body="Socialnämnden"))


def test_json_and_format_json_give_the_same_body(built_index):
    runner = CliRunner()
    args = ["search", "mötet", "--limit", "40", "--index-dir", str(built_index)]
    as_json = json.loads(runner.invoke(app, [*args, "--json"]).stdout)["hits"]
    lines = [json.loads(line) for line in runner.invoke(app, [*args, "--format", "json"]).stdout.splitlines()]
    assert [hit["body"] for hit in as_json] == [line["body"] for line in lines]
    assert {hit["body"] for hit in as_json} == {"BIG", None}  # the yttrande names no meeting body


def test_cli_body_flag_and_meetings_column(built_index):
    runner = CliRunner()
    found = runner.invoke(app, ["meetings", "--body", "big", "--json", "--index-dir", str(built_index)])
    assert found.exit_code == 0, found.output
    assert {row["body"] for row in json.loads(found.stdout)} == {"BIG"}
    missing = runner.invoke(app, ["search", "mötet", "--body", "Kommunstyrelsen", "--index-dir", str(built_index)])
    assert missing.exit_code == 2 and "no body 'Kommunstyrelsen'" in missing.stderr


@pytest.mark.parametrize("engine", [name for name, entry in ENGINES.items() if entry.embedded])
def test_index_body_names_a_folders_body_and_later_runs_keep_it(tmp_path, corpus_dir, engine):
    from bigsearch.index.sync import sync

    archive = tmp_path / "ks"
    archive.mkdir()
    files = sorted(corpus_dir.glob("*.txt"))
    for path in files[:2]:
        shutil.copy(path, archive / path.name)
    other = tmp_path / "big"
    other.mkdir()
    shutil.copy(files[3], other / files[3].name)  # a BIG protocol (files[2] is an yttrande)
    index_dir = tmp_path / "ix"
    sync(index_dir, [archive], body="Kommunstyrelsen", engine=engine)
    sync(index_dir, [other])

    def bodies() -> dict[str, int]:
        with Searcher(index_dir) as searcher:
            return searcher.search("mötet", limit=0).facets["body"]

    first = bodies()
    assert set(first) == {"Kommunstyrelsen", "BIG"}
    changed = archive / files[0].name
    changed.write_text(changed.read_text("utf-8") + "\nMötet avslutades.\n", "utf-8")
    report = sync(index_dir, [archive])  # no --body: the folder's body is kept for its files
    assert report.updated == 1
    assert bodies() == first
    with Searcher(index_dir) as searcher:
        assert searcher.search("mötet", Filters(body="kommunstyrelsen"), limit=0).total == first["Kommunstyrelsen"]
    assert sync(index_dir, [archive]).unchanged == 2
