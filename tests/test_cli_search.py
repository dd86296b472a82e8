from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys

import pytest
from typer.testing import CliRunner

from bigsearch.cli.app import app

HIT_KEYS = {"id", "score", "date", "year", "doc_type", "source", "section", "section_title", "principal", "unit",
            "persons", "places", "text", "snippet", "highlights", "doc_title", "attendees", "title_highlights",
            "doc_title_highlights", "matched_attendees", "body", "page", "line", "section_prefix", "ocr", "ocr_confidence"}


@pytest.fixture()
def run(built_index):
    runner = CliRunner()

    def invoke(*args):
        return runner.invoke(app, [*args, "--index-dir", str(built_index)])

    return invoke


def test_search_json_shape_and_offsets(run):
    result = run("search", "fritidsgård", "--json", "--limit", "3")
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert set(data) == {"query", "total", "hits", "facets", "suggestion", "notes", "undated_excluded"}
    assert set(data["facets"]) >= {"year", "principal", "person", "place"}
    assert len(data["hits"]) == 3
    for hit in data["hits"]:
        assert set(hit) == HIT_KEYS
        words = [hit["text"][a:b] for a, b in hit["highlights"]]
        assert words and all(w.lower().startswith("fritidsgård") for w in words)


def test_search_text_output_without_terminal(run):
    result = run("search", "Andersberg")
    assert result.exit_code == 0
    assert "3 träffar" in result.stdout
    assert "\x1b[" not in result.stdout  # plain text when stdout is not a terminal
    assert "Huvudman:" in result.stdout and "Polisen (1)" in result.stdout


def test_zero_hits_exit_1_with_suggestion(run):
    result = run("search", "Andersbrg")
    assert result.exit_code == 1
    assert "Andersberg" in result.stdout


@pytest.mark.parametrize(
    "args",
    [["search", "mötet", "--year", "nittonhundra"], ["search", "mötet", "--principal", "Brandkåren"],
     ["search", "mötet", "--from", "inte ett datum"], ["search", ""], ["search", '"'], ["show", "no-such-id"],
     ["principal", "Okänd"], ["search", "x" * 5000]],
)
def test_bad_input_exit_2_one_line(run, args):
    result = run(*args)
    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.output
    assert len([line for line in result.output.splitlines() if line.strip()]) <= 4


def test_principal_report(run):
    result = run("principal", "polisen", "--json")
    data = json.loads(result.stdout)
    assert data["principal"] == "Polisen"
    assert [m["date"] for m in data["meetings"]] == ["2024-02-09", "2023-03-10"]
    text = run("principal", "Polisen", "--year", "2023").stdout
    assert "2023-03-10" in text and "2024-02-09" not in text


def test_listings_show_timeline_stats(run):
    assert "Andersberg" in run("places").stdout
    assert "Caroline Engberg" in run("persons").stdout
    assert "Välfärd Gävle" in run("principals").stdout
    shown = run("show", "2024-02-09-2b7e4b-s6-p13").stdout
    assert "Polisen" in shown and "Samma § 6" in shown
    timeline = json.loads(run("timeline", "Andersberg", "--by", "paragraph", "--json").stdout)
    assert timeline["years"] == {"2024": 3}
    stats = json.loads(run("stats", "--json").stdout)
    assert stats["documents"] == 5 and stats["schema_version"] >= 1


def test_eval_reports_metrics_with_the_shipped_relevance_set(run):
    result = run("eval", "--json")
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["mean"]["recall"] >= 0.95


def test_first_search_builds_the_index_in_a_subprocess(tmp_path, corpus_dir):
    env = {**os.environ, "BIGSEARCH_INDEX": str(tmp_path / "fresh-index"), "BIGSEARCH_CORPUS": str(corpus_dir)}
    proc = subprocess.run([sys.executable, "-m", "bigsearch", "search", "Andersberg", "--json"],
                          capture_output=True, text=True, env=env, timeout=300)
    assert proc.returncode == 0, proc.stderr
    assert "building it" in proc.stderr
    assert json.loads(proc.stdout)["total"] == 3
    again = subprocess.run([sys.executable, "-m", "bigsearch", "search", "Andersberg"],
                           capture_output=True, text=True, env=env, timeout=300)
    assert again.returncode == 0 and "building" not in again.stderr


def test_index_syncs_added_changed_and_removed_files(tmp_path, corpus_dir):
    docs = tmp_path / "docs"
    docs.mkdir()
    for name in sorted(os.listdir(corpus_dir))[:3]:
        shutil.copy(corpus_dir / name, docs / name)
    index_dir = tmp_path / "ix"
    runner = CliRunner()

    def index(*extra):
        result = runner.invoke(app, ["index", str(docs), "--index-dir", str(index_dir), *extra])
        assert result.exit_code == 0, result.output
        return result.output

    assert "3 added" in index()
    assert "3 unchanged" in index()
    first = sorted(docs.iterdir())[0]
    first.write_text(first.read_text("utf-8").replace("Dagordningen godkändes.", "Oro kring Hemlingby."), "utf-8")
    (sorted(docs.iterdir())[1]).unlink()
    output = index()
    assert "1 updated" in output and "1 removed" in output and "1 unchanged" in output
    found = runner.invoke(app, ["search", "Hemlingby", "--json", "--index-dir", str(index_dir)])
    assert json.loads(found.stdout)["total"] == 1
    assert "2 added" in index("--rebuild")


def test_index_from_another_schema_version_is_rebuilt(tmp_path, corpus_dir, monkeypatch):
    from bigsearch.engines import whoosh_schema as schema
    from bigsearch.engines import whoosh_store as store
    from bigsearch.index.sync import sync

    index_dir = tmp_path / "ix"
    monkeypatch.setattr(schema, "SCHEMA_VERSION", schema.SCHEMA_VERSION - 1)
    monkeypatch.setattr(store, "SCHEMA_VERSION", schema.SCHEMA_VERSION)
    monkeypatch.setattr(store.index_name, "__defaults__", (schema.SCHEMA_VERSION,))
    sync(index_dir, [corpus_dir])
    monkeypatch.undo()
    monkeypatch.setenv("BIGSEARCH_INDEX", str(index_dir))
    assert not store.exists(index_dir) and store.other_versions(index_dir)
    result = CliRunner().invoke(app, ["search", "Andersberg", "--json"])
    assert result.exit_code == 0
    assert "another version" in result.stderr
    assert store.exists(index_dir) and not store.other_versions(index_dir)
