"""Which engine an index was built with, remembered in the index folder, and opening it."""

from __future__ import annotations

import json
import os
from pathlib import Path

from bigsearch.errors import ConfigError

ENGINES = ("whoosh", "tantivy", "opensearch")
DEFAULT_ENGINE = "whoosh"
ENGINE_FILE = "engine.json"


def remembered_engine(index_dir: Path) -> str | None:
    try:
        data = json.loads((Path(index_dir) / ENGINE_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    name = data.get("engine") if isinstance(data, dict) else None
    return name if name in ENGINES else None


def remember_engine(index_dir: Path, name: str, **settings: str) -> None:
    """Writes engine.json; settings are an engine's connection details (opensearch: url, index_name — never credentials)."""
    path = Path(index_dir) / ENGINE_FILE
    temporary = path.with_suffix(".tmp")
    temporary.write_text(json.dumps({"engine": name, **settings}), encoding="utf-8")
    os.replace(temporary, path)


def engine_settings(index_dir: Path) -> dict:
    """The connection details remembered with the engine (empty for the embedded engines)."""
    try:
        data = json.loads((Path(index_dir) / ENGINE_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return {k: v for k, v in data.items() if k != "engine"} if isinstance(data, dict) else {}


def choose_engine(index_dir: Path, flag: str | None = None) -> str:
    """--engine > the engine the index was built with > $BIGSEARCH_ENGINE > whoosh."""
    name = flag or remembered_engine(index_dir) or os.environ.get("BIGSEARCH_ENGINE") or DEFAULT_ENGINE
    if name not in ENGINES:
        raise ConfigError(f"unknown engine {name!r} — use one of {', '.join(ENGINES)} (--engine or BIGSEARCH_ENGINE)")
    return name


def open_engine(index_dir: Path, name: str | None = None, settings: dict | None = None, on_wait=None):
    """The index's engine; `settings` (opensearch: url, index_name) override the remembered ones,
    `on_wait` hears about waiting for another writer (tantivy)."""
    name = choose_engine(index_dir, name)
    if name == "opensearch":
        from bigsearch.engines.opensearch_engine import OpenSearchEngine
        from bigsearch.engines.opensearch_sync import DEFAULT_INDEX_NAME

        given = {k: v for k, v in (settings or {}).items() if v}
        merged = {**engine_settings(index_dir), **given}
        if not merged.get("url") or not (merged.get("index_name") or given):
            raise ConfigError(
                f"no OpenSearch cluster is known for {index_dir} — run "
                "`bigsearch index --engine opensearch --url URL --index-name NAME`"
            )
        return OpenSearchEngine(merged["url"], merged.get("index_name") or DEFAULT_INDEX_NAME)
    if name == "tantivy":
        from bigsearch.engines.tantivy_engine import TantivyEngine

        return TantivyEngine(Path(index_dir), on_wait=on_wait)
    from bigsearch.engines.whoosh_engine import WhooshEngine

    return WhooshEngine(Path(index_dir))


def index_exists(index_dir: Path) -> bool:
    """Whether a committed index of its remembered engine is there (a cluster index is taken on trust:
    its engine reports a missing one when asked)."""
    name = remembered_engine(index_dir)
    if name == "opensearch":
        return True
    if name == "tantivy":
        from bigsearch.engines.tantivy_engine import TantivyEngine

        return TantivyEngine.exists(Path(index_dir))
    from bigsearch.engines import whoosh_store as store

    return store.exists(Path(index_dir))
