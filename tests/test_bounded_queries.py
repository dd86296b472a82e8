"""Queries bounded by construction: all words of a query together expand to a capped number of
index terms and compare a capped number of vocabulary entries, and a Whoosh search stops at its
deadline with what it found and a note. Work is counted (entries looked at, terms expanded, work
units the deadline clock saw), never timed."""

from __future__ import annotations

import pytest
from typer.testing import CliRunner

from bigsearch.cli.app import app
from bigsearch.engines import interface as i
from bigsearch.search import expand
from bigsearch.search import filters as filters_mod
from bigsearch.search.searcher import Searcher

PREFIXES = "e ö k s a b d f g h i l m n o p r t u v".split()
TWENTY_PREFIXES = " OR ".join(f"{letter}*" for letter in PREFIXES)


class BigLexicon:
    """A vocabulary far larger than any bound (every letter starts 50,000 words), counting what is looked at."""

    def __init__(self, per_letter: int = 50_000):
        self.per_letter = per_letter
        self.looked_at = 0

    def df(self, field, term):
        return 1

    def prefixed(self, field, prefix):
        first = prefix[:1]
        for n in range(self.per_letter):
            term = f"{first}{n:07d}"
            if term.startswith(prefix):
                self.looked_at += 1
                yield term


def _compile(text: str, lexicon):
    return filters_mod.parse_query(text, lexicon, filters_mod.KnownValues(lambda key: []))


def _terms(node: i.Q) -> int:
    if isinstance(node, i.Term):
        return 1
    if isinstance(node, i.And | i.Or):
        return sum(_terms(child) for child in node.children)
    if isinstance(node, i.Not | i.Constant):
        return _terms(node.child)
    return 0


def test_twenty_prefixes_expand_to_the_query_cap_not_twenty_times_the_word_cap():
    lexicon = BigLexicon()
    compiled, notes = _compile(TWENTY_PREFIXES, lexicon)
    # What the whole query may cost is what two words may: 256 terms (it was 20 × 128 = 2,560).
    assert compiled.budget.expanded <= expand.MAX_TOTAL_EXPANSIONS <= 2 * expand.MAX_EXPANSIONS
    assert lexicon.looked_at <= expand.MAX_TOTAL_EXPANSIONS + len(PREFIXES)  # one look past each word's share
    assert _terms(compiled.query) <= 3 * expand.MAX_TOTAL_EXPANSIONS  # text, section title, document title
    assert expand.TOTAL_NOTE in notes


def test_sixty_fuzzy_words_compare_at_most_the_query_cap():
    lexicon = BigLexicon()
    words = [f"{PREFIXES[n % len(PREFIXES)]}{n:07d}x" for n in range(60)]
    compiled, notes = _compile(" OR ".join(f"{word}~2" for word in words), lexicon)
    # Two words' worth of comparisons (it was 60 × 20,000 = 1,200,000).
    assert lexicon.looked_at <= expand.MAX_TOTAL_SCAN + len(words) <= 2 * expand.MAX_SCAN + len(words)
    assert compiled.budget.scanned <= expand.MAX_TOTAL_SCAN
    assert compiled.budget.expanded <= expand.MAX_TOTAL_EXPANSIONS
    assert expand.SCAN_NOTE in notes


def test_a_words_own_stem_is_searched_when_the_query_cap_is_used_up():
    lexicon = BigLexicon()
    compiled, _ = _compile(f"({TWENTY_PREFIXES}) AND skolan", lexicon)
    assert compiled.budget.expanded >= expand.MAX_TOTAL_EXPANSIONS - compiled.budget.per_word  # the shares are used
    assert "skolan" in compiled.matched.terms["text"] or "skol" in compiled.matched.terms["text"]


def test_the_query_cap_holds_on_each_engine(searcher):
    result = searcher.search(TWENTY_PREFIXES, limit=5)
    assert result.total > 0 and len(result.hits) == 5
    assert expand.TOTAL_NOTE in result.notes
    compiled, _ = filters_mod.parse_query(TWENTY_PREFIXES, searcher.engine.lexicon(), searcher.known)
    assert compiled.budget.expanded <= expand.MAX_TOTAL_EXPANSIONS


# -- the Whoosh deadline ---------------------------------------------------------------------------


class WorkClock:
    """A clock that advances one second each time it is read: the deadline then counts work units."""

    def __init__(self):
        self.reads = 0

    def __call__(self) -> float:
        self.reads += 1
        return float(self.reads)


@pytest.mark.usefixtures("english")
@pytest.mark.parametrize("query", ["och OR att OR som", '"i och med" OR och'], ids=["scored-with-numpy", "phrase"])
@pytest.mark.parametrize("share", [0.0, 0.3, 0.7])
def test_a_whoosh_search_stops_at_its_deadline_with_what_it_found(whoosh_index, query, share):
    with Searcher(whoosh_index) as searcher:
        full = searcher.search(query, limit=1000, facets=False)
        engine = searcher.engine
        counting = WorkClock()
        engine.clock, engine.search_seconds = counting, 1e9
        searcher.search(query, limit=1000, facets=True)
        units = max(1, int(counting.reads * share))  # a share of the units the whole search takes
        clock = WorkClock()
        engine.clock, engine.search_seconds = clock, float(units)
        result = searcher.search(query, limit=1000, facets=True)
    # The deadline clock is read once when the search starts and once per unit of work (a document
    # collected, a term or posting block read): it stops at the first unit past the deadline.
    assert clock.reads <= units + 2
    assert any(note.startswith(f"search stopped after {units:g} s") for note in result.notes)
    found = {hit.id for hit in result.hits}
    # What it found by then: the numpy scorer has nothing before its last term is read, Whoosh's
    # collector the documents it took.
    assert len(found) <= units and found <= {hit.id for hit in full.hits}
    assert result.total == len(found) < full.total
    assert sum(result.facets["year"].values()) == result.total


def test_a_whoosh_search_within_its_deadline_is_whole(whoosh_index):
    with Searcher(whoosh_index) as searcher:
        expected = searcher.search("Andersberg OR Bomhus", limit=100)
        clock = WorkClock()
        searcher.engine.clock, searcher.engine.search_seconds = clock, 10_000.0
        result = searcher.search("Andersberg OR Bomhus", limit=100)
    assert clock.reads > 1  # the deadline was watched …
    assert not any("stopped" in note for note in result.notes)  # … and never reached
    assert [h.id for h in result.hits] == [h.id for h in expected.hits] and result.total == expected.total
    assert result.facets == expected.facets


@pytest.mark.usefixtures("english")
def test_the_deadline_note_reaches_the_command_line(whoosh_index, monkeypatch):
    from bigsearch.engines import whoosh_engine

    monkeypatch.setattr(whoosh_engine, "SEARCH_SECONDS", 0.0)  # stops at the first unit of work
    result = CliRunner().invoke(app, ["search", TWENTY_PREFIXES, "--index-dir", str(whoosh_index)])
    assert "Traceback" not in result.output and result.exit_code in (0, 1)
    assert "note: search stopped after 0 s" in result.stderr and "narrow the query" in result.stderr


def test_the_query_cap_is_shared_among_its_expanding_words():
    """"s* f* t*" on a large vocabulary: each prefix gets its share of the cap, so the last one is
    not left with nothing (an AND of the three found nothing)."""
    lexicon = BigLexicon()
    compiled, _ = _compile("e* f* g*", lexicon)
    share = expand.MAX_TOTAL_EXPANSIONS // 3
    for prefix in "efg":
        assert len([t for t in compiled.matched.terms["text"] if t.startswith(prefix)]) == share
