"""Queries and filters as the user typed them, resolved against the index. Bad input -> QueryError.

The language itself is parsed in parser.py and compiled in compile.py; here facet values are
resolved (any alias or case: "polisen", "Välfärd Gävle/socialtjänsten") and filters built.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from functools import cached_property
from typing import TYPE_CHECKING

from bigsearch.engines import interface as q
from bigsearch.errors import QueryError
from bigsearch.facets import BY_NAME, UNDATED
from bigsearch.options import DOC_TYPES
from bigsearch.search.compile import Compiled, Compiler, Resolvers
from bigsearch.search.lookahead import with_lookahead
from bigsearch.search.parser import clean_input, parse
from bigsearch.search.results import Filters

if TYPE_CHECKING:
    from bigsearch.domain.principals import Registry



class Vocabulary:
    """The facet values the index holds, to resolve what users type; each list is read when first needed."""

    def __init__(self, values: Callable[[str], list[str]]) -> None:
        self._values = values

    @cached_property
    def principals(self) -> list[str]:
        return self._values("principal")

    @cached_property
    def persons(self) -> list[str]:
        return self._values("persons")

    @cached_property
    def attendees(self) -> list[str]:
        return self._values("attendees")

    @cached_property
    def people(self) -> list[str]:
        """Everyone the index knows: mentioned or present."""
        return sorted(set(self.persons) | set(self.attendees))

    @cached_property
    def places(self) -> list[str]:
        return self._values("places")


def resolvers(vocabulary: Vocabulary, registry: Registry | None = None) -> Resolvers:
    return Resolvers(
        principal=lambda value: resolve_principal(value, vocabulary, registry),
        person=lambda value: resolve_person(value, vocabulary.people),
        attendee=lambda value: resolve_person(value, vocabulary.attendees, "present at any meeting"),
        place=lambda value: resolve_place(value, vocabulary),
        doc_type=resolve_doc_type,
        names_principal=lambda text: names_principal(text, vocabulary, registry),
    )


def names_principal(text: str, vocabulary: Vocabulary, registry: Registry | None = None) -> str | None:
    """The principal that free text names ("polisen" -> Polisen), if any, and only if the index has it."""
    from bigsearch.domain.principals import default_registry

    match = (registry or default_registry()).resolve(text)
    if match and match.principal in vocabulary.principals:
        return match.principal
    return None


def parse_query(text: str, lexicon, vocabulary: Vocabulary, registry: Registry | None = None) -> tuple[Compiled, list[str]]:
    """The query compiled for the index, and the notes to show the user (capped fuzziness, long prefixes)."""
    parsed = parse(text)
    resolve = resolvers(vocabulary, registry)
    compiled = with_lookahead(lexicon, lambda words: Compiler(words, resolve).compile(parsed.tree))
    return compiled, parsed.notes + compiled.budget.notes


def _close(value: str, known: list[str]) -> str:
    import difflib

    close = difflib.get_close_matches(value, known, n=3, cutoff=0.6)
    return f" — did you mean {', '.join(close)}?" if close else ""


def resolve_principal(value: str, vocabulary: Vocabulary, registry: Registry | None = None) -> str:
    from bigsearch.domain.principals import default_registry

    registry = registry or default_registry()
    value = clean_input(value, "principal")
    match = registry.resolve(value)
    if match:
        return match.principal
    for name in vocabulary.principals:
        if name.casefold() == value.casefold():
            return name
    known = sorted(set(registry.names) | set(vocabulary.principals))
    raise QueryError(
        f"unknown principal {value!r}{_close(value, known)} (known: {', '.join(known)}; see `bigsearch principals`)"
    )


def resolve_person(value: str, people: list[str], where: str = "in the index") -> str:
    """A full name from what was typed: any case, with or without å ä ö, a surname or a first name alone."""
    from bigsearch.analysis.stemming import fold

    value = clean_input(value, "person")
    key = fold(value.casefold())
    exact = [p for p in people if fold(p.casefold()) == key]
    if exact:
        return exact[0]
    partial = [p for p in people if key in [fold(t.casefold()) for t in p.split()] or fold(p.casefold()).startswith(key + " ")]
    if len(partial) == 1:
        return partial[0]
    if len(partial) > 1:
        raise QueryError(f"{value!r} could be {', '.join(partial[:6])} — give the full name")
    raise QueryError(f"no person {value!r} {where}{_close(value, people)} (see `bigsearch persons`)")


def resolve_place(value: str, vocabulary: Vocabulary) -> str:
    from bigsearch.domain.places import place_names

    value = clean_input(value, "place")
    known = sorted(set(place_names()) | set(vocabulary.places))
    for name in known:
        if name.casefold() in (value.casefold(), value.casefold().removesuffix("s")):
            return name
    from bigsearch.analysis.stemming import fold

    for name in known:
        if fold(name.casefold()) == fold(value.casefold()):
            return name
    raise QueryError(f"unknown place {value!r}{_close(value, known)} (see `bigsearch places`)")


def resolve_doc_type(value: str) -> str:
    if value.casefold() in DOC_TYPES:
        return value.casefold()
    raise QueryError(f"unknown document type {value!r} — use one of {', '.join(DOC_TYPES)}")


def parse_years(value: str) -> tuple[int, int]:
    text = value.strip()
    match = re.fullmatch(r"(\d{4})?\s*(?:\.\.|–|-)\s*(\d{4})?", text)
    if re.fullmatch(r"\d{4}", text):
        return int(text), int(text)
    if match and (match[1] or match[2]):
        start, end = int(match[1] or 1900), int(match[2] or 2100)
        if start <= end:
            return start, end
    raise QueryError(f"--year {value!r}: give a year (2024) or a range (2019..2023)")


def parse_date(value: str, option: str, end: bool = False) -> str:
    text = value.strip()
    if re.fullmatch(r"\d{4}", text):
        return f"{text}-12-31" if end else f"{text}-01-01"
    month = re.fullmatch(r"(\d{4})-(\d{1,2})", text)
    if month and 1 <= int(month[2]) <= 12:
        year, mon = int(month[1]), int(month[2])
        if end:
            last = (dt.date(year + mon // 12, mon % 12 + 1, 1) - dt.timedelta(days=1)).day
            return f"{year:04d}-{mon:02d}-{last:02d}"
        return f"{year:04d}-{mon:02d}-01"
    from bigsearch.domain.dates import first_date

    date = first_date(text) if len(text) < 40 else None
    if date is None:
        raise QueryError(f"{option} {value!r}: give a date as 2024-02-09, 2024-02, 2024 or '9 februari 2024'")
    return date.isoformat()


def build_filters(filters: Filters, vocabulary: Vocabulary, registry: Registry | None = None) -> list[q.Q]:
    """The filters as engine queries; engines apply them as document sets (they add nothing to the score)."""
    parts: list[q.Q] = []
    if filters.year:
        start, end = parse_years(filters.year)
        parts.append(q.Range("year", start, end))
    if filters.date_from or filters.date_to:
        low = parse_date(filters.date_from, "--from") if filters.date_from else None
        high = parse_date(filters.date_to, "--to", end=True) if filters.date_to else None
        if low and high and low > high:
            raise QueryError(f"--from {filters.date_from} is after --to {filters.date_to} — swap them")
        parts.append(q.Range("date", low, high))
    if filters.principal:
        parts.append(q.Term("principal", resolve_principal(filters.principal, vocabulary, registry)))
    if filters.person:
        name = resolve_person(filters.person, vocabulary.people)
        parts.append(q.Or((q.Term("persons", name), q.Term("attendees", name))))
    if filters.attendee:
        parts.append(q.Term("attendees", resolve_person(filters.attendee, vocabulary.attendees, "present at any meeting")))
    if filters.place:
        parts.append(q.Term("places", resolve_place(filters.place, vocabulary)))
    if filters.doc_type:
        parts.append(q.Term("doc_type", resolve_doc_type(filters.doc_type)))
    for name, value in filters.facets.items():
        facet = BY_NAME.get(name)
        if facet is None:
            raise QueryError(f"unknown facet {name!r} — use one of {', '.join(BY_NAME)}")
        if name == "year" and str(value) == UNDATED:
            parts.append(q.Term("undated", "1"))
        elif name == "year":
            parts.append(q.Term("year", int(value)))
        else:
            parts.append(q.Term(facet.record_key, value))
    return parts
