"""Searching the index: queries with filters, facets, highlights and suggestions; listings and reports."""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from pathlib import Path

from whoosh import query as q
from whoosh.query.qcore import QueryError as WhooshQueryError

from bigsearch.analysis.stemming import stem
from bigsearch.errors import QueryError
from bigsearch.index import store
from bigsearch.index.schema import KIND_FILE, KIND_PARAGRAPH, SCHEMA_VERSION
from bigsearch.search import query as query_mod
from bigsearch.search.docsets import matching_docs
from bigsearch.search.facets import FacetCounter
from bigsearch.search.highlight import MatchedTerms, match_spans, snippet
from bigsearch.search.results import Filters, Hit, SearchResult

SORTS = ("relevance", "date", "-date")


@dataclass
class Listing:
    name: str
    paragraphs: int
    first_year: int | None
    last_year: int | None


@dataclass
class Stats:
    documents: int
    paragraphs: int
    years: list[int]
    index_bytes: int
    schema_version: int
    index_dir: str


def _has_negation(node: q.Query) -> bool:
    return isinstance(node, q.Not) or any(_has_negation(child) for child in node.children())


def _text(value) -> str:
    return value.decode("utf-8") if isinstance(value, bytes) else str(value)


def hit_from_fields(fields: dict, score: float = 0.0) -> Hit:
    return Hit(
        id=fields["id"],
        score=round(float(score), 4),
        date=fields.get("date"),
        year=fields.get("year"),
        doc_type=fields.get("doc_type", ""),
        source=fields.get("source", ""),
        section=fields.get("section"),
        section_title=fields.get("section_title") or None,
        principal=fields.get("principal"),
        unit=fields.get("unit"),
        persons=[p for p in fields.get("persons", "").split(",") if p],
        places=[p for p in fields.get("places", "").split(",") if p],
        text=fields.get("text", ""),
    )


class Searcher:
    """A read-only view of the index at one committed state."""

    def __init__(self, index_dir: Path):
        self.index_dir = Path(index_dir)
        self.ix = store.open_for_reading(self.index_dir)
        self.searcher = self.ix.searcher()
        self._vocabulary: query_mod.Vocabulary | None = None
        self._facets: FacetCounter | None = None

    def close(self) -> None:
        self.searcher.close()

    def __enter__(self) -> Searcher:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    # -- vocabulary ---------------------------------------------------------------------------

    def _values(self, fieldname: str) -> list[str]:
        return [_text(term) for term in self.searcher.reader().lexicon(fieldname)]

    @property
    def vocabulary(self) -> query_mod.Vocabulary:
        if self._vocabulary is None:
            self._vocabulary = query_mod.Vocabulary(self._values)
        return self._vocabulary

    # -- search -------------------------------------------------------------------------------

    def parse(self, text: str) -> q.Query:
        return query_mod.parse_query(text, self.ix.schema, self.vocabulary)

    def search(
        self,
        text: str,
        filters: Filters | None = None,
        sort: str = "relevance",
        limit: int = 10,
        offset: int = 0,
        facets: bool = True,
    ) -> SearchResult:
        if sort not in SORTS:
            raise QueryError(f"--sort {sort!r}: use one of {', '.join(SORTS)}")
        if limit < 0 or offset < 0:
            raise QueryError("--limit must be 0 or more")
        parsed = query_mod.prune(self.parse(text), self.searcher.reader())
        restrictions = query_mod.build_filters(filters or Filters(), self.vocabulary)
        if _has_negation(parsed):
            # A negation alone would also match the index's file records.
            restrictions.append(q.Term("kind", KIND_PARAGRAPH))
        kwargs = {}
        if sort != "relevance":
            kwargs["sortedby"] = ["date", "position"]
            kwargs["reverse"] = sort == "-date"
        try:
            # Filters are document sets: they narrow the hits without touching the score.
            allowed = self._allowed(restrictions)
            if allowed is not None and not allowed:
                parsed = q.NullQuery  # nothing passes the filters (an empty filter set would mean "no filter")
            results = self.searcher.search(parsed, filter=allowed, limit=max(1, offset + limit), **kwargs)
            matched = matching_docs(self.searcher, parsed)
        except WhooshQueryError as exc:
            raise QueryError(f"cannot run this query ({exc}) — simplify it") from exc
        if allowed is not None:
            matched &= allowed
        docnums = sorted(matched)
        terms = self.matched_terms(parsed)
        hits = []
        for index in range(offset, min(results.scored_length(), offset + limit)):
            result = results[index]
            hit = hit_from_fields(result.fields(), result.score if sort == "relevance" else 0.0)
            self._highlight(hit, terms)
            hits.append(hit)
        total = len(docnums)
        suggestion = self.suggest(text) if total == 0 else None
        return SearchResult(
            query=text, total=total, hits=hits, facets=self.facet_counter.count(docnums) if facets else {},
            suggestion=suggestion,
        )

    def _allowed(self, restrictions: list[q.Query]) -> set[int] | None:
        allowed: set[int] | None = None
        for restriction in restrictions:
            docs = matching_docs(self.searcher, restriction)
            allowed = docs if allowed is None else allowed & docs
        return allowed

    @property
    def facet_counter(self) -> FacetCounter:
        if self._facets is None:
            self._facets = FacetCounter(self.searcher.reader())
        return self._facets

    def matched_terms(self, parsed: q.Query) -> MatchedTerms:
        """The index terms the query's positive parts match, by field (prefix and fuzzy terms expanded)."""
        matched = MatchedTerms()
        reader = self.searcher.reader()

        def visit(node: q.Query) -> None:
            if isinstance(node, q.Not):
                return
            if isinstance(node, q.Phrase):
                matched.phrases.setdefault(node.fieldname, []).append([str(w) for w in node.words])
                return
            if isinstance(node, q.Term):
                matched.terms[node.fieldname].add(_text(node.text))
                return
            if isinstance(node, q.MultiTerm):  # prefix, wildcard, fuzzy, ranges
                try:
                    for text in node._btexts(reader):
                        matched.terms[node.fieldname].add(_text(text))
                except Exception:  # a term pattern that lists nothing still searches fine
                    return
                return
            for child in node.children():
                visit(child)

        visit(parsed)
        return matched

    @staticmethod
    def _highlight(hit: Hit, matched: MatchedTerms) -> None:
        hit.highlights = match_spans(hit.text, matched.terms, matched.phrases)
        hit.snippet, hit.snippet_highlights = snippet(hit.text, hit.highlights)

    def suggest(self, text: str) -> str | None:
        """Did you mean: each unknown word replaced by the closest word of the index's own vocabulary.

        Candidates come from the stemmed vocabulary; the suggestion is shown as the word is
        written in a paragraph that holds it ("andersberg" -> "Andersberg").
        """
        corrector = self.searcher.corrector("text")
        reader = self.searcher.reader()
        changed = False
        out = []
        for piece in re.split(r"(\w+)", text):
            word = piece.lower()
            if not re.fullmatch(r"\w{3,}", piece) or piece in ("AND", "OR", "NOT") or reader.doc_frequency("text", stem(word)):
                out.append(piece)
                continue
            options = corrector.suggest(stem(word), limit=1, maxdist=2)
            surface = self._surface_form(options[0]) if options else None
            if surface is None:
                out.append(piece)
                continue
            if piece[:1].isupper():
                surface = surface[:1].upper() + surface[1:]
            out.append(surface)
            changed = True
        return "".join(out) if changed else None

    def _surface_form(self, stemmed: str) -> str | None:
        """The word as written in the first paragraph holding the stem."""
        results = self.searcher.search(q.Term("text", stemmed), limit=1)
        if not results.scored_length():
            return None
        for word in re.findall(r"\w+", results[0].get("text", "")):
            if stem(word.lower()) == stemmed:
                return word
        return None

    # -- documents ----------------------------------------------------------------------------

    def _paragraph_fields(self, paragraph_id: str) -> dict:
        fields = self.searcher.document(id=paragraph_id)
        if not fields or fields.get("kind") == KIND_FILE or "text" not in fields:
            raise QueryError(f"no paragraph with id {paragraph_id!r} — ids are shown by `bigsearch search`")
        return fields

    def get(self, paragraph_id: str) -> Hit:
        hit = hit_from_fields(self._paragraph_fields(paragraph_id))
        hit.snippet = hit.text
        return hit

    def document_paragraphs(self, source_key: str) -> list[Hit]:
        results = self.searcher.search(
            q.And([q.Term("kind", KIND_PARAGRAPH), q.Term("source_key", source_key)]), limit=None, sortedby="position"
        )  # both terms are rare: the intersection is cheap
        return [hit_from_fields(r.fields()) for r in results]

    def source_key_of(self, paragraph_id: str) -> str:
        return self._paragraph_fields(paragraph_id)["source_key"]

    def neighbours(self, paragraph_id: str) -> list[Hit]:
        """The paragraphs of the same § (or heading) of the same protocol, in order."""
        fields = self._paragraph_fields(paragraph_id)
        target = hit_from_fields(fields)
        return [
            hit for hit in self.document_paragraphs(fields["source_key"])
            if hit.section == target.section and hit.section_title == target.section_title
        ]

    def document_info(self, source_key: str) -> dict:
        fields = self.searcher.document(kind=KIND_FILE, source_key=source_key) or {}
        return fields

    # -- reports ------------------------------------------------------------------------------

    def principal_report(self, name: str, filters: Filters | None = None) -> tuple[str, dict[str, list[Hit]]]:
        """Everything a principal reported, grouped by meeting date (newest first)."""
        canonical = query_mod.resolve_principal(name, self.vocabulary)
        filters = replace(filters or Filters(), principal=canonical)  # the caller's filters stay as given
        filter_query = q.And(query_mod.build_filters(filters, self.vocabulary))
        results = self.searcher.search(filter_query, limit=None, sortedby=["date", "position"], reverse=True)
        grouped: dict[str, list[Hit]] = {}
        for result in results:
            hit = hit_from_fields(result.fields())
            grouped.setdefault(hit.date or str(hit.year or "utan datum"), []).append(hit)
        for hits in grouped.values():
            hits.reverse()  # paragraphs in document order within a meeting
        return canonical, grouped

    def listing(self, facet: str) -> list[Listing]:
        """Facet values with paragraph counts and year span."""
        fieldname = {"principal": "principal", "person": "persons", "place": "places"}[facet]
        reader = self.searcher.reader()
        years = reader.column_reader("year") if reader.has_column("year") else None
        out = []
        for term in reader.lexicon(fieldname):
            name = _text(term)
            docnums = list(reader.postings(fieldname, term).all_ids())
            spans = [years[d] for d in docnums if years is not None and years[d]]
            out.append(Listing(name, len(docnums), min(spans) if spans else None, max(spans) if spans else None))
        return sorted(out, key=lambda item: (-item.paragraphs, item.name))

    def timeline(self, text: str, filters: Filters | None = None) -> dict[int, int]:
        result = self.search(text, filters, limit=0)
        return {int(year): count for year, count in result.facets.get("year", {}).items()}

    def stats(self) -> Stats:
        documents = len(matching_docs(self.searcher, q.Term("kind", KIND_FILE)))
        paragraphs = sorted(matching_docs(self.searcher, q.Term("kind", KIND_PARAGRAPH)))
        years = sorted(int(year) for year in self.facet_counter.count(paragraphs)["year"])
        return Stats(documents, len(paragraphs), years, store.index_size(self.index_dir), SCHEMA_VERSION,
                     str(self.index_dir))
