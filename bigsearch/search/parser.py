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


def _error(message: str, pos: int, fix: str) -> QueryError:
    return QueryError(f"{message} at position {pos + 1} — {fix}")


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
                raise _error("a boost after ')'", start, "put ^N after a word or a phrase instead")
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
                    raise _error(f"unknown field {name + ':'!r}", start, f"use one of {field_names()}")
                canonical = query_field(name).name
                if not rest and i < len(text) and text[i] == '"':
                    i = _phrase(text, i, tokens, canonical, name)
                    continue
                if rest[:1] in ("[", "{"):
                    i = _bracket_range(text, start + len(name) + 1, tokens, canonical, name)
                    continue
                if not rest:
                    raise _error(f"{name}: has no value", start, f"write it as {name}:VALUE, e.g. {_example(canonical)}")
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
        raise _error("a quote that is never closed", i, 'close the phrase with " or remove the quote')
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
        raise _error(f"a range that is never closed with {close!r}", i, f"write it as {raw}:[2019 TO 2022]")
    inner = text[i + 1 : end].strip()
    low, sep, high = inner.partition(" TO ")
    if not sep:
        low, sep, high = inner.partition(" to ")
    if not sep:
        raise _error(f"the range {text[i:end + 1]!r} has no TO", i, f"write it as {raw}:[2019 TO 2022] or {raw}:2019..2022")
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
                raise _error("a ')' without its '('", token.pos, "remove it or add the '(' it closes")
            raise _error(f"unexpected {token.text!r}", token.pos, "check the operators and parentheses")
        return node

    def or_expr(self) -> ast.Node:
        children = [self.and_expr()]
        while (token := self.peek()) is not None and token.kind == "op" and token.text == "OR":
            self.take()
            if self.peek() is None or self.peek().kind == "rparen":
                raise _error("OR with nothing after it", token.pos, "put a word after OR or remove it")
            children.append(self.and_expr())
        return children[0] if len(children) == 1 else ast.Or(tuple(children))

    def and_expr(self) -> ast.Node:
        children = [self.unary()]
        while (token := self.peek()) is not None and not (token.kind == "rparen" or (token.kind == "op" and token.text == "OR")):
            if token.kind == "op" and token.text == "AND":
                self.take()
                if self.peek() is None or self.peek().kind == "rparen":
                    raise _error("AND with nothing after it", token.pos, "put a word after AND or remove it")
                continue
            children.append(self.unary())
        return children[0] if len(children) == 1 else ast.And(tuple(children))

    def unary(self) -> ast.Node:
        token = self.peek()
        if token is None:
            raise QueryError("the query ends too early — finish it or remove the last operator")
        if token.kind in ("minus",) or (token.kind == "op" and token.text == "NOT"):
            self.take()
            if self.peek() is None or self.peek().kind == "rparen":
                raise _error(f"{token.text} with nothing after it", token.pos, f"put a word after {token.text} or remove it")
            return ast.Not(self.unary())
        return self.primary()

    def primary(self) -> ast.Node:
        token = self.take()
        if token.kind == "lparen":
            self.depth += 1
            if self.depth > MAX_DEPTH:
                raise _error("parentheses nested too deep", token.pos, f"use at most {MAX_DEPTH} levels")
            if self.peek() is None:
                raise _error("a '(' that is never closed", token.pos, "add the ')' or remove the '('")
            if self.peek().kind == "rparen":
                raise _error("empty parentheses", token.pos, "put words inside them or remove them")
            node = self.or_expr()
            close = self.peek()
            if close is None or close.kind != "rparen":
                raise _error("a '(' that is never closed", token.pos, "add the ')' or remove the '('")
            self.take()
            self.depth -= 1
            return node
        if token.kind == "rparen":
            raise _error("a ')' without its '('", token.pos, "remove it or add the '(' it closes")
        if token.kind == "op":
            raise _error(f"{token.text} where a word should be", token.pos,
                         f"put words on both sides of {token.text} (write it in lower case to search for it)")
        if token.kind == "phrase":
            return self.phrase(token)
        return self.word(token)

    def phrase(self, token: _Token) -> ast.Node:
        words = tuple(token.text.split())
        if not words:
            raise _error("an empty phrase", token.pos, 'put words between the quotes, e.g. "stolt och nykter"')
        boost = _boost_value(token.boost, token.pos)
        if token.field and query_field(token.field).kind == "range":
            raise _error(f"a phrase in {token.raw_field}:", token.pos, f"write it as {_example(token.field)}")
        return ast.Phrase(words, token.field, boost)

    def word(self, token: _Token) -> ast.Node:
        text, pos, field = token.text, token.pos, token.field
        boost = None
        match = re.search(r"\^(\d+(?:\.\d+)?)$", text)
        if match:
            boost = _boost_value(match[1], pos)
            text = text[: match.start()]
        elif "^" in text:
            raise _error(f"a bad boost in {token.text!r}", pos, "write a boost as word^2 (a number after ^)")
        if field and query_field(field).kind == "range":
            if boost is not None:
                raise _error(f"a boost on {token.raw_field}:", pos, "remove the ^N")
            return _range(text, field, token.raw_field or field, pos)
        fuzzy, prefix = 0, False
        if "~" in text:
            base, _, edits = text.partition("~")
            if not edits:
                edits = "1"
            if edits.endswith("*") or base.endswith("*"):
                raise _error(f"both ~ and * on {text!r}", pos, "use either fuzzy~N or prefix*, not both")
            if not edits.isdigit():
                raise _error(f"a bad fuzzy mark in {text!r}", pos, "write fuzzy matching as word~1 or word~2")
            fuzzy = int(edits)
            if fuzzy > MAX_EDITS:
                self.notes.append(f"{base}~{edits}: at most {MAX_EDITS} edits are useful — searching {base}~{MAX_EDITS}")
                fuzzy = MAX_EDITS
            text = base
        if text.endswith("*"):
            prefix = True
            text = text.rstrip("*")
        if "*" in text or "?" in text:
            raise _error(f"a wildcard inside {token.text!r}", pos, "put * only at the end of a word: polis*")
        if not text or not re.search(r"\w", text):
            what = "*" if prefix else ("~" if fuzzy else token.text)
            raise _error(f"{what!r} without a word", pos, "put letters before it, e.g. polis* or Andersberg~1")
        return ast.Word(text, field, prefix, fuzzy, boost)


def _boost_value(text: str | None, pos: int) -> float | None:
    if text is None:
        return None
    value = float(text)
    if not 0 < value <= 100:
        raise _error(f"the boost ^{text}", pos, "use a boost between 0 and 100, e.g. ^2")
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
            example = "2019 or 2019..2022" if field == "year" else "2020-01-01 or 2020-01-01..2020-06-30"
            raise _error(f"{raw}:{text} is not a {field}", pos, f"write it as {raw}:{example}")
    if low is None and high is None:
        raise _error(f"{raw}:.. has no bounds", pos, f"write it as {_example(field)}")
    if low and high and low > high:
        raise _error(f"{raw}:{text} runs backwards", pos, f"write it as {raw}:{high}..{low}")
    return ast.Range(field, low, high)


def parse(text: str) -> Parsed:
    """The query as a tree, or a QueryError that says where and what to type instead."""
    text = clean_input(text)
    if not text.strip('"()*~?-+^ '):
        raise QueryError("empty query — give one or more words to search for, e.g. bigsearch search Andersberg")
    parser = _Parser(_tokens(text))
    tree = parser.parse()
    count = sum(1 for _ in ast.leaves(tree))
    if count > MAX_LEAVES:
        raise QueryError(f"the query has {count} words and phrases — use at most {MAX_LEAVES}")
    return Parsed(tree, parser.notes)
