"""What a search returns: plain dataclasses; rendering decides styling."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field


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

    def to_json(self) -> dict:
        data = asdict(self)
        data.pop("snippet_highlights")
        data.pop("source_key")
        data["highlights"] = [list(span) for span in self.highlights]
        data["title_highlights"] = [list(span) for span in self.title_highlights]
        data["doc_title_highlights"] = [list(span) for span in self.doc_title_highlights]
        return data


@dataclass
class SearchResult:
    query: str
    total: int
    hits: list[Hit]
    facets: dict[str, dict[str, int]]
    suggestion: str | None = None
    # What the user should know about how the query ran (capped fuzziness, a long prefix list).
    notes: list[str] = field(default_factory=list)
    # Undated paragraphs that match the query but were left out by a year or date filter.
    undated_excluded: int = 0

    def to_json(self) -> dict:
        return {
            "query": self.query,
            "total": self.total,
            "hits": [hit.to_json() for hit in self.hits],
            "facets": self.facets,
            "suggestion": self.suggestion,
            "notes": self.notes,
            "undated_excluded": self.undated_excluded,
        }


@dataclass
class Filters:
    """Filters as the user gave them; `query.build_filter` validates and resolves them."""

    year: str | None = None
    date_from: str | None = None
    date_to: str | None = None
    principal: str | None = None
    person: str | None = None
    attendee: str | None = None
    place: str | None = None
    doc_type: str | None = None
    # True: only paragraphs read by OCR from scans; False: only those from text; None: both.
    ocr: bool | None = None
    # Values picked in a facet sidebar: field -> value (exact, canonical).
    facets: dict[str, str] = field(default_factory=dict)
