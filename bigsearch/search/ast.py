"""The query language as a small typed tree: what the parser builds and the compiler reads
(compile.py turns it into the engines' query tree of index terms, bigsearch/querytree.py).

`to_text` prints a tree back as query text; parsing that text gives the same tree again.
"""

from __future__ import annotations

from dataclasses import dataclass

# Characters that end a bare word in the query text.
SPECIAL = set(' \t\n()"')
OPERATORS = {"AND": "AND", "OCH": "AND", "OR": "OR", "ELLER": "OR", "NOT": "NOT", "INTE": "NOT"}


@dataclass(frozen=True)
class Word:
    text: str
    field: str | None = None
    prefix: bool = False
    fuzzy: int = 0
    boost: float | None = None


@dataclass(frozen=True)
class Phrase:
    words: tuple[str, ...]
    field: str | None = None
    boost: float | None = None


@dataclass(frozen=True)
class Range:
    """An inclusive range over year or date; an open end is None."""

    field: str
    low: str | None
    high: str | None


@dataclass(frozen=True)
class And:
    children: tuple[Node, ...]


@dataclass(frozen=True)
class Or:
    children: tuple[Node, ...]


@dataclass(frozen=True)
class Not:
    child: Node


Node = Word | Phrase | Range | And | Or | Not


def _boost(boost: float | None) -> str:
    if boost is None:
        return ""
    return f"^{boost:g}"


def to_text(node: Node) -> str:
    if isinstance(node, Word):
        head = f"{node.field}:" if node.field else ""
        tail = "*" if node.prefix else (f"~{node.fuzzy}" if node.fuzzy else "")
        return f"{head}{node.text}{tail}{_boost(node.boost)}"
    if isinstance(node, Phrase):
        head = f"{node.field}:" if node.field else ""
        return f'{head}"{" ".join(node.words)}"{_boost(node.boost)}'
    if isinstance(node, Range):
        return f"{node.field}:{node.low or ''}..{node.high or ''}"
    if isinstance(node, Not):
        return f"NOT {_wrapped(node.child)}"
    if isinstance(node, And):
        return " ".join(_wrapped(child) for child in node.children)
    if isinstance(node, Or):
        return " OR ".join(_wrapped(child) for child in node.children)
    raise TypeError(node)


def _wrapped(node: Node) -> str:
    return f"({to_text(node)})" if isinstance(node, And | Or) else to_text(node)


def leaves(node: Node):
    """Every word, phrase and range of the tree, negated ones included."""
    if isinstance(node, And | Or):
        for child in node.children:
            yield from leaves(child)
    elif isinstance(node, Not):
        yield from leaves(node.child)
    else:
        yield node
