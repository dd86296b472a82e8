"""Plain data passed between the ingest stages."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class RawText:
    """What a reader returns: the file's text as lines, before any cleaning."""

    source: str
    text: str
    # Lines known to be page furniture by the reader (a PDF's repeated header/footer).
    furniture: frozenset[str] = frozenset()


@dataclass
class Attendee:
    name: str
    organisation: str | None = None
    principal: str | None = None


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
