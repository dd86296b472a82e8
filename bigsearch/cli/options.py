"""The command line's options, declared once: the typer commands (cli/params.py) and the quick
start-up path (cli/entry.py) both build their parsers from these tables, so flags, defaults and
choices cannot drift.

Cheap to import on purpose (no typer, no engine): `bigsearch search` reads it before anything else.
"""

from __future__ import annotations

from dataclasses import dataclass

from bigsearch.engines.interface import SORTS
from bigsearch.facets import DOC_TYPES

FORMATS = ("text", "md", "csv", "json")
COLORS = ("auto", "always", "never")
DEFAULT_LIMIT = 10
MAX_LIMIT = 10_000
__all__ = ["COLORS", "DEFAULT_LIMIT", "FILTER_OPTIONS", "FORMATS", "MAX_LIMIT", "PERIOD", "SORTS", "FilterOption"]


@dataclass(frozen=True)
class FilterOption:
    flag: str  # --principal
    field: str  # Filters.principal
    help: str
    choices: tuple[str, ...] | None = None


FILTER_OPTIONS = (
    FilterOption("--year", "year", "A year (2024) or a range (2019..2023)."),
    FilterOption("--from", "date_from", "From this date (2019-09-20, 2019-09, 2019)."),
    FilterOption("--to", "date_to", "Up to this date."),
    FilterOption("--principal", "principal", "Principal (any alias or case)."),
    FilterOption("--person", "person", "Person mentioned or present."),
    FilterOption("--attendee", "attendee", "Person present at the meeting."),
    FilterOption("--place", "place", "Place mentioned."),
    FilterOption("--type", "doc_type", "protokoll, yttrande or dokument.", DOC_TYPES),
)
PERIOD = ("year", "date_from", "date_to")  # the filters of commands about one principal or person
