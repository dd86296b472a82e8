"""The Swedish analysis chain as Whoosh analyzers.

- `main`: words (keeping å ä ö and numbers; "RF/SISU" -> rf, sisu), lowercased, Snowball-stemmed.
  Stopwords are kept so phrases ("Stolt och nykter") match.
- `parts`: the parts of compound words, stemmed, at index time only ("våldsförebyggande" ->
  våld, förebygg); a query term passes through stemmed, so "våld" finds the compound.
- `folded`: like `main` after å ä → a, ö → o, so "Satra" finds "Sätra".
"""

from __future__ import annotations

from whoosh.analysis import Filter, LowercaseFilter, RegexTokenizer

from bigsearch.analysis.compounds import compound_parts
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


def tokenizer() -> RegexTokenizer:
    return RegexTokenizer(WORD_PATTERN)


def main_analyzer():
    return tokenizer() | LowercaseFilter() | SwedishStemFilter()


def parts_analyzer():
    return tokenizer() | LowercaseFilter() | CompoundPartsFilter() | SwedishStemFilter()


def folded_analyzer():
    return tokenizer() | LowercaseFilter() | FoldFilter() | SwedishStemFilter()


def terms(analyzer, text: str, mode: str = "query") -> list[str]:
    return [token.text for token in analyzer(text, mode=mode)]
