"""Snowball Swedish stemming via snowballstemmer (PyStemmer's C core when installed), cached,
with the few exceptions of bigsearch/data/stem_exceptions.toml: words Snowball gives the stem of
another lemma ("bara" is not "bar", "brottas" is not "brott") get their own."""

from __future__ import annotations

import tomllib
from functools import cache, lru_cache
from importlib import resources

import snowballstemmer

_STEMMER = snowballstemmer.stemmer("swedish")


@cache
def exceptions() -> dict:
    """The exception table: {"stems": {word: stem}, "apart": {stem: stems never joined with it}}."""
    data = tomllib.loads(resources.files("bigsearch.data").joinpath("stem_exceptions.toml").read_text("utf-8"))
    stems = {word: entry["stem"] for entry in data.get("stems", []) for word in entry["words"]}
    apart: dict[str, set[str]] = {}

    def keep_apart(ours: set[str], theirs: set[str]) -> None:
        for a in ours:
            apart.setdefault(a, set()).update(theirs)
        for b in theirs:
            apart.setdefault(b, set()).update(ours)

    for entry in data.get("stems", []):  # an overridden stem is kept apart from the other word's too
        keep_apart({entry["stem"]}, {snowball(entry["other"])})
    for entry in data.get("apart", []):
        keep_apart({stem_with(stems, w) for w in entry["words"]}, {stem_with(stems, w) for w in entry["other"]})
    return {"stems": stems, "apart": apart}


def snowball(word: str) -> str:
    """Snowball's own stem, without the exceptions."""
    return _STEMMER.stemWord(word)


def stem_with(stems: dict[str, str], word: str) -> str:
    return stems.get(word) or _STEMMER.stemWord(word)


@lru_cache(maxsize=200_000)
def stem(word: str) -> str:
    return stem_with(exceptions()["stems"], word)


def apart(a: str, b: str) -> bool:
    """Two stems of words of different lemmas that the inflection expansion must not join."""
    return b in exceptions()["apart"].get(a, ())


_FOLD = str.maketrans({"å": "a", "ä": "a", "ö": "o", "é": "e", "è": "e", "ü": "u", "æ": "a", "ø": "o", "á": "a"})


def fold(word: str) -> str:
    """ASCII-fold the Swedish letters: Sätra -> Satra (for users without å ä ö on their keyboard)."""
    return word.translate(_FOLD)
