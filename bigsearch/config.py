"""Typed configuration: flags > environment (BIGSEARCH_INDEX, BIGSEARCH_CORPUS) > defaults."""

from __future__ import annotations

import os
from pathlib import Path

DEFAULT_INDEX = Path("index")
DEFAULT_CORPUS = Path("corpus")
# The bundled corpus next to the package, for a run outside the repository's root.
BUNDLED_CORPUS = Path(__file__).resolve().parent.parent / "corpus"


def resolve_corpus(flag: Path | None = None) -> Path:
    if flag is not None:
        return flag
    env = os.environ.get("BIGSEARCH_CORPUS")
    if env:
        return Path(env)
    if DEFAULT_CORPUS.is_dir():
        return DEFAULT_CORPUS
    return BUNDLED_CORPUS


def resolve_index(flag: Path | None = None) -> Path:
    if flag is not None:
        return flag
    env = os.environ.get("BIGSEARCH_INDEX")
    if env:
        return Path(env)
    return DEFAULT_INDEX
