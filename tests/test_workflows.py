"""Research workflows through the CLI: meetings, people, principals, citations, alerts, grep habits."""

from __future__ import annotations

import csv
import io
import json
import os
import shutil
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from bigsearch.cli.app import app

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture()
def run(built_index):
    runner = CliRunner()

    def invoke(*args: str, env: dict | None = None):
        return runner.invoke(app, [*args, "--index-dir", str(built_index)], env=env, terminal_width=200)

    return invoke


def doc_by_date(seed_docs, date):
    return next(doc for doc in seed_docs.values() if doc.date == date)


# -- meetings and people --------------------------------------------------------------------------


def test_meetings_lists_one_line_per_protocol(run, seed_docs):
    data = json.loads(run("meetings", "--json").stdout)
    assert len(data) == len(seed_docs)
    by_date = {row["date"]: row for row in data}
    doc = doc_by_date(seed_docs, "2024-02-09")
    row = by_date["2024-02-09"]
    assert row["body"] == "BIG" and row["type"] == "protokoll"
    assert row["sections"] == len({p.section for p in doc.paragraphs if p.section})
    assert row["attendees"] == len(doc.attendees)
    assert set(row["principals"]) == {p.principal for p in doc.paragraphs if p.principal}
    assert [r["date"] for r in json.loads(run("meetings", "--year", "2024", "--json").stdout)] == ["2024-02-09"]
    assert [r["date"] for r in json.loads(run("meetings", "Andersberg", "--json").stdout)] == ["2024-02-09"]


def test_meeting_shows_the_whole_protocol_with_hits_marked(run, seed_docs):
    result = run("meeting", "2024-02-09", "Andersberg", "--json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    doc = doc_by_date(seed_docs, "2024-02-09")
    assert [p["id"] for p in data["paragraphs"]] == [p.id for p in doc.paragraphs]
    assert {a["name"]: a["organisation"] for a in data["attendees"]} == {a.name: a.organisation for a in doc.attendees}
    assert set(data["matched"]) == {p.id for p in doc.paragraphs if "Andersberg" in p.text}
    text = run("meeting", "2024-02-09", "Andersberg", "--no-pager").stdout
    assert "Måns Jennehag — Polisen" in text and text.count("  ▶ ") == len(data["matched"])
    missing = run("meeting", "1999-01-01")
    assert missing.exit_code == 2 and "bigsearch meetings" in missing.output


@pytest.mark.parametrize("typed", ["jennehag", "Mans Jennehag", "MÅNS JENNEHAG"])
def test_person_matches_any_case_with_or_without_diacritics(run, seed_docs, typed):
    data = json.loads(run("person", typed, "--json").stdout)
    assert data["name"] == "Måns Jennehag"
    attended = [row for row in data["meetings"] if row["attended"]]
    expected = [doc for doc in seed_docs.values() if any(a.name == "Måns Jennehag" for a in doc.attendees)]
    assert len(attended) == len(expected) == 4
    assert all(row["attended"]["organisation"] == "Polisen" for row in attended)


def test_person_knows_who_chaired(run):
    data = json.loads(run("person", "Gagge", "--json").stdout)
    chaired = [row["date"] for row in data["meetings"] if row["chaired"]]
    assert chaired == ["2023-03-10"]  # "Mötesordförande Jens Gagge hälsade välkommen"


def test_an_ambiguous_name_asks_which():
    from bigsearch.errors import QueryError
    from bigsearch.facets import resolve_person

    with pytest.raises(QueryError, match="could be Anna Berg, Anna Lind"):
        resolve_person("anna", ["Anna Berg", "Anna Lind", "Per Ek"])


def test_principal_lists_meetings_present_without_report(run, seed_docs):
    data = json.loads(run("principal", "polisen", "--json").stdout)
    expected = sorted(
        doc.date for doc in seed_docs.values()
        if any(a.principal == "Polisen" for a in doc.attendees) and not any(p.principal == "Polisen" for p in doc.paragraphs)
    )
    assert expected and sorted(m["date"] for m in data["present_without_report"]) == expected
    bounded = json.loads(run("principal", "polisen", "--from", "2024-01-01", "--to", "2024-12-31", "--json").stdout)
    assert [m["date"] for m in bounded["meetings"]] == ["2024-02-09"] and bounded["present_without_report"] == []


def test_timeline_counts_meetings_by_default_and_paragraphs_on_request(run):
    meetings = json.loads(run("timeline", "Andersberg", "--json").stdout)
    paragraphs = json.loads(run("timeline", "Andersberg", "--by", "paragraph", "--json").stdout)
    assert meetings["years"] == {"2024": 1} and paragraphs["years"] == {"2024": 3}


# -- citing ---------------------------------------------------------------------------------------


def test_markdown_citations_are_ready_to_paste(run):
    text = run("search", "Andersberg", "--format", "md").stdout
    assert text.count("> — ") == 3
    assert "**Andersberg**" in text and "BIG, protokoll, 2024-02-09, § 6" in text
    assert "Källa: 000_abf7e5c094538042.txt" in text and "`2024-02-09-2b7e4b-s6-p13`" in text


def test_csv_and_json_citations(run):
    rows = list(csv.DictReader(io.StringIO(run("search", "Andersberg", "--format", "csv").stdout)))
    assert len(rows) == 3 and all("[Andersberg]" in row["quote"] for row in rows)
    assert {row["principal"] for row in rows} == {"Social hållbarhet", "Polisen", "Livsmiljö Gävle"}
    lines = [json.loads(line) for line in run("search", "Andersberg", "--format", "json").stdout.splitlines()]
    assert len(lines) == 3 and all("«Andersberg»" in line["quote"] and line["body"] == "BIG" for line in lines)


def test_show_with_context_and_open(run, seed_docs, monkeypatch):
    doc = doc_by_date(seed_docs, "2024-02-09")
    ids = [p.id for p in doc.paragraphs]
    target = ids[5]
    data = json.loads(run("show", target, "-C", "2", "--json").stdout)
    assert [n["id"] for n in data["neighbours"]] == ids[3:8]
    started = []  # the viewer is started, never waited for: record the command instead of timing a child
    monkeypatch.setattr("bigsearch.opener.subprocess.Popen", lambda command, **kw: started.append(command))
    result = run("show", target, "--open", env={"BIGSEARCH_OPEN": "viewer --flag"})
    assert result.exit_code == 0, result.output
    assert len(started) == 1 and started[0][:2] == ["viewer", "--flag"] and started[0][-1].endswith(doc.source)


# -- alerts ---------------------------------------------------------------------------------------


def test_watch_shows_only_what_is_new_and_survives_reindexing(tmp_path):
    from bigsearch.index.sync import sync

    corpus = tmp_path / "corpus"
    corpus.mkdir()
    shutil.copy(ROOT / "corpus" / "004_943a0a2b978b1b13.txt", corpus)
    index_dir = tmp_path / "index"
    sync(index_dir, [corpus])
    runner = CliRunner()

    def bs(*args):
        return runner.invoke(app, [*args, "--index-dir", str(index_dir)], terminal_width=200)

    assert bs("watch", "add", "Andersberg", "--name", "ab").exit_code == 0
    assert bs("watch", "add", "Andersberg", "--name", "ab").exit_code == 2  # the name is taken
    assert json.loads(bs("watch", "list", "--json").stdout)[0]["query"] == "Andersberg"
    assert json.loads(bs("watch", "--json").stdout)[0]["new"] == []
    shutil.copy(ROOT / "corpus" / "000_abf7e5c094538042.txt", corpus)  # the 2024 protocol mentions Andersberg
    sync(index_dir, [corpus], rebuild=True)
    new = json.loads(bs("watch", "--json").stdout)[0]["new"]
    assert len(new) == 3 and all("Andersberg" in hit["text"] for hit in new)
    assert json.loads(bs("watch", "--json").stdout)[0]["new"] == []  # shown once
    assert bs("watch", "remove", "ab").exit_code == 0
    assert bs("watch", "remove", "ab").exit_code == 2


# -- grep habits ----------------------------------------------------------------------------------


def test_files_with_matches_and_counts(run, all_paragraphs):
    files = run("search", "Andersberg", "-l").stdout.split()
    assert files == ["000_abf7e5c094538042.txt"]
    counts = dict(line.rsplit(":", 1) for line in run("search", "Bomhus", "-c").stdout.splitlines())
    expected: dict[str, int] = {}
    for p in all_paragraphs:
        if "Bomhus" in p.text:
            expected[p.source] = expected.get(p.source, 0) + 1
    assert {k: int(v) for k, v in counts.items()} == expected


def test_colour_choices_and_no_color(run):
    always = run("search", "Andersberg", "--color", "always").stdout
    never = run("search", "Andersberg", "--color", "never").stdout
    assert "\x1b[" in always and "\x1b[" not in never
    auto = run("search", "Andersberg", env={"NO_COLOR": "1"}).stdout
    assert "\x1b[" not in auto


def test_version_and_a_query_that_starts_with_a_dash(built_index):
    result = CliRunner().invoke(app, ["--version"])
    assert result.exit_code == 0 and result.stdout.startswith("bigsearch ")
    dashed = CliRunner().invoke(app, ["search", "--index-dir", str(built_index), "--limit", "100", "--json", "--",
                                      "-Bomhus"])
    assert dashed.exit_code == 0, dashed.output
    assert all("Bomhus" not in hit["text"] for hit in json.loads(dashed.stdout)["hits"])


def test_the_real_entry_point_handles_dash_queries(tmp_path, built_index):
    import subprocess

    env = {**os.environ, "PYTHONPATH": str(ROOT), "BIGSEARCH_INDEX": str(built_index)}
    proc = subprocess.run([sys.executable, "-m", "bigsearch", "search", "--limit", "1", "--", "-Bomhus"],
                          capture_output=True, text=True, env=env, timeout=120)
    assert proc.returncode == 0 and "träffar" in proc.stdout, proc.stderr
