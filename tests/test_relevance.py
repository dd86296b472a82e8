from __future__ import annotations

from pathlib import Path

from bigsearch.search.evaluate import evaluate, load_judgments

QUERIES = Path(__file__).resolve().parent.parent / "bigsearch" / "data" / "relevance.toml"


def test_relevance_set_recall(searcher):
    judgments = load_judgments(QUERIES)
    assert len(judgments) >= 25
    evaluation = evaluate(searcher, judgments)
    misses = {s.query: s.missing for s in evaluation.scores if s.missing}
    assert evaluation.mean("recall") >= 0.95, misses
    assert evaluation.mean("ndcg_at_10") >= 0.85
