"""An archive of several folders: every place a source is shown names it by its path from the
folder it was indexed from, that folder's name first (bigsearch/index/names.py), so two files of
one name are never merged, never cited alike, and never share paragraph ids."""

from __future__ import annotations

import csv
import io
import json
import shutil
import tomllib
from pathlib import Path

import pytest
from typer.testing import CliRunner

from bigsearch.cli.app import app

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "corpus"
GAVLE, SANDVIKEN = "000_abf7e5c094538042.txt", "001_15d56eff24d3047a.txt"  # two meetings, both say "mötet"


def put(folder: Path, seed: str, name: str = "protokoll.txt") -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    return Path(shutil.copy(CORPUS / seed, folder / name))


@pytest.fixture()
def cli(tmp_path):
    runner = CliRunner()
    index_dir = tmp_path / "ix"

    def run(*args: str) -> str:
        where = [] if args[0] == "export" else ["--index-dir", str(index_dir)]
        result = runner.invoke(app, [*args, *where], terminal_width=200)
        assert result.exit_code in (0, 1), result.output
        return result.stdout

    return run


def hits(cli, query: str) -> list[dict]:
    return json.loads(cli("search", query, "--json", "--limit", "500"))["hits"]


def test_two_files_of_one_name_in_one_archive_are_never_merged(tmp_path, cli):
    archive = tmp_path / "archive"
    put(archive / "gavle", GAVLE)
    put(archive / "sandviken", SANDVIKEN)
    cli("index", str(archive))
    shown = {"archive/gavle/protokoll.txt", "archive/sandviken/protokoll.txt"}
    found = hits(cli, "mötet")
    assert {hit["source"] for hit in found} == shown
    assert set(cli("search", "mötet", "-l").split()) == shown
    counts = dict(line.rsplit(":", 1) for line in cli("search", "mötet", "-c").split())
    assert set(counts) == shown and sum(map(int, counts.values())) == len(found)
    cited = cli("search", "mötet", "--format", "md", "--limit", "500")
    assert cited.count("Källa: archive/") == len(found) and "Källa: protokoll.txt" not in cited
    rows = list(csv.DictReader(io.StringIO(cli("search", "mötet", "--format", "csv", "--limit", "500"))))
    assert {row["source"] for row in rows} == shown
    one = found[0]
    assert f"Källa: {one['source']}" in cli("show", one["id"])
    assert json.loads(cli("show", one["id"], "--json"))["paragraph"]["source"] == one["source"]
    prefixes = {hit["id"].rsplit("-", 2)[0] for hit in found}
    assert len(prefixes) == 2  # one id prefix per file: different ids, though the file names are the same
    exported = [json.loads(line) for line in cli("export", str(archive)).splitlines() if line.startswith("{")]
    assert {row["source"]["file"] for row in exported} == shown
    assert {row["id"] for row in exported} >= {hit["id"] for hit in found}  # export and index agree on ids
    meetings = {row["source"] for row in json.loads(cli("meetings", "--json"))}
    assert meetings == shown


def test_two_indexed_folders_of_one_name_never_collide(tmp_path, cli):
    """The same protocol (one meeting date) as protokoll.txt in a/gavle and b/gavle, indexed in two runs."""
    put(tmp_path / "a" / "gavle", GAVLE)
    put(tmp_path / "b" / "gavle", GAVLE)
    cli("index", str(tmp_path / "a" / "gavle"))
    cli("index", str(tmp_path / "b" / "gavle"))
    found = hits(cli, "mötet")
    assert {hit["source"] for hit in found} == {"gavle/protokoll.txt", "b/gavle/protokoll.txt"}
    assert len({hit["id"] for hit in found}) == len(found)
    assert len(cli("search", "mötet", "-l").split()) == 2
    before = {hit["id"] for hit in found}
    cli("index", str(tmp_path / "a" / "gavle"))  # again: every source keeps its name and its ids
    assert {hit["id"] for hit in hits(cli, "mötet")} == before
    assert "b/gavle/protokoll.txt" in cli("meeting", "b/gavle/protokoll.txt")


def test_a_file_of_one_name_and_date_in_two_bodies_folders_gets_its_own_ids(tmp_path, cli):
    """Minutes named by their date, one folder per body: two bodies that met the same day."""
    put(tmp_path / "ks", GAVLE, "2024-02-09.txt")
    put(tmp_path / "sn", GAVLE, "2024-02-09.txt")
    cli("index", str(tmp_path / "sn"), "--body", "Socialnämnden")
    cli("index", str(tmp_path / "ks"), "--body", "Kommunstyrelsen")
    ks = {hit["id"] for hit in hits(cli, "mötet body:Kommunstyrelsen")}
    sn = {hit["id"] for hit in hits(cli, "mötet body:Socialnämnden")}
    assert ks and sn and not ks & sn
    # A function of the file's shown path: the same in a fresh index, indexed in the other order.
    other = tmp_path / "ix2"
    runner = CliRunner()
    for folder in ("ks", "sn"):
        runner.invoke(app, ["index", str(tmp_path / folder), "--index-dir", str(other)])
    again = json.loads(runner.invoke(app, ["search", "mötet", "--json", "--limit", "500", "--index-dir", str(other)]).stdout)
    assert {hit["id"] for hit in again["hits"]} == ks | sn


def test_a_meeting_is_found_by_its_file_name_alone(tmp_path, cli):
    put(tmp_path / "archive" / "gavle", GAVLE)
    cli("index", str(tmp_path / "archive"))
    assert "archive/gavle/protokoll.txt" in cli("meeting", "protokoll.txt")


def test_the_bundled_corpus_keeps_the_ids_the_relevance_set_names(searcher):
    judged = tomllib.loads((ROOT / "bigsearch" / "data" / "relevance.toml").read_text("utf-8"))["query"]
    ids = {paragraph for query in judged for paragraph in query["relevant"]}
    assert ids and all(searcher.engine.paragraph(paragraph) is not None for paragraph in ids)
    assert {source["source"].split("/")[0] for source in searcher.engine.sources()} == {"corpus"}
