"""The browser's filters: those it started with (command-line options) and the values picked since.

Every active filter is shown (a ✓ in the sidebar, a label in the filter bar) and can be removed the
same way, whichever way it came in. A starting option that names one value of a listed facet
(`--principal polisen`, `--year 2024`) becomes that facet's picked value, resolved as the index holds
it ("Polisen"): it is the ✓ on that row, and toggling the row removes it instead of adding a second
filter. Options that name no single value (`--year 2019..2023`, `--from`, `--type`) stay options,
shown as rows of their own.
"""

from __future__ import annotations

from dataclasses import dataclass

from bigsearch.errors import QueryError
from bigsearch.facets import FACETS, Facet, Known, Option
from bigsearch.querytree import Range
from bigsearch.search.results import Filters

# How a facet's second option reads after its title ("Datum från 2024-01-01").
OPTION_WORDS = {"date_from": "från", "date_to": "till"}


@dataclass(frozen=True)
class ActiveFilter:
    """One filter as the user sees it."""

    facet: str  # the facet it belongs to: its sidebar section
    option: str | None  # the starting option it came from and still is (None for a picked value)
    value: str  # as shown: "Polisen", "2019..2023"

    @property
    def label(self) -> str:
        facet = FACETS.get(self.facet)
        title = facet.title if facet else self.facet
        if self.option and self.option in OPTION_WORDS:
            return f"{title} {OPTION_WORDS[self.option]} {self.value}"
        return f"{title}={self.value}"

    @property
    def row_value(self) -> str:
        """The text of its sidebar row: the value, with "från"/"till" for a date bound."""
        return f"{OPTION_WORDS[self.option]} {self.value}" if self.option in OPTION_WORDS else self.value


def facet_of(option_name: str) -> tuple[Facet, Option] | None:
    for facet in FACETS:
        for option in facet.options:
            if option.name == option_name:
                return facet, option
    return None


def single_value(facet: Facet, typed: str, known: Known) -> str | None:
    """The one value of a listed facet that `typed` names, as the sidebar counts it; None when it
    names several (a range) or the facet is not in the sidebar."""
    if not (facet.listed and facet.counted and len(facet.options) == 1):
        return None
    try:
        if facet.ranged:
            query = facet.query(typed, known)
            if isinstance(query, Range) and query.low is not None and query.low == query.high:
                return str(query.low)
            return None
        return facet.resolve(typed, known)
    except QueryError:
        return None  # left as typed: the search says what is wrong with it


class FilterState:
    """The active filters; changed only on the app's thread."""

    def __init__(self, start: Filters | None = None, known: Known | None = None) -> None:
        start = start or Filters()
        self.given: dict[str, str] = {name: str(value) for name, value in start.given.items()}
        self.picked: dict[str, str] = dict(start.facets)
        if known is not None:
            self._adopt(known)

    def _adopt(self, known: Known) -> None:
        for name, typed in list(self.given.items()):
            owner = facet_of(name)
            if owner is None or owner[0].name in self.picked:
                continue
            value = single_value(owner[0], typed, known)
            if value is not None:
                self.picked[owner[0].name] = value
                del self.given[name]

    def filters(self) -> Filters:
        return Filters(dict(self.picked), **self.given)

    def __bool__(self) -> bool:
        return bool(self.given or self.picked)

    def active(self) -> list[ActiveFilter]:
        """Every active filter, in the sidebar's order."""
        shown = []
        for facet in FACETS:
            for option in facet.options:
                if option.name in self.given:
                    shown.append(ActiveFilter(facet.name, option.name, self.given[option.name]))
            if facet.name in self.picked:
                shown.append(ActiveFilter(facet.name, None, self.picked[facet.name]))
        return shown

    def toggle(self, facet: str, value: str) -> None:
        """A sidebar value picked: on when off, off when on."""
        if self.picked.get(facet) == value:
            del self.picked[facet]
        else:
            self.picked[facet] = value

    def remove_option(self, option: str) -> None:
        self.given.pop(option, None)

    def clear(self) -> None:
        self.given.clear()
        self.picked.clear()
