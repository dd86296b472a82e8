"""Typed configuration: flags > environment (BIGSEARCH_INDEX, BIGSEARCH_CORPUS) > defaults.

Defaults: in a bigsearch checkout (or a folder that already has ./index) the index is ./index;
anywhere else it is the per-user data folder, $XDG_DATA_HOME/bigsearch/index (normally
~/.local/share/bigsearch/index), so `bigsearch search` works from any directory. The corpus is
./corpus when there is one, else the protocols bundled inside the package.
"""

from __future__ import annotations

import os
from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent
BUNDLED_CORPUS = PACKAGE_DIR / "corpus"
RELEVANCE_SET = PACKAGE_DIR / "data" / "relevance.toml"
LOCAL_INDEX = Path("index")
LOCAL_CORPUS = Path("corpus")


def user_index_dir() -> Path:
    base = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(base) / "bigsearch" / "index"


def _in_checkout(folder: Path) -> bool:
    pyproject = folder / "pyproject.toml"
    try:
        return pyproject.is_file() and 'name = "bigsearch"' in pyproject.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return False


def resolve_corpus(flag: Path | None = None) -> Path:
    if flag is not None:
        return flag.absolute()
    env = os.environ.get("BIGSEARCH_CORPUS")
    if env:
        return Path(env).absolute()
    if LOCAL_CORPUS.is_dir():
        return LOCAL_CORPUS.absolute()
    return BUNDLED_CORPUS


def resolve_index(flag: Path | None = None) -> Path:
    if flag is not None:
        return flag.absolute()
    env = os.environ.get("BIGSEARCH_INDEX")
    if env:
        return Path(env).absolute()
    cwd = Path.cwd()
    if LOCAL_INDEX.is_dir() or _in_checkout(cwd):
        return (cwd / LOCAL_INDEX).absolute()
    return user_index_dir()
