"""Plain data passed between the ingest stages."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class OcrTally:
    """Pages of a file read by OCR: by this run, and taken from the OCR cache."""

    read: int = 0
    cached: int = 0


@dataclass
class RawText:
    """What a reader returns: the file's text as lines, before any cleaning."""

    source: str
    text: str
    # Lines known to be page furniture by the reader (a PDF's repeated header/footer).
    furniture: frozenset[str] = frozenset()
    # The format found by content: txt, docx, odt, doc, rtf, html, pdf.
    kind: str = "txt"
    # A PDF's text page by page (after furniture), to tell each paragraph's page.
    pages: list[str] = field(default_factory=list)
    # Things the reader had to leave out or guess ("only the first 1,000 of 20,000 pages read").
    warnings: list[str] = field(default_factory=list)
    # Per page (as `pages`): the mean word confidence (0-100) of a page read by OCR, None for a
    # page read from its text layer. Empty when no page was read by OCR.
    page_confidence: list[int | None] = field(default_factory=list)
    ocr: OcrTally = field(default_factory=OcrTally)


@dataclass
class Attendee:
    name: str
    organisation: str | None = None
    principal: str | None = None
    # "ordförande", "tjg ersättare för Eva Ek (S)", "sekreterare"; the header field it was listed
    # under is `status` ("beslutande", "ersättare", "övriga", "adjungerad").
    role: str | None = None
    status: str | None = None

    def to_export(self) -> dict:
        return {"name": self.name, "organisation": self.organisation, "role": self.role,
                "principal": self.principal, "status": self.status}


@dataclass
class Paragraph:
    id: str
    source: str
    doc_type: str
    date: str | None
    year: int | None
    section: str | None
    section_title: str | None
    principal: str | None
    unit: str | None
    persons: list[str]
    places: list[str]
    text: str
    position: int = 0
    # The body's abbreviation printed before the item number ("KS" in "KS § 33", "Sn" in "Sn 49").
    section_prefix: str | None = None
    # The PDF page the paragraph starts on (1-based); None for other formats.
    page: int | None = None
    # The line of the original text the paragraph starts on (1-based); None for PDFs and office files.
    line: int | None = None
    # Read by OCR from a scanned page, with that page's mean word confidence (0-100).
    ocr: bool = False
    ocr_confidence: int | None = None

    EXPORT_KEYS = (
        "id", "source", "doc_type", "date", "year", "section", "section_title",
        "principal", "unit", "persons", "places", "text",
    )

    def to_export(self) -> dict:
        return {key: getattr(self, key) for key in self.EXPORT_KEYS}


@dataclass
class Document:
    source: str
    doc_type: str
    title: str | None
    date: str | None
    year: int | None
    attendees: list[Attendee] = field(default_factory=list)
    distribution: list[str] = field(default_factory=list)
    signatories: list[str] = field(default_factory=list)
    paragraphs: list[Paragraph] = field(default_factory=list)
    id_prefix: str = ""
    # Why this document may be incomplete: no meeting date, no sections, pages left out …
    warnings: list[str] = field(default_factory=list)
    kind: str = "txt"
    # The body that met, as the header names it ("Socialnämnden", "Kommunfullmäktige"); None if not named.
    body: str | None = None
    ocr: OcrTally = field(default_factory=OcrTally)
