"""All documents a query matches, as a boolean numpy array over the index's document numbers, fast.

Whoosh's generic `docs_for_query` steps through a matcher tree one posting at a time in
Python; for a common word that is hundreds of thousands of calls. Term postings are read
here a block at a time (each block's document numbers decoded by numpy) and combined as boolean
arrays (OR = |, AND = &, NOT = & ~); deleted documents are left out. Other query types fall back
to Whoosh's own iteration. With a deadline, each term and each block read first checks it
(SearchStopped when it has passed).
"""

from __future__ import annotations

from itertools import chain

import numpy as np
from whoosh import query as q
from whoosh.codec.whoosh3 import W3LeafMatcher
from whoosh.matching.wrappers import FilterMatcher

from bigsearch.engines.whoosh_deadline import Deadline


class Docsets:
    """Matching documents of one searcher (one committed state): boolean arrays over its documents."""

    def __init__(self, searcher) -> None:
        self.searcher = searcher
        self.size = searcher.doc_count_all()
        self._leaves = list(searcher.leaf_searchers())
        self._deleted: np.ndarray | None = None

    def empty(self) -> np.ndarray:
        return np.zeros(self.size, dtype=bool)

    @property
    def deleted(self) -> np.ndarray:
        """Deleted documents (still in their segments until a merge)."""
        if self._deleted is None:
            deleted = self.empty()
            for subsearcher, offset in self._leaves:
                reader = subsearcher.reader()
                if reader.has_deletions():
                    numbers = np.fromiter(reader.deleted_docs_set, dtype=np.int64)
                    deleted[offset + numbers] = True
            self._deleted = deleted
        return self._deleted

    def term(self, fieldname: str, text: bytes, deadline: Deadline | None = None) -> np.ndarray:
        found = self.empty()
        for subsearcher, offset in self._leaves:
            if deadline:
                deadline.check()
            reader = subsearcher.reader()
            if (fieldname, text) not in reader:
                continue
            numbers = _postings(reader.postings(fieldname, text), deadline=deadline)
            found[offset + numbers] = True
        return found & ~self.deleted if self.deleted.any() else found

    def postings(self, fieldname: str, text: bytes,
                 deadline: Deadline | None = None) -> list[tuple[int, np.ndarray, np.ndarray]]:
        """(segment offset, document numbers, weights) of a term in each segment (deleted documents included)."""
        found = []
        for subsearcher, offset in self._leaves:
            if deadline:
                deadline.check()
            reader = subsearcher.reader()
            if (fieldname, text) in reader:
                numbers, weights = _postings(reader.postings(fieldname, text), weights=True, deadline=deadline)
                found.append((offset, numbers, weights))
        return found

    def matching(self, query: q.Query, deadline: Deadline | None = None) -> np.ndarray:
        searcher = self.searcher
        if isinstance(query, q.Term):
            text = query.text
            if not isinstance(text, bytes):
                field = searcher.schema[query.fieldname] if query.fieldname in searcher.schema else None
                if field is None:
                    return self.empty()
                try:
                    text = field.to_bytes(text)
                except Exception:  # a term the field cannot encode matches nothing
                    return self.empty()
            return self.term(query.fieldname, text, deadline)
        if isinstance(query, q.Or):
            found = self.empty()
            for child in query.subqueries:
                found |= self.matching(child, deadline)
            return found
        if isinstance(query, q.And):
            positives = [c for c in query.subqueries if not isinstance(c, q.Not)]
            negatives = [c.query for c in query.subqueries if isinstance(c, q.Not)]
            if not positives:
                return self._iterated(query, deadline)
            found = self.matching(positives[0], deadline)
            for other in positives[1:]:
                if not found.any():
                    return found
                found &= self.matching(other, deadline)
            for negative in negatives:
                found &= ~self.matching(negative, deadline)
            return found
        if query is q.NullQuery or isinstance(query, type(q.NullQuery)):
            return self.empty()
        if isinstance(query, q.ConstantScoreQuery):
            return self.matching(query.child, deadline)
        if isinstance(query, q.NumericRange):
            return self.matching(query._compile_query(searcher.reader()), deadline)
        if isinstance(query, q.MultiTerm):  # prefix, wildcard, fuzzy, term ranges: expand to terms
            found = self.empty()
            for text in query._btexts(searcher.reader()):
                found |= self.term(query.fieldname, text, deadline)
            return found
        return self._iterated(query, deadline)

    def _iterated(self, query: q.Query, deadline: Deadline | None = None) -> np.ndarray:
        if deadline:
            deadline.check()
        found = self.empty()
        numbers = np.fromiter(self.searcher.docs_for_query(query), dtype=np.int64)
        found[numbers] = True
        return found


def _postings(matcher, weights: bool = False, deadline: Deadline | None = None):
    """Every document number of a term's postings in one segment (deleted ones included); with
    `weights`, (numbers, weights): each posting's weight (its term frequency) as Whoosh reads it."""
    if isinstance(matcher, FilterMatcher) and isinstance(matcher.child, W3LeafMatcher):
        matcher = matcher.child  # the deletions filter: deleted documents are taken out per array
    if not isinstance(matcher, W3LeafMatcher) or matcher._byteids:
        found: list[tuple[int, float]] = []
        if deadline:
            deadline.check()
        while matcher.is_active():
            found.append((matcher.id(), matcher.weight() if weights else 1.0))
            matcher.next()
        numbers = np.fromiter((number for number, _ in found), dtype=np.int64, count=len(found))
        if not weights:
            return numbers
        return numbers, np.fromiter((weight for _, weight in found), dtype=np.float64, count=len(found))
    # Each block holds its document numbers as differences from the previous one, starting from
    # 0, and its weights as None (all 1.0), one float for all, or one per posting.
    blocks: list[tuple] = []
    while matcher.is_active():
        if deadline:
            deadline.check()
        if matcher._data is None:
            matcher._read_data()
        blocks.append(matcher._data)
        matcher._next_block()
    lengths = np.fromiter((len(block[0]) for block in blocks), dtype=np.int64, count=len(blocks))
    deltas = np.fromiter(chain.from_iterable(block[0] for block in blocks), dtype=np.int64, count=int(lengths.sum()))
    numbers = np.cumsum(deltas)
    if len(blocks) > 1:  # restart the sum at every block
        ends = np.cumsum(lengths)
        before = np.concatenate(([0], numbers[ends[:-1] - 1]))
        numbers -= np.repeat(before, lengths)
    if not weights:
        return numbers
    if all(block[1] is None for block in blocks):
        return numbers, np.ones(len(numbers), dtype=np.float64)
    found = np.empty(len(numbers), dtype=np.float64)
    start = 0
    for block, length in zip(blocks, lengths.tolist(), strict=True):
        value = block[1]
        found[start:start + length] = 1.0 if value is None else value
        start += length
    return numbers, found
