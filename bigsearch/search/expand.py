"""Turning one query word into index terms, with the work bounded by construction.

- prefix*: at most MAX_EXPANSIONS terms of the vocabulary (a note says when more exist);
- fuzzy~N: vocabulary terms within N edits, looking at no more than MAX_SCAN entries;
- inflections: the stems of the word's other forms that the index holds ("skola" also finds
  "skolan", "skolans"; "skolan" also "skola", "skolor"), so forms of one word find each other
  although Snowball gives some of them different stems — but never across the exceptions of
  bigsearch/data/stem_exceptions.toml ("justeras" does not reach "just"), and a definite -n only
  where Swedish puts one ("barn" does not reach "bar");
- did-you-mean: the closest vocabulary term, under the same scan bound.

The bounds hold for the whole query too, not only per word: all its words together expand to at
most MAX_TOTAL_EXPANSIONS terms and compare at most MAX_TOTAL_SCAN vocabulary entries (a query of
20 prefixes or 60 fuzzy words costs what two such words cost); a word's own stem is always
searched. Every function charges one `Budget` per query, which tests read to check the bounds.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Protocol

from bigsearch.analysis.stemming import apart, stem

MAX_EXPANSIONS = 128  # terms one prefix or fuzzy word may become
MAX_SCAN = 20_000  # vocabulary entries one fuzzy word (or a suggestion) may be compared with
MAX_TOTAL_EXPANSIONS = 256  # terms all words of one query together may become (Whoosh's cost grows with their square)
MAX_TOTAL_SCAN = 40_000  # vocabulary entries all fuzzy words of one query together may be compared with
MAX_WORD = 40  # longer "words" are searched as written: no fuzzy matching, no suggestion

TOTAL_NOTE = (f"the query's words expand to more than {MAX_TOTAL_EXPANSIONS} index terms in all — only part of them "
              "is searched; narrow the query")
SCAN_NOTE = (f"the query's fuzzy words would be compared with more than {MAX_TOTAL_SCAN:,} words of the index in "
             "all — only part was compared; use fewer ~ words")


class Lexicon(Protocol):
    def df(self, field: str, term: str) -> int: ...

    def prefixed(self, field: str, prefix: str) -> Iterator[str]: ...


@dataclass
class Budget:
    scanned: int = 0  # vocabulary entries looked at
    expanded: int = 0  # terms the words turned into
    notes: list[str] = field(default_factory=list)
    max_expanded: int = MAX_TOTAL_EXPANSIONS
    max_scanned: int = MAX_TOTAL_SCAN
    # Terms one prefix or fuzzy word may take: the query's total shared among its expanding words,
    # so that "s* f* t*" is not all s* and f* with nothing left for t* (share_among sets it).
    per_word: int = MAX_EXPANSIONS

    def share_among(self, words: int) -> None:
        self.per_word = max(1, min(MAX_EXPANSIONS, self.max_expanded // max(1, words)))

    def expansions_left(self) -> int:
        return max(0, min(self.max_expanded - self.expanded, self.per_word))

    def scan_left(self) -> int:
        return max(0, self.max_scanned - self.scanned)

    def note(self, text: str) -> None:
        if text not in self.notes:
            self.notes.append(text)


def prefix_terms(lexicon: Lexicon, field: str, prefix: str, budget: Budget) -> list[str]:
    limit = min(MAX_EXPANSIONS, budget.expansions_left())
    found: list[str] = []
    for term in lexicon.prefixed(field, prefix):
        budget.scanned += 1
        if len(found) == limit:
            if limit == MAX_EXPANSIONS:
                budget.note(f"{prefix}* matches more than {MAX_EXPANSIONS} words — the first {MAX_EXPANSIONS} are "
                            "searched; type more letters to narrow it")
            else:
                budget.note(TOTAL_NOTE)
            break
        found.append(term)
    budget.expanded += len(found)
    return found


def within_edits(a: str, b: str, limit: int) -> bool:
    """Levenshtein distance of a and b is at most `limit` (a banded check: O(len × limit))."""
    if abs(len(a) - len(b)) > limit:
        return False
    previous = list(range(len(b) + 1))
    for i, ca in enumerate(a, start=1):
        current = [i] + [limit + 1] * len(b)
        low, high = max(1, i - limit), min(len(b), i + limit)
        for j in range(low, high + 1):
            cost = 0 if ca == b[j - 1] else 1
            current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
        if min(current[max(0, low - 1) : high + 1]) > limit:
            return False
        previous = current
    return previous[len(b)] <= limit


def fuzzy_terms(lexicon: Lexicon, field: str, word: str, edits: int, budget: Budget) -> list[str]:
    """Terms within `edits` of `word` sharing its first letter (as Lucene's prefix length 1)."""
    if len(word) > MAX_WORD:
        budget.note(f"{word[:20]}…~{edits}: words over {MAX_WORD} letters are searched as written")
        return [word]
    scan_limit = min(MAX_SCAN, budget.scan_left())
    found: list[tuple[int, str]] = []
    scanned = 0
    for term in lexicon.prefixed(field, word[:1]):
        if scanned == scan_limit:
            budget.note(f"{word}~{edits}: the vocabulary is large — only part of it was compared"
                        if scan_limit == MAX_SCAN else SCAN_NOTE)
            break
        scanned += 1
        if within_edits(word, term, edits):
            found.append((lexicon.df(field, term), term))
    budget.scanned += scanned
    found.sort(reverse=True)
    keep = min(MAX_EXPANSIONS, budget.expansions_left())
    if len(found) > keep and keep < MAX_EXPANSIONS:
        budget.note(TOTAL_NOTE)
    terms = [term for _, term in found[:keep]]
    budget.expanded += len(terms)
    return terms or [word]


# Swedish noun and adjective endings: a word's other forms are its root plus one of these.
_ENDINGS = (
    "", "a", "e", "n", "s", "an", "en", "et", "na", "ns", "or", "ar", "er", "ans", "ens", "ets", "ors", "ars", "ers",
    "orna", "arna", "erna", "ornas", "arnas", "ernas", "as", "es",
)
_STRIP = tuple(sorted((e for e in _ENDINGS if e), key=len, reverse=True))
MIN_ROOT = 3
# The definite -n follows a vowel (bastu-n, fru-n) or an unstressed -el, -er, -or (fågel-n,
# vinter-n, doktor-n): "barn" is not "bar" + n, nor "hann" "han" + n.
_AFTER_VOWEL = ("n", "ns")
_VOWELS = frozenset("aeiouyåäöé")


def _takes(root: str, ending: str) -> bool:
    """Whether Swedish puts `ending` after `root`, as far as its last letters tell."""
    if ending in _AFTER_VOWEL:
        return root[-1:] in _VOWELS or (len(root) >= 4 and root[-2:] in ("el", "er", "or"))
    return True


def variant_stems(word: str, lexicon: Lexicon, field: str, budget: Budget) -> list[str]:
    """The stem of `word` first, then the stems of its other inflected forms that the index holds."""
    own = stem(word)
    if len(word) < 4 or not word.isalpha():
        return [own]
    roots = {word}
    for ending in _STRIP:
        if word.endswith(ending) and len(word) - len(ending) >= MIN_ROOT and _takes(word[: -len(ending)], ending):
            roots.add(word[: -len(ending)])
    candidates: set[str] = set()
    for root in roots:
        for ending in _ENDINGS:
            if _takes(root, ending):
                candidates.add(stem(root + ending))
    candidates.discard(own)
    # Words of another lemma that look like forms of this one (bigsearch/data/stem_exceptions.toml).
    candidates = {candidate for candidate in candidates if not apart(own, candidate)}
    found = []
    for candidate in sorted(candidates):
        if len(found) + 1 >= budget.expansions_left():
            break  # the query's expansions are used up: the word's own stem is still searched
        budget.scanned += 1
        # A different stem counts only when it starts like the word's own (no unrelated words).
        if candidate[:MIN_ROOT] == own[:MIN_ROOT] and lexicon.df(field, candidate):
            found.append(candidate)
    budget.expanded += len(found) + 1
    return [own, *found]


def closest_term(lexicon: Lexicon, field: str, word: str, budget: Budget) -> str | None:
    """The vocabulary term nearest to `word` (1, else 2 edits), most frequent first."""
    if len(word) > MAX_WORD or len(word) < 3:
        return None
    for edits in (1, 2):
        scanned = 0
        best: tuple[int, str] | None = None
        for term in lexicon.prefixed(field, word[:1]):
            scanned += 1
            if scanned > MAX_SCAN:
                break
            if term != word and within_edits(word, term, edits):
                df = lexicon.df(field, term)
                if best is None or df > best[0]:
                    best = (df, term)
        budget.scanned += scanned
        if best:
            return best[1]
    return None
