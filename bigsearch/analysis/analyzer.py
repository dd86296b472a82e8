"""The Swedish analysis chain as Whoosh analyzers.

- `main`: words (keeping å ä ö and numbers; "RF/SISU" -> rf, sisu), lowercased, Snowball-stemmed.
  Stopwords are kept so phrases ("Stolt och nykter") match.
- `parts`: the parts of compound words, stemmed, at index time only ("våldsförebyggande" ->
  våld, förebygg); a query term passes through stemmed, so "våld" finds the compound.
- `folded`: like `main` after å ä → a, ö → o, so "Satra" finds "Sätra".
"""

from __future__ import annotations

import re

from whoosh.analysis import Filter, LowercaseFilter, RegexTokenizer
from whoosh.analysis.acore import Token

from bigsearch.analysis.compounds import compound_parts, coordinated_form
from bigsearch.analysis.stemming import fold, stem

WORD_PATTERN = r"\w+"


class SwedishStemFilter(Filter):
    """Snowball Swedish (never Whoosh's own lang='sv' stemmer, which disagrees with it)."""

    def __eq__(self, other):
        return isinstance(other, SwedishStemFilter)

    def __call__(self, tokens):
        for token in tokens:
            if not token.stopped:
                token.text = stem(token.text)
            yield token


class FoldFilter(Filter):
    def __eq__(self, other):
        return isinstance(other, FoldFilter)

    def __call__(self, tokens):
        for token in tokens:
            token.text = fold(token.text)
            yield token


class CompoundPartsFilter(Filter):
    """At index time replaces each compound by its parts (a plain word yields nothing);
    at query time passes the word through, to be matched against the indexed parts."""

    def __eq__(self, other):
        return isinstance(other, CompoundPartsFilter)

    def __call__(self, tokens):
        for token in tokens:
            if token.mode == "query":
                yield token
                continue
            parts = compound_parts(token.text)
            if not parts:
                continue
            original = token.text
            for part in dict.fromkeys(parts):
                token.text = part
                yield token
            token.text = original


_COORDINATED = re.compile(r"-\s*(?:och|eller|samt|resp\.?|respektive)\s+(\w+)", re.IGNORECASE)


class SwedishTokenizer(RegexTokenizer):
    """Words, plus at index time the full form of a coordinated compound's first member:
    "drog- och brottsförebyggande" also yields "drogförebyggande" (at the position of "drog")."""

    def __init__(self):
        super().__init__(WORD_PATTERN)

    def __call__(self, value, positions=False, chars=False, keeporiginal=False, removestops=True,
                 start_pos=0, start_char=0, tokenize=True, mode="", **kwargs):
        if not tokenize or mode == "query" or "-" not in value:
            yield from super().__call__(value, positions, chars, keeporiginal, removestops, start_pos, start_char,
                                        tokenize, mode, **kwargs)
            return
        t = Token(positions, chars, removestops=removestops, mode=mode, **kwargs)
        for pos, match in enumerate(self.expression.finditer(value)):
            texts = [match.group(0)]
            follow = _COORDINATED.match(value, match.end())
            if follow:
                full = coordinated_form(match.group(0), follow.group(1))
                if full:
                    texts.append(full)
            for text in texts:
                t.text = text
                t.boost = 1.0
                t.stopped = False
                if keeporiginal:
                    t.original = text
                if positions:
                    t.pos = start_pos + pos
                if chars:
                    t.startchar = start_char + match.start()
                    t.endchar = start_char + match.end()
                yield t


def tokenizer() -> RegexTokenizer:
    return SwedishTokenizer()


def main_analyzer():
    return tokenizer() | LowercaseFilter() | SwedishStemFilter()


def parts_analyzer():
    return tokenizer() | LowercaseFilter() | CompoundPartsFilter() | SwedishStemFilter()


def folded_analyzer():
    return tokenizer() | LowercaseFilter() | FoldFilter() | SwedishStemFilter()


def terms(analyzer, text: str, mode: str = "query") -> list[str]:
    return [token.text for token in analyzer(text, mode=mode)]
