"""The engines, one entry each in one table; which one an index was built with (remembered in the
index folder as engine.json); opening it.

Each engine class answers the table's questions itself: `exists(index_dir)`, `outdated(index_dir)`
(built by another version, replaced by the next build), `damage(index_dir)` (index files that
make no index: a deleted table of contents, an unreadable meta.json), `verify_fully(index_dir)`
(`bigsearch check`), `open(index_dir, settings, notify)`, and an opened engine's `settings()`
(what engine.json remembers besides its name). The table itself knows each embedded engine's file
names, so that a folder is read without importing any engine. Nothing outside this table names
an engine: the CLI's --engine choices, the test suite's engine list and the docs are built from it.

What an index folder holds (index_state): a folder with index files is never taken for "no index
yet" — only a missing or empty folder is, or one holding no more than an uncommitted first build
leaves (locks, engine.json, files no commit names). Everything else is an index, an outdated one,
a damaged one, or files that are not an index at all.
"""

from __future__ import annotations

import functools
import importlib
import json
import os
import re
import time
from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path

from bigsearch.engines.run_lock import LOCK_NAME
from bigsearch.errors import ConfigError, IndexCorruptError, IndexMissingError, IndexWriteError

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
    # (protocols, engine, why): past this many protocols, that engine serves an archive better
    outgrown: tuple[int, str, str] | None = None
    files: str = ""  # regex: names of its index files in the index folder (embedded engines)
    locks: str = ""  # regex: names of its lock files (never moved or removed)

    def owns(self, name: str) -> bool:
        return bool(self.files) and _compiled(self.files).match(name) is not None

    def locks_with(self, name: str) -> bool:
        return bool(self.locks) and _compiled(self.locks).match(name) is not None

    def engine_class(self):
        return getattr(importlib.import_module(self.module), self.class_name)

    def exists(self, index_dir: Path) -> bool:
        return self.engine_class().exists(Path(index_dir))

    def outdated(self, index_dir: Path) -> bool:
        return self.engine_class().outdated(Path(index_dir))

    def damage(self, index_dir: Path) -> str | None:
        return self.engine_class().damage(Path(index_dir))

    def open(self, index_dir: Path, settings: dict | None = None, notify: Callable[[str], None] | None = None):
        return self.engine_class().open(Path(index_dir), settings or {}, notify)


ENGINES: dict[str, EngineEntry] = {entry.name: entry for entry in (
    EngineEntry("whoosh", "bigsearch.engines.whoosh_engine", "WhooshEngine",
                "the default; pure Python, one council's archive",
                ingest_worker=False,  # its writer analyses in worker processes of its own
                outgrown=(2000, "tantivy", "builds ~6× faster and searches ~10–20× faster"),
                files=r"_?bigsearch_v[0-9]+(_[0-9a-z]+)*\.[A-Za-z0-9_.]+$",
                locks=r"bigsearch_v[0-9]+(_[0-9a-z]+)*_WRITELOCK$"),
    EngineEntry("tantivy", "bigsearch.engines.tantivy_engine", "TantivyEngine",
                "large archives (tens of thousands of protocols): compiled, much faster builds and queries",
                files=r"([0-9a-f]{32}\.[a-z0-9.]+|meta\.json|\.managed\.json)$", locks=r"\.tantivy-[a-z-]+\.lock$"),
    EngineEntry("opensearch", "bigsearch.engines.opensearch_engine", "OpenSearchEngine",
                "the national case: a cluster, many users (--url, --index-name)",
                embedded=False, settings=("url", "index_name")),
)}
DEFAULT_ENGINE = "whoosh"
# Files of any index folder: the remembered engine, the record of verified files, the run lock.
SHARED_FILES = {ENGINE_FILE, ".bigsearch-verified.json"}
SHARED_LOCK = LOCK_NAME


@functools.cache
def _compiled(pattern: str) -> re.Pattern:
    return re.compile(pattern)


def _read(index_dir: Path) -> dict:
    try:
        data = json.loads((Path(index_dir) / ENGINE_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def remembered_engine(index_dir: Path) -> str | None:
    name = _read(index_dir).get("engine")
    return name if name in ENGINES else None


def _engine_file_damaged(index_dir: Path) -> bool:
    """engine.json is there but does not name an engine."""
    return (Path(index_dir) / ENGINE_FILE).exists() and remembered_engine(index_dir) is None


def remember_engine(index_dir: Path, name: str, **settings: str) -> None:
    """Writes engine.json; settings are an engine's connection details (opensearch: url, index_name — never credentials)."""
    from bigsearch.engines.durable import replace_durably

    path = Path(index_dir) / ENGINE_FILE
    temporary = path.with_suffix(".tmp")
    temporary.write_text(json.dumps({"engine": name, **settings}), encoding="utf-8")
    replace_durably(temporary, path)


def engine_settings(index_dir: Path) -> dict:
    """The connection details remembered with the engine (empty for the embedded engines)."""
    return {k: v for k, v in _read(index_dir).items() if k != "engine"}


def _names(index_dir: Path) -> list[str]:
    try:
        return os.listdir(index_dir)
    except (FileNotFoundError, NotADirectoryError):
        return []


def _owner(name: str) -> EngineEntry | None:
    return next((entry for entry in ENGINES.values() if entry.owns(name)), None)


def _is_lock(name: str) -> bool:
    return name == SHARED_LOCK or any(entry.locks_with(name) for entry in ENGINES.values())


def detected_engine(index_dir: Path) -> str | None:
    """The embedded engine whose files are in the folder, when there is exactly one."""
    found = {owner.name for name in _names(index_dir) if (owner := _owner(name))}
    return found.pop() if len(found) == 1 else None


def choose_engine(index_dir: Path, flag: str | None = None) -> EngineEntry:
    """--engine > the engine the index was built with (engine.json, else its files) > $BIGSEARCH_ENGINE > whoosh."""
    name = (flag or remembered_engine(index_dir) or detected_engine(index_dir) or os.environ.get("BIGSEARCH_ENGINE")
            or DEFAULT_ENGINE)
    if name not in ENGINES:
        raise ConfigError(f"unknown engine {name!r} — use one of {', '.join(ENGINES)} (--engine or BIGSEARCH_ENGINE)")
    return ENGINES[name]


def open_engine(index_dir: Path, name: str | None = None, settings: dict | None = None,
                notify: Callable[[str], None] | None = None):
    """The index's engine; `settings` (opensearch: url, index_name) override the remembered ones,
    `notify` hears what the engine has to say while it works (waiting for another writer)."""
    given = {k: v for k, v in (settings or {}).items() if v}
    return choose_engine(index_dir, name).open(Path(index_dir), {**engine_settings(index_dir), **given}, notify)


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
    if name is None and any(_owner(n) for n in names):
        return IndexState.DAMAGED, "it holds files of two engines and no engine.json"
    entry = ENGINES[name or DEFAULT_ENGINE]
    if not entry.embedded:
        return IndexState.PRESENT, f"an index on a cluster ({entry.name})"
    if entry.exists(index_dir):
        return IndexState.PRESENT, f"a {entry.name} index"
    if entry.outdated(index_dir):
        return IndexState.OUTDATED, "was built by another version"
    damage = entry.damage(index_dir)
    if damage:
        return IndexState.DAMAGED, damage
    foreign = sorted(n for n in names if n not in SHARED_FILES and not _is_lock(n) and not _owner(n))
    if foreign:
        return IndexState.FOREIGN, f"it holds files that are not a bigsearch index ({', '.join(foreign[:3])})"
    return IndexState.MISSING, "does not exist yet"


def index_exists(index_dir: Path) -> bool:
    """Whether a committed index is there (a cluster index is taken on trust: its engine reports a
    missing one when asked)."""
    return index_state(index_dir)[0] is IndexState.PRESENT


def index_outdated(index_dir: Path) -> bool:
    """Whether the index folder holds an index of another version of bigsearch (rebuilt when next built)."""
    return index_state(index_dir)[0] is IndexState.OUTDATED


def damaged(index_dir: Path) -> str | None:
    """Why the index cannot be used (a damaged folder, a damaged file — every file is read in
    full — or an index that does not open), or None."""
    state, reason = index_state(index_dir)
    if state is IndexState.DAMAGED:
        return reason
    entry = choose_engine(index_dir)
    if state is not IndexState.PRESENT or not entry.embedded:
        return None
    found = entry.engine_class().verify_fully(Path(index_dir))
    if not found.whole:
        return f"{found.damaged} {found.problem}"
    try:
        engine = entry.open(Path(index_dir))
        try:
            engine.check_open()
        finally:
            engine.close()
    except IndexCorruptError as exc:
        return str(exc)
    return None


def set_aside(index_dir: Path) -> Path:
    """Moves the index files (of any engine) into a new folder beside the index and returns it, so
    that a rebuild starts from an empty folder and the damaged files stay for a look. Locks stay."""
    index_dir = Path(index_dir)
    stamp = time.strftime("%Y%m%d-%H%M%S")
    aside, number = index_dir.with_name(f"{index_dir.name}.damaged-{stamp}"), 1
    while aside.exists():
        number += 1
        aside = index_dir.with_name(f"{index_dir.name}.damaged-{stamp}-{number}")
    try:
        aside.mkdir()
        for name in _names(index_dir):
            if _owner(name) or name in SHARED_FILES:
                os.replace(index_dir / name, aside / name)
    except OSError as exc:
        raise IndexWriteError(
            f"cannot move the damaged index at {index_dir} aside ({exc.strerror or exc}) — delete the index "
            "folder and run `bigsearch index` again"
        ) from exc
    return aside


def remove_other_engines(index_dir: Path, keep: str) -> list[str]:
    """Deletes the files of every embedded engine but `keep` (what a killed build or an engine
    change left behind), their lock files too; call under the run's lock (no writer of another
    engine can hold one then)."""
    removed = []
    for name in _names(index_dir):
        owner = _owner(name) or next((entry for entry in ENGINES.values() if entry.locks_with(name)), None)
        if owner is not None and owner.name != keep:
            path = Path(index_dir) / name
            try:
                if path.is_dir():
                    import shutil

                    shutil.rmtree(path)
                else:
                    path.unlink()
                removed.append(name)
            except OSError:
                continue  # a leftover that cannot go now goes with a later run
    return sorted(removed)


def check_index(index_dir: Path):
    """Every file of the index read in full (an IndexCheck): `bigsearch check`."""
    from bigsearch.engines.verified import IndexCheck

    index_dir = Path(index_dir)
    state, reason = index_state(index_dir)
    if state in (IndexState.MISSING, IndexState.FOREIGN):
        raise IndexMissingError(f"no index at {index_dir} ({reason}) — run `bigsearch index`")
    if state is IndexState.DAMAGED:
        return IndexCheck(str(index_dir), remembered_engine(index_dir) or detected_engine(index_dir) or "?",
                          damaged=str(index_dir), problem=reason)
    entry = choose_engine(index_dir)
    if state is IndexState.OUTDATED:
        return IndexCheck(str(index_dir), entry.name, damaged=str(index_dir),
                          problem="was built by another version of bigsearch")
    if not entry.embedded:
        raise ConfigError(f"`bigsearch check` reads the files of an embedded index; a {entry.name} cluster checks "
                          "its own shards")
    return entry.engine_class().verify_fully(index_dir)
