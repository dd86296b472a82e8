"""The query language and the filters, turned into Whoosh queries. Bad input -> QueryError.

Words are ANDed; "phrases", OR, NOT / -word, field:value, prefix*, fuzzy~ work. Field names
may be given in English or Swedish (principal/huvudman, person, place/plats, year/år, type/typ,
title/rubrik). Facet values accept any alias or case ("polisen", "Välfärd Gävle/socialtjänsten").
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections.abc import Callable
from functools import cached_property
from typing import TYPE_CHECKING

from whoosh import qparser
from whoosh import query as q

from bigsearch.errors import QueryError
from bigsearch.index.schema import QUERY_FIELDS
from bigsearch.search.results import Filters

if TYPE_CHECKING:
    from bigsearch.ingest.principals import Registry

MAX_QUERY_CHARS = 1000
MAX_TERMS = 64
FIELD_ALIASES = {
    "principal": ["huvudman"],
    "persons": ["person"],
    "places": ["place", "plats"],
    "year": ["år", "ar"],
    "doc_type": ["type", "typ"],
    "section_title": ["title", "rubrik"],
    "section": ["paragraf"],
}
DOC_TYPES = ("protokoll", "yttrande", "dokument")


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
    def places(self) -> list[str]:
        return self._values("places")


def clean_input(text: str, what: str = "query") -> str:
    text = unicodedata.normalize("NFKC", text)
    text = "".join(ch if ch.isprintable() or ch == " " else " " for ch in text)
    if len(text) > MAX_QUERY_CHARS:
        raise QueryError(f"the {what} is {len(text):,} characters long — shorten it to at most {MAX_QUERY_CHARS}")
    return " ".join(text.split())


def _minus_to_not(text: str) -> str:
    """'-word' outside quotes means NOT word."""
    out: list[str] = []
    for index, piece in enumerate(re.split(r'("[^"]*")', text)):
        if index % 2 == 1:
            out.append(piece)
            continue
        out.append(re.sub(r'(^|\s|\()-(?=[\w"(])', r"\1NOT ", piece))
    return "".join(out)


def make_parser(schema) -> qparser.QueryParser:
    parser = qparser.MultifieldParser(list(QUERY_FIELDS), schema, fieldboosts=QUERY_FIELDS, group=qparser.AndGroup)
    parser.add_plugin(qparser.FuzzyTermPlugin())
    parser.add_plugin(qparser.FieldAliasPlugin(FIELD_ALIASES))
    parser.remove_plugin_class(qparser.BoostPlugin)  # '^' is more often a typo than a boost here
    return parser


def parse_query(text: str, schema, vocabulary: Vocabulary, registry: Registry | None = None) -> q.Query:
    text = clean_input(text)
    if not text.strip('"()*~?-+ '):
        raise QueryError("empty query — give one or more words to search for, e.g. bigsearch search Andersberg")
    # Lone operators and unbalanced quotes/parentheses are read as literally as possible.
    if text.count('"') % 2:
        text = text.replace('"', " ")
    if text.count("(") != text.count(")"):
        text = text.replace("(", " ").replace(")", " ")
    text = _minus_to_not(text)
    try:
        parsed = make_parser(schema).parse(text)
    except Exception as exc:  # Whoosh's parser raises assorted errors on odd input
        raise QueryError(f"could not understand the query ({exc}) — check quotes, parentheses and operators") from exc
    parsed = _resolve_field_values(parsed, vocabulary, registry)
    if _count_terms(parsed) > MAX_TERMS:
        raise QueryError(f"the query has more than {MAX_TERMS} terms — narrow it down")
    if parsed is q.NullQuery or isinstance(parsed, type(q.NullQuery)):
        raise QueryError("the query has no words to search for — give one or more words, e.g. Andersberg")
    return parsed


def _count_terms(node: q.Query) -> int:
    return 1 if node.is_leaf() else sum(1 for _ in node.leaves())


def _resolve_field_values(node: q.Query, vocabulary: Vocabulary, registry: Registry | None) -> q.Query:
    def fix(leaf):
        fieldname = getattr(leaf, "fieldname", None)
        if isinstance(leaf, q.Phrase) and fieldname in ("principal", "persons", "places", "doc_type"):
            leaf = q.Term(fieldname, " ".join(leaf.words))
        if isinstance(leaf, q.Term) and isinstance(leaf.text, str):
            if fieldname == "principal":
                return q.Term("principal", resolve_principal(leaf.text, vocabulary, registry))
            if fieldname == "persons":
                return q.Term("persons", resolve_person(leaf.text, vocabulary))
            if fieldname == "places":
                return q.Term("places", resolve_place(leaf.text, vocabulary))
            if fieldname == "doc_type":
                return q.Term("doc_type", resolve_doc_type(leaf.text))
        return leaf

    return node.accept(fix)


def _close(value: str, known: list[str]) -> str:
    import difflib

    close = difflib.get_close_matches(value, known, n=3, cutoff=0.6)
    return f" — did you mean {', '.join(close)}?" if close else ""


def resolve_principal(value: str, vocabulary: Vocabulary, registry: Registry | None = None) -> str:
    from bigsearch.ingest.principals import default_registry

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


def resolve_person(value: str, vocabulary: Vocabulary) -> str:
    value = clean_input(value, "person")
    folded = value.casefold()
    exact = [p for p in vocabulary.persons if p.casefold() == folded]
    if exact:
        return exact[0]
    partial = [p for p in vocabulary.persons if folded in [t.casefold() for t in p.split()] or p.casefold().startswith(folded + " ")]
    if len(partial) == 1:
        return partial[0]
    if len(partial) > 1:
        raise QueryError(f"{value!r} could be {', '.join(partial[:6])} — give the full name")
    raise QueryError(f"no person {value!r} in the index{_close(value, vocabulary.persons)} (see `bigsearch persons`)")


def resolve_place(value: str, vocabulary: Vocabulary) -> str:
    from bigsearch.ingest.places import place_names

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
    from bigsearch.ingest.dates import first_date

    date = first_date(text) if len(text) < 40 else None
    if date is None:
        raise QueryError(f"{option} {value!r}: give a date as 2024-02-09, 2024-02, 2024 or '9 februari 2024'")
    return date.isoformat()


def build_filters(filters: Filters, vocabulary: Vocabulary, registry: Registry | None = None) -> list[q.Query]:
    """The filters as queries; the searcher turns them into document sets (they add nothing to the score)."""
    parts: list[q.Query] = []
    if filters.year:
        start, end = parse_years(filters.year)
        parts.append(q.NumericRange("year", start, end))
    if filters.date_from or filters.date_to:
        low = parse_date(filters.date_from, "--from") if filters.date_from else None
        high = parse_date(filters.date_to, "--to", end=True) if filters.date_to else None
        if low and high and low > high:
            raise QueryError(f"--from {filters.date_from} is after --to {filters.date_to} — swap them")
        parts.append(q.TermRange("date", low, high))
    if filters.principal:
        parts.append(q.Term("principal", resolve_principal(filters.principal, vocabulary, registry)))
    if filters.person:
        parts.append(q.Term("persons", resolve_person(filters.person, vocabulary)))
    if filters.place:
        parts.append(q.Term("places", resolve_place(filters.place, vocabulary)))
    if filters.doc_type:
        parts.append(q.Term("doc_type", resolve_doc_type(filters.doc_type)))
    facet_fields = {"year": "year", "principal": "principal", "person": "persons", "place": "places", "doc_type": "doc_type"}
    for facet, value in filters.facets.items():
        fieldname = facet_fields.get(facet)
        if fieldname is None:
            raise QueryError(f"unknown facet {facet!r} — use one of {', '.join(facet_fields)}")
        if fieldname == "year":
            parts.append(q.NumericRange("year", int(value), int(value)))
        else:
            parts.append(q.Term(fieldname, value))
    return parts


def prune(query: q.Query, reader) -> q.Query:
    """Drop the low-weight alternatives that cannot change which paragraphs match.

    The folded field only matters where folding finds more than the exact spelling ("Satra"
    → Sätra); compound parts cannot form phrases. Fewer clauses make common words much cheaper.
    """

    def df(fieldname: str, text) -> int:
        try:
            return reader.doc_frequency(fieldname, text)
        except Exception:  # a term the field cannot encode
            return 0

    def visit(node: q.Query) -> q.Query:
        if isinstance(node, q.Or):
            children = [visit(child) for child in node.subqueries]
            text_words = [c.text for c in children if isinstance(c, q.Term) and c.fieldname == "text"]
            has_text = bool(text_words) or any(isinstance(c, q.Phrase) and c.fieldname == "text" for c in children)
            kept = []
            for child in children:
                if isinstance(child, q.Phrase) and child.fieldname == "parts":
                    continue
                if isinstance(child, q.Term) and child.fieldname == "folded" and has_text:
                    if df("folded", child.text) <= sum(df("text", word) for word in text_words):
                        continue
                if isinstance(child, q.Phrase) and child.fieldname == "folded" and has_text:
                    if all(df("folded", w) <= df("text", w) for w in child.words):
                        continue
                kept.append(child)
            return node.__class__(kept, boost=node.boost) if kept else q.NullQuery
        if isinstance(node, q.CompoundQuery | q.Not):
            return node.apply(visit)
        return node

    return visit(query)
