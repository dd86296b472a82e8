"""The search options, declared once: the typer CLI (cli.py) and the quick start-up path
(entry.py) both build their parsers from these tables, so defaults and choices cannot drift.

Cheap to import on purpose (no typer, no engine): `bigsearch search` reads it before anything else.
"""

from __future__ import annotations

from dataclasses import dataclass

SORTS = ("relevance", "date", "-date")
DOC_TYPES = ("protokoll", "yttrande", "dokument")
FORMATS = ("text", "md", "csv", "json")
COLORS = ("auto", "always", "never")
DEFAULT_LIMIT = 10
MAX_LIMIT = 10_000


@dataclass(frozen=True)
class FilterOption:
    flag: str  # --principal
    field: str  # Filters.principal
    help: str


FILTER_OPTIONS = (
    FilterOption("--year", "year", "A year (2024) or a range (2019..2023)."),
    FilterOption("--from", "date_from", "From this date (2019-09-20, 2019-09, 2019)."),
    FilterOption("--to", "date_to", "Up to this date."),
    FilterOption("--principal", "principal", "Principal (any alias or case)."),
    FilterOption("--person", "person", "Person mentioned or present."),
    FilterOption("--attendee", "attendee", "Person present at the meeting."),
    FilterOption("--place", "place", "Place mentioned."),
)
