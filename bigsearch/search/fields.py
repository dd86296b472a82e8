"""The fields a query may name (`principal:polisen`), declared once: name, aliases, kind.

kinds: "text" (analysed words), "facet" (a value resolved against the index's values),
"range" (year or date, single value or range).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class QueryField:
    name: str
    aliases: tuple[str, ...]
    kind: str
    help: str


QUERY_FIELDS = (
    QueryField("body", ("text", "brödtext"), "text", "the paragraph's text only"),
    QueryField("title", ("rubrik",), "text", "the § title or the document's title"),
    QueryField("principal", ("huvudman",), "facet", "the principal that reported"),
    QueryField("person", ("personer",), "facet", "a person mentioned or present"),
    QueryField("attendee", ("deltagare", "närvarande"), "facet", "a person present at the meeting"),
    QueryField("place", ("plats",), "facet", "a place mentioned"),
    QueryField("type", ("typ",), "facet", "protokoll, yttrande or dokument"),
    QueryField("section", ("paragraf",), "facet", "a § number"),
    QueryField("year", ("år", "ar"), "range", "a year or a range: 2019, 2019..2022, [2019 TO 2022]"),
    QueryField("date", ("datum",), "range", "a date or a range: 2020-01-01..2020-06-30"),
)

_BY_ALIAS = {alias: f for f in QUERY_FIELDS for alias in (f.name, *f.aliases)}


def query_field(name: str) -> QueryField | None:
    return _BY_ALIAS.get(name.casefold())


def field_names() -> str:
    return ", ".join(f"{f.name}:" for f in QUERY_FIELDS)
