"""The search core: queries with filters, facets, highlights and suggestions; listings and reports.

Engine-neutral: it parses the query (parser.py), expands and resolves it against the engine's
vocabulary (compile.py, filters.py) and asks the engine (engines/interface.py) for top hits,
totals and facet counts. Nothing here knows which engine answers.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, fields
from pathlib import Path

from bigsearch.analysis.stemming import stem
from bigsearch.engines import interface as q
from bigsearch.engines.interface import Engine
from bigsearch.errors import QueryError
from bigsearch.facets import FACETS, UNDATED, year_value
from bigsearch.messages import t
from bigsearch.search import filters as filters_mod
from bigsearch.search.compile import ranked, unranked_score
from bigsearch.search.expand import Budget, closest_term, within_edits
from bigsearch.search.highlight import MatchedTerms, match_spans, snippet
from bigsearch.search.lookahead import with_lookahead
from bigsearch.search.results import Filters, Hit, SearchResult

SORTS = q.SORTS
_HIT_FIELDS = {f.name for f in fields(Hit)}


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
    unit: str = "paragraph"  # what is counted: "paragraph" or "meeting"

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
    engine: str = "whoosh"


FACET_LIMIT = 10  # values per facet a search counts unless its caller says how many it shows
FACET_SAMPLE = 50_000  # more hits than this: facets are counted over a sample of about this many


def facet_view(answer: q.EngineResult) -> tuple[dict[str, dict[str, int]], dict[str, int]]:
    """An engine's facet counts as shown to users, and what each leaves out: years as strings in
    order, "undated" last; other values by count (the engine returned only those shown). Counts
    of a sample are scaled to every hit (and the result says they are approximate)."""
    scale = answer.total / answer.sampled if answer.sampled else 1.0

    def scaled(count: int) -> int:
        return round(count * scale) if answer.sampled else count

    out: dict[str, dict[str, int]] = {}
    for name, values in answer.facets.items():
        if name == "year":
            years = {year_value(k): v for k, v in values.items() if v}
            view = {str(k): scaled(years[k]) for k in sorted(k for k in years if k is not None)}
            undated = sum(v for k, v in values.items() if year_value(k) is None)
            if undated:
                view[UNDATED] = scaled(undated)
            out[name] = view
        else:
            ordered = sorted(((str(k), v) for k, v in values.items() if k and v), key=lambda kv: (-kv[1], kv[0]))
            out[name] = {value: scaled(count) for value, count in ordered}
    other = {name: scaled(count) for name, count in answer.facets_other.items() if count}
    return out, other


def hit_from_record(record: dict, score: float = 0.0) -> Hit:
    return Hit(
        id=record["id"],
        score=round(float(score), 4),
        date=record.get("date"),
        year=year_value(record.get("year")),
        doc_type=record.get("doc_type") or "",
        source=record.get("source") or "",
        section=record.get("section"),
        section_title=record.get("section_title") or None,
        principal=record.get("principal"),
        unit=record.get("unit"),
        persons=list(record.get("persons") or []),
        places=list(record.get("places") or []),
        text=record.get("text") or "",
        doc_title=record.get("title") or None,
        attendees=list(record.get("attendees") or []),
        body=record.get("body") or None,
        section_prefix=record.get("section_prefix") or None,
        page=record.get("page") or None,
        line=record.get("line") or None,
        ocr=record.get("ocr") == "ja",  # the ocr facet's value (bigsearch/facets.py)
        ocr_confidence=record.get("ocr_confidence"),
        source_key=record.get("source_key") or "",
        extra={facet.key: record.get(facet.key) for facet in FACETS if facet.key not in _HIT_FIELDS},
    )


def counted() -> tuple[str, ...]:
    """The facets counted over every hit of a search (bigsearch/facets.py)."""
    return tuple(facet.name for facet in FACETS.counted())


class Searcher:
    """A read-only view of one index at one committed state, through its engine."""

    def __init__(self, index_dir: Path, engine: Engine | None = None):
        from bigsearch.engines.registry import open_engine

        self.index_dir = Path(index_dir)
        self.engine = engine or open_engine(self.index_dir)
        self.known = filters_mod.KnownValues(self.engine.values)
        self.facet_sample: int | None = FACET_SAMPLE  # None: facet counts always exact

    def close(self) -> None:
        self.engine.close()

    def __enter__(self) -> Searcher:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    # -- search -------------------------------------------------------------------------------

    def _restriction(self, filters: Filters, *extra: q.Q) -> q.Q | None:
        """The filters (and any extra conditions) as one engine query, or None when there are none."""
        parts = [*filters_mod.build_filters(filters, self.known), *extra]
        return q.And(tuple(parts)) if parts else None

    def search(
        self,
        text: str,
        filters: Filters | None = None,
        sort: str = "relevance",
        limit: int = 10,
        offset: int = 0,
        facets: bool = True,
        within: q.Q | None = None,
        facet_limit: int | None = FACET_LIMIT,
    ) -> SearchResult:
        """`within` narrows the search further (one protocol's paragraphs, for instance).
        `facet_limit`: values counted per facet, those the caller shows (None: every value). With
        more hits than `self.facet_sample` the facets are counted over a sample of about that
        many, scaled to the total, and the result says they are approximate."""
        names = counted() if facets else ()
        return self._search(text, filters, sort, limit, offset, within, names, facet_limit, self.facet_sample)

    def _search(self, text: str, filters: Filters | None, sort: str, limit: int, offset: int, within: q.Q | None,
                facet_names: tuple[str, ...], facet_limit: int | None, facet_sample: int | None) -> SearchResult:
        if sort not in SORTS:
            raise QueryError(t("search.bad_sort", sort=repr(sort), sorts=", ".join(SORTS)))
        if limit < 0 or offset < 0:
            raise QueryError(t("search.negative_limit"))
        compiled, notes = filters_mod.parse_query(text, self.engine.lexicon(), self.known)
        filters = filters or Filters()
        extra = (within,) if within is not None else ()
        restriction = self._restriction(filters, *extra)
        scored = ranked(compiled.query) if sort == "relevance" else compiled.query
        result = self._engine_search(scored, restriction, sort, limit, offset, facet_names, facet_limit, facet_sample)
        undated_excluded = 0
        period = FACETS.period()
        if any(filters.given.get(name) for name in period):
            # Undated paragraphs that pass every other filter: the year or date filter alone left them out.
            undated = self._restriction(filters.replace(**dict.fromkeys(period)), *extra, q.Term("undated", "1"))
            undated_excluded = self.engine.count(q.And((compiled.query, undated)))
        hits = []
        for engine_hit in result.hits:
            score = unranked_score(engine_hit.score, engine_hit.record.get("part")) if sort == "relevance" else 0.0
            hit = hit_from_record(engine_hit.record, score)
            self._highlight(hit, compiled.matched)
            hits.append(hit)
        suggestion = self.suggest(text) if result.total == 0 and result.stopped_after is None else None
        if result.stopped_after is not None:
            notes = [*notes, t("search.stopped", seconds=f"{result.stopped_after:g}")]
        counts, other = facet_view(result)
        return SearchResult(
            query=text, total=result.total, hits=hits, facets=counts, facets_other=other,
            facets_approximate=bool(result.sampled), suggestion=suggestion, notes=notes,
            undated_excluded=undated_excluded,
        )

    def _engine_search(self, query: q.Q, restriction: q.Q | None, sort: str, limit: int, offset: int,
                       facet_names: tuple[str, ...], facet_limit: int | None,
                       facet_sample: int | None) -> q.EngineResult:
        if not facet_names:
            return self.engine.search(query, restriction, sort, limit, offset)
        if facet_limit is not None and facet_limit < 0:
            raise QueryError("the number of facet values must be 0 or more")
        return self.engine.search(query, restriction, sort, limit, offset, facet_names, facet_limit=facet_limit,
                                  facet_sample=facet_sample)

    def search_every(self, text: str, filters: Filters | None = None, sort: str = "relevance",
                     within: q.Q | None = None, cap: int | None = None) -> SearchResult:
        """Every hit of a query (up to `cap`), highlighted, without facets."""
        total = self.search(text, filters, limit=0, facets=False, within=within).total
        limit = max(1, min(total, cap) if cap else total)
        return self.search(text, filters, sort, limit=limit, facets=False, within=within)

    def browse(self, filters: Filters, sort: str = "-date", limit: int = 10, offset: int = 0,
               facets: bool = True, facet_limit: int | None = FACET_LIMIT) -> SearchResult:
        """Every paragraph passing the filters (no query), newest first: `browse --principal polisen`."""
        restriction = self._restriction(filters)
        if restriction is None:
            raise QueryError(t("search.nothing_to_list"))
        result = self._engine_search(q.All(), restriction, sort, limit, offset, counted() if facets else (),
                                     facet_limit, self.facet_sample)
        hits = []
        for engine_hit in result.hits:
            hit = hit_from_record(engine_hit.record)
            hit.snippet, hit.snippet_highlights = snippet(hit.text, [])
            hits.append(hit)
        counts, other = facet_view(result)
        return SearchResult(query="", total=result.total, hits=hits, facets=counts, facets_other=other,
                            facets_approximate=bool(result.sampled))

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
        the suggestion is shown as the word is written in a paragraph that holds it. When that
        paragraph was read by OCR, the suggestion is the word with its edits allowed
        ("Andersberg~1"): OCR misreads a word in many ways, and one misreading finds only itself.
        """
        pieces = re.split(r"(\w+)", text)
        closest = with_lookahead(self.engine.lexicon(), lambda lexicon: self._closest_terms(pieces, lexicon))
        changed = False
        out = []
        for number, piece in enumerate(pieces):
            surface, read_by_ocr = self._surface_form(closest[number]) if number in closest else (None, False)
            if surface is None:
                out.append(piece)
                continue
            if read_by_ocr:
                out.append(f"{piece}~{1 if within_edits(stem(piece.lower()), closest[number], 1) else 2}")
                changed = True
                continue
            if piece[:1].isupper():
                surface = surface[:1].upper() + surface[1:]
            out.append(surface)
            changed = True
        return "".join(out) if changed else None

    @staticmethod
    def _closest_terms(pieces: list[str], lexicon) -> dict[int, str]:
        """Piece number -> the closest vocabulary term, for each word the index does not hold."""
        budget = Budget()
        found = {}
        for number, piece in enumerate(pieces):
            word = piece.lower()
            if not re.fullmatch(r"\w{3,}", piece) or piece in ("AND", "OR", "NOT") or lexicon.df("text", stem(word)):
                continue
            closest = closest_term(lexicon, "text", stem(word), budget)
            if closest:
                found[number] = closest
        return found

    def _surface_form(self, stemmed: str) -> tuple[str | None, bool]:
        """The word as written in the first paragraph holding the stem, and whether OCR read that paragraph."""
        result = self.engine.search(q.Term("text", stemmed), limit=1)
        for hit in result.hits:
            for word in re.findall(r"\w+", hit.record.get("text", "")):
                if stem(word.lower()) == stemmed:
                    return word, hit.record.get("ocr") == "ja"
        return None, False

    # -- documents ----------------------------------------------------------------------------

    def _record(self, paragraph_id: str) -> dict:
        record = self.engine.paragraph(paragraph_id)
        if record is None:
            raise QueryError(t("search.no_paragraph", id=repr(paragraph_id)))
        return record

    def get(self, paragraph_id: str) -> Hit:
        hit = hit_from_record(self._record(paragraph_id))
        hit.snippet = hit.text
        return hit

    def document_paragraphs(self, source_key: str) -> list[Hit]:
        return [hit_from_record(record) for record in self.engine.source_paragraphs(source_key)]

    def source_key_of(self, paragraph_id: str) -> str:
        return self._record(paragraph_id)["source_key"]

    def neighbours(self, paragraph_id: str) -> list[Hit]:
        """The paragraphs of the same § (or heading) of the same protocol, in order."""
        record = self._record(paragraph_id)
        target = hit_from_record(record)
        return [
            hit for hit in self.document_paragraphs(record["source_key"])
            if hit.section == target.section and hit.section_title == target.section_title
        ]

    def context(self, paragraph_id: str, size: int) -> tuple[list[Hit], list[Hit]]:
        """Up to `size` paragraphs before and after a paragraph, in its protocol's order."""
        if size <= 0:
            return [], []
        paragraphs = self.document_paragraphs(self.source_key_of(paragraph_id))
        index = next((n for n, hit in enumerate(paragraphs) if hit.id == paragraph_id), 0)
        return paragraphs[max(0, index - size) : index], paragraphs[index + 1 : index + 1 + size]

    def document_info(self, source_key: str) -> dict:
        for source in self.engine.sources():
            if source.get("source_key") == source_key:
                return source
        return {}

    # -- reports ------------------------------------------------------------------------------

    def records(self, filters: Filters | None = None, sort: str = "-date") -> list[dict]:
        """Every paragraph passing the filters, as the engine's records."""
        restriction = self._restriction(filters or Filters())
        total = self.engine.search(q.All(), restriction, limit=0).total
        return [hit.record for hit in self.engine.search(q.All(), restriction, sort, limit=max(total, 1)).hits]

    def principal_report(self, name: str, filters: Filters | None = None) -> tuple[str, dict[str, list[Hit]]]:
        """Everything a principal reported, grouped by meeting date (newest first)."""
        canonical = FACETS["principal"].resolve(name, self.known)
        filters = (filters or Filters()).replace(principal=canonical)  # the caller's filters stay as given
        grouped: dict[str, list[dict]] = {}
        for record in self.records(filters):
            key = record.get("date") or t("undated.source", source=record.get("source"))
            grouped.setdefault(key, []).append(record)
        return canonical, {
            key: [hit_from_record(r) for r in sorted(records, key=lambda r: r.get("position") or 0)]
            for key, records in grouped.items()
        }

    def listing(self, facet: str) -> list[Listing]:
        """Facet values with paragraph counts and year span; for persons also the meetings attended."""
        field = FACETS[facet].key
        rows: dict[str, Listing] = {}
        for name in self.engine.values(field):
            result = self.engine.search(q.Term(field, name), limit=0, facets=("year",))
            years = [y for y in (year_value(k) for k, v in result.facets.get("year", {}).items() if v) if y]
            rows[name] = Listing(name, result.total, min(years, default=None), max(years, default=None))
        if facet == "person":
            for name, meetings in self.attendance().items():
                row = rows.setdefault(name, Listing(name, 0, None, None))
                row.attended = len(meetings)
                spans = [y for y in (row.first_year, row.last_year) if y] + [int(d[:4]) for d in meetings if d[:4].isdigit()]
                row.first_year, row.last_year = min(spans, default=None), max(spans, default=None)
        return sorted(rows.values(), key=lambda item: (-(item.paragraphs + (item.attended or 0)), item.name))

    def attendance(self) -> dict[str, list[str]]:
        """Each attendee's meetings (dates, or the file name of an undated one)."""
        sources = self.engine.sources()
        dates = self.source_dates(sources)
        out: dict[str, list[str]] = {}
        for source in sources:
            try:
                people = json.loads(source.get("attendee_records") or "[]")
            except ValueError:
                continue
            when = dates.get(source.get("source_key")) or source.get("source", "")
            for person in people:
                if isinstance(person, dict) and person.get("name"):
                    out.setdefault(person["name"], []).append(when)
        return out

    def source_dates(self, sources: list[dict] | None = None) -> dict[str, str | None]:
        """Each source's meeting date, from its first paragraph."""
        out: dict[str, str | None] = {}
        for source in sources if sources is not None else self.engine.sources():
            key = source.get("source_key")
            first = self.engine.search(q.And((q.All(), q.Term("source_key", key))), limit=1, sort="date").hits
            out[key] = first[0].record.get("date") if first else None
        return out

    def timeline(self, text: str, filters: Filters | None = None, by: str = "paragraph") -> Timeline:
        """Hits per year: paragraphs, or (by="meeting") the meetings that discussed it (exact counts)."""
        result = self._search(text, filters, "relevance", 0, 0, None, ("year",), None, None)
        counts = result.facets.get("year", {})
        if by == "meeting" and result.total:
            meetings: dict[str, set[str]] = {}
            for hit in self.search(text, filters, limit=result.total, facets=False).hits:
                meetings.setdefault(str(hit.year) if hit.year else UNDATED, set()).add(hit.source_key)
            counts = {key: len(value) for key, value in meetings.items()}
        return Timeline(
            query=text,
            counts={int(year): count for year, count in counts.items() if year != UNDATED},
            undated=counts.get(UNDATED, 0),
            years_with_protocols=self.years(),
            unit=by,
        )

    def _year_counts(self) -> dict[str, int]:
        return facet_view(self.engine.search(q.All(), limit=0, facets=("year",)))[0].get("year", {})

    def years(self) -> list[int]:
        """The years that hold any paragraph at all."""
        return [int(year) for year in self._year_counts() if year != UNDATED]

    def stats(self) -> Stats:
        counts = self._year_counts()
        return Stats(
            documents=len(self.engine.sources()),
            paragraphs=self.engine.count(q.All()),
            years=[int(year) for year in counts if year != UNDATED],
            index_bytes=self.engine.size_bytes(),
            schema_version=self.engine.schema_version,
            index_dir=str(self.index_dir),
            undated=counts.get(UNDATED, 0),
            engine=self.engine.name,
        )
