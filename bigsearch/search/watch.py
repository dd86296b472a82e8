"""Saved searches and what is new for them since they were last shown.

They live beside the index in a small SQLite file (<index>.watches.sqlite), so rebuilding the
index keeps them; paragraph ids are stable across re-indexing, so "seen" survives too.
"""

from __future__ import annotations

import json
import sqlite3
import time
from dataclasses import dataclass, field
from pathlib import Path

from bigsearch.errors import ConfigError, QueryError
from bigsearch.search.results import Filters, Hit
from bigsearch.search.searcher import Searcher

MAX_HITS = 100_000
_SCHEMA = """
CREATE TABLE IF NOT EXISTS watch (name TEXT PRIMARY KEY, query TEXT NOT NULL, filters TEXT NOT NULL,
                                  created REAL NOT NULL, shown REAL);
CREATE TABLE IF NOT EXISTS seen (name TEXT NOT NULL, paragraph_id TEXT NOT NULL, PRIMARY KEY (name, paragraph_id));
"""


@dataclass
class Watch:
    name: str
    query: str
    filters: dict
    created: float
    shown: float | None = None


@dataclass
class WatchReport:
    watch: Watch
    new: list[Hit] = field(default_factory=list)
    total: int = 0

    def to_json(self) -> dict:
        return {"name": self.watch.name, "query": self.watch.query, "filters": self.watch.filters,
                "total": self.total, "new": [hit.to_json() for hit in self.new]}


def watch_file(index_dir: Path) -> Path:
    index_dir = Path(index_dir)
    return index_dir.with_name(index_dir.name + ".watches.sqlite")


class Watches:
    def __init__(self, index_dir: Path):
        self.path = watch_file(index_dir)
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self.db = sqlite3.connect(self.path)
            self.db.executescript(_SCHEMA)
        except (OSError, sqlite3.Error) as exc:
            raise ConfigError(f"cannot use the saved searches at {self.path} ({exc}) — check the folder's permissions") from exc

    def close(self) -> None:
        self.db.close()

    def __enter__(self) -> Watches:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def list(self) -> list[Watch]:
        rows = self.db.execute("SELECT name, query, filters, created, shown FROM watch ORDER BY created").fetchall()
        return [Watch(name, query, json.loads(filters), created, shown) for name, query, filters, created, shown in rows]

    def _all_ids(self, searcher: Searcher, watch: Watch) -> tuple[list[Hit], int]:
        result = searcher.search_every(watch.query, Filters(**watch.filters), sort="-date", cap=MAX_HITS)
        return result.hits, result.total

    def add(self, searcher: Searcher, query: str, filters: Filters, name: str | None = None) -> tuple[Watch, int]:
        """Saves a search; what it finds now counts as seen. Returns the watch and its current hit count."""
        name = (name or query).strip()
        if not name:
            raise QueryError("a saved search needs a name — pass --name NAME")
        if self.db.execute("SELECT 1 FROM watch WHERE name = ?", (name,)).fetchone():
            raise QueryError(f"a saved search named {name!r} exists — pick another --name or `bigsearch watch remove {name}`")
        watch = Watch(name, query, {k: v for k, v in filters.to_json().items() if v}, time.time(), time.time())
        hits, total = self._all_ids(searcher, watch)  # validates the query and filters first
        with self.db:
            self.db.execute("INSERT INTO watch VALUES (?, ?, ?, ?, ?)",
                            (watch.name, watch.query, json.dumps(watch.filters, ensure_ascii=False), watch.created, watch.shown))
            self.db.executemany("INSERT OR IGNORE INTO seen VALUES (?, ?)", [(name, hit.id) for hit in hits])
        return watch, total

    def remove(self, name: str) -> None:
        with self.db:
            removed = self.db.execute("DELETE FROM watch WHERE name = ?", (name,)).rowcount
            self.db.execute("DELETE FROM seen WHERE name = ?", (name,))
        if not removed:
            known = ", ".join(w.name for w in self.list()) or "none"
            raise QueryError(f"no saved search named {name!r} (saved: {known}) — see `bigsearch watch list`")

    def report(self, searcher: Searcher, mark_seen: bool = True) -> list[WatchReport]:
        """Each saved search's hits that are new since it was last shown; then they count as seen."""
        reports = []
        for watch in self.list():
            hits, total = self._all_ids(searcher, watch)
            seen = {row[0] for row in self.db.execute("SELECT paragraph_id FROM seen WHERE name = ?", (watch.name,))}
            new = [hit for hit in hits if hit.id not in seen]
            reports.append(WatchReport(watch, new, total))
            if mark_seen:
                with self.db:
                    self.db.executemany("INSERT OR IGNORE INTO seen VALUES (?, ?)", [(watch.name, h.id) for h in new])
                    self.db.execute("UPDATE watch SET shown = ? WHERE name = ?", (time.time(), watch.name))
        return reports


def saved_searches(index_dir: Path) -> list[Watch]:
    """The saved searches, read without writing anything (no file yet: none): for readers that
    must never change them, such as the web page's feeds, which mark no hit as seen."""
    path = watch_file(index_dir)
    if not path.is_file():
        return []
    try:
        db = sqlite3.connect(f"{path.absolute().as_uri()}?mode=ro", uri=True)
        try:
            rows = db.execute("SELECT name, query, filters, created, shown FROM watch ORDER BY created").fetchall()
        finally:
            db.close()
    except sqlite3.Error as exc:
        raise ConfigError(f"cannot read the saved searches at {path} ({exc}) — check the file's permissions") from exc
    return [Watch(name, query, json.loads(filters), created, shown) for name, query, filters, created, shown in rows]
