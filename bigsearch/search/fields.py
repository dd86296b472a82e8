"""The fields a query may name (`principal:polisen`): the two text fields declared here, and every
facet's query names from the facet registry (bigsearch/facets.py), read when a query is parsed.

kinds: "text" (analysed words), "facet" (a value resolved against the index's values),
"range" (year or date, single value or range).
"""

from __future__ import annotations

from dataclasses import dataclass

from bigsearch.facets import FACETS, Facet


@dataclass(frozen=True)
class QueryField:
    name: str
    aliases: tuple[str, ...]
    kind: str
    help: str
    example: str
    facet: Facet | None = None


TEXT_FIELDS = (
    QueryField("text", ("brödtext",), "text", "the paragraph's text only", "text:fritidsgård"),
    QueryField("title", ("rubrik",), "text", "the § title or the document's title", "title:trygghet"),
)


def query_fields() -> tuple[QueryField, ...]:
    facets = tuple(QueryField(facet.query_names[0], facet.query_names[1:], "range" if facet.ranged else "facet",
                              facet.query_help, facet.query_example, facet) for facet in FACETS)
    return TEXT_FIELDS + facets


def query_field(name: str) -> QueryField | None:
    wanted = name.casefold()
    return next((f for f in query_fields() if wanted in (f.name, *f.aliases)), None)


def field_names() -> str:
    return ", ".join(f"{f.name}:" for f in query_fields())
