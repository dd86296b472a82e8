"""The Swedish analysis chain as plain token streams, for any engine.

Each analysed field turns text into (term, position, start, end) tuples:
- main ("text", "section_title", "doc_title", "attendee_words"): words (\\w+: å ä ö and digits
  kept), lowercased, Snowball-stemmed; stopwords kept so phrases match; a coordinated
  compound's first member also yields its full form at the same position
  ("drog- och brottsförebyggande" -> drog + drogförebygg);
- "parts": each compound's parts, stemmed ("våldsförebyggande" -> våld, förebygg); plain words
  yield nothing;
- "folded": like main after å ä -> a, ö -> o, so "Satra" finds Sätra.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from bigsearch.analysis.compounds import compound_parts, coordinated_form
from bigsearch.analysis.stemming import fold, stem

WORD = re.compile(r"\w+")
COORDINATED = re.compile(r"-\s*(?:och|eller|samt|resp\.?|respektive)\s+(\w+)", re.IGNORECASE)
MAIN_FIELDS = ("text", "section_title", "doc_title", "attendee_words")

Token = tuple[str, int, int, int]


def words(text: str, coordinated: bool = True) -> Iterator[Token]:
    """Lowercased words with their positions, plus coordinated-compound full forms."""
    for position, match in enumerate(WORD.finditer(text)):
        word = match.group(0).lower()
        yield word, position, match.start(), match.end()
        if coordinated and "-" in text[match.end() : match.end() + 2]:
            follow = COORDINATED.match(text, match.end())
            if follow:
                full = coordinated_form(word, follow.group(1).lower())
                if full:
                    yield full, position, match.start(), match.end()


def analyse(field: str, text: str) -> list[Token]:
    if field in MAIN_FIELDS:
        return [(stem(word), pos, start, end) for word, pos, start, end in words(text)]
    if field == "folded":
        return [(stem(fold(word)), pos, start, end) for word, pos, start, end in words(text)]
    if field == "parts":
        out: list[Token] = []
        for word, pos, start, end in words(text):
            for part in dict.fromkeys(compound_parts(word)):
                out.append((stem(part), pos, start, end))
        return out
    raise ValueError(f"no analysis for field {field!r}")
