"""All documents a query matches, as a set of docnums, fast.

Whoosh's generic `docs_for_query` steps through a matcher tree one posting at a time in
Python; for a common word that is hundreds of thousands of calls. Term postings are read
here a block at a time and combined with set operations (OR = union, AND = intersection,
NOT = difference); other query types fall back to Whoosh's own iteration. With a deadline, each
term and each block read first checks it (SearchStopped when it has passed).
"""

from __future__ import annotations

from whoosh import query as q
from whoosh.codec.whoosh3 import W3LeafMatcher
from whoosh.matching.wrappers import FilterMatcher

from bigsearch.engines.whoosh_deadline import Deadline


def _term_ids(searcher, fieldname: str, text, deadline: Deadline | None = None) -> set[int]:
    ids: set[int] = set()
    for subsearcher, offset in searcher.leaf_searchers():
        if deadline:
            deadline.check()
        reader = subsearcher.reader()
        if (fieldname, text) not in reader:  # text is encoded already: a failure here is damage
            continue
        matcher = reader.postings(fieldname, text)
        block: set[int] = set()
        if isinstance(matcher, FilterMatcher) and isinstance(matcher.child, W3LeafMatcher):
            matcher = matcher.child  # the deletions filter: deleted docs are subtracted below, per set
        if isinstance(matcher, W3LeafMatcher):
            while matcher.is_active():
                if deadline:
                    deadline.check()
                if matcher._ids is None:
                    matcher._read_ids()
                block.update(matcher._ids[matcher._i :])
                matcher._next_block()
        else:
            block.update(matcher.all_ids())
        if reader.has_deletions():
            block.difference_update(reader.deleted_docs_set)  # a cached property
        ids.update(offset + docnum for docnum in block)
    return ids


def matching_docs(searcher, query: q.Query, deadline: Deadline | None = None) -> set[int]:
    if isinstance(query, q.Term):
        text = query.text
        if not isinstance(text, bytes):
            field = searcher.schema[query.fieldname] if query.fieldname in searcher.schema else None
            if field is None:
                return set()
            try:
                text = field.to_bytes(text)
            except Exception:
                return set()
        return _term_ids(searcher, query.fieldname, text, deadline)
    if isinstance(query, q.Or):
        found: set[int] = set()
        for child in query.subqueries:
            found |= matching_docs(searcher, child, deadline)
        return found
    if isinstance(query, q.And):
        positives = [c for c in query.subqueries if not isinstance(c, q.Not)]
        negatives = [c.query for c in query.subqueries if isinstance(c, q.Not)]
        if not positives:
            if deadline:
                deadline.check()
            return set(searcher.docs_for_query(query))
        sets = sorted((matching_docs(searcher, c, deadline) for c in positives), key=len)
        found = sets[0]
        for other in sets[1:]:
            found = found & other
            if not found:
                return found
        for negative in negatives:
            found = found - matching_docs(searcher, negative, deadline)
        return found
    if query is q.NullQuery or isinstance(query, type(q.NullQuery)):
        return set()
    if isinstance(query, q.ConstantScoreQuery):
        return matching_docs(searcher, query.child, deadline)
    if isinstance(query, q.NumericRange):
        return matching_docs(searcher, query._compile_query(searcher.reader()), deadline)
    if isinstance(query, q.MultiTerm):  # prefix, wildcard, fuzzy, term ranges: expand to terms
        found = set()
        for text in query._btexts(searcher.reader()):
            found |= _term_ids(searcher, query.fieldname, text, deadline)
        return found
    if deadline:
        deadline.check()
    return set(searcher.docs_for_query(query))
