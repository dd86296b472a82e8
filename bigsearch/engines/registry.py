"""Which engine an index was built with, remembered in the index folder, and opening it.

Also what an index folder holds (index_state): a folder with index files is never taken for "no
index yet" — only a missing or empty folder is, or one holding no more than an uncommitted first
build leaves (locks, engine.json, Whoosh's empty table of contents, tantivy's empty meta.json and
files no commit names). Everything else is an index, an outdated one, a damaged one, or files that
are not an index at all.
"""

from __future__ import annotations

import json
import os
import re
import time
from enum import StrEnum
from pathlib import Path

from bigsearch.errors import ConfigError, IndexCorruptError, IndexMissingError, IndexWriteError

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


def _engine_file_damaged(index_dir: Path) -> bool:
    """engine.json is there but does not name an engine."""
    return (Path(index_dir) / ENGINE_FILE).exists() and remembered_engine(index_dir) is None


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
    """--engine > the engine the index was built with (engine.json, else its files) > $BIGSEARCH_ENGINE > whoosh."""
    name = (flag or remembered_engine(index_dir) or detected_engine(index_dir) or os.environ.get("BIGSEARCH_ENGINE")
            or DEFAULT_ENGINE)
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


# Files of each embedded engine, and the ones every index folder may hold.
_WHOOSH_FILE = re.compile(r"^_?bigsearch_v[0-9]+(_|\.)")
_WHOOSH_SEGMENT = re.compile(r"^bigsearch_v[0-9]+_[0-9a-z]+\.seg$")
_WHOOSH_EMPTY_TOC = re.compile(r"^_bigsearch_v[0-9]+_0\.toc$")
_TANTIVY_FILE = re.compile(r"^([0-9a-f]{32}\.[a-z0-9.]+|meta\.json|\.managed\.json|\.tantivy-[a-z-]+\.lock)$")
_TANTIVY_SEGMENT = re.compile(r"^[0-9a-f]{32}\.")
_LOCKS = re.compile(r"^(\.bigsearch\.lock|bigsearch_v[0-9]+_WRITELOCK|\.tantivy-[a-z-]+\.lock)$")
_SHARED = {ENGINE_FILE, ".bigsearch.lock", ".bigsearch-verified.json"}


def _engine_of(name: str) -> str | None:
    if _WHOOSH_FILE.match(name):
        return "whoosh"
    if _TANTIVY_FILE.match(name):
        return "tantivy"
    return None


def _names(index_dir: Path) -> list[str]:
    try:
        return os.listdir(index_dir)
    except (FileNotFoundError, NotADirectoryError):
        return []


def detected_engine(index_dir: Path) -> str | None:
    """The embedded engine whose files are in the folder, when there is exactly one."""
    found = {_engine_of(name) for name in _names(index_dir) if not _LOCKS.match(name)} - {None}
    return found.pop() if len(found) == 1 else None


class IndexState(StrEnum):
    MISSING = "missing"  # no folder, an empty one, or only what an uncommitted first build leaves
    PRESENT = "present"  # a committed index (damage inside its files is found when it is opened)
    OUTDATED = "outdated"  # built by another version of bigsearch: a build replaces it
    DAMAGED = "damaged"  # index files, but no index that can be opened
    FOREIGN = "foreign"  # files that are not bigsearch's, and no index


def index_state(index_dir: Path) -> tuple[IndexState, str]:
    """What the folder holds, and why (a few words for a message)."""
    index_dir = Path(index_dir)
    names = _names(index_dir)
    if not names:
        return IndexState.MISSING, "does not exist yet"
    if _engine_file_damaged(index_dir):
        return IndexState.DAMAGED, f"{index_dir / ENGINE_FILE} does not say which engine built it"
    name = remembered_engine(index_dir) or detected_engine(index_dir)
    if name == "opensearch":
        return IndexState.PRESENT, "an OpenSearch index"
    if name is None and any(_engine_of(n) for n in names):
        return IndexState.DAMAGED, "it holds files of two engines and no engine.json"
    state, reason = _tantivy_state(index_dir, names) if name == "tantivy" else _whoosh_state(index_dir, names)
    if state is IndexState.MISSING:
        foreign = sorted(n for n in names if n not in _SHARED and not _engine_of(n) and not _LOCKS.match(n))
        if foreign:
            return IndexState.FOREIGN, f"it holds files that are not a bigsearch index ({', '.join(foreign[:3])})"
    return state, reason


def _whoosh_state(index_dir: Path, names: list[str]) -> tuple[IndexState, str]:
    from bigsearch.engines import whoosh_store as store

    if store.exists(index_dir):
        return IndexState.PRESENT, "a Whoosh index"
    if store.other_versions(index_dir):
        return IndexState.OUTDATED, "was built by another version"
    segments = [n for n in names if _WHOOSH_SEGMENT.match(n)]
    if segments and not any(_WHOOSH_EMPTY_TOC.match(n) for n in names):
        # A first build writes its empty table of contents before any segment: segments
        # without any table of contents are an index whose table of contents is gone.
        return IndexState.DAMAGED, f"{len(segments)} segment file(s) but no table of contents (_bigsearch_v*_N.toc)"
    return IndexState.MISSING, "does not exist yet"


def _tantivy_state(index_dir: Path, names: list[str]) -> tuple[IndexState, str]:
    meta = index_dir / "meta.json"
    segments = [n for n in names if _TANTIVY_SEGMENT.match(n)]
    if not meta.exists():
        if segments:
            return IndexState.DAMAGED, f"{len(segments)} tantivy segment file(s) but no meta.json"
        return IndexState.MISSING, "does not exist yet"
    try:
        committed = json.loads(meta.read_text(encoding="utf-8"))["segments"]
    except (OSError, ValueError, KeyError, TypeError) as exc:
        return IndexState.DAMAGED, f"{meta} is unreadable ({type(exc).__name__})"
    if not committed:  # created, never committed: every commit of bigsearch holds a document
        return IndexState.MISSING, "does not exist yet"
    return IndexState.PRESENT, "a tantivy index"


def index_exists(index_dir: Path) -> bool:
    """Whether a committed index of its remembered engine is there (a cluster index is taken on trust:
    its engine reports a missing one when asked)."""
    return index_state(index_dir)[0] is IndexState.PRESENT


def damaged(index_dir: Path) -> str | None:
    """Why the index cannot be opened (a damaged folder or a damaged file), or None."""
    state, reason = index_state(index_dir)
    if state is IndexState.DAMAGED:
        return reason
    if state is not IndexState.PRESENT:
        return None
    name = choose_engine(index_dir)
    if name == "opensearch":
        return None
    try:
        engine = open_engine(index_dir, name)
        try:
            if name == "tantivy":
                engine._open()  # tantivy opens on first use
        finally:
            engine.close()
    except IndexCorruptError as exc:
        return str(exc)
    return None


def set_aside(index_dir: Path) -> Path:
    """Moves the index files (of any engine) into a new folder beside the index and returns it, so
    that a rebuild starts from an empty folder and the damaged files stay for a look. Locks stay."""
    index_dir = Path(index_dir)
    aside = index_dir.with_name(f"{index_dir.name}.damaged-{time.strftime('%Y%m%d-%H%M%S')}")
    number = 1
    while aside.exists():
        number += 1
        aside = aside.with_name(f"{index_dir.name}.damaged-{time.strftime('%Y%m%d-%H%M%S')}-{number}")
    try:
        aside.mkdir()
        for name in _names(index_dir):
            if _LOCKS.match(name) or not (_engine_of(name) or name in _SHARED):
                continue
            os.replace(index_dir / name, aside / name)
    except OSError as exc:
        raise IndexWriteError(
            f"cannot move the damaged index at {index_dir} aside ({exc.strerror or exc}) — delete the index "
            "folder and run `bigsearch index` again"
        ) from exc
    return aside


def check_index(index_dir: Path):
    """Every file of the index read in full (an IndexCheck): `bigsearch check`."""
    from bigsearch.engines.verified import IndexCheck

    index_dir = Path(index_dir)
    state, reason = index_state(index_dir)
    if state in (IndexState.MISSING, IndexState.FOREIGN):
        raise IndexMissingError(f"no index at {index_dir} ({reason}) — run `bigsearch index`")
    name = choose_engine(index_dir)
    if state is IndexState.DAMAGED:
        return IndexCheck(str(index_dir), name if name != "opensearch" else "?", damaged=str(index_dir), problem=reason)
    if state is IndexState.OUTDATED:
        return IndexCheck(str(index_dir), name, damaged=str(index_dir),
                          problem="was built by another version of bigsearch")
    if name == "opensearch":
        raise ConfigError("`bigsearch check` reads the files of an embedded index (whoosh, tantivy); an "
                          "OpenSearch cluster checks its own shards (GET _cluster/health)")
    if name == "tantivy":
        from bigsearch.engines.tantivy_check import verify_fully

        return verify_fully(index_dir)
    from bigsearch.engines import whoosh_store as store

    return store.verify_fully(index_dir)
