"""The user's query tree (search/ast.py) turned into the engines' query tree of index terms
(engines/interface.py), with the terms each field matched (for highlights).

What a word searches:
- the stem field (`text`), with the stems of the word's other forms ("skola" ⊃ "skolan"); the
  word's own stem (the forms Snowball joins with it) leads by EXACT_LEAD: paragraphs holding it,
  in the text or the § title, come before those found only through another form, a compound
  part, a folded spelling or a name ("Justeras" never ranks "just nu" first);
- the § title (weight 0.5) and the document title with its dnr (0.3; the engines index it on the
  meeting's first paragraph only, so it counts once per meeting);
- compound parts (0.3): "våld" finds "våldsförebyggande";
- the folded field (0.2), only for a word typed without å ä ö whose spelling the index does not
  hold ("Satra" → Sätra); a word typed with them matches that spelling only ("år" is not "är");
- attendee names (0.2): "Jennehag" finds the meetings he attended;
- the principal it names ("polisen" → Polisen's paragraphs), with a low constant score so that
  paragraphs holding the word rank first.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from bigsearch.analysis.stemming import fold, stem
from bigsearch.domain.parts import TEXT_PARTS
from bigsearch.engines import interface as q
from bigsearch.engines.interface import Lexicon
from bigsearch.errors import QueryError
from bigsearch.facets import Known
from bigsearch.messages import t
from bigsearch.search import ast
from bigsearch.search.expand import Budget, fuzzy_terms, prefix_terms, variant_stems
from bigsearch.search.fields import query_field
from bigsearch.search.highlight import MatchedTerms

_TOKEN = re.compile(r"\w+")
_DIACRITICS = re.compile(r"[åäöÅÄÖéèüæøá]")

WEIGHTS = {"text": 1.0, "section_title": 0.5, "doc_title": 0.3, "parts": 0.3, "folded": 0.2, "attendee_words": 0.2}
VARIANT_WEIGHT = 0.8
PRINCIPAL_SCORE = 0.05
# Added once to a paragraph holding a query word's own stem: more than one word's BM25 score
# reaches (about idf × 2.2; idf is under 20 even for tens of millions of paragraphs), so each
# word's exact-form matches rank before its other matches, whatever the engine.
EXACT_LEAD = 100.0
# The minutes' own text ranks before the text around it (header fields, signatures, captions):
# a constant lead for the text parts, above the exact-form leads of a query of up to 99 words
# and any text score, taken off the scores shown (small enough for tantivy's 32-bit scores).
TEXT_LEAD = 10_000.0


def ranked(query: q.Q) -> q.Q:
    """`query` scored so that every paragraph of the minutes' own text comes before every header
    field, signature and caption it matches (the same paragraphs match)."""
    lead = tuple(q.Constant(q.Term("part", part), TEXT_LEAD) for part in TEXT_PARTS)
    return q.And((query, q.Or((*lead, q.Constant(q.All(), 0.0)))))


def unranked_score(score: float, part: str | None) -> float:
    """The score `ranked` gave, without the text parts' lead."""
    return score - TEXT_LEAD if part in TEXT_PARTS else score


@dataclass
class Compiled:
    query: q.Q
    matched: MatchedTerms
    budget: Budget


def _or(clauses: list[q.Q], boost: float = 1.0) -> q.Q:
    clauses = [c for c in clauses if not isinstance(c, q.Nothing)]
    if not clauses:
        return q.Nothing()
    return q.Or(tuple(clauses), boost)


def _words(node) -> list[ast.Word]:
    """The words of a query tree, in order."""
    if isinstance(node, ast.Word):
        return [node]
    children = getattr(node, "children", None) or ([node.child] if getattr(node, "child", None) is not None else [])
    return [word for child in children for word in _words(child)]


class Compiler:
    """`known` gives the values the index holds (facets resolve typed values against them);
    `names_principal` the principal free text names, if any ("polisen" -> Polisen)."""

    def __init__(self, lexicon: Lexicon, known: Known, names_principal: Callable[[str], str | None] = lambda text: None):
        self.lexicon = lexicon
        self.known = known
        self.names_principal = names_principal
        self.budget = Budget()
        self.matched = MatchedTerms()
        self.positive = True

    def compile(self, tree: ast.Node) -> Compiled:
        self.budget.share_among(sum(1 for word in _words(tree) if word.prefix or word.fuzzy))
        return Compiled(self.node(tree), self.matched, self.budget)

    def node(self, node: ast.Node) -> q.Q:
        if isinstance(node, ast.And):
            children = [self._negated(c.child) if isinstance(c, ast.Not) else self.node(c) for c in node.children]
            if all(isinstance(c, q.Not) for c in children):
                children.insert(0, q.All())  # only negations: everything else
            return q.And(tuple(children))
        if isinstance(node, ast.Or):
            return q.Or(tuple(self.node(child) for child in node.children))
        if isinstance(node, ast.Not):
            return q.And((q.All(), self._negated(node.child)))  # a negation alone: everything else
        if isinstance(node, ast.Range):
            return self.range(node)
        if isinstance(node, ast.Phrase):
            return self.phrase(node)
        return self.word(node)

    def _negated(self, child: ast.Node) -> q.Not:
        before, self.positive = self.positive, not self.positive
        try:
            return q.Not(self.node(child))
        finally:
            self.positive = before

    # -- leaves -----------------------------------------------------------------------------

    def range(self, node: ast.Range) -> q.Q:
        return query_field(node.field).facet.between(node.low, node.high)

    def word(self, node: ast.Word) -> q.Q:
        if node.field in (None, "text", "title"):
            tokens = [t.lower() for t in _TOKEN.findall(node.text)]
            if not tokens:
                return q.Nothing()
            if len(tokens) > 1 and not (node.prefix or node.fuzzy):
                return self.phrase(ast.Phrase(tuple(tokens), node.field, node.boost))
            return self._boosted(self.text_word(tokens[-1] if node.prefix else tokens[0], node), node.boost)
        if node.prefix or node.fuzzy:
            raise QueryError(t("query.pattern_on_facet", field=node.field, text=node.text,
                               example=f"{node.field}:{node.text.rstrip('*~')}"))
        return self.facet(node.field, node.text)

    def facet(self, fieldname: str, value: str) -> q.Q:
        """`field:value`: the facet of that name resolves and matches it (bigsearch/facets.py)."""
        return query_field(fieldname).facet.query(value, self.known)

    def _fields(self, node_field: str | None) -> tuple[str, ...]:
        if node_field == "text":
            return ("text", "parts", "folded")
        if node_field == "title":
            return ("section_title", "doc_title")
        return ("text", "section_title", "doc_title", "parts", "folded", "attendee_words")

    def _held(self, clauses: list[q.Q]) -> list[q.Q]:
        """Only the terms the index holds: absent ones match nothing and only cost the engine time."""
        return [c for c in clauses
                if not (isinstance(c, q.Term) and c.field in WEIGHTS) or self.lexicon.df(c.field, str(c.value))]

    def text_word(self, token: str, node: ast.Word) -> q.Q:
        return _or(self._held(self._text_word(token, node)))

    def _text_word(self, token: str, node: ast.Word) -> list[q.Q]:
        fields = self._fields(node.field)
        main = [f for f in ("text", "section_title", "doc_title") if f in fields]
        clauses: list[q.Q] = []
        if node.prefix:
            terms = prefix_terms(self.lexicon, "text", token, self.budget)
            for name in main:
                clauses.extend(q.Term(name, t, boost=WEIGHTS[name]) for t in terms)
            self._remember("text", terms)
            return clauses
        if node.fuzzy:
            terms = fuzzy_terms(self.lexicon, "text", stem(token), node.fuzzy, self.budget)
            for name in main:
                clauses.extend(q.Term(name, t, boost=WEIGHTS[name]) for t in terms)
            self._remember("text", terms)
            return clauses
        stems = variant_stems(token, self.lexicon, "text", self.budget)
        exact = [q.Term(name, stems[0]) for name in ("text", "section_title")
                 if name in fields and self.lexicon.df(name, stems[0])]
        if exact and self.positive:  # a negated word ranks nothing
            clauses.append(q.Constant(_or(exact), EXACT_LEAD))
        for name in main:
            for index, term in enumerate(stems):
                weight = WEIGHTS[name] * (1.0 if index == 0 else VARIANT_WEIGHT)
                clauses.append(q.Term(name, term, boost=weight))
        self._remember("text", stems)
        if "parts" in fields:
            clauses.append(q.Term("parts", stems[0], boost=WEIGHTS["parts"]))
            self._remember("parts", stems[:1])
        if "folded" in fields and self._folding_helps(token, stems):
            folded = stem(fold(token))
            clauses.append(q.Term("folded", folded, boost=WEIGHTS["folded"]))
            self._remember("folded", [folded])
        if "attendee_words" in fields:
            clauses.append(q.Term("attendee_words", stems[0], boost=WEIGHTS["attendee_words"]))
        if node.field is None:
            principal = self.names_principal(token)
            if principal:
                clauses.append(q.Constant(q.Term("principal", principal), PRINCIPAL_SCORE))
        return clauses

    def _folding_helps(self, token: str, stems: list[str]) -> bool:
        """Only a word typed without å ä ö, and only when the index lacks that spelling."""
        if _DIACRITICS.search(token):
            return False
        return not any(self.lexicon.df("text", s) for s in stems)

    def phrase(self, node: ast.Phrase) -> q.Q:
        if node.field not in (None, "text", "title"):
            return self.facet(node.field, " ".join(node.words))
        tokens = [t.lower() for word in node.words for t in _TOKEN.findall(word)]
        if not tokens:
            return q.Nothing()
        if len(tokens) == 1:
            return self.word(ast.Word(tokens[0], node.field, boost=node.boost))
        fields = self._fields(node.field)
        stems = [stem(t) for t in tokens]
        clauses: list[q.Q] = []
        for name in ("text", "section_title"):
            if name in fields:
                clauses.append(q.Phrase(name, tuple(stems), boost=WEIGHTS[name]))
        if self.positive:
            self.matched.phrases.setdefault("text", []).append(stems)
            self.matched.phrases.setdefault("section_title", []).append(stems)
        if "folded" in fields and not _DIACRITICS.search(" ".join(tokens)):
            if not all([self.lexicon.df("text", s) for s in stems]):  # every word looked up: one batch
                folded = [stem(fold(t)) for t in tokens]
                clauses.append(q.Phrase("folded", tuple(folded), boost=WEIGHTS["folded"]))
                if self.positive:
                    self.matched.phrases.setdefault("folded", []).append(folded)
        if node.field is None:
            principal = self.names_principal(" ".join(node.words))
            if principal:
                clauses.append(q.Constant(q.Term("principal", principal), PRINCIPAL_SCORE))
        return self._boosted(_or(clauses), node.boost)

    def _remember(self, fieldname: str, terms: list[str]) -> None:
        if self.positive:
            self.matched.terms[fieldname].update(terms)

    @staticmethod
    def _boosted(query: q.Q, boost: float | None) -> q.Q:
        if boost is None or isinstance(query, q.Nothing):
            return query
        return q.Or((query,), boost)
