"""The engine query tree (interface.Q) as Whoosh queries."""

from __future__ import annotations

from whoosh import query as q

from bigsearch.engines import interface as i
from bigsearch.engines.whoosh_schema import KIND_PARAGRAPH


def to_whoosh(node: i.Q) -> q.Query:
    if isinstance(node, i.Term):
        if node.field == "year":
            return q.NumericRange("year", int(node.value), int(node.value), boost=node.boost)
        return q.Term(node.field, node.value, boost=node.boost)
    if isinstance(node, i.Phrase):
        return q.Phrase(node.field, list(node.terms), boost=node.boost)
    if isinstance(node, i.Range):
        if node.field == "year":
            return q.NumericRange("year", node.low, node.high)
        return q.TermRange(node.field, node.low, node.high)
    if isinstance(node, i.And):
        return q.And([to_whoosh(child) for child in node.children])
    if isinstance(node, i.Or):
        return q.Or([to_whoosh(child) for child in node.children], boost=node.boost)
    if isinstance(node, i.Not):
        return q.Not(to_whoosh(node.child))
    if isinstance(node, i.Constant):
        return q.ConstantScoreQuery(to_whoosh(node.child), node.score)
    if isinstance(node, i.All):
        return q.Term("kind", KIND_PARAGRAPH)
    if isinstance(node, i.Nothing):
        return q.NullQuery
    raise TypeError(f"not a query node: {node!r}")
