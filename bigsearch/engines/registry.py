"""The engines, one entry each in one table; which one an index was built with (remembered in the
index folder as engine.json); opening it.

Each engine class answers the table's questions itself: `exists(index_dir)`, `outdated(index_dir)`
(built by another version, replaced by the next build), `open(index_dir, settings, notify)`, and
an opened engine's `settings()` (what engine.json remembers besides its name). Nothing outside
this table names an engine: the CLI's --engine choices, the test suite's engine list and the
docs are built from it.
"""

from __future__ import annotations

import importlib
import json
import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from bigsearch.errors import ConfigError

ENGINE_FILE = "engine.json"


@dataclass(frozen=True)
class EngineEntry:
    name: str
    module: str  # where the class lives: imported on first use (each engine pulls in its own library)
    class_name: str
    help: str  # when to choose it
    embedded: bool = True  # the index lives in the index folder (not on a cluster)
    ingest_worker: bool = True  # large runs ingest in a worker process while this one analyses
    settings: tuple[str, ...] = ()  # connection details remembered in engine.json (never credentials)

    def engine_class(self):
        return getattr(importlib.import_module(self.module), self.class_name)

    def exists(self, index_dir: Path) -> bool:
        return self.engine_class().exists(Path(index_dir))

    def outdated(self, index_dir: Path) -> bool:
        return self.engine_class().outdated(Path(index_dir))

    def open(self, index_dir: Path, settings: dict | None = None, notify: Callable[[str], None] | None = None):
        return self.engine_class().open(Path(index_dir), settings or {}, notify)


ENGINES: dict[str, EngineEntry] = {entry.name: entry for entry in (
    EngineEntry("whoosh", "bigsearch.engines.whoosh_engine", "WhooshEngine",
                "the default; pure Python, one council's archive",
                ingest_worker=False),  # its writer analyses in worker processes of its own
    EngineEntry("tantivy", "bigsearch.engines.tantivy_engine", "TantivyEngine",
                "large archives (tens of thousands of protocols): compiled, much faster builds and queries"),
    EngineEntry("opensearch", "bigsearch.engines.opensearch_engine", "OpenSearchEngine",
                "the national case: a cluster, many users (--url, --index-name)",
                embedded=False, settings=("url", "index_name")),
)}
DEFAULT_ENGINE = "whoosh"


def _read(index_dir: Path) -> dict:
    try:
        data = json.loads((Path(index_dir) / ENGINE_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def remembered_engine(index_dir: Path) -> str | None:
    name = _read(index_dir).get("engine")
    return name if name in ENGINES else None


def remember_engine(index_dir: Path, name: str, **settings: str) -> None:
    """Writes engine.json; settings are an engine's connection details (opensearch: url, index_name — never credentials)."""
    path = Path(index_dir) / ENGINE_FILE
    temporary = path.with_suffix(".tmp")
    temporary.write_text(json.dumps({"engine": name, **settings}), encoding="utf-8")
    os.replace(temporary, path)


def engine_settings(index_dir: Path) -> dict:
    """The connection details remembered with the engine (empty for the embedded engines)."""
    return {k: v for k, v in _read(index_dir).items() if k != "engine"}


def choose_engine(index_dir: Path, flag: str | None = None) -> EngineEntry:
    """--engine > the engine the index was built with > $BIGSEARCH_ENGINE > whoosh."""
    name = flag or remembered_engine(index_dir) or os.environ.get("BIGSEARCH_ENGINE") or DEFAULT_ENGINE
    if name not in ENGINES:
        raise ConfigError(f"unknown engine {name!r} — use one of {', '.join(ENGINES)} (--engine or BIGSEARCH_ENGINE)")
    return ENGINES[name]


def open_engine(index_dir: Path, name: str | None = None, settings: dict | None = None,
                notify: Callable[[str], None] | None = None):
    """The index's engine; `settings` (opensearch: url, index_name) override the remembered ones,
    `notify` hears what the engine has to say while it works (waiting for another writer)."""
    given = {k: v for k, v in (settings or {}).items() if v}
    return choose_engine(index_dir, name).open(Path(index_dir), {**engine_settings(index_dir), **given}, notify)


def index_exists(index_dir: Path) -> bool:
    """Whether a committed index of its remembered engine is there (a cluster index is taken on trust:
    its engine reports a missing one when asked)."""
    return ENGINES[remembered_engine(index_dir) or DEFAULT_ENGINE].exists(Path(index_dir))


def index_outdated(index_dir: Path) -> bool:
    """Whether the index folder holds an index of another version of bigsearch (rebuilt when next built)."""
    return ENGINES[remembered_engine(index_dir) or DEFAULT_ENGINE].outdated(Path(index_dir))
