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
from bigsearch.search.compile import WhooshLexicon
from bigsearch.search.docsets import matching_docs
from bigsearch.search.expand import Budget, closest_term
from bigsearch.search.facets import UNDATED, FacetCounter, year_value
from bigsearch.search.highlight import MatchedTerms, match_spans, snippet
from bigsearch.search.results import Filters, Hit, SearchResult

SORTS = ("relevance", "date", "-date")


@dataclass
class Listing:
    name: str
    paragraphs: int
    first_year: int | None
    last_year: int | None
    attended: int | None = None  # persons only: meetings present at


@dataclass
class Timeline:
    query: str
    counts: dict[int, int]  # hits per year
    undated: int  # hits in undated paragraphs
    years_with_protocols: list[int]  # a year missing here holds no protocol at all (a gap, not "0 hits")

    def rows(self) -> list[tuple[int, int | None]]:
        """(year, hits) from the first to the last year with hits; hits is None for a year without protocols."""
        if not self.counts:
            return []
        have = set(self.years_with_protocols)
        return [(year, self.counts.get(year, 0) if year in have else None)
                for year in range(min(self.counts), max(self.counts) + 1)]


@dataclass
class Stats:
    documents: int
    paragraphs: int
    years: list[int]
    index_bytes: int
    schema_version: int
    index_dir: str
    undated: int = 0  # paragraphs without a meeting date


def _text(value) -> str:
    return value.decode("utf-8") if isinstance(value, bytes) else str(value)


def hit_from_fields(fields: dict, score: float = 0.0) -> Hit:
    return Hit(
        id=fields["id"],
        score=round(float(score), 4),
        date=fields.get("date"),
        year=year_value(fields.get("year")),
        doc_type=fields.get("doc_type", ""),
        source=fields.get("source", ""),
        section=fields.get("section"),
        section_title=fields.get("section_title") or None,
        principal=fields.get("principal"),
        unit=fields.get("unit"),
        persons=[p for p in fields.get("persons", "").split(",") if p],
        places=[p for p in fields.get("places", "").split(",") if p],
        text=fields.get("text", ""),
        doc_title=fields.get("title") or None,
        attendees=[p for p in fields.get("attendees", "").split(",") if p],
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
            raise QueryError("--limit and --offset must be 0 or more")
        compiled, notes = query_mod.parse_query(text, WhooshLexicon(self.searcher.reader()), self.vocabulary)
        filters = filters or Filters()
        restrictions = query_mod.build_filters(filters, self.vocabulary)
        kwargs = {}
        if sort != "relevance":
            kwargs["sortedby"] = ["date", "position"]
            kwargs["reverse"] = sort == "-date"
        parsed = compiled.query
        try:
            # Filters are document sets: they narrow the hits without touching the score.
            allowed = self._allowed(restrictions)
            if allowed is not None and not allowed:
                parsed = q.NullQuery  # nothing passes the filters (an empty filter set would mean "no filter")
            results = self.searcher.search(parsed, filter=allowed, limit=max(1, offset + limit), **kwargs)
            matched = matching_docs(self.searcher, parsed)
        except WhooshQueryError as exc:
            raise QueryError(f"cannot run this query ({exc}) — simplify it") from exc
        undated_excluded = 0
        if allowed is not None:
            if filters.year or filters.date_from or filters.date_to:
                undated = matching_docs(self.searcher, q.Term("undated", "1"))
                undated_excluded = len((matched & undated) - allowed)
            matched &= allowed
        docnums = sorted(matched)
        hits = []
        for index in range(offset, min(results.scored_length(), offset + limit)):
            result = results[index]
            hit = hit_from_fields(result.fields(), result.score if sort == "relevance" else 0.0)
            self._highlight(hit, compiled.matched)
            hits.append(hit)
        total = len(docnums)
        suggestion = self.suggest(text) if total == 0 else None
        return SearchResult(
            query=text, total=total, hits=hits, facets=self.facet_counter.count(docnums) if facets else {},
            suggestion=suggestion, notes=notes, undated_excluded=undated_excluded,
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

    @staticmethod
    def _highlight(hit: Hit, matched: MatchedTerms) -> None:
        hit.highlights = match_spans(hit.text, matched.terms, matched.phrases)
        hit.snippet, hit.snippet_highlights = snippet(hit.text, hit.highlights)
        title_terms = {"text": matched.terms.get("text", set()), "folded": matched.terms.get("folded", set())}
        if hit.section_title:
            hit.title_highlights = match_spans(hit.section_title, title_terms, matched.phrases)
        if hit.doc_title:
            hit.doc_title_highlights = match_spans(hit.doc_title, title_terms, matched.phrases)
        if not (hit.highlights or hit.title_highlights or hit.doc_title_highlights):
            words = matched.terms.get("text", set())
            hit.matched_attendees = [
                name for name in hit.attendees if any(stem(part.lower()) in words for part in re.findall(r"\w+", name))
            ]

    def suggest(self, text: str) -> str | None:
        """Did you mean: each unknown word replaced by the closest word of the index's own vocabulary.

        Candidates come from the stemmed vocabulary under a fixed scan bound (expand.MAX_SCAN);
        the suggestion is shown as the word is written in a paragraph that holds it.
        """
        lexicon = WhooshLexicon(self.searcher.reader())
        budget = Budget()
        changed = False
        out = []
        for piece in re.split(r"(\w+)", text):
            word = piece.lower()
            if not re.fullmatch(r"\w{3,}", piece) or piece in ("AND", "OR", "NOT") or lexicon.df("text", stem(word)):
                out.append(piece)
                continue
            closest = closest_term(lexicon, "text", stem(word), budget)
            surface = self._surface_form(closest) if closest else None
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
        """Facet values with paragraph counts and year span; for persons also the meetings attended."""
        fieldname = {"principal": "principal", "person": "persons", "place": "places"}[facet]
        reader = self.searcher.reader()
        years = reader.column_reader("year") if reader.has_column("year") else None

        def span(docnums: set[int]) -> list[int]:
            found = (year_value(years[d]) for d in docnums) if years is not None else ()
            return [y for y in found if y]

        rows: dict[str, Listing] = {}
        for term in reader.lexicon(fieldname):
            name = _text(term)
            docnums = matching_docs(self.searcher, q.Term(fieldname, name))
            spans = span(docnums)
            rows[name] = Listing(name, len(docnums), min(spans, default=None), max(spans, default=None))
        if facet == "person":
            for name, meetings in self.attendance().items():
                row = rows.setdefault(name, Listing(name, 0, None, None))
                row.attended = len(meetings)
                spans = [y for y in (row.first_year, row.last_year) if y] + [int(d[:4]) for d in meetings if d[:4].isdigit()]
                row.first_year, row.last_year = min(spans, default=None), max(spans, default=None)
        return sorted(rows.values(), key=lambda item: (-(item.paragraphs + (item.attended or 0)), item.name))

    def attendance(self) -> dict[str, list[str]]:
        """Each attendee's meetings (dates, or the file name of an undated one)."""
        import json

        out: dict[str, list[str]] = {}
        for fields in self.searcher.documents(kind=KIND_FILE):
            try:
                people = json.loads(fields.get("attendee_records") or "[]")
            except ValueError:
                continue
            first = self.searcher.document(kind=KIND_PARAGRAPH, source_key=fields["source_key"]) or {}
            when = first.get("date") or fields.get("source", "")
            for person in people:
                if isinstance(person, dict) and person.get("name"):
                    out.setdefault(person["name"], []).append(when)
        return out

    def timeline(self, text: str, filters: Filters | None = None) -> Timeline:
        result = self.search(text, filters, limit=0)
        counts = result.facets.get("year", {})
        return Timeline(
            query=text,
            counts={int(year): count for year, count in counts.items() if year != UNDATED},
            undated=counts.get(UNDATED, 0),
            years_with_protocols=self.years(),
        )

    def years(self) -> list[int]:
        """The years that hold any paragraph at all."""
        paragraphs = sorted(matching_docs(self.searcher, q.Term("kind", KIND_PARAGRAPH)))
        return sorted(int(year) for year in self.facet_counter.count(paragraphs)["year"] if year != UNDATED)

    def stats(self) -> Stats:
        documents = len(matching_docs(self.searcher, q.Term("kind", KIND_FILE)))
        paragraphs = sorted(matching_docs(self.searcher, q.Term("kind", KIND_PARAGRAPH)))
        counts = self.facet_counter.count(paragraphs)["year"]
        years = sorted(int(year) for year in counts if year != UNDATED)
        return Stats(documents, len(paragraphs), years, store.index_size(self.index_dir), SCHEMA_VERSION,
                     str(self.index_dir), undated=counts.get(UNDATED, 0))
