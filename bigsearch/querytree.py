"""The query tree of index terms: what the search core builds and every engine translates.

Plain frozen dataclasses over already-analysed terms (stems, exact facet values, ranges). They
sit below the engines and the facets so that both can speak them: a facet declares which
paragraphs a value matches (bigsearch/facets.py), an engine answers them (engines/interface.py
re-exports them as part of its contract).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Term:
    field: str
    value: str | int
    boost: float = 1.0


@dataclass(frozen=True)
class Phrase:
    field: str
    terms: tuple[str, ...]
    boost: float = 1.0


@dataclass(frozen=True)
class Range:
    """Inclusive; an open end is None. year: ints; date: ISO strings."""

    field: str
    low: int | str | None
    high: int | str | None


@dataclass(frozen=True)
class And:
    children: tuple[Q, ...]


@dataclass(frozen=True)
class Or:
    children: tuple[Q, ...]
    boost: float = 1.0


@dataclass(frozen=True)
class Not:
    """Only inside an And (the core never sends a bare Not)."""

    child: Q


@dataclass(frozen=True)
class Constant:
    """Matches what `child` matches, every document with the same small score."""

    child: Q
    score: float


@dataclass(frozen=True)
class All:
    """Every paragraph."""


@dataclass(frozen=True)
class Nothing:
    pass


Q = Term | Phrase | Range | And | Or | Not | Constant | All | Nothing
