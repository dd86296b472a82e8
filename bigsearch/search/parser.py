"""bigsearch's query language, parsed into the tree of `ast.py` (no engine's parser is involved).

    words are ANDed          Andersberg fritidsgård
    phrases                  "stolt och nykter"
    operators                OR, AND, NOT / -word, parentheses (also ELLER, OCH, INTE)
    fields                   principal:polisen  title:trygghet  year:2019..2022  date:2020-01-01..2020-06-30
    prefix, fuzzy, boost     polis*  Andersbrg~1  Sätra^2

Errors say where (1-based character position) and what to type instead. Fuzzy edits above
MAX_EDITS are capped, with a note, since more edits match almost anything.
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass, field

from bigsearch.errors import QueryError
from bigsearch.messages import t
from bigsearch.search import ast
from bigsearch.search.fields import field_names, query_field
from bigsearch.textsafe import clean_input

MAX_LEAVES = 64
MAX_EDITS = 2
MAX_DEPTH = 32


@dataclass
class Parsed:
    tree: ast.Node
    notes: list[str] = field(default_factory=list)


@dataclass
class _Token:
    kind: str  # word, phrase, lparen, rparen, op, minus
    text: str
    pos: int
    field: str | None = None  # for a phrase or range written as field:"…" / field:[…]
    raw_field: str | None = None
    boost: str | None = None


def _error(problem: str, pos: int, **values) -> QueryError:
    """What is wrong, where, and what to type instead: the catalogue's query.PROBLEM and query.PROBLEM.fix."""
    return QueryError(t("query.at", what=t(f"query.{problem}", **values), position=pos + 1,
                        fix=t(f"query.{problem}.fix", **values)))


_BOOST = re.compile(r"\^(\d+(?:\.\d+)?)")


def _tokens(text: str) -> list[_Token]:
    tokens: list[_Token] = []
    i = 0
    while i < len(text):
        ch = text[i]
        if ch.isspace():
            i += 1
        elif ch == "(":
            tokens.append(_Token("lparen", ch, i))
            i += 1
        elif ch == ")":
            start = i
            i += 1
            boost = _BOOST.match(text, i)
            if boost:
                raise _error("boost_after_paren", start)
            tokens.append(_Token("rparen", ch, start))
        elif ch == '"':
            i = _phrase(text, i, tokens, None, None)
        elif ch == "-" and i + 1 < len(text) and not text[i + 1].isspace():
            # At the start of a term a dash is NOT ("-Bomhus"); inside a word it is a letter ("covid-19").
            tokens.append(_Token("minus", ch, i))
            i += 1
        else:
            start = i
            while i < len(text) and text[i] not in ast.SPECIAL:
                i += 1
            run = text[start:i]
            name, colon, rest = run.partition(":")
            if colon and re.fullmatch(r"[^\W\d_]+", name):
                if query_field(name) is None:
                    raise _error("unknown_field", start, field=repr(name + ":"), fields=field_names())
                canonical = query_field(name).name
                if not rest and i < len(text) and text[i] == '"':
                    i = _phrase(text, i, tokens, canonical, name)
                    continue
                if rest[:1] in ("[", "{"):
                    i = _bracket_range(text, start + len(name) + 1, tokens, canonical, name)
                    continue
                if not rest:
                    raise _error("no_value", start, name=name, example=_example(canonical))
                tokens.append(_Token("word", rest, start + len(name) + 1, canonical, name))
                continue
            if run in ast.OPERATORS:
                tokens.append(_Token("op", ast.OPERATORS[run], start))
            else:
                tokens.append(_Token("word", run, start))
    return tokens


def _example(field: str) -> str:
    return query_field(field).example


def _phrase(text: str, i: int, tokens: list[_Token], field: str | None, raw: str | None) -> int:
    end = text.find('"', i + 1)
    if end < 0:
        raise _error("open_quote", i)
    start = i
    i = end + 1
    boost = _BOOST.match(text, i)
    token = _Token("phrase", text[start + 1 : end], start, field, raw)
    if boost:
        token.boost = boost[1]
        i = boost.end()
    tokens.append(token)
    return i


def _bracket_range(text: str, i: int, tokens: list[_Token], field: str, raw: str) -> int:
    close = "]" if text[i] == "[" else "}"
    end = text.find(close, i)
    if end < 0:
        raise _error("open_range", i, close=repr(close), raw=raw)
    inner = text[i + 1 : end].strip()
    low, sep, high = inner.partition(" TO ")
    if not sep:
        low, sep, high = inner.partition(" to ")
    if not sep:
        raise _error("range_without_to", i, range=repr(text[i:end + 1]), raw=raw)
    tokens.append(_Token("word", f"{low.strip()}..{high.strip()}", i, field, raw))
    return end + 1


class _Parser:
    def __init__(self, tokens: list[_Token]):
        self.tokens = tokens
        self.i = 0
        self.notes: list[str] = []
        self.depth = 0

    def peek(self) -> _Token | None:
        return self.tokens[self.i] if self.i < len(self.tokens) else None

    def take(self) -> _Token:
        token = self.tokens[self.i]
        self.i += 1
        return token

    def parse(self) -> ast.Node:
        node = self.or_expr()
        token = self.peek()
        if token is not None:
            if token.kind == "rparen":
                raise _error("close_paren", token.pos)
            raise _error("unexpected", token.pos, text=repr(token.text))
        return node

    def or_expr(self) -> ast.Node:
        children = [self.and_expr()]
        while (token := self.peek()) is not None and token.kind == "op" and token.text == "OR":
            self.take()
            if self.peek() is None or self.peek().kind == "rparen":
                raise _error("nothing_after", token.pos, op="OR")
            children.append(self.and_expr())
        return children[0] if len(children) == 1 else ast.Or(tuple(children))

    def and_expr(self) -> ast.Node:
        children = [self.unary()]
        while (token := self.peek()) is not None and not (token.kind == "rparen" or (token.kind == "op" and token.text == "OR")):
            if token.kind == "op" and token.text == "AND":
                self.take()
                if self.peek() is None or self.peek().kind == "rparen":
                    raise _error("nothing_after", token.pos, op="AND")
                continue
            children.append(self.unary())
        return children[0] if len(children) == 1 else ast.And(tuple(children))

    def unary(self) -> ast.Node:
        token = self.peek()
        if token is None:
            raise QueryError(t("query.ends_early"))
        if token.kind in ("minus",) or (token.kind == "op" and token.text == "NOT"):
            self.take()
            if self.peek() is None or self.peek().kind == "rparen":
                raise _error("nothing_after", token.pos, op=token.text)
            return ast.Not(self.unary())
        return self.primary()

    def primary(self) -> ast.Node:
        token = self.take()
        if token.kind == "lparen":
            self.depth += 1
            if self.depth > MAX_DEPTH:
                raise _error("too_deep", token.pos, depth=MAX_DEPTH)
            if self.peek() is None:
                raise _error("open_paren", token.pos)
            if self.peek().kind == "rparen":
                raise _error("empty_parens", token.pos)
            node = self.or_expr()
            close = self.peek()
            if close is None or close.kind != "rparen":
                raise _error("open_paren", token.pos)
            self.take()
            self.depth -= 1
            return node
        if token.kind == "rparen":
            raise _error("close_paren", token.pos)
        if token.kind == "op":
            raise _error("operator_alone", token.pos, op=token.text)
        if token.kind == "phrase":
            return self.phrase(token)
        return self.word(token)

    def phrase(self, token: _Token) -> ast.Node:
        words = tuple(token.text.split())
        if not words:
            raise _error("empty_phrase", token.pos)
        boost = _boost_value(token.boost, token.pos)
        if token.field and query_field(token.field).kind == "range":
            raise _error("phrase_in_range", token.pos, field=token.raw_field, example=_example(token.field))
        return ast.Phrase(words, token.field, boost)

    def word(self, token: _Token) -> ast.Node:
        text, pos, field = token.text, token.pos, token.field
        boost = None
        match = re.search(r"\^(\d+(?:\.\d+)?)$", text)
        if match:
            boost = _boost_value(match[1], pos)
            text = text[: match.start()]
        elif "^" in text:
            raise _error("bad_boost", pos, text=repr(token.text))
        if field and query_field(field).kind == "range":
            if boost is not None:
                raise _error("boost_on_range", pos, field=token.raw_field)
            return _range(text, field, token.raw_field or field, pos)
        fuzzy, prefix = 0, False
        if "~" in text:
            base, _, edits = text.partition("~")
            if not edits:
                edits = "1"
            if edits.endswith("*") or base.endswith("*"):
                raise _error("fuzzy_and_prefix", pos, text=repr(text))
            if not edits.isdigit():
                raise _error("bad_fuzzy", pos, text=repr(text))
            fuzzy = int(edits)
            if fuzzy > MAX_EDITS:
                self.notes.append(t("query.fuzzy_capped", word=base, edits=edits, most=MAX_EDITS))
                fuzzy = MAX_EDITS
            text = base
        if text.endswith("*"):
            prefix = True
            text = text.rstrip("*")
        if "*" in text or "?" in text:
            raise _error("inner_wildcard", pos, text=repr(token.text))
        if not text or not re.search(r"\w", text):
            what = "*" if prefix else ("~" if fuzzy else token.text)
            raise _error("mark_alone", pos, mark=repr(what))
        return ast.Word(text, field, prefix, fuzzy, boost)


def _boost_value(text: str | None, pos: int) -> float | None:
    if text is None:
        return None
    value = float(text)
    if not 0 < value <= 100:
        raise _error("boost_range", pos, boost=text)
    return value


def _is_date(value: str) -> bool:
    """A day of the calendar (2020-13-45 and 2020-02-30 are not)."""
    try:
        datetime.date.fromisoformat(value)
    except ValueError:
        return False
    return True


def _range(text: str, field: str, raw: str, pos: int) -> ast.Node:
    pattern = r"\d{4}" if field == "year" else r"\d{4}-\d{2}-\d{2}"
    low, sep, high = text.partition("..")
    if not sep:
        low, sep, high = text, "", text
    low, high = low.strip() or None, high.strip() or None
    for value in (low, high):
        if value is not None and not (re.fullmatch(pattern, value) and (field == "year" or _is_date(value))):
            raise _error("not_a_" + field, pos, raw=raw, text=text)
    if low is None and high is None:
        raise _error("no_bounds", pos, raw=raw, example=_example(field))
    if low and high and low > high:
        raise _error("backwards", pos, raw=raw, text=text, high=high, low=low)
    return ast.Range(field, low, high)


def parse(text: str) -> Parsed:
    """The query as a tree, or a QueryError that says where and what to type instead."""
    text = clean_input(text)
    if not text.strip('"()*~?-+^ '):
        raise QueryError(t("query.empty"))
    parser = _Parser(_tokens(text))
    tree = parser.parse()
    count = sum(1 for _ in ast.leaves(tree))
    if count > MAX_LEAVES:
        raise QueryError(t("query.too_many", count=count, most=MAX_LEAVES))
    return Parsed(tree, parser.notes)
