"""The Swedish analysis chain (tokens.py) wrapped as Whoosh analyzers, for the whoosh engine.

Whoosh only indexes with these; queries arrive already analysed (the search core turns words
into stems itself), so every engine sees exactly the same terms.
"""

from __future__ import annotations

from whoosh.analysis import Tokenizer
from whoosh.analysis.acore import Token

from bigsearch.analysis.tokens import analyse


class SwedishFieldTokenizer(Tokenizer):
    """Emits the terms of tokens.analyse(field, text), with positions and character offsets."""

    def __init__(self, field: str):
        self.field = field

    def __eq__(self, other):
        return isinstance(other, SwedishFieldTokenizer) and other.field == self.field

    def __call__(self, value, positions=False, chars=False, keeporiginal=False, removestops=True,
                 start_pos=0, start_char=0, tokenize=True, mode="", **kwargs):
        t = Token(positions, chars, removestops=removestops, mode=mode, **kwargs)
        # A query word is matched against compound parts as its own stem.
        field = "text" if mode == "query" and self.field == "parts" else self.field
        for term, position, start, end in analyse(field, value):
            t.text = term
            t.boost = 1.0
            t.stopped = False
            if keeporiginal:
                t.original = value[start:end]
            if positions:
                t.pos = start_pos + position
            if chars:
                t.startchar, t.endchar = start_char + start, start_char + end
            yield t


def main_analyzer():
    return SwedishFieldTokenizer("text")


def parts_analyzer():
    return SwedishFieldTokenizer("parts")


def folded_analyzer():
    return SwedishFieldTokenizer("folded")


def terms(analyzer, text: str, mode: str = "index") -> list[str]:
    return [token.text for token in analyzer(text, mode=mode)]
