"""Every facet declared once: the engines' schemas, the search core, the CLI, render and the TUI
read this table. Adding a facet is one line here plus its extraction at ingest."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Facet:
    name: str  # facet name and JSON key: result.facets["person"]
    record_key: str  # the paragraph record's key (and engine field)
    multi: bool  # several values per paragraph
    title: str  # display name
    option: str | None  # CLI filter option
    query_field: str | None  # the query-language field (see search/fields.py for aliases)


FACETS: tuple[Facet, ...] = (
    Facet("year", "year", False, "År", "--year", "year"),
    Facet("principal", "principal", False, "Huvudman", "--principal", "principal"),
    Facet("person", "persons", True, "Person", "--person", "person"),
    Facet("attendee", "attendees", True, "Närvarande", "--attendee", "attendee"),
    Facet("place", "places", True, "Plats", "--place", "place"),
    Facet("doc_type", "doc_type", False, "Typ", "--type", "type"),
)
BY_NAME = {facet.name: facet for facet in FACETS}
TITLES = {facet.name: facet.title for facet in FACETS}
DOC_TYPES = ("protokoll", "yttrande", "dokument")  # the type facet's values
UNDATED = "undated"  # the year facet's value for paragraphs without a meeting date
MIN_YEAR, MAX_YEAR = 1000, 2999


def year_value(value) -> int | None:
    """A stored year, or None for an undated paragraph (an engine may hold a filler value)."""
    try:
        year = int(value)
    except (TypeError, ValueError):
        return None
    return year if MIN_YEAR <= year <= MAX_YEAR else None
