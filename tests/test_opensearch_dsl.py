"""The engine query tree as OpenSearch Query DSL: every node form, sorts, facets (no server needed)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bigsearch.engines import interface as q
from bigsearch.engines.opensearch_dsl import (
    FACET_SIZE,
    paragraph_query,
    read_facets,
    search_body,
    sort_clause,
    to_dsl,
)

GOLDEN = Path(__file__).parent / "golden" / "opensearch"

FORMS = [
    (q.Term("text", "polis"), {"term": {"analysed.text": {"value": "polis"}}}),
    (q.Term("parts", "våld", boost=0.3), {"term": {"analysed.parts": {"value": "våld", "boost": 0.3}}}),
    (q.Term("principal", "Polisen"), {"term": {"principal": {"value": "Polisen"}}}),
    (q.Term("year", "2019"), {"term": {"year": {"value": 2019}}}),
    (q.Term("undated", "1"), {"term": {"undated": {"value": "1"}}}),
    (q.Phrase("text", ("stolt", "och", "nykt"), boost=1.0),
     {"match_phrase": {"analysed.text": {"query": "stolt och nykt"}}}),
    (q.Phrase("section_title", ("det", "är"), boost=0.5),
     {"match_phrase": {"analysed.section_title": {"query": "det är", "boost": 0.5}}}),
    (q.Range("year", 2019, 2022), {"range": {"year": {"gte": 2019, "lte": 2022}}}),
    (q.Range("date", "2020-01-01", None), {"range": {"date": {"gte": "2020-01-01"}}}),
    (q.Range("date", None, "2020-06-30"), {"range": {"date": {"lte": "2020-06-30"}}}),
    (q.Range("year", None, None), {"exists": {"field": "year"}}),
    (q.And((q.Term("text", "a"), q.Not(q.Term("text", "b")))),
     {"bool": {"must": [{"term": {"analysed.text": {"value": "a"}}}],
               "must_not": [{"term": {"analysed.text": {"value": "b"}}}]}}),
    (q.Or((q.Term("persons", "Anna"), q.Term("attendees", "Anna")), boost=2.0),
     {"bool": {"should": [{"term": {"persons": {"value": "Anna"}}}, {"term": {"attendees": {"value": "Anna"}}}],
               "minimum_should_match": 1, "boost": 2.0}}),
    (q.Not(q.Term("places", "Sätra")),
     {"bool": {"must": [{"match_all": {}}], "must_not": [{"term": {"places": {"value": "Sätra"}}}]}}),
    (q.Constant(q.Term("principal", "Polisen"), 0.05),
     {"constant_score": {"filter": {"term": {"principal": {"value": "Polisen"}}}, "boost": 0.05}}),
    (q.All(), {"match_all": {}}),
    (q.Nothing(), {"match_none": {}}),
]


@pytest.mark.parametrize("node, expected", FORMS, ids=[type(n).__name__ + str(k) for k, (n, _) in enumerate(FORMS)])
def test_every_query_form_translates(node, expected):
    assert to_dsl(node) == expected


def test_every_node_type_is_covered():
    covered = {type(node) for node, _ in FORMS}
    assert covered == {q.Term, q.Phrase, q.Range, q.And, q.Or, q.Not, q.Constant, q.All, q.Nothing}


def test_unknown_fields_and_nodes_are_refused():
    with pytest.raises(ValueError):
        to_dsl(q.Term("no_such_field", "x"))
    with pytest.raises(TypeError):
        to_dsl("polis")


def test_every_query_is_limited_to_paragraphs_and_filters_do_not_score():
    body = paragraph_query(q.Term("text", "polis"), q.Term("principal", "Polisen"))
    assert body["bool"]["must"] == [{"term": {"analysed.text": {"value": "polis"}}}]
    assert body["bool"]["filter"] == [{"term": {"kind": "p"}}, {"term": {"principal": {"value": "Polisen"}}}]


def test_sorts_break_ties_so_pages_never_overlap():
    assert sort_clause("relevance")[0] == {"_score": {"order": "desc"}}
    assert sort_clause("date")[0] == {"date": {"order": "asc", "missing": "_first"}}
    assert sort_clause("-date")[0] == {"date": {"order": "desc", "missing": "_last"}}
    for sort in q.SORTS:
        assert "doc_key" in sort_clause(sort)[-1]
    with pytest.raises(ValueError):
        sort_clause("random")


def test_facets_are_terms_aggregations_with_a_missing_count_for_undated_years():
    body = search_body(q.All(), None, "relevance", 10, 20, ("year", "person"))
    assert body["from"] == 20 and body["size"] == 10 and body["track_total_hits"] is True
    assert body["aggs"]["year"] == {"terms": {"field": "year", "size": FACET_SIZE}}
    assert body["aggs"]["person"] == {"terms": {"field": "persons", "size": FACET_SIZE}}
    assert body["aggs"]["year__missing"] == {"missing": {"field": "year"}}
    assert "aggs" not in search_body(q.All(), None, "date", 10, 0, ())


def test_aggregation_buckets_read_back_as_interface_counts():
    aggregations = {
        "year": {"buckets": [{"key": 2019, "doc_count": 4}, {"key": 2024, "doc_count": 7}]},
        "year__missing": {"doc_count": 3},
        "principal": {"buckets": [{"key": "Polisen", "doc_count": 2}, {"key": "", "doc_count": 9}]},
    }
    counts = read_facets(aggregations, ("year", "principal", "place"))
    assert counts == {"year": {2019: 4, 2024: 7, None: 3}, "principal": {"Polisen": 2}, "place": {}}


def test_a_compiled_user_query_matches_its_golden_body():
    """`polis* NOT Bomhus --year 2019..2022`, compiled by the search core against a fixed vocabulary."""
    from bigsearch.search.compile import Compiler
    from bigsearch.search.parser import parse

    class Vocabulary:
        terms = ["bomhus", "polis", "polisanmälan", "polisen", "samverk"]

        def df(self, field, term):
            return 1 if term in self.terms else 0

        def prefixed(self, field, prefix):
            return iter(t for t in self.terms if t.startswith(prefix))

    def nothing_known(key):
        return []

    compiled = Compiler(Vocabulary(), nothing_known).compile(parse("polis* NOT Bomhus").tree)
    body = search_body(compiled.query, q.Range("year", 2019, 2022), "relevance", 10, 0, ("year",))
    golden = json.loads((GOLDEN / "prefix_not_year.json").read_text(encoding="utf-8"))
    assert body == golden


def _prefix_word(letter: str, words: int) -> q.Q:
    """What the core makes of `s*`: each expansion in the text and both titles, with the fields' weights."""
    return q.Or(tuple(q.Term(field, f"{letter}{n}", boost=weight) for field, weight in
                      (("text", 1.0), ("section_title", 0.5), ("doc_title", 0.3)) for n in range(words)))


def _leaves(body) -> int:
    """Clauses as Lucene counts them: each term, each phrase word; a terms query is one."""
    if isinstance(body, list):
        return sum(_leaves(item) for item in body)
    if not isinstance(body, dict):
        return 0
    if "term" in body or "terms" in body or "range" in body or "exists" in body:
        return 1
    if "match_phrase" in body:
        return len(next(iter(body["match_phrase"].values()))["query"].split())
    return sum(_leaves(value) for value in body.values())


def test_a_query_under_the_clause_limit_scores_every_term_on_its_own():
    body = paragraph_query(q.And((_prefix_word("s", 128), _prefix_word("f", 128))))
    assert "terms" not in json.dumps(body) and _leaves(body) == 3 * 256 + 1


@pytest.mark.parametrize("prefixes", [3, 20, 64])
def test_a_query_over_the_clause_limit_sends_one_terms_query_per_field_and_weight(prefixes):
    tree = q.And(tuple(_prefix_word(f"w{n}-", 128) for n in range(prefixes)))
    body = paragraph_query(tree, q.Term("principal", "Polisen"))
    assert _leaves(body) == 3 * prefixes + 2  # the kind and principal filters
    first = body["bool"]["must"][0]["bool"]["must"][0]["bool"]["should"]
    assert sorted((field, len(values), clause["terms"].get("boost", 1.0)) for clause in first
                  for field, values in clause["terms"].items() if field != "boost") == [
        ("analysed.doc_title", 128, 0.3), ("analysed.section_title", 128, 0.5), ("analysed.text", 128, 1.0)]
