"""Is a PDF page's text layer worth keeping, or does the page need OCR? Small pure functions.

A scanner's PDF has no text layer, or one of garbage: a broken font encoding gives control and
private-use characters or U+FFFD; a bad embedded OCR gives "words" without vowels and runs of
symbols. A page keeps its text layer when it has enough letters and most of its words look like
words.
"""

from __future__ import annotations

import re
import unicodedata

MIN_CHARACTERS = 20  # fewer visible characters than this: no text layer to speak of
MIN_WORDLIKE = 0.6  # share of words that look like words, below which the layer is garbage
MAX_ODD = 0.05  # share of control, private-use and replacement characters
_WORD = re.compile(r"\S+")
_VOWELS = set("aeiouyåäöéèüAEIOUYÅÄÖÉÈÜ")
_TRIM = "()[]{}.,;:!?\"'«»”“’–-/§%"


def needs_ocr(text: str) -> bool:
    return not usable(text)


def usable(text: str) -> bool:
    visible = [ch for ch in text if not ch.isspace()]
    if len(visible) < MIN_CHARACTERS:
        return False
    if sum(_odd(ch) for ch in visible) > MAX_ODD * len(visible):
        return False
    words = [word.strip(_TRIM) for word in _WORD.findall(text)]
    words = [word for word in words if word]
    if not words:
        return False
    return sum(_wordlike(word) for word in words) >= MIN_WORDLIKE * len(words)


def _odd(ch: str) -> bool:
    return ch == "\ufffd" or unicodedata.category(ch) in ("Cc", "Co", "Cs", "Cn")


def _wordlike(word: str) -> bool:
    """A number, a date, an abbreviation, or letters with a vowel (Swedish words have one)."""
    if any(ch.isdigit() for ch in word):
        return sum(ch.isalnum() or ch in "-.:/,%" for ch in word) == len(word)
    if not all(ch.isalpha() or ch in "-'’." for ch in word):
        return False
    return len(word) <= 3 or any(ch in _VOWELS for ch in word)
