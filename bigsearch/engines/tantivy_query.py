"""The engine-neutral query tree (interface.Q) as tantivy queries."""

from __future__ import annotations

import re

import tantivy
from tantivy import Occur

from bigsearch.engines.interface import (
    KEYWORD_FIELDS,
    TEXT_FIELDS,
    All,
    And,
    Constant,
    Not,
    Nothing,
    Or,
    Phrase,
    Q,
    Range,
    Term,
)
from bigsearch.errors import QueryError

_DATE = re.compile(r"(\d{4})(?:-(\d{2}))?(?:-(\d{2}))?")


def date_bound(value: str | int, high: bool) -> int:
    """An ISO date (or year, or year-month) as yyyymmdd; a partial date covers its whole span."""
    match = _DATE.fullmatch(str(value).strip())
    if not match:
        raise QueryError(f"date {value!r}: write it as YYYY-MM-DD, e.g. 2020-06-30")
    year, month, day = match.groups()
    month = month or ("12" if high else "01")
    day = day or ("31" if high else "01")
    return int(year + month + day)


def _int(field: str, value) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        raise QueryError(f"{field} {value!r}: give a number, e.g. {field}:2019") from None


def _boosted(query: tantivy.Query, boost: float) -> tantivy.Query:
    return query if boost == 1.0 else tantivy.Query.boost_query(query, boost)


def _term(schema: tantivy.Schema, node: Term) -> tantivy.Query:
    if node.field == "year":
        value = _int("year", node.value)
    elif node.field == "date":
        value = date_bound(node.value, high=False)
        if len(str(node.value).strip()) < 10:  # a year or a month: its whole span
            return _range(schema, Range("date", node.value, node.value))
    elif node.field in TEXT_FIELDS or node.field in KEYWORD_FIELDS:
        value = str(node.value)
    else:
        raise QueryError(f"no field {node.field!r} to search")
    return _boosted(tantivy.Query.term_query(schema, node.field, value), node.boost)


def _range(schema: tantivy.Schema, node: Range) -> tantivy.Query:
    if node.field == "year":
        low = None if node.low is None else _int("year", node.low)
        high = None if node.high is None else _int("year", node.high)
    elif node.field == "date":
        low = None if node.low is None else date_bound(node.low, high=False)
        high = None if node.high is None else date_bound(node.high, high=True)
    else:
        raise QueryError(f"{node.field}: ranges work on year and date only")
    if low is not None and high is not None and low > high:
        return tantivy.Query.empty_query()
    return tantivy.Query.range_query(schema, node.field, tantivy.FieldType.Integer, low, high)


def _and(schema: tantivy.Schema, node: And) -> tantivy.Query:
    clauses: list[tuple[Occur, tantivy.Query]] = []
    positive = False
    for child in node.children:
        if isinstance(child, Not):
            if not isinstance(child.child, Nothing):
                clauses.append((Occur.MustNot, translate(schema, child.child)))
        else:
            clauses.append((Occur.Must, translate(schema, child)))
            positive = True
    if not positive:  # only exclusions: they narrow every paragraph
        clauses.append((Occur.Must, tantivy.Query.all_query()))
    return tantivy.Query.boolean_query(clauses)


def _or(schema: tantivy.Schema, node: Or) -> tantivy.Query:
    children = [child for child in node.children if not isinstance(child, Nothing)]
    if not children:
        return tantivy.Query.empty_query()
    if len(children) == 1:
        query = translate(schema, children[0])
    else:
        # Only Should clauses: a document must match at least one of them.
        query = tantivy.Query.boolean_query([(Occur.Should, translate(schema, child)) for child in children])
    return _boosted(query, node.boost)


def translate(schema: tantivy.Schema, node: Q) -> tantivy.Query:
    if isinstance(node, Term):
        return _term(schema, node)
    if isinstance(node, Phrase):
        if node.field not in TEXT_FIELDS:
            raise QueryError(f"{node.field}: phrases work on text fields only")
        if not node.terms:
            return tantivy.Query.empty_query()
        if len(node.terms) == 1:
            return _term(schema, Term(node.field, node.terms[0], node.boost))
        query = tantivy.Query.phrase_query(schema, node.field, list(node.terms))
        return _boosted(query, node.boost)
    if isinstance(node, Range):
        return _range(schema, node)
    if isinstance(node, And):
        return _and(schema, node) if node.children else tantivy.Query.all_query()
    if isinstance(node, Or):
        return _or(schema, node)
    if isinstance(node, Not):  # the core sends Not only inside And; alone it means "all but"
        return _and(schema, And((node,)))
    if isinstance(node, Constant):
        return tantivy.Query.const_score_query(translate(schema, node.child), node.score)
    if isinstance(node, All):
        return tantivy.Query.all_query()
    if isinstance(node, Nothing):
        return tantivy.Query.empty_query()
    raise TypeError(f"not a query node: {node!r}")
