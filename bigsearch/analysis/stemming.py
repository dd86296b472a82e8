"""Snowball Swedish stemming via snowballstemmer (PyStemmer's C core when installed), cached."""

from __future__ import annotations

from functools import lru_cache

import snowballstemmer

_STEMMER = snowballstemmer.stemmer("swedish")


@lru_cache(maxsize=200_000)
def stem(word: str) -> str:
    return _STEMMER.stemWord(word)


_FOLD = str.maketrans({"å": "a", "ä": "a", "ö": "o", "é": "e", "è": "e", "ü": "u", "æ": "a", "ø": "o", "á": "a"})


def fold(word: str) -> str:
    """ASCII-fold the Swedish letters: Sätra -> Satra (for users without å ä ö on their keyboard)."""
    return word.translate(_FOLD)
