"""What the baselines borrow from bigsearch so that they do the same work: the Swedish analysis
chain, the word expansion (inflected variants, prefixes), the principal names, the highlighter and
the facets it counts (its facet registry, so a facet added there is counted here too).

Every bigsearch import of the benchmark's baselines is in this module (the ingest step has its
own two in ingest.py): a rename in bigsearch breaks here, loudly, and tests/test_bench.py
catches it. None of these modules imports Whoosh's patches (stock Whoosh runs unpatched).

A query becomes a `Plan` by the rules of bigsearch's query compiler (search/compile.py), for the
subset the query mix uses (words, "phrases", prefix*, a year range and a principal):
- a word searches its stem and the stems of its other forms the index holds, in the text (1.0),
  the § title (0.5) and the document title (0.3), variants at 0.8 of that; its stem among the
  compound parts (0.3) and the attendee names (0.2); the folded field (0.2) only for a word typed
  without å ä ö whose spelling the index lacks; a word naming a principal also matches that
  principal's paragraphs with a constant low score;
- a phrase searches the text (1.0) and the § title (0.5), the folded field as above;
- words and phrases are AND-ed; terms the index does not hold are left out.
Each baseline turns a Plan into its own query language.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Protocol

from bigsearch.analysis.compounds import compound_parts
from bigsearch.analysis.stemming import fold, stem
from bigsearch.analysis.tokens import analyse, words
from bigsearch.domain.principals import default_registry
from bigsearch.facets import FACETS as REGISTRY
from bigsearch.search.expand import Budget, prefix_terms, variant_stems
from bigsearch.search.highlight import MatchedTerms, match_spans, snippet

ANALYSED_FIELDS = ("text", "section_title", "doc_title", "parts", "folded", "attendee_words")
WEIGHTS = {"text": 1.0, "section_title": 0.5, "doc_title": 0.3, "parts": 0.3, "folded": 0.2, "attendee_words": 0.2}
MAIN_FIELDS = ("text", "section_title", "doc_title")
VARIANT_WEIGHT = 0.8
PRINCIPAL_SCORE = 0.05
# The facets bigsearch counts over every hit: name -> the record key (and baseline field) holding
# the values. Year is the one range among them (an int); the others are exact strings, one per
# paragraph (SINGLE) or several (MULTI).
FACETS = {facet.name: facet.key for facet in REGISTRY.counted()}
MULTI_FACETS = tuple(facet.name for facet in REGISTRY.counted() if facet.multi)
SINGLE_FACETS = tuple(facet.name for facet in REGISTRY.counted() if not facet.multi and facet.name != "year")
assert all(re.fullmatch(r"[a-z_]+", key) for key in FACETS.values())  # used as column and field names
_TOKEN = re.compile(r"\w+")
_DIACRITICS = re.compile(r"[åäöÅÄÖéèüæøá]")


# -- indexing: a record's analysed fields ------------------------------------------------------


@lru_cache(maxsize=300_000)
def _word_terms(word: str) -> tuple[str, str, tuple[str, ...]]:
    """A word's term in the text field, in the folded field, and its compound parts (stemmed)."""
    return stem(word), stem(fold(word)), tuple(stem(part) for part in dict.fromkeys(compound_parts(word)))


@lru_cache(maxsize=8192)
def _title_terms(text: str) -> str:
    return " ".join(term for term, _, _, _ in analyse("section_title", text))


def analysed_fields(record: dict) -> dict[str, str]:
    """Each analysed field's terms, space-separated, as bigsearch's analysis chain makes them
    (tokens.analyse; one pass over the words, each word analysed once). Positions follow the
    order of the terms: exact except after a coordinated compound ("drog- och brotts…"), whose
    extra full form takes a position of its own here."""
    text, main, folded, parts = record.get("text") or "", [], [], []
    for word, _, _, _ in words(text):
        own, flat, pieces = _word_terms(word)
        main.append(own)
        folded.append(flat)
        parts.extend(pieces)
    attendance = " ".join(record.get("attendees") or ()) if record.get("first") else ""
    return {
        "text": " ".join(main),
        "section_title": _title_terms(record.get("section_title") or ""),
        "doc_title": _title_terms(record.get("title") or ""),
        "parts": " ".join(parts),
        "folded": " ".join(folded),
        "attendee_words": " ".join(term for term, _, _, _ in analyse("attendee_words", attendance)),
    }


def principal_key(principal: str | None) -> str:
    """A principal's name as one token ("Välfärd Gävle" -> "välfärd_gävle"), for engines that only
    have analysed columns (FTS5)."""
    return "_".join(_TOKEN.findall(principal.lower())) if principal else ""


# -- searching: a query as a plan ---------------------------------------------------------------


class Lexicon(Protocol):
    def df(self, field: str, term: str) -> int: ...

    def prefixed(self, field: str, prefix: str) -> Iterator[str]: ...

    def principals(self) -> set[str]: ...


@dataclass(frozen=True)
class Term:
    field: str
    value: str
    boost: float = 1.0


@dataclass(frozen=True)
class Phrase:
    field: str
    terms: tuple[str, ...]
    boost: float = 1.0


@dataclass(frozen=True)
class Principal:
    """Paragraphs of this principal, with a constant low score (a word that names it)."""

    name: str
    score: float = PRINCIPAL_SCORE


@dataclass(frozen=True)
class Prefix:
    """A prefix in the main fields, with the (capped) expansion bigsearch would search."""

    prefix: str
    terms: tuple[str, ...]


Clause = Term | Phrase | Principal | Prefix


@dataclass
class Plan:
    """AND of `groups`, each an OR of clauses; an empty group matches nothing."""

    groups: list[list[Clause]]
    year: tuple[int, int] | None = None
    principal: str | None = None
    matched: MatchedTerms = field(default_factory=MatchedTerms)

    @property
    def empty(self) -> bool:
        return any(not group for group in self.groups)


def plan(text: str, lexicon: Lexicon, year: tuple[int, int] | None = None, principal: str | None = None) -> Plan:
    registry = default_registry()
    result = Plan([], year, None)
    if principal:
        match = registry.resolve(principal)
        result.principal = match.principal if match else principal
    held = lexicon.principals()

    def names_principal(words_: str) -> list[Clause]:
        match = registry.resolve(words_)
        return [Principal(match.principal)] if match and match.principal in held else []

    matched = result.matched
    for quoted, bare in re.findall(r'"([^"]+)"|(\S+)', text):
        tokens = [t.lower() for t in _TOKEN.findall(quoted or bare)]
        if not tokens:
            continue
        if bare.endswith("*"):
            terms = tuple(prefix_terms(lexicon, "text", tokens[-1], Budget()))
            matched.terms["text"].update(terms)
            result.groups.append([Prefix(tokens[-1], terms)] if terms else [])
        elif len(tokens) > 1:
            result.groups.append(_phrase(tokens, lexicon, matched) + names_principal(quoted or bare))
        else:
            result.groups.append(_word(tokens[0], lexicon, matched) + names_principal(tokens[0]))
    return result


def _word(token: str, lexicon: Lexicon, matched: MatchedTerms) -> list[Clause]:
    stems = variant_stems(token, lexicon, "text", Budget())
    clauses: list[Clause] = [Term(name, term, WEIGHTS[name] * (1.0 if index == 0 else VARIANT_WEIGHT))
                             for name in MAIN_FIELDS for index, term in enumerate(stems)]
    matched.terms["text"].update(stems)
    clauses.append(Term("parts", stems[0], WEIGHTS["parts"]))
    matched.terms["parts"].add(stems[0])
    if not _DIACRITICS.search(token) and not any(lexicon.df("text", s) for s in stems):
        folded = stem(fold(token))
        clauses.append(Term("folded", folded, WEIGHTS["folded"]))
        matched.terms["folded"].add(folded)
    clauses.append(Term("attendee_words", stems[0], WEIGHTS["attendee_words"]))
    return [c for c in clauses if lexicon.df(c.field, c.value)]


def _phrase(tokens: list[str], lexicon: Lexicon, matched: MatchedTerms) -> list[Clause]:
    stems = tuple(stem(t) for t in tokens)
    clauses: list[Clause] = [Phrase("text", stems, 1.0), Phrase("section_title", stems, WEIGHTS["section_title"])]
    matched.phrases.setdefault("text", []).append(list(stems))
    matched.phrases.setdefault("section_title", []).append(list(stems))
    if not _DIACRITICS.search(" ".join(tokens)) and any(not lexicon.df("text", s) for s in stems):
        folded = tuple(stem(fold(t)) for t in tokens)
        clauses.append(Phrase("folded", folded, WEIGHTS["folded"]))
        matched.phrases.setdefault("folded", []).append(list(folded))
    return clauses


# -- results: highlights, as bigsearch makes them -------------------------------------------------


def highlight(record: dict, matched: MatchedTerms) -> dict:
    """The snippet and the highlight offsets of one hit (text, § title and document title)."""
    text = record.get("text") or ""
    spans = match_spans(text, matched.terms, matched.phrases)
    window, inside = snippet(text, spans)
    title_terms = {"text": matched.terms.get("text", set()), "folded": matched.terms.get("folded", set())}
    out = {"id": record["id"], "snippet": window, "highlights": inside}
    for key in ("section_title", "title"):
        if record.get(key):
            out[key] = match_spans(record[key], title_terms, matched.phrases)
    return out


def year_key(value) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None
