"""The engine query tree (interface.Q) as OpenSearch Query DSL, and facets as aggregations.

Terms arrive already analysed, so text terms go to the pre-analysed `analysed.*` fields as
`term` queries (no analysis at query time) and phrases as `match_phrase` under a bare
whitespace search analyzer. prefix* and fuzzy~ never reach the cluster as prefix or fuzzy
queries: the search core expands them into terms itself, within its bounds, from the index's
vocabulary (Lexicon.prefixed), exactly as for the embedded engines; a query that would pass the
cluster's clause limit sends them as `terms` queries (paragraph_query). Every paragraph query is
wrapped in a filter on kind "p": the index also holds the sync manifest (kind "f") and the
vocabulary (kind "v").
"""

from __future__ import annotations

from bigsearch.engines import interface as i
from bigsearch.engines.opensearch_mapping import KIND_PARAGRAPH, analysed_field

FACET_SIZE = 1000  # values per facet returned (the most frequent first)
# indices.query.bool.max_clause_count's default: Lucene 9 counts the leaf clauses of the whole query
# tree against it (a phrase counts its words), and the cluster refuses a query over it.
MAX_CLAUSES = 1024
MISSING_YEAR = "year__missing"
PARAGRAPHS_ONLY = {"term": {"kind": KIND_PARAGRAPH}}


def field_name(field: str) -> str:
    if field in i.TEXT_FIELDS:
        return analysed_field(field)
    if field in i.KEYWORD_FIELDS or field in i.RANGE_FIELDS:
        return field
    raise ValueError(f"no such field in the engine query tree: {field!r}")


def _boosted(body: dict, boost: float) -> dict:
    if boost != 1.0:
        body["boost"] = boost
    return body


def leaf_clauses(node: i.Q) -> int:
    """The clauses Lucene counts against max_clause_count for the query tree."""
    if isinstance(node, (i.And, i.Or)):
        return sum(leaf_clauses(child) for child in node.children)
    if isinstance(node, (i.Not, i.Constant)):
        return leaf_clauses(node.child)
    if isinstance(node, i.Phrase):
        return len(node.terms)
    return 1


def _value(node: i.Term):
    return int(node.value) if node.field == "year" else node.value


def _grouped(children: tuple[i.Q, ...], compact: bool) -> list[dict]:
    """An Or's children as clauses; when compact, the terms of one field and weight become one `terms` query.

    A `terms` query is one clause however many terms it holds: a query of many prefix* words stays
    under the clause limit, each word's expansions weighted alike (not by their frequency).
    """
    if not compact:
        return [to_dsl(child) for child in children]
    groups: dict[tuple[str, float], list[i.Term]] = {}
    for child in children:
        if isinstance(child, i.Term):
            groups.setdefault((child.field, child.boost), []).append(child)
    out = [to_dsl(child, compact) for child in children if not isinstance(child, i.Term)]
    for (name, boost), terms in groups.items():
        if len(terms) == 1:
            out.append(to_dsl(terms[0]))
        else:
            out.append({"terms": _boosted({field_name(name): [_value(term) for term in terms]}, boost)})
    return out


def to_dsl(node: i.Q, compact: bool = False) -> dict:
    """The query tree as Query DSL; `compact` folds an Or's terms into `terms` queries (see paragraph_query)."""
    if isinstance(node, i.Term):
        return {"term": {field_name(node.field): _boosted({"value": _value(node)}, node.boost)}}
    if isinstance(node, i.Phrase):
        return {"match_phrase": {field_name(node.field): _boosted({"query": " ".join(node.terms)}, node.boost)}}
    if isinstance(node, i.Range):
        bounds = {}
        if node.low is not None:
            bounds["gte"] = node.low
        if node.high is not None:
            bounds["lte"] = node.high
        if not bounds:
            return {"exists": {"field": field_name(node.field)}}
        return {"range": {field_name(node.field): bounds}}
    if isinstance(node, i.And):
        must = [to_dsl(c, compact) for c in node.children if not isinstance(c, i.Not)]
        must_not = [to_dsl(c.child, compact) for c in node.children if isinstance(c, i.Not)]
        body: dict = {}
        if must:
            body["must"] = must
        if must_not:
            body["must_not"] = must_not
        return {"bool": body}
    if isinstance(node, i.Or):
        return {"bool": _boosted({"should": _grouped(node.children, compact), "minimum_should_match": 1}, node.boost)}
    if isinstance(node, i.Not):  # the core sends Not only inside And; alone it means "all but"
        return {"bool": {"must": [{"match_all": {}}], "must_not": [to_dsl(node.child, compact)]}}
    if isinstance(node, i.Constant):
        return {"constant_score": {"filter": to_dsl(node.child, compact), "boost": node.score}}
    if isinstance(node, i.All):
        return {"match_all": {}}
    if isinstance(node, i.Nothing):
        return {"match_none": {}}
    raise TypeError(f"not a query node: {node!r}")


def paragraph_query(query: i.Q, filter: i.Q | None = None) -> dict:
    """The query scored, the filter and the kind restriction unscored.

    Every term is its own scored clause while the whole query stays under the cluster's clause
    limit; past it, each Or's terms of one field and weight become one `terms` query.
    """
    clauses = 1 + leaf_clauses(query) + (leaf_clauses(filter) if filter is not None else 0)
    compact = clauses > MAX_CLAUSES
    filters = [PARAGRAPHS_ONLY]
    if filter is not None:
        filters.append(to_dsl(filter, compact))
    return {"bool": {"must": [to_dsl(query, compact)], "filter": filters}}


def sort_clause(sort: str) -> list:
    """Relevance, or meeting date then order in the protocol (undated first ascending, last descending).

    doc_key breaks ties so that pages never overlap.
    """
    if sort == "relevance":
        return [{"_score": {"order": "desc"}}, {"doc_key": {"order": "asc"}}]
    if sort == "date":
        return [{"date": {"order": "asc", "missing": "_first"}}, {"position": {"order": "asc"}},
                {"doc_key": {"order": "asc"}}]
    if sort == "-date":
        return [{"date": {"order": "desc", "missing": "_last"}}, {"position": {"order": "desc"}},
                {"doc_key": {"order": "desc"}}]
    raise ValueError(f"unknown sort {sort!r}")


def facet_aggregations(facets: tuple[str, ...], limit: int | None = None) -> dict:
    """A terms aggregation per facet: the `limit` most frequent values (every year; None: up to
    FACET_SIZE); the cluster orders ties by value and sums up the rest (sum_other_doc_count)."""
    aggs: dict = {}
    for name in facets:
        # The cluster refuses size 0: a limit of 0 asks for one value, which read_facets leaves out.
        size = FACET_SIZE if limit is None or name == "year" else max(limit, 1)
        aggs[name] = {"terms": {"field": i.FACET_KEYS[name], "size": size}}
        if name == "year":
            aggs[MISSING_YEAR] = {"missing": {"field": "year"}}
    return aggs


def search_body(query: i.Q, filter: i.Q | None, sort: str, size: int, offset: int, facets: tuple[str, ...],
                facet_limit: int | None = None) -> dict:
    body: dict = {
        "query": paragraph_query(query, filter),
        "from": offset,
        "size": size,
        "track_total_hits": True,
        "sort": sort_clause(sort),
    }
    if sort == "relevance":
        body["track_scores"] = True
    aggs = facet_aggregations(facets, facet_limit)
    if aggs:
        body["aggs"] = aggs
    return body


def read_facets(aggregations: dict, facets: tuple[str, ...], limit: int | None = None) -> dict[str, dict]:
    """Aggregation buckets as the interface's counts: year keys are ints, undated counted under None
    (the counts of the values left out: facets_other)."""
    counts: dict[str, dict] = {}
    for name in facets:
        buckets = aggregations.get(name, {}).get("buckets", [])
        values: dict = {}
        for bucket in buckets:
            key = bucket["key"]
            if name == "year":
                key = int(key)
            elif key in ("", None):
                continue
            values[key] = bucket["doc_count"]
        if name == "year":
            missing = aggregations.get(MISSING_YEAR, {}).get("doc_count", 0)
            if missing:
                values[None] = missing
        counts[name] = {} if limit == 0 and name != "year" else values
    return counts


def facets_other(aggregations: dict, facets: tuple[str, ...], limit: int | None = None) -> dict[str, int]:
    """What each facet's aggregation left out: the sum of the counts of the values not returned
    (with a limit of 0, the one value asked for too: see facet_aggregations)."""
    other = {}
    for name in facets:
        aggregation = aggregations.get(name, {})
        other[name] = int(aggregation.get("sum_other_doc_count", 0))
        if limit == 0 and name != "year":
            other[name] += sum(bucket["doc_count"] for bucket in aggregation.get("buckets", []))
    return other
