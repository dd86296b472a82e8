"""Issue "Trust": crashes, wrong counts and wrong answers seen by a new user, each pinned by a test."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from bigsearch.analysis.analyzer import main_analyzer, terms
from bigsearch.cli.app import app
from bigsearch.search import expand
from bigsearch.search.results import Filters

ROOT = Path(__file__).resolve().parent.parent


def words_highlighted(hit) -> list[str]:
    return [hit.text[start:end].lower() for start, end in hit.highlights]


# -- crashes and hangs ----------------------------------------------------------------------------


@pytest.mark.parametrize("query", ["year:2019", "år:2019", "ar:2019"])
def test_year_field_finds_that_year(searcher, query):
    result = searcher.search(query, limit=100)
    assert result.total > 0
    assert {hit.year for hit in result.hits} == {2019}
    assert result.facets["year"] == {"2019": result.total}


def test_year_ranges_in_both_spellings_agree(searcher):
    dots = searcher.search("year:2019..2020", limit=1000)
    brackets = searcher.search("year:[2019 TO 2020]", limit=1000)
    assert dots.total == brackets.total > 0
    assert {h.id for h in dots.hits} == {h.id for h in brackets.hits}
    assert {hit.year for hit in dots.hits} == {2019, 2020}


def test_year_field_with_words_and_timeline(searcher):
    result = searcher.search("år:2024 Andersberg")
    assert result.total == 3 and all(hit.year == 2024 for hit in result.hits)
    timeline = searcher.timeline("year:2019")
    assert timeline.counts == {2019: searcher.search("year:2019").total}


def test_fuzzy_edits_are_capped_with_a_note(searcher):
    result = searcher.search("Andersberg~99")
    assert result.total == 3
    assert any("at most 2 edits" in note for note in result.notes)


class BigLexicon:
    """A vocabulary far larger than any bound, to count what a search looks at."""

    def __init__(self, size: int):
        self.terms = [f"a{n:07d}" for n in range(size)]
        self.looked_at = 0

    def df(self, field, term):
        return 1

    def prefixed(self, field, prefix):
        for term in self.terms:
            if term.startswith(prefix):
                self.looked_at += 1
                yield term


def test_fuzzy_and_suggestion_work_is_bounded_by_construction():
    lexicon = BigLexicon(5 * expand.MAX_SCAN)
    budget = expand.Budget()
    expand.fuzzy_terms(lexicon, "text", "a0000017", 2, budget)
    assert lexicon.looked_at <= expand.MAX_SCAN + 1 and budget.notes
    lexicon.looked_at = 0
    expand.closest_term(lexicon, "text", "axxxxxxx", budget)
    assert lexicon.looked_at <= 2 * (expand.MAX_SCAN + 1)
    lexicon.looked_at = 0
    assert expand.closest_term(lexicon, "text", "a" * 900, budget) is None
    assert lexicon.looked_at == 0  # a 900-letter word is compared with nothing
    terms_found = expand.prefix_terms(lexicon, "text", "a", budget)
    assert len(terms_found) == expand.MAX_EXPANSIONS


def test_a_900_letter_word_gets_no_suggestion_and_no_scan(searcher):
    result = searcher.search("b" * 900)
    assert result.total == 0 and result.suggestion is None


def test_suggestion_still_works(searcher):
    assert searcher.search("Andersbreg").suggestion == "Andersberg"


def _bigsearch_pipe(args: str, tmp_path: Path, built_index: Path) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": str(ROOT), "BIGSEARCH_INDEX": str(built_index)}
    return subprocess.run(
        f"{sys.executable} -m bigsearch {args} | head -1", shell=True, capture_output=True, text=True, env=env,
        cwd=tmp_path, timeout=120,
    )


@pytest.mark.parametrize("args", ["search och --limit 10000", "search och --limit 10000 --json",
                                  "principal polisen", "export"])
def test_piped_into_head_ends_quietly(tmp_path, built_index, args):
    proc = _bigsearch_pipe(args, tmp_path, built_index)
    assert proc.stdout.strip(), proc.stderr
    assert "Traceback" not in proc.stderr and "BrokenPipe" not in proc.stderr, proc.stderr


# -- undated documents ----------------------------------------------------------------------------


@pytest.fixture(scope="module")
def undated_index(tmp_path_factory):
    from bigsearch.index.sync import sync

    corpus = tmp_path_factory.mktemp("undated-corpus")
    for name in ("004_943a0a2b978b1b13.txt", "000_abf7e5c094538042.txt"):
        (corpus / name).write_bytes((ROOT / "corpus" / name).read_bytes())
    (corpus / "odaterat.txt").write_text(
        "Anteckningar från arbetsgruppen\n\nVi talade om tryggheten i Andersberg och om fritidsgården där.\n\n"
        "Polisen berättade om läget i Andersberg under hösten.\n",
        encoding="utf-8",
    )
    index_dir = tmp_path_factory.mktemp("undated-index")
    sync(index_dir, [corpus])
    return index_dir


@pytest.fixture()
def undated_searcher(undated_index):
    from bigsearch.search.searcher import Searcher

    with Searcher(undated_index) as searcher:
        yield searcher


def test_undated_paragraphs_have_no_year_and_are_counted_as_undated(undated_searcher):
    result = undated_searcher.search("Andersberg", limit=100)
    undated = [hit for hit in result.hits if hit.date is None]
    assert undated and all(hit.year is None for hit in undated)
    assert result.facets["year"]["undated"] == len(undated)
    assert all(key == "undated" or 1900 < int(key) < 2100 for key in result.facets["year"])
    stats = undated_searcher.stats()
    assert stats.undated >= len(undated) and all(1900 < year < 2100 for year in stats.years)
    for facet in ("principal", "place", "person"):
        for row in undated_searcher.listing(facet):
            for year in (row.first_year, row.last_year):
                assert year is None or 1900 < year < 2100, row


def test_a_year_filter_says_how_many_undated_hits_it_left_out(undated_searcher):
    everything = undated_searcher.search("Andersberg", limit=100)
    undated = sum(1 for hit in everything.hits if hit.date is None)
    filtered = undated_searcher.search("Andersberg", Filters(year="2024"), limit=100)
    assert filtered.undated_excluded == undated > 0
    from bigsearch.cli.render import format_search

    assert "odaterade" in format_search(filtered, color=False)


def test_timeline_spans_only_years_with_hits_and_marks_gaps(searcher):
    timeline = searcher.timeline("Mötesordförande OR trygghetsplan")
    rows = dict(timeline.rows())
    assert min(rows) == min(timeline.counts) and max(rows) == max(timeline.counts)
    assert len(rows) == max(rows) - min(rows) + 1  # bounded by the years with hits
    for year, count in rows.items():
        if year in timeline.years_with_protocols:
            assert count == timeline.counts.get(year, 0)
        else:
            assert count is None  # no protocol at all that year: a gap, not "0 hits"
    assert None in rows.values()  # the bundled corpus has no protocols in 2021–2022


def test_timeline_cli_prints_undated_once_and_stops(undated_index):
    result = CliRunner().invoke(app, ["timeline", "Andersberg", "--index-dir", str(undated_index)])
    assert result.exit_code == 0, result.output
    lines = [line for line in result.stdout.splitlines() if line.strip()]
    assert len(lines) <= 4 and any(line.startswith("utan datum") for line in lines)


# -- wrong answers --------------------------------------------------------------------------------


def test_a_word_with_diacritics_matches_only_that_spelling(searcher):
    for query, banned in (("år", "är"), ("här", "har"), ("möte", "mot")):
        result = searcher.search(query, limit=1000)
        for hit in result.hits:
            assert banned not in words_highlighted(hit), (query, hit.id)
            assert words_highlighted(hit) or hit.title_highlights or hit.doc_title_highlights, (query, hit.id)


def test_counts_never_include_folded_only_hits_of_a_query_with_diacritics(searcher, all_paragraphs):
    result = searcher.search("år", limit=1000)
    expected = {p.id for p in all_paragraphs if re.search(r"\bår(?:en|et|s)?\b", p.text, re.IGNORECASE)}
    assert {hit.id for hit in result.hits} >= expected
    assert result.total == len(result.hits)
    assert all(re.search(r"\bår", hit.text + " " + (hit.section_title or ""), re.IGNORECASE) for hit in result.hits)


def test_folded_spelling_still_finds_the_diacritic_one(searcher):
    result = searcher.search("Satra")
    assert result.total == 2 and all("Sätra" in hit.text for hit in result.hits)


@pytest.mark.parametrize("query, forms", [("skola", ("skolan", "skolans")), ("skolan", ("skola", "skolor"))])
def test_inflected_forms_find_each_other(searcher, all_paragraphs, query, forms):
    found = {hit.id for hit in searcher.search(query, limit=1000).hits}
    for form in forms:
        holding = {p.id for p in all_paragraphs if re.search(rf"\b{form}\b", p.text, re.IGNORECASE)}
        assert holding <= found, (query, form, holding - found)


def test_coordinated_compounds_are_indexed_with_their_full_forms(searcher, all_paragraphs):
    holding = {p.id for p in all_paragraphs if "drog- och brottsförebyggande" in p.text}
    assert holding
    found = {hit.id for hit in searcher.search("drogförebyggande", limit=100).hits}
    assert holding <= found
    assert "barnnämnd" in terms(main_analyzer(), "barn- och ungdomsnämnden", mode="index")
    assert "barnnämnd" not in terms(main_analyzer(), "barn och ungdomsnämnden", mode="index")


@pytest.mark.parametrize("query", ["motionen", "18KS36", "trygghetsplan"])
def test_document_title_and_dnr_are_searchable_and_shown(searcher, query):
    result = searcher.search(query, limit=50)
    yttrande = [hit for hit in result.hits if hit.doc_type == "yttrande"]
    assert yttrande and all("18KS36" in (hit.doc_title or "") for hit in yttrande)
    from bigsearch.cli.render import format_search

    assert "dnr 18KS36" in format_search(result, color=False)


def test_attendance_is_searchable_and_faceted(searcher, seed_docs):
    meetings = [doc for doc in seed_docs.values() if any("Jennehag" in a.name for a in doc.attendees)]
    assert len(meetings) == 4
    result = searcher.search("Jennehag", limit=50)
    assert result.total == len(meetings)  # once per meeting, on its first paragraph
    assert all(hit.matched_attendees == ["Måns Jennehag"] for hit in result.hits)
    by_field = searcher.search("person:Jennehag", limit=0)
    filtered = searcher.search("mötet", Filters(attendee="jennehag"), limit=0)
    paragraphs_of_those_meetings = sum(len(doc.paragraphs) for doc in meetings)
    assert by_field.total == paragraphs_of_those_meetings
    assert 0 < filtered.total <= paragraphs_of_those_meetings
    assert by_field.facets["attendee"]["Måns Jennehag"] == paragraphs_of_those_meetings
    persons = {row.name: row for row in searcher.listing("person")}
    assert persons["Måns Jennehag"].attended == 4


def test_a_match_in_the_section_title_is_highlighted(searcher):
    result = searcher.search("aktuellt", limit=50)
    title_only = [hit for hit in result.hits if not hit.highlights]
    assert title_only
    for hit in title_only:
        assert hit.title_highlights
        start, end = hit.title_highlights[0]
        assert hit.section_title[start:end].lower() == "aktuellt"
    from bigsearch.cli.render import format_search

    assert "\x1b[1;30;43mAktuellt\x1b[0m" in format_search(result, color=True)


def test_a_word_naming_a_principal_also_finds_its_paragraphs_ranked_after_text_matches(searcher, all_paragraphs):
    result = searcher.search("polisen", limit=1000)
    ids = [hit.id for hit in result.hits]
    reported = {p.id for p in all_paragraphs if p.principal == "Polisen"}
    assert reported <= set(ids)
    with_word = [hit.id for hit in result.hits if hit.highlights]
    assert ids[: len(with_word)] == with_word  # text matches first


# -- running anywhere -----------------------------------------------------------------------------


def _clean_env(tmp_path: Path) -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith("BIGSEARCH_")}
    env.update(HOME=str(tmp_path / "home"), XDG_DATA_HOME=str(tmp_path / "xdg"))
    env.setdefault("PYTHONPATH", str(ROOT))
    return env


def test_search_from_any_directory_builds_a_per_user_index(tmp_path):
    env = _clean_env(tmp_path)
    cwd = tmp_path / "elsewhere"
    cwd.mkdir()
    proc = subprocess.run([sys.executable, "-m", "bigsearch", "search", "Andersberg"], capture_output=True,
                          text=True, env=env, cwd=cwd, timeout=300)
    assert proc.returncode == 0, proc.stderr
    assert "3 träffar" in proc.stdout
    index_dir = tmp_path / "xdg" / "bigsearch" / "index"
    assert str(index_dir) in proc.stderr  # the first message names the full path
    assert index_dir.is_dir() and not (cwd / "index").exists()
    proc = subprocess.run([sys.executable, "-m", "bigsearch", "eval", "--json"], capture_output=True, text=True,
                          env=env, cwd=cwd, timeout=300)
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout)["mean"]["recall"] >= 0.95


@pytest.mark.parametrize("command", ["search", "show", "principal", "principals", "persons", "places", "timeline",
                                     "stats", "eval", "browse", "index", "export"])
def test_every_command_takes_corpus_and_index_dir(command):
    result = CliRunner().invoke(app, [command, "--help"], terminal_width=200)
    assert result.exit_code == 0
    assert "--corpus" in result.stdout
    if command != "export":
        assert "--index-dir" in result.stdout
