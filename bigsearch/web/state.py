"""What a page shows, read from its URL and written back into every link: the query, the filters,
the sort, the page and its size. The URL is the whole state, so a link pasted in a mail opens
the same view.

The filters are the facets' options (bigsearch/facets.py), named as the command line's flags
without their dashes: year, from, to, principal, person, attendee, place, type, body — so
`/search?q=Andersberg&principal=polisen&year=2019..2024` is `bigsearch search Andersberg
--principal polisen --year 2019..2024`. A facet registered later gets its parameter here too.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from urllib.parse import quote, urlencode

from bigsearch.errors import QueryError
from bigsearch.facets import FACETS, Facet, Option
from bigsearch.search.results import MAX_LIMIT, Filters
from bigsearch.search.searcher import SORTS

PAGE_SIZE = 20  # hits on a page unless the URL says `limit`
FORMATS = ("html", "md", "plain", "csv", "json")  # `format=`: the page, citations, data


def filter_params() -> tuple[tuple[str, Option], ...]:
    """(URL parameter, option) for every facet option, in the registry's order, read now."""
    return tuple((option.flag.lstrip("-"), option) for option in FACETS.options())


def facet_param(facet: Facet) -> str | None:
    """The URL parameter a value of this facet is picked with (its first option), None when it has none."""
    return facet.options[0].flag.lstrip("-") if facet.options else None


def _whole(params: Mapping[str, str], name: str, default: int, low: int, high: int) -> int:
    text = (params.get(name) or "").strip()
    if not text:
        return default
    try:
        value = int(text)
    except ValueError:
        raise QueryError(f"{name}={text[:40]!r}: give a whole number from {low} to {high:,}") from None
    if not low <= value <= high:
        raise QueryError(f"{name}={value}: give a whole number from {low} to {high:,}")
    return value


@dataclass(frozen=True)
class SearchState:
    query: str = ""
    filters: tuple[tuple[str, str], ...] = ()  # (URL parameter, value as given), in the registry's order
    sort: str = SORTS[0]
    page: int = 1
    limit: int = PAGE_SIZE

    @classmethod
    def from_params(cls, params: Mapping[str, str]) -> SearchState:
        """The state a URL asks for; QueryError (shown with HTTP 400) when a value cannot be used."""
        sort = params.get("sort") or SORTS[0]
        if sort not in SORTS:
            raise QueryError(f"sort={sort[:40]!r}: use one of {', '.join(SORTS)}")
        filters = []
        for name, option in filter_params():
            value = (params.get(name) or "").strip()
            if not value:
                continue
            if option.choices and value.casefold() not in option.choices:
                raise QueryError(f"{name}={value[:40]!r}: use one of {', '.join(option.choices)}")
            filters.append((name, value))
        limit = _whole(params, "limit", PAGE_SIZE, 1, MAX_LIMIT)
        page = _whole(params, "page", 1, 1, MAX_LIMIT)
        state = cls(params.get("q", "").strip(), tuple(filters), sort, page, limit)
        if state.offset + limit > MAX_LIMIT:
            raise QueryError(f"page {page} lies past the first {MAX_LIMIT:,} hits, the most one search shows — "
                             "narrow the query or add a filter")
        return state

    @property
    def offset(self) -> int:
        return (self.page - 1) * self.limit

    @property
    def last_page(self) -> int:
        """The last page the result window allows."""
        return MAX_LIMIT // self.limit

    def value(self, param: str) -> str | None:
        return dict(self.filters).get(param)

    def api_filters(self) -> dict[str, str]:
        """The filters as the API's keyword arguments (option names: principal, date_from, doc_type …)."""
        options = dict(filter_params())
        return {options[param].name: value for param, value in self.filters if param in options}

    def to_filters(self) -> Filters:
        return Filters(**self.api_filters())

    @classmethod
    def from_filters(cls, query: str, given: Mapping[str, str]) -> SearchState:
        """The state of a saved search: its query and its filters by option name."""
        by_name = {option.name: param for param, option in filter_params()}
        return cls(query, tuple((by_name[name], str(value)) for name, value in given.items()
                                if name in by_name and value))

    # -- links -------------------------------------------------------------------------------

    def params(self, **extra: str | None) -> list[tuple[str, str]]:
        """The URL parameters, defaults left out, then `extra` (None values dropped)."""
        out: list[tuple[str, str]] = [("q", self.query)] if self.query else []
        out.extend(self.filters)
        if self.sort != SORTS[0]:
            out.append(("sort", self.sort))
        if self.page != 1:
            out.append(("page", str(self.page)))
        if self.limit != PAGE_SIZE:
            out.append(("limit", str(self.limit)))
        out.extend((key, value) for key, value in extra.items() if value is not None)
        return out

    def url(self, path: str = "/search", **extra: str | None) -> str:
        query = urlencode(self.params(**extra))
        return f"{path}?{query}" if query else path

    def with_filter(self, param: str, value: str | None) -> SearchState:
        """This state with one filter set (or dropped, for None), back on the first page."""
        order = [name for name, _ in filter_params()]
        kept = {name: given for name, given in self.filters if name != param}
        if value:
            kept[param] = value
        return replace(self, filters=tuple((name, kept[name]) for name in order if name in kept), page=1)

    def is_picked(self, param: str, value: str) -> bool:
        given = self.value(param)
        return given is not None and given.casefold() == str(value).casefold()

    def toggled(self, param: str, value: str) -> SearchState:
        """A facet value's link: picks it, or drops it when it is picked already."""
        return self.with_filter(param, None if self.is_picked(param, value) else value)

    def at(self, **changes) -> SearchState:
        return replace(self, **changes)


def path_part(text: str) -> str:
    """A name or id as one path segment (a slash in a name stays inside the segment)."""
    return quote(str(text), safe="")
