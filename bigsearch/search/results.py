"""What a search returns: plain dataclasses; rendering decides styling."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field

from bigsearch.facets import FACETS

MAX_LIMIT = 10_000  # the most hits one search shows: the command line's --limit, the web page's window


@dataclass
class Hit:
    id: str
    score: float
    date: str | None
    year: int | None
    doc_type: str
    source: str
    section: str | None
    section_title: str | None
    principal: str | None
    unit: str | None
    persons: list[str]
    places: list[str]
    text: str
    doc_title: str | None = None
    attendees: list[str] = field(default_factory=list)
    section_prefix: str | None = None  # the body's abbreviation before the § number ("KS" in "KS § 33")
    body: str | None = None  # the body that met (BIG, Kommunstyrelsen …), when known
    page: int | None = None  # where in the original: a PDF's page …
    line: int | None = None  # … or a text file's line
    ocr: bool = False  # read by OCR from a scanned page …
    ocr_confidence: int | None = None  # … whose mean word confidence (0-100) this is
    snippet: str = ""
    # Character offsets into `text` of the words the query matched, as written (inflected).
    highlights: list[tuple[int, int]] = field(default_factory=list)
    # The same, into `snippet`.
    snippet_highlights: list[tuple[int, int]] = field(default_factory=list)
    # Matched words of the § title (a paragraph can match through its title alone).
    title_highlights: list[tuple[int, int]] = field(default_factory=list)
    # Attendees whose names the query matched, when nothing in the text or titles did.
    matched_attendees: list[str] = field(default_factory=list)
    # Matched words of the document's title (with its dnr).
    doc_title_highlights: list[tuple[int, int]] = field(default_factory=list)
    # The source file's key in the index (its resolved path): groups hits by protocol; not shown.
    source_key: str = field(default="", repr=False)
    # Values of facets that have no attribute above (a facet registered later): facet key -> value.
    extra: dict = field(default_factory=dict)

    def to_json(self) -> dict:
        data = asdict(self)
        data.pop("snippet_highlights")
        data.pop("source_key")
        data.update(data.pop("extra"))
        data["highlights"] = [list(span) for span in self.highlights]
        data["title_highlights"] = [list(span) for span in self.title_highlights]
        data["doc_title_highlights"] = [list(span) for span in self.doc_title_highlights]
        return data


@dataclass
class SearchResult:
    query: str
    total: int
    hits: list[Hit]
    # facet name -> value -> paragraphs among the hits: the values with the most paragraphs, as
    # many as the search asked for (facet_limit), in that order; years all, in order.
    facets: dict[str, dict[str, int]]
    suggestion: str | None = None
    # What the user should know about how the query ran (capped fuzziness, a long prefix list).
    notes: list[str] = field(default_factory=list)
    # Undated paragraphs that match the query but were left out by a year or date filter.
    undated_excluded: int = 0
    # facet name -> the paragraph counts of the values left out of `facets`, summed (only facets
    # that left some out): "övriga (N)".
    facets_other: dict[str, int] = field(default_factory=dict)
    # The facet counts were estimated from a sample of the hits (there were more than
    # Searcher.facet_sample) and scaled to the total: shown with "≈".
    facets_approximate: bool = False

    def to_json(self) -> dict:
        return {
            "query": self.query,
            "total": self.total,
            "hits": [hit.to_json() for hit in self.hits],
            "facets": self.facets,
            "facets_other": self.facets_other,
            "facets_approximate": self.facets_approximate,
            "suggestion": self.suggestion,
            "notes": self.notes,
            "undated_excluded": self.undated_excluded,
        }


class Filters:
    """Filters as the user gave them, by option name: every facet's options (bigsearch/facets.py) —
    year, date_from, date_to, principal, person, attendee, place, doc_type, body, … — read as
    attributes (None when not given); and `facets`, the values picked in a facet sidebar (facet
    name -> value, exact as counted). search/filters.py validates and resolves them."""

    def __init__(self, facets: dict[str, str] | None = None, **given) -> None:
        names = FACETS.option_names()
        unknown = sorted(set(given) - set(names))
        if unknown:
            raise TypeError(f"unknown filter(s) {', '.join(unknown)}; use {', '.join(names)}")
        self.given: dict = {name: value for name, value in given.items() if value is not None}
        self.facets: dict[str, str] = dict(facets or {})

    def __getattr__(self, name: str):
        given = self.__dict__.get("given", {})
        if name in given:
            return given[name]
        if name in FACETS.option_names():
            return None
        raise AttributeError(name)

    def replace(self, facets: dict[str, str] | None = None, **changes) -> Filters:
        """A copy with some values changed (None drops one)."""
        return Filters(self.facets if facets is None else facets, **{**self.given, **changes})

    def only(self, names) -> Filters:
        """A copy with only the options named (and no picked values)."""
        return Filters(**{name: value for name, value in self.given.items() if name in names})

    def __eq__(self, other) -> bool:
        return isinstance(other, Filters) and (self.given, self.facets) == (other.given, other.facets)

    __hash__ = None

    def __repr__(self) -> str:
        picked = f", facets={self.facets!r}" if self.facets else ""
        return f"Filters({', '.join(f'{k}={v!r}' for k, v in self.given.items())}{picked})"

    def to_json(self) -> dict:
        return {**self.given, **({"facets": self.facets} if self.facets else {})}
