"""Filters and queries as the user typed them, resolved against the index. Bad input -> QueryError.

The language itself is parsed in parser.py and compiled in compile.py. Every facet resolves and
matches its own values (bigsearch/facets.py): the filters are one loop over the registry, and a
query's `field:value` asks the same facet (compile.py).
"""

from __future__ import annotations

from collections.abc import Callable

from bigsearch.engines import interface as q
from bigsearch.errors import QueryError
from bigsearch.facets import FACETS
from bigsearch.messages import t
from bigsearch.search.compile import Compiled, Compiler
from bigsearch.search.lookahead import with_lookahead
from bigsearch.search.parser import parse
from bigsearch.search.results import Filters


class KnownValues:
    """The values the index holds for each record key, to resolve what users type; each list is
    read from the engine when first needed, then kept."""

    def __init__(self, values: Callable[[str], list[str]]) -> None:
        self._values = values
        self._read: dict[str, list[str]] = {}

    def __call__(self, key: str) -> list[str]:
        if key not in self._read:
            self._read[key] = self._values(key)
        return self._read[key]


def names_principal(text: str, known: KnownValues) -> str | None:
    """The principal that free text names ("polisen" -> Polisen), if any, and only if the index has it."""
    from bigsearch.domain.principals import default_registry

    match = default_registry().resolve(text)
    if match and match.principal in known(FACETS["principal"].key):
        return match.principal
    return None


def parse_query(text: str, lexicon, known: KnownValues) -> tuple[Compiled, list[str]]:
    """The query compiled for the index, and the notes to show the user (capped fuzziness, long prefixes)."""
    parsed = parse(text)
    compiled = with_lookahead(
        lexicon, lambda words: Compiler(words, known, lambda text: names_principal(text, known)).compile(parsed.tree))
    return compiled, parsed.notes + compiled.budget.notes


def build_filters(filters: Filters, known: KnownValues) -> list[q.Q]:
    """The filters as engine queries, one per facet given; engines apply them as document sets
    (they add nothing to the score). Values picked in a facet sidebar are taken as they are."""
    parts = [part for facet in FACETS if (part := facet.filter(filters.given, known)) is not None]
    for name, value in filters.facets.items():
        facet = FACETS.get(name)
        if facet is None or not facet.counted:
            raise QueryError(t("search.unknown_facet", name=repr(name), names=", ".join(f.name for f in FACETS.counted())))
        parts.append(facet.picked(value))
    return parts
