"""The whoosh engine's numpy scoring (engines/whoosh_scoring.py) against Whoosh's own collector:
the same documents, the same top hits in the same order, the same scores — query by query, with
filters, and over an index with deleted documents still in its segments."""

from __future__ import annotations

import pytest

from bigsearch.engines import interface as q
from bigsearch.search import filters as filters_mod
from bigsearch.search.results import Filters
from bigsearch.search.searcher import Searcher

QUERIES = [
    "Andersberg", "Andersbergs", "Sätra", "Satra", "Brynas", "Bomhus", "våld", "fritidsgård", "polisen", "samverkan",
    "trygghet", "ungdomar", "och", "att", "fritids*", "polis* NOT Bomhus", "Andersbrg~2", "skolorna",
    "drogförebyggande", "title:trygghet", "principal:polisen trygghet", "type:protokoll Bomhus", "Jennehag",
    "tillit OR narkotika", "(Bomhus OR Sätra) -Andersberg", "brott^2 våld", "mötet", "det är", "kommunen polisen",
    "text:skolan", "person:Jennehag", "place:Sätra", "body:BIG",
]
FILTERS = [Filters(), Filters(year="2019..2023"), Filters(principal="polisen"), Filters(place="Sätra")]


def compared(searcher: Searcher, text: str, filters: Filters, count: int = 60):
    engine = searcher.engine
    compiled, _ = filters_mod.parse_query(text, engine.lexicon(), searcher.known)
    restriction = searcher._restriction(filters)
    allowed = engine._docs(engine_query(restriction)) if restriction is not None else None
    if not engine.scorer.supported(compiled.query):
        return None
    mine = engine._scored(compiled.query, allowed, 0, count)
    theirs = engine._whoosh_search(compiled.query, allowed, "relevance", 0, count)
    return mine, theirs


def engine_query(node):
    from bigsearch.engines.whoosh_query import to_whoosh

    return to_whoosh(node)


def assert_same(mine, theirs, label):
    """The same matches, and the same hits in the same order with the same scores — except among
    hits whose scores tie to 1e-9 (numpy and Whoosh add a paragraph's term scores in different
    orders, so a tie may differ in its last bit and the two order it differently)."""
    (matched, hits), (their_matched, their_hits) = mine, theirs
    assert (matched == their_matched).all(), label
    assert [h.score for h in hits] == pytest.approx([h.score for h in their_hits], abs=1e-4), label

    def runs(found):  # the hits in runs of (nearly) equal score: within a run the order is free
        out: list[set] = []
        for number, hit in enumerate(found):
            if number and abs(hit.score - found[number - 1].score) <= 1e-9:
                out[-1].add(hit.record["id"])
            else:
                out.append({hit.record["id"]})
        return out

    ours, theirs_runs = runs(hits), runs(their_hits)
    assert ours[:-1] == theirs_runs[:-1], label  # the last run may be cut at the limit differently
    records = {h.record["id"]: h.record for h in their_hits}
    assert all(h.record == records[h.record["id"]] for h in hits if h.record["id"] in records), label


@pytest.mark.parametrize("filters", FILTERS, ids=repr)
def test_numpy_scoring_ranks_as_whoosh_does(whoosh_index, filters):
    scored = 0
    with Searcher(whoosh_index) as searcher:
        for text in QUERIES:
            found = compared(searcher, text, filters)
            if found is not None:
                scored += 1
                assert_same(*found, (text, filters))
    assert scored >= len(QUERIES) - 3  # nearly every query is scored with numpy (phrases are not)


def test_phrases_and_ranges_are_left_to_whoosh(whoosh_index):
    with Searcher(whoosh_index) as searcher:
        scorer = searcher.engine.scorer
        assert not scorer.supported(q.Phrase("text", ("stolt", "och")))
        assert not scorer.supported(q.Or((q.Term("text", "och"), q.Range("year", 2019, 2020))))
        assert scorer.supported(q.And((q.Term("text", "och"), q.Not(q.Term("text", "att")))))
        result = searcher.search('"stolt och nykter"')
        assert result.total and result.hits


def test_deleted_documents_neither_match_nor_change_the_order(tmp_path, corpus_dir):
    from bigsearch.engines import whoosh_store as store
    from bigsearch.index.sync import sync

    index_dir = tmp_path / "ix"
    sync(index_dir, [corpus_dir])
    with Searcher(index_dir) as searcher:
        gone = searcher.search("Andersberg", limit=1).hits[0].id  # the best hit of a query tried below
    writer = store.open_for_writing(index_dir).writer()
    writer.delete_by_term("id", gone)
    writer.commit(merge=False)  # the deleted paragraph stays in its segment
    with Searcher(index_dir) as searcher:
        assert searcher.engine.searcher.reader().has_deletions()
        for text in ("Andersberg", "och", "polisen", "trygghet"):
            found = compared(searcher, text, Filters())
            assert found is not None
            assert_same(*found, text)
            assert gone not in {h.record["id"] for h in found[0][1]}


# -- random query trees, over an index of several segments --------------------------------------

SCORED_FIELDS = ("text", "parts", "section_title", "doc_title", "folded", "attendee_words")
KEYWORD_FIELDS = ("principal", "body", "kind")


@pytest.fixture(scope="module")
def segmented_index(tmp_path_factory, corpus_dir):
    """The bundled corpus synced one protocol at a time: a segment each (document numbers offset)."""
    import shutil

    from bigsearch.index.sync import sync

    source, index_dir = tmp_path_factory.mktemp("one-by-one"), tmp_path_factory.mktemp("segments") / "ix"
    for path in sorted(corpus_dir.iterdir()):
        shutil.copy(path, source / path.name)
        sync(index_dir, [source])
    return index_dir


def _index_terms(searcher: Searcher) -> list[tuple[str, str]]:
    """(field, term) pairs the index holds: the most and least frequent of each field, a few in between."""
    reader = searcher.engine.searcher.reader()
    found = []
    for fieldname in SCORED_FIELDS + KEYWORD_FIELDS:
        terms = sorted(((reader.doc_frequency(fieldname, t), t.decode()) for t in reader.lexicon(fieldname)), reverse=True)
        found += [(fieldname, term) for _, term in terms[:4] + terms[len(terms) // 2:len(terms) // 2 + 3] + terms[-3:]]
    return found + [("text", "ordetfinnsinte")]


def _trees(terms):
    from hypothesis import strategies as st

    boosts = st.sampled_from((1.0, 1.0, 0.3, 0.8, 2.0))
    leaves = st.one_of(
        st.builds(lambda term, boost: q.Term(term[0], term[1], boost), st.sampled_from(terms), boosts),
        st.just(q.All()), st.just(q.Nothing()),
    )

    def compound(children):
        ors = st.builds(lambda parts, boost: q.Or(tuple(parts), boost), st.lists(children, min_size=1, max_size=3), boosts)
        ands = st.builds(lambda positive, rest, negated: q.And((positive, *rest, *(q.Not(n) for n in negated))),
                         children, st.lists(children, max_size=2), st.lists(children, max_size=2))
        constants = st.builds(q.Constant, children, st.sampled_from((0.05, 1.0)))
        return st.one_of(ors, ands, constants)

    return st.recursive(leaves, compound, max_leaves=6)


def _boosts(node) -> list[float]:
    own = [node.boost] if isinstance(node, q.Term | q.Or) else []
    children = node.children if isinstance(node, q.Or | q.And) else (node.child,) if isinstance(node, q.Not | q.Constant) else ()
    return own + [boost for child in children for boost in _boosts(child)]


def test_random_query_trees_rank_as_whoosh_does(segmented_index):
    """Against Whoosh asked for every hit, then sliced (no pruning), and — for trees whose boosts
    are all at most 1, as the compiler's are (search/compile.py) — against Whoosh asked for the
    page itself. Whoosh's top-N pruning loses hits under a boost above 1: WrappingMatcher.replace
    passes its minimum quality to the child unscaled (Or((och, och), 2.0) with limit=1 misses the
    best paragraph), and under a Not (And((och, Not(Nothing))) with limit=3 missed the two best:
    AndNotMatcher's block quality); the numpy scores have no pruning to get wrong."""
    from hypothesis import HealthCheck, given, settings
    from hypothesis import strategies as st

    with Searcher(segmented_index) as searcher:
        engine = searcher.engine
        assert len(engine.searcher.leaf_searchers()) > 1
        restrictions = [None] + [engine._docs(engine_query(searcher._restriction(f))) for f in FILTERS[1:]]
        everything = engine.docsets.size

        @settings(max_examples=150, deadline=None, suppress_health_check=list(HealthCheck))
        @given(_trees(_index_terms(searcher)), st.sampled_from(restrictions), st.integers(0, 5), st.integers(1, 40))
        def check(tree, allowed, offset, limit):
            assert engine.scorer.supported(tree)
            allowed = None if allowed is None else allowed.copy()
            mine = engine._scored(tree, allowed, offset, limit)
            matched, hits = engine._whoosh_search(tree, allowed, "relevance", 0, everything)
            assert_same(mine, (matched, hits[offset:offset + limit]), tree)
            if max(_boosts(tree), default=1.0) <= 1.0 and "Not(" not in repr(tree):
                assert_same(mine, engine._whoosh_search(tree, allowed, "relevance", offset, limit), tree)

        check()


def test_what_whoosh_scores_itself_is_not_claimed():
    from bigsearch.engines.whoosh_scoring import Scorer

    scorer = Scorer.__new__(Scorer)  # supported() reads the tree and the weighting only
    scorer.bm25f = True
    word = q.Term("text", "och")
    assert not scorer.supported(q.Not(word))  # a bare NOT: Whoosh matches every document but these
    assert not scorer.supported(q.Or((word, q.Not(word))))
    assert not scorer.supported(q.And((q.Not(word),)))
    assert not scorer.supported(q.Term("year", 2019))  # a numeric range in Whoosh
    assert scorer.supported(q.Or((q.And((word, q.Not(q.Term("text", "att")))),), 2.0))
