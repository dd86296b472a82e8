"""Which words of a paragraph a query matched, as character offsets, and the snippet around them."""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from bigsearch.analysis.stemming import fold, stem

_WORD = re.compile(r"\w+")


@dataclass
class MatchedTerms:
    """What a query matches, by field: single terms, and phrases as sequences of terms."""

    terms: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))
    phrases: dict[str, list[list[str]]] = field(default_factory=dict)


def _analysed(word: str) -> dict[str, str]:
    return {"text": stem(word), "section_title": stem(word), "folded": stem(fold(word))}


def match_spans(
    text: str, terms: dict[str, set[str]], phrases: dict[str, list[list[str]]] | None = None
) -> list[tuple[int, int]]:
    """Offsets of every word in `text` whose analysed form is one of the query's terms.

    `terms` maps a field ("text", "folded", "parts") to the set of its terms the
    query matched. The inflected word is highlighted, not its stem.
    """
    main, folded, parts = (terms.get(name, set()) for name in ("text", "folded", "parts"))
    spans: list[tuple[int, int]] = []
    tokens = list(_WORD.finditer(text))
    for fieldname, sequences in (phrases or {}).items():
        if fieldname not in ("text", "folded", "section_title"):
            continue
        analysed = [_analysed(t.group(0).lower())[fieldname] for t in tokens]
        for sequence in sequences:
            size = len(sequence)
            for i in range(len(tokens) - size + 1):
                if analysed[i : i + size] == sequence:
                    spans.extend((t.start(), t.end()) for t in tokens[i : i + size])
    for match in tokens:
        word = match.group(0).lower()
        stemmed = stem(word)
        if (
            stemmed in main
            or (folded and stem(fold(word)) in folded)
            or (parts and _contains_part(word, parts))
        ):
            spans.append((match.start(), match.end()))
    return sorted(set(spans))


def _contains_part(word: str, parts: set[str]) -> bool:
    """A compound holding a matched part ("våldsförebyggande" for "våld").

    Checked on the letters, not by splitting again: the splitter's word list is heavy to load
    and only the paragraphs the parts field already matched are highlighted.
    """
    return any(len(part) >= 3 and len(word) > len(part) and part in word for part in parts)


def snippet(text: str, spans: Iterable[tuple[int, int]], width: int = 240) -> tuple[str, list[tuple[int, int]]]:
    """A window of about `width` characters around the first cluster of matches."""
    spans = list(spans)
    if len(text) <= width:
        return text, spans
    if spans:
        # The window that holds the most matches, starting a little before one of them.
        best_start, best_count = 0, -1
        for start, _ in spans:
            begin = max(0, start - width // 4)
            count = sum(1 for s, e in spans if s >= begin and e <= begin + width)
            if count > best_count:
                best_start, best_count = begin, count
        begin = best_start
    else:
        begin = 0
    end = min(len(text), begin + width)
    # Widen to word boundaries.
    while begin > 0 and not text[begin - 1].isspace():
        begin -= 1
    while end < len(text) and not text[end].isspace():
        end += 1
    prefix = "… " if begin > 0 else ""
    suffix = " …" if end < len(text) else ""
    window = prefix + text[begin:end].strip() + suffix
    shift = len(prefix) - begin - (len(text[begin:end]) - len(text[begin:end].lstrip()))
    inside = [(s + shift, e + shift) for s, e in spans if s >= begin and e <= end]
    return window, inside
