"""Every facet declared once, as a class with its behaviour (after datasette's facets.py).

A facet says what a paragraph's value is (extracted at indexing, from the ingested paragraph and
its document), which query-language fields and command-line flags name it, how a typed value is
matched against the values the index holds (any case, aliases, with or without å ä ö), which
paragraphs a value matches, and how people see it. Everything else is built from the registry
below when it is used: every engine's schema, the query language's fields (search/fields.py),
Filters and the API's keyword arguments (search/results.py), the command line's filter flags
(cli/options.py), the facet lines under search results, the JSON, and the browser's sidebar.

A new facet is one class here plus its extraction: a keyword facet (exact string values, one or
several per paragraph). The two ranges, year and date, are typed fields each engine handles.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from bigsearch.errors import QueryError
from bigsearch.querytree import Or, Q, Range, Term
from bigsearch.textsafe import clean_input

DOC_TYPES = ("protokoll", "yttrande", "dokument")  # the type facet's values
UNDATED = "undated"  # the year facet's value for paragraphs without a meeting date
MIN_YEAR, MAX_YEAR = 1000, 2999

# What the index holds: a record key -> every value of it (the search core reads it lazily).
Known = Callable[[str], list[str]]


@dataclass(frozen=True)
class Option:
    """A command-line flag of a facet, and the matching Filters field and API keyword argument."""

    flag: str  # --principal
    name: str  # Filters.principal, Index.search(principal=…)
    help: str
    choices: tuple[str, ...] | None = None
    switch: bool = False  # a yes/no flag pair (--ocr/--no-ocr): its value is True or False


class Facet:
    """A keyword facet: exact values, one per paragraph or (multi) several."""

    name = ""  # facet name and JSON key: result.facets["principal"]
    title = ""  # display name
    key = ""  # the paragraph record's key and every engine's field (default: the name)
    multi = False  # several values per paragraph
    counted = True  # counted over every hit of a search (result.facets)
    listed = True  # shown with the counts under search results and in the browser's sidebar
    ranged = False  # a range of ints or dates (year, date), not exact values
    dated = False  # only dated paragraphs can match (year, date)
    query_names: tuple[str, ...] = ()  # field names of the query language: principal:, huvudman:
    query_help = ""
    query_example = ""  # shown in messages about a value that is not one: principal:polisen
    options: tuple[Option, ...] = ()  # command-line flags (and Filters fields)

    def __init__(self) -> None:
        self.key = self.key or self.name
        self.query_names = self.query_names or (self.name,)
        self.query_example = self.query_example or f"{self.query_names[0]}:VALUE"

    def __repr__(self) -> str:
        return f"<facet {self.name}>"

    # -- indexing ---------------------------------------------------------------------------

    def extract(self, paragraph, doc) -> Any:
        """The paragraph's value (a list for a multi facet), from the ingested paragraph and document."""
        return getattr(paragraph, self.key, None)

    # -- matching ---------------------------------------------------------------------------

    @property
    def fields(self) -> tuple[str, ...]:
        """The record keys a value of this facet is looked for in."""
        return (self.key,)

    def resolve(self, typed: str, known: Known) -> str:
        """The value as the index holds it, from what a user typed; QueryError says what to type."""
        value = clean_input(typed, self.name)
        for held in known(self.key):
            if held.casefold() == value.casefold():
                return held
        raise QueryError(f"no {self.name} {value!r} in the index{close_to(value, known(self.key))}")

    def matches(self, value: Any) -> Q:
        """The paragraphs holding `value` (exact, as indexed)."""
        terms = tuple(Term(field, value) for field in self.fields)
        return terms[0] if len(terms) == 1 else Or(terms)

    def query(self, typed: str, known: Known) -> Q:
        """`name:typed` in a query, or a filter flag's value."""
        return self.matches(self.resolve(typed, known))

    def filter(self, given: dict[str, str], known: Known) -> Q | None:
        """The filter the options' values (by option name, as typed) ask for, None when none was given."""
        typed = [given[option.name] for option in self.options if given.get(option.name)]
        return self.query(typed[0], known) if typed else None

    def picked(self, value: str) -> Q:
        """A value picked among the counted ones (a facet sidebar): exact, as counted."""
        return self.matches(value)

    def between(self, low: str | None, high: str | None) -> Q:
        """`name:low..high` in a query: only ranged facets take one."""
        raise QueryError(f"{self.name}: takes a value, not a range")


def close_to(value: str, known: list[str]) -> str:
    """" — did you mean …?" for the closest known values, or nothing."""
    import difflib

    close = difflib.get_close_matches(value, known, n=3, cutoff=0.6)
    return f" — did you mean {', '.join(close)}?" if close else ""


def folded(text: str) -> str:
    from bigsearch.analysis.stemming import fold

    return fold(text.casefold())


# -- the facets ------------------------------------------------------------------------------------


class Year(Facet):
    name, title = "year", "År"
    ranged = dated = True
    query_names = ("year", "år", "ar")
    query_help = "a year or a range: 2019, 2019..2022, [2019 TO 2022]"
    query_example = "year:2019"
    options = (Option("--year", "year", "A year (2024) or a range (2019..2023)."),)

    def query(self, typed: str, known: Known) -> Q:
        start, end = parse_years(typed)
        return Range(self.key, start, end)

    def between(self, low: str | None, high: str | None) -> Q:
        return Range(self.key, int(low) if low else None, int(high) if high else None)

    def picked(self, value: str) -> Q:
        return Term("undated", "1") if str(value) == UNDATED else Term(self.key, int(value))


class Date(Facet):
    name, title = "date", "Datum"
    ranged = dated = True
    counted = listed = False
    query_names = ("date", "datum")
    query_help = "a date or a range: 2020-01-01..2020-06-30"
    query_example = "date:2020-01-01..2020-06-30"
    options = (Option("--from", "date_from", "From this date (2019-09-20, 2019-09, 2019)."),
               Option("--to", "date_to", "Up to this date."))

    def filter(self, given: dict[str, str], known: Known) -> Q | None:
        low_text, high_text = given.get("date_from"), given.get("date_to")
        if not (low_text or high_text):
            return None
        low = parse_date(low_text, "--from") if low_text else None
        high = parse_date(high_text, "--to", end=True) if high_text else None
        if low and high and low > high:
            raise QueryError(f"--from {low_text} is after --to {high_text} — swap them")
        return Range(self.key, low, high)

    def between(self, low: str | None, high: str | None) -> Q:
        return Range(self.key, low, high)


class Principal(Facet):
    name, title = "principal", "Huvudman"
    query_names = ("principal", "huvudman")
    query_help = "the principal that reported"
    query_example = "principal:polisen"
    options = (Option("--principal", "principal", "Principal (any alias or case)."),)

    def resolve(self, typed: str, known: Known) -> str:
        from bigsearch.domain.principals import default_registry

        registry = default_registry()
        value = clean_input(typed, self.name)
        match = registry.resolve(value)
        if match:
            return match.principal
        for name in known(self.key):
            if name.casefold() == value.casefold():
                return name
        names = sorted(set(registry.names) | set(known(self.key)))
        raise QueryError(f"unknown principal {value!r}{close_to(value, names)} (known: {', '.join(names)}; "
                         "see `bigsearch principals`)")


def resolve_person(value: str, people: list[str], where: str = "in the index") -> str:
    """A full name from what was typed: any case, with or without å ä ö, a surname or a first name alone."""
    value = clean_input(value, "person")
    key = folded(value)
    exact = [p for p in people if folded(p) == key]
    if exact:
        return exact[0]
    partial = [p for p in people if key in [folded(t) for t in p.split()] or folded(p).startswith(key + " ")]
    if len(partial) == 1:
        return partial[0]
    if len(partial) > 1:
        raise QueryError(f"{value!r} could be {', '.join(partial[:6])} — give the full name")
    raise QueryError(f"no person {value!r} {where}{close_to(value, people)} (see `bigsearch persons`)")


class Person(Facet):
    name, title, key = "person", "Person", "persons"
    multi = True
    query_names = ("person", "personer")
    query_help = "a person mentioned or present"
    query_example = "person:Jennehag"
    options = (Option("--person", "person", "Person mentioned or present."),)

    @property
    def fields(self) -> tuple[str, ...]:
        return ("persons", "attendees")

    def extract(self, paragraph, doc) -> list[str]:
        return list(paragraph.persons)

    def people(self, known: Known) -> list[str]:
        """Everyone the index knows: mentioned or present."""
        return sorted(set(known("persons")) | set(known("attendees")))

    def resolve(self, typed: str, known: Known) -> str:
        return resolve_person(typed, self.people(known))


class Attendee(Facet):
    name, title, key = "attendee", "Närvarande", "attendees"
    multi = True
    query_names = ("attendee", "deltagare", "närvarande")
    query_help = "a person present at the meeting"
    query_example = "attendee:Jennehag"
    options = (Option("--attendee", "attendee", "Person present at the meeting."),)

    def extract(self, paragraph, doc) -> list[str]:
        return attendee_names(doc)

    def resolve(self, typed: str, known: Known) -> str:
        return resolve_person(typed, known(self.key), "present at any meeting")


def attendee_names(doc) -> list[str]:
    return list(dict.fromkeys(a.name.replace(",", " ").strip() for a in doc.attendees if a.name and a.name.strip()))


class Place(Facet):
    name, title, key = "place", "Plats", "places"
    multi = True
    query_names = ("place", "plats")
    query_help = "a place mentioned"
    query_example = "place:Andersberg"
    options = (Option("--place", "place", "Place mentioned."),)

    def extract(self, paragraph, doc) -> list[str]:
        return list(paragraph.places)

    def resolve(self, typed: str, known: Known) -> str:
        from bigsearch.domain.places import place_names

        value = clean_input(typed, self.name)
        names = sorted(set(place_names()) | set(known(self.key)))
        for name in names:
            if name.casefold() in (value.casefold(), value.casefold().removesuffix("s")):
                return name
        for name in names:
            if folded(name) == folded(value):
                return name
        raise QueryError(f"unknown place {value!r}{close_to(value, names)} (see `bigsearch places`)")


class DocType(Facet):
    name, title = "doc_type", "Typ"
    listed = False
    query_names = ("type", "typ")
    query_help = "protokoll, yttrande or dokument"
    query_example = "type:protokoll"
    options = (Option("--type", "doc_type", "protokoll, yttrande or dokument.", DOC_TYPES),)

    def resolve(self, typed: str, known: Known) -> str:
        if typed.casefold() in DOC_TYPES:
            return typed.casefold()
        raise QueryError(f"unknown document type {typed!r} — use one of {', '.join(DOC_TYPES)}")


class Body(Facet):
    name, title = "body", "Organ"
    query_names = ("body", "organ")
    query_help = "the body that met: BIG ledningsgrupp, Kommunstyrelsen, Socialnämnden …"
    query_example = "body:BIG"
    options = (Option("--body", "body", "The body that met (BIG, Kommunstyrelsen …; any case)."),)

    def extract(self, paragraph, doc) -> str | None:
        from bigsearch.domain.bodies import body_from_title

        return doc.body or body_from_title(doc.title)

    def resolve(self, typed: str, known: Known) -> str:
        value = clean_input(typed, self.name)
        bodies = known(self.key)
        for match in (lambda b: b.casefold() == value.casefold(), lambda b: folded(b) == folded(value),
                      lambda b: folded(b).startswith(folded(value) + " ")):
            found = [body for body in bodies if match(body)]
            if len(found) == 1:
                return found[0]
            if len(found) > 1:
                raise QueryError(f"{value!r} could be {', '.join(found[:6])} — give the whole name")
        listed = f" (known: {', '.join(bodies)})" if bodies else " (no document names its body)"
        raise QueryError(f"no body {value!r} in the index{close_to(value, bodies)}{listed} — "
                         "for the paragraph's text use text:")


class Ocr(Facet):
    """Read by OCR from a scanned page ("ja") or from a text ("nej"): a filter, not counted."""

    name, title = "ocr", "OCR"
    counted = listed = False
    query_names = ("ocr",)
    query_help = "read by OCR from a scan: ocr:ja, or from a text: ocr:nej"
    query_example = "ocr:ja"
    options = (Option("--ocr", "ocr", "Only paragraphs read by OCR from scans (--ocr), or only those from text "
                      "(--no-ocr).", switch=True),)
    YES, NO = "ja", "nej"

    def extract(self, paragraph, doc) -> str:
        return self.YES if paragraph.ocr else self.NO

    def resolve(self, typed: str, known: Known) -> str:
        value = clean_input(str(typed), self.name).casefold()
        if value in ("ja", "yes", "true", "1"):
            return self.YES
        if value in ("nej", "no", "false", "0"):
            return self.NO
        raise QueryError(f"ocr:{value}: use ocr:ja (read by OCR from a scan) or ocr:nej (from a text)")

    def filter(self, given: dict, known: Known) -> Q | None:
        wanted = given.get("ocr")
        return None if wanted is None else self.matches(self.YES if wanted else self.NO)


class Section(Facet):
    name, title = "section", "Paragraf"
    counted = listed = False
    query_names = ("section", "paragraf")
    query_help = "a § number"
    query_example = "section:7"

    def resolve(self, typed: str, known: Known) -> str:
        return typed.lstrip("§").strip()


# -- typed years and dates -------------------------------------------------------------------------


def year_value(value) -> int | None:
    """A stored year, or None for an undated paragraph (an engine may hold a filler value)."""
    try:
        year = int(value)
    except (TypeError, ValueError):
        return None
    return year if MIN_YEAR <= year <= MAX_YEAR else None


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
        import datetime as dt

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


# -- the registry ----------------------------------------------------------------------------------


class Registry:
    """The facets, in the order they are shown. Everything that lists facets asks it when it runs,
    so a facet registered later (a test's, a plugin's) is seen everywhere."""

    def __init__(self, *facets: Facet) -> None:
        self._facets: dict[str, Facet] = {}
        for facet in facets:
            self.register(facet)

    def __iter__(self) -> Iterator[Facet]:
        return iter(tuple(self._facets.values()))

    def __getitem__(self, name: str) -> Facet:
        return self._facets[name]

    def get(self, name: str) -> Facet | None:
        return self._facets.get(name)

    def register(self, facet: Facet) -> Facet:
        taken = {name for other in self for name in (other.name, other.key, *other.query_names,
                                                     *(option.name for option in other.options))}
        clash = {facet.name, facet.key, *facet.query_names, *(option.name for option in facet.options)} & taken
        if clash:
            raise ValueError(f"facet {facet.name!r}: {', '.join(sorted(clash))} already taken")
        self._facets[facet.name] = facet
        return facet

    def unregister(self, name: str) -> None:
        del self._facets[name]

    def counted(self) -> tuple[Facet, ...]:
        return tuple(facet for facet in self if facet.counted)

    def listed(self) -> tuple[Facet, ...]:
        return tuple(facet for facet in self if facet.listed)

    def keyword(self) -> tuple[Facet, ...]:
        """The facets of exact values: keyword fields in every engine."""
        return tuple(facet for facet in self if not facet.ranged)

    def by_query_name(self, name: str) -> Facet | None:
        wanted = name.casefold()
        return next((facet for facet in self if wanted in facet.query_names), None)

    def options(self) -> tuple[Option, ...]:
        return tuple(option for facet in self for option in facet.options)

    def option_names(self) -> tuple[str, ...]:
        return tuple(option.name for option in self.options())

    def period(self) -> tuple[str, ...]:
        """The options that only dated paragraphs can match (year, date_from, date_to)."""
        return tuple(option.name for facet in self if facet.dated for option in facet.options)

    def titles(self) -> dict[str, str]:
        return {facet.name: facet.title for facet in self}

    def layout(self) -> str:
        """A short digest of what the engines store: a new facet makes a new index layout."""
        import hashlib

        text = ";".join(f"{f.name}:{f.key}:{f.multi}:{f.counted}:{f.ranged}" for f in self)
        return hashlib.sha1(text.encode("utf-8")).hexdigest()[:8]


FACETS = Registry(Year(), Principal(), Person(), Attendee(), Place(), DocType(), Body(), Section(), Date(), Ocr())
