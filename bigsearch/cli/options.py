"""The command line's options, declared once: the typer commands (cli/params.py) and the quick
start-up path (cli/entry.py) both build their parsers from these, so flags, defaults and choices
cannot drift. The filter flags are the facets' options (bigsearch/facets.py), read when a parser
is built.

Cheap to import on purpose (no typer, no engine): `bigsearch search` reads it before anything else.
"""

from __future__ import annotations

from bigsearch.engines.interface import SORTS
from bigsearch.facets import FACETS, Option
from bigsearch.search.results import MAX_LIMIT

FORMATS = ("text", "md", "csv", "json")
COLORS = ("auto", "always", "never")
DEFAULT_LIMIT = 10
__all__ = ["COLORS", "DEFAULT_LIMIT", "FORMATS", "MAX_LIMIT", "SORTS", "filter_flags", "period_options"]


def filter_flags() -> tuple[Option, ...]:
    """Every filter flag: --year, --from, --to, --principal, … --body (each facet's options)."""
    return FACETS.options()


def period_options() -> tuple[str, ...]:
    """The filters of commands about one principal or person: year, date_from, date_to."""
    return FACETS.period()
