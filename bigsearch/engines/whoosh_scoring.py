"""The whoosh engine's top hits computed with numpy: Whoosh's own BM25F (whoosh.scoring.BM25F),
term by term over whole posting lists, instead of Whoosh's collector stepping through postings
one at a time in Python (a second per common word on 10,000 protocols).

Each term's postings are read a block at a time (whoosh_docsets) and scored at once:

    idf * (tf * (K1 + 1)) / (tf + K1 * ((1 - B) + B * fl / avgfl))

with Whoosh's idf and average field length (over the whole index, deleted documents included,
as Whoosh counts them), its lossy one-byte field lengths, and its boosts; a field without lengths
scores each posting's weight. As in Whoosh: OR and AND add their parts' scores; an OR of one part
is that part, unboosted (Whoosh skips the boost of a compound query with one part); NOT takes
documents away and adds 1.0 to each (an inverse matcher that scores 1.0, intersected); a
constant-score part scores its constant. The top hits are the highest scores, ties by document
number, as Whoosh's collector keeps them. Query trees with other parts (phrases, ranges, a NOT
outside an AND) are left to Whoosh (`supported`).
"""

from __future__ import annotations

import numpy as np

from bigsearch.engines import interface as i
from bigsearch.engines.records import KIND_PARAGRAPH
from bigsearch.engines.whoosh_deadline import Deadline
from bigsearch.engines.whoosh_docsets import Docsets

_SIMPLE = (i.Term, i.Or, i.And, i.Not, i.Constant, i.All, i.Nothing)


class Scorer:
    """Scores query trees over one searcher (one committed state) of the whoosh engine."""

    def __init__(self, searcher, docsets: Docsets) -> None:
        from whoosh.scoring import BM25F

        self.searcher = searcher
        self.docsets = docsets
        self.size = docsets.size
        self.bm25f = type(searcher.weighting) is BM25F
        self._lengths: dict[str, np.ndarray] = {}

    def supported(self, node: i.Q) -> bool:
        """Whether this tree is scored here (else Whoosh scores it)."""
        if not self.bm25f or not isinstance(node, _SIMPLE):
            return False
        if isinstance(node, i.Term):
            return node.field != "year"  # a year is a numeric range in Whoosh
        if isinstance(node, i.And):  # a Not only here, beside at least one positive part
            if all(isinstance(child, i.Not) for child in node.children):
                return False
            return all(self.supported(child.child if isinstance(child, i.Not) else child) for child in node.children)
        if isinstance(node, i.Or):
            return all(not isinstance(child, i.Not) and self.supported(child) for child in node.children)
        if isinstance(node, i.Constant):
            return self.supported(node.child)
        return not isinstance(node, i.Not)

    # -- scores -----------------------------------------------------------------------------------

    def evaluate(self, node: i.Q, deadline: Deadline | None = None) -> tuple[np.ndarray, np.ndarray]:
        """(documents matched, their scores: 0 elsewhere) as arrays over the document numbers; each
        term's posting blocks check `deadline` (SearchStopped when it has passed)."""
        if isinstance(node, i.Term):
            return self._term(node.field, node.value, node.boost, deadline)
        if isinstance(node, i.All):
            return self._term("kind", KIND_PARAGRAPH, 1.0, deadline)  # as to_whoosh asks for every paragraph
        if isinstance(node, i.Nothing):
            return self.docsets.empty(), np.zeros(self.size)
        if isinstance(node, i.Or):
            matched, scores = self.docsets.empty(), np.zeros(self.size)
            for child in node.children:
                child_matched, child_scores = self.evaluate(child, deadline)
                matched |= child_matched
                scores += child_scores
            # Whoosh boosts the union of two or more parts; a lone part is matched as it is, unboosted
            return matched, scores * node.boost if node.boost != 1.0 and len(node.children) > 1 else scores
        if isinstance(node, i.And):
            positives = [child for child in node.children if not isinstance(child, i.Not)]
            matched, scores = self.evaluate(positives[0], deadline)
            for child in positives[1:]:
                child_matched, child_scores = self.evaluate(child, deadline)
                matched &= child_matched
                scores += child_scores
            for child in node.children:
                if isinstance(child, i.Not):
                    matched &= ~self.evaluate(child.child, deadline)[0]
                    scores += 1.0  # Whoosh intersects with an inverse matcher, which scores 1.0
            scores[~matched] = 0.0
            return matched, scores
        if isinstance(node, i.Constant):
            matched, _ = self.evaluate(node.child, deadline)
            return matched, np.where(matched, float(node.score), 0.0)
        raise TypeError(f"not scored here: {node!r}")

    def _term(self, fieldname: str, value, boost: float,
              deadline: Deadline | None = None) -> tuple[np.ndarray, np.ndarray]:
        matched, scores = self.docsets.empty(), np.zeros(self.size)
        searcher = self.searcher
        if fieldname not in searcher.schema:
            return matched, scores
        field = searcher.schema[fieldname]
        try:
            text = field.to_bytes(value)
        except ValueError:
            return matched, scores
        postings = self.docsets.postings(fieldname, text, deadline)
        if not postings:
            return matched, scores
        weighting = searcher.weighting
        if field.scorable:
            idf = searcher.idf(fieldname, text)
            avgfl = searcher.avg_field_length(fieldname) or 1
            B = weighting._field_B.get(fieldname, weighting.B)  # noqa: N806 - BM25's names
            K1 = weighting.K1  # noqa: N806
            lengths = self._field_lengths(fieldname)
        for offset, numbers, weights in postings:
            documents = numbers + offset
            matched[documents] = True
            if field.scorable:
                tf, fl = weights, lengths[documents]
                # Whoosh's bm25(), term for term, so that every score is the same float
                scores[documents] = idf * ((tf * (K1 + 1)) / (tf + K1 * ((1 - B) + B * fl / avgfl)))
            else:
                scores[documents] = weights
        deleted = self.docsets.deleted
        if deleted.any():
            matched &= ~deleted
            scores[deleted] = 0.0
        if boost != 1.0:
            scores *= boost
        return matched, scores

    def _field_lengths(self, fieldname: str) -> np.ndarray:
        """Every document's length of a field, as Whoosh stores it (one byte, decoded by its table)."""
        if fieldname not in self._lengths:
            from whoosh.codec.whoosh3 import LENGTHS_COLUMN, _lenfield
            from whoosh.util.numeric import byte_to_length

            table = np.array([byte_to_length(byte) for byte in range(256)], dtype=np.float64)
            table[0] = 1.0  # (no length: never a document with postings in the field)
            lengths = np.ones(self.size, dtype=np.float64)
            for subsearcher, offset in self.searcher.leaf_searchers():
                perdoc = subsearcher.reader()._perdoc
                column = perdoc._cached_reader(_lenfield(fieldname), LENGTHS_COLUMN)
                count = subsearcher.doc_count_all()
                if column is None:
                    continue
                stored = min(column._count, count)
                raw = np.frombuffer(column._dbfile.get(column._basepos, stored), dtype=np.uint8)
                lengths[offset:offset + stored] = table[raw]
                lengths[offset + stored:offset + count] = table[0]
            self._lengths[fieldname] = lengths
        return self._lengths[fieldname]

    # -- the top ----------------------------------------------------------------------------------

    @staticmethod
    def top(matched: np.ndarray, scores: np.ndarray, count: int) -> list[tuple[int, float]]:
        """The `count` best (document, score): highest score first, ties by document number."""
        documents = np.flatnonzero(matched)
        if count <= 0 or not len(documents):
            return []
        found = scores[documents]
        if len(documents) > count:
            kth = np.partition(found, len(found) - count)[len(found) - count]  # the count-th highest
            better = documents[found > kth]
            tied = documents[found == kth][:count - len(better)]  # documents are in order: the first ones
            documents = np.concatenate((better, tied))
            found = scores[documents]
        order = np.lexsort((documents, -found))
        return [(int(documents[n]), float(found[n])) for n in order]

