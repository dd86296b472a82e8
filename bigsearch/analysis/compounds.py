"""Swedish compound splitting: "våldsförebyggande" -> ("våld", "förebyggande").

Parts must be words of the Swedish frequency list that ships with `wordfreq` (installed
from PyPI with the project, read offline). A frequency check guards against splitting
words that are not compounds: every part must be a reasonably common word, and the whole
must be rarer than its parts (a lexicalised word such as "samverkan" is left alone).
"""

from __future__ import annotations

import math
from functools import lru_cache

MIN_WORD = 7  # shorter words are not split
MIN_PART = 3
HEAD_MIN_ZIPF = 3.0
TAIL_MIN_ZIPF = 2.0
LINKERS = ("s", "")  # the linking -s- of Swedish compounds ("våld-s-förebyggande")


@lru_cache(maxsize=1)
def _frequencies() -> dict[str, float]:
    from wordfreq import get_frequency_dict

    return get_frequency_dict("sv")


def zipf(word: str) -> float:
    frequency = _frequencies().get(word, 0.0)
    return math.log10(frequency) + 9 if frequency > 0 else 0.0


# Short words that are prefixes or function words far more often than compound parts.
NOT_PARTS = frozenset(
    "sam man för och att det den som har kan med från till över under utan inte eller samt "
    "fri fram upp ut in på av om re de ett en vi ni han hon the".split()
)


@lru_cache(maxsize=500_000)
def split_compound(word: str) -> tuple[str, ...]:
    """The parts of a compound word (lowercase in, lowercase out), or () when it is not one."""
    if len(word) < MIN_WORD or not word.isalpha():
        return ()
    best = _best_split(word, depth=0)
    if best is None:
        return ()
    parts, _, linked = best
    # Frequency check: a whole word as common as its parts is lexicalised ("förebyggande"),
    # unless a linking -s- shows the compound ("våld-s-bejakande").
    if not linked and zipf(word) >= min(zipf(part) for part in parts):
        return ()
    return parts


def compound_parts(word: str) -> list[str]:
    """Every part of a compound, parts of parts included ("fritidsgårdsverksamhet" -> fritidsgård, fritids, gård, verksamhet)."""
    found: list[str] = []
    for part in split_compound(word):
        found.append(part)
        found.extend(compound_parts(part))
    return found


def _score(parts: tuple[str, ...], word: str) -> float:
    return sum(len(p) * zipf(p) for p in parts) / len(word) - 1.0 * (len(parts) - 2)


def _best_split(word: str, depth: int) -> tuple[tuple[str, ...], float, bool] | None:
    best: tuple[tuple[str, ...], float, bool] | None = None
    for cut in range(MIN_PART, len(word) - MIN_PART + 1):
        for linker in LINKERS:
            head = word[:cut]
            if linker:
                if not head.endswith(linker) or len(head) - len(linker) < MIN_PART:
                    continue
                head = head[: -len(linker)]
            if head in NOT_PARTS or zipf(head) < HEAD_MIN_ZIPF:
                continue
            tail = word[cut:]
            candidates: list[tuple[tuple[str, ...], bool]] = []
            if tail not in NOT_PARTS and zipf(tail) >= TAIL_MIN_ZIPF:
                candidates.append(((head, tail), bool(linker)))
            if depth < 2 and len(tail) >= 2 * MIN_PART:
                deeper = _best_split(tail, depth + 1)
                if deeper is not None:
                    candidates.append(((head, *deeper[0]), bool(linker) or deeper[2]))
            for parts, linked in candidates:
                score = _score(parts, word)
                if best is None or score > best[1]:
                    best = (parts, score, linked)
    return best


def coordinated_form(head: str, tail: str) -> str | None:
    """The whole word a coordinated compound's first member stands for.

    "drog- och brottsförebyggande": head "drog", tail "brottsförebyggande" -> "drogförebyggande"
    (the tail's first part replaced by the head); None when the tail is not a compound.
    """
    lowered = tail.lower()
    parts = split_compound(lowered)
    if len(parts) < 2:
        return None
    # The tail's first part, with its linking -s- if the compound has one ("brott-s-förebyggande").
    first = parts[0]
    rest_start = len(first) + (1 if lowered[len(first):len(first) + 1] == "s" and not lowered[len(first):].startswith(parts[1]) else 0)
    rest = tail[rest_start:]
    return f"{head}{rest}" if rest else None
